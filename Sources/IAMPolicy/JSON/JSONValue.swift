/// A parsed JSON value that remembers where it came from.
///
/// Objects keep their members in order, duplicates included, so the policy
/// parser can report a repeated key where it stands instead of silently
/// keeping one (Foundation's JSON keeps the last and forgets positions).
public struct JSONValue: Sendable {
  public enum Kind: Sendable {
    case object([JSONMember])
    case array([JSONValue])
    case string(String)
    /// The number exactly as written, so `1.50` stays `1.50` for string conditions.
    case number(String)
    case bool(Bool)
    case null
  }

  public var kind: Kind
  public var span: SourceSpan

  public init(_ kind: Kind, span: SourceSpan) {
    self.kind = kind
    self.span = span
  }

  /// A short name of the JSON type for messages: `string`, `array`, ...
  public var typeName: String {
    switch kind {
    case .object: "object"
    case .array: "array"
    case .string: "string"
    case .number: "number"
    case .bool: "boolean"
    case .null: "null"
    }
  }

  public var stringValue: String? {
    if case .string(let s) = kind { return s }
    return nil
  }

  public var members: [JSONMember]? {
    if case .object(let m) = kind { return m }
    return nil
  }

  public var elements: [JSONValue]? {
    if case .array(let a) = kind { return a }
    return nil
  }

  /// The first member with this exact key.
  public func member(_ key: String) -> JSONMember? {
    members?.first { $0.key == key }
  }

  /// Strings, numbers and booleans as the text a condition compares
  /// (IAM lets `"true"` and `true`, `"10"` and `10` mean the same).
  public var scalarText: String? {
    switch kind {
    case .string(let s): s
    case .number(let n): n
    case .bool(let b): b ? "true" : "false"
    default: nil
    }
  }
}

/// One `"key": value` pair of an object, with the key's own span.
public struct JSONMember: Sendable {
  public var key: String
  public var keySpan: SourceSpan
  public var value: JSONValue

  public init(key: String, keySpan: SourceSpan, value: JSONValue) {
    self.key = key
    self.keySpan = keySpan
    self.value = value
  }
}
