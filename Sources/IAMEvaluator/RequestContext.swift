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
/// Keys are case-insensitive (IAM User Guide, "Condition"), so they are matched
/// lowercased, with the spelling the user gave kept for messages. A request has
/// a handful of keys, so a small array searched by a precomputed hash beats a
/// dictionary (which would hash the key string on every condition).
/// `aws:CurrentTime` is a value here like any other: the evaluator reads no clock.
public struct RequestContext: Sendable, Hashable {
  public struct Entry: Sendable, Hashable {
    public var name: String
    public var lowercasedName: String
    public var hash: UInt64
    public var value: ContextValue

    /// An entry with its key lowercased and hashed once, to be set in many contexts.
    public init(name: String, value: ContextValue) {
      self.name = name
      self.lowercasedName = name.lowercased()
      self.hash = RequestContext.keyHash(lowercasedName)
      self.value = value
    }

    init(name: String, lowercasedName: String, hash: UInt64, value: ContextValue) {
      self.name = name
      self.lowercasedName = lowercasedName
      self.hash = hash
      self.value = value
    }
  }

  public private(set) var entries: [Entry] = []

  package mutating func reserveCapacity(_ n: Int) { entries.reserveCapacity(n) }

  public init() {}

  static let empty = RequestContext()

  public init(_ values: [String: ContextValue]) {
    for (k, v) in values.sorted(by: { $0.key < $1.key }) { self[k] = v }
  }

  /// The hash the context and conditions agree on for a lowercased key.
  public static func keyHash(_ lowercasedKey: String) -> UInt64 { PatternSet.hash(lowercasedKey.utf8) }

  public subscript(key: String) -> ContextValue? {
    get { value(lowercased: key.lowercased()) }
    set {
      let lower = key.lowercased()
      let hash = RequestContext.keyHash(lower)
      if let i = entries.firstIndex(where: { $0.hash == hash && $0.lowercasedName == lower }) {
        if let newValue { entries[i].value = newValue } else { entries.remove(at: i) }
      } else if let newValue {
        entries.append(Entry(name: key, lowercasedName: lower, hash: hash, value: newValue))
      }
    }
  }

  /// Sets a prepared entry: the same as `self[entry.name] = entry.value`, without
  /// lowercasing and hashing the key again.
  public mutating func set(_ entry: Entry) {
    for i in entries.indices where entries[i].hash == entry.hash && entries[i].lowercasedName == entry.lowercasedName {
      entries[i].value = entry.value
      return
    }
    entries.append(entry)
  }

  /// A key spelled once, lowercased and hashed once (for keys the evaluator adds itself).
  struct KnownKey: Sendable {
    let name: String
    let lowercasedName: String
    let hash: UInt64

    init(_ name: String) {
      self.name = name
      self.lowercasedName = name.lowercased()
      self.hash = RequestContext.keyHash(lowercasedName)
    }
  }

  /// Adds a key the context does not have yet; a value already there stays.
  mutating func addIfAbsent(_ key: KnownKey, _ value: @autoclosure () -> ContextValue) {
    for i in entries.indices where entries[i].hash == key.hash && entries[i].lowercasedName == key.lowercasedName {
      return
    }
    entries.append(Entry(name: key.name, lowercasedName: key.lowercasedName, hash: key.hash, value: value()))
  }

  /// Adds a prepared entry unless the context has its key; a value already there stays.
  mutating func addIfAbsent(_ entry: Entry) {
    for i in entries.indices where entries[i].hash == entry.hash && entries[i].lowercasedName == entry.lowercasedName {
      return
    }
    entries.append(entry)
  }

  /// The value for a lowercased key whose hash is known (the evaluator's fast path).
  @inline(__always)
  public func value(lowercased key: String, hash: UInt64) -> ContextValue? {
    for i in entries.indices where entries[i].hash == hash && entries[i].lowercasedName == key {
      return entries[i].value
    }
    return nil
  }

  public func value(lowercased key: String) -> ContextValue? {
    value(lowercased: key, hash: RequestContext.keyHash(key))
  }

  /// A single-valued key's value, for policy variables; multivalued keys have none.
  public func singleValue(lowercased key: String) -> String? {
    guard let v = value(lowercased: key), v.values.count == 1 else { return nil }
    return v.values[0]
  }

  public func contains(_ key: String) -> Bool { value(lowercased: key.lowercased()) != nil }

  public var keys: [String] { entries.map(\.name).sorted() }
}
