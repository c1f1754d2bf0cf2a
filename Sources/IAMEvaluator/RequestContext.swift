import IAMPolicy

/// The type AWS's simulator gives a context value (`ContextKeyType`).
public enum ContextType: String, Sendable, Hashable, Codable, CaseIterable {
  case string, stringList, numeric, numericList, boolean, booleanList, ip, ipList, binary, binaryList, date, dateList

  public var isList: Bool { rawValue.hasSuffix("List") }
}

/// One key's values in a request; several values make it a multivalued key.
public struct ContextValue: Sendable, Hashable {
  public var type: ContextType
  public var values: [String]

  public init(type: ContextType = .string, values: [String]) {
    self.type = type
    self.values = values
  }

  public init(_ value: String, type: ContextType = .string) {
    self.init(type: type, values: [value])
  }
}

/// The request context: condition keys and their values.
///
/// Keys are case-insensitive (IAM User Guide, "Condition"), so they are stored
/// lowercased, with the spelling the user gave kept for messages.
/// `aws:CurrentTime` is a value here like any other: the evaluator reads no clock.
public struct RequestContext: Sendable, Hashable {
  public private(set) var storage: [String: Entry] = [:]

  public struct Entry: Sendable, Hashable {
    public var name: String
    public var value: ContextValue
  }

  public init() {}

  public init(_ values: [String: ContextValue]) {
    for (k, v) in values { self[k] = v }
  }

  public subscript(key: String) -> ContextValue? {
    get { storage[key.lowercased()]?.value }
    set {
      if let newValue { storage[key.lowercased()] = Entry(name: key, value: newValue) } else {
        storage[key.lowercased()] = nil
      }
    }
  }

  /// The value for a lowercased key (the evaluator's fast path).
  @inline(__always) public func value(lowercased key: String) -> ContextValue? { storage[key]?.value }

  /// A single-valued key's value, for policy variables; multivalued keys have none.
  public func singleValue(lowercased key: String) -> String? {
    guard let v = storage[key]?.value, v.values.count == 1 else { return nil }
    return v.values[0]
  }

  public func contains(_ key: String) -> Bool { storage[key.lowercased()] != nil }

  public var keys: [String] { storage.values.map(\.name).sorted() }
}
