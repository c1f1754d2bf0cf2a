#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A condition operator such as `ForAllValues:StringLikeIfExists`.
public struct ConditionOperator: Sendable, Hashable, CustomStringConvertible {
  /// The operator families of IAM User Guide, "IAM JSON policy elements: Condition operators".
  public enum Base: String, Sendable, Hashable, CaseIterable {
    case stringEquals = "StringEquals"
    case stringNotEquals = "StringNotEquals"
    case stringEqualsIgnoreCase = "StringEqualsIgnoreCase"
    case stringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase"
    case stringLike = "StringLike"
    case stringNotLike = "StringNotLike"
    case numericEquals = "NumericEquals"
    case numericNotEquals = "NumericNotEquals"
    case numericLessThan = "NumericLessThan"
    case numericLessThanEquals = "NumericLessThanEquals"
    case numericGreaterThan = "NumericGreaterThan"
    case numericGreaterThanEquals = "NumericGreaterThanEquals"
    case dateEquals = "DateEquals"
    case dateNotEquals = "DateNotEquals"
    case dateLessThan = "DateLessThan"
    case dateLessThanEquals = "DateLessThanEquals"
    case dateGreaterThan = "DateGreaterThan"
    case dateGreaterThanEquals = "DateGreaterThanEquals"
    case bool = "Bool"
    case binaryEquals = "BinaryEquals"
    case ipAddress = "IpAddress"
    case notIpAddress = "NotIpAddress"
    case arnEquals = "ArnEquals"
    case arnLike = "ArnLike"
    case arnNotEquals = "ArnNotEquals"
    case arnNotLike = "ArnNotLike"
    case null = "Null"

    /// Every operator's name as bytes, for `ConditionOperator.parseASCII`.
    static let asciiNames: [(name: [UInt8], base: Base)] = allCases.map { (Array($0.rawValue.utf8), $0) }

    public enum Family: String, Sendable {
      case string, numeric, date, bool, binary, ipAddress, arn, null
    }

    public var family: Family {
      switch self {
      case .stringEquals, .stringNotEquals, .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase,
        .stringLike, .stringNotLike:
        .string
      case .numericEquals, .numericNotEquals, .numericLessThan, .numericLessThanEquals,
        .numericGreaterThan, .numericGreaterThanEquals:
        .numeric
      case .dateEquals, .dateNotEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan,
        .dateGreaterThanEquals:
        .date
      case .bool: .bool
      case .binaryEquals: .binary
      case .ipAddress, .notIpAddress: .ipAddress
      case .arnEquals, .arnLike, .arnNotEquals, .arnNotLike: .arn
      case .null: .null
      }
    }

    /// Negated operators are true when no policy value matches, and when the key is missing.
    public var isNegated: Bool {
      switch self {
      case .stringNotEquals, .stringNotEqualsIgnoreCase, .stringNotLike, .numericNotEquals,
        .dateNotEquals, .notIpAddress, .arnNotEquals, .arnNotLike:
        true
      default: false
      }
    }

    /// Only these take `*` and `?` in policy values (ArnEquals does too, per AWS).
    public var allowsWildcards: Bool {
      switch self {
      case .stringLike, .stringNotLike, .arnEquals, .arnLike, .arnNotEquals, .arnNotLike: true
      default: false
      }
    }

    /// Policy variables are substituted only in String and ARN operators.
    public var allowsVariables: Bool { family == .string || family == .arn }

    /// The positive operator a negated one inverts (StringNotLike → StringLike).
    public var positive: Base {
      switch self {
      case .stringNotEquals: .stringEquals
      case .stringNotEqualsIgnoreCase: .stringEqualsIgnoreCase
      case .stringNotLike: .stringLike
      case .numericNotEquals: .numericEquals
      case .dateNotEquals: .dateEquals
      case .notIpAddress: .ipAddress
      case .arnNotEquals: .arnEquals
      case .arnNotLike: .arnLike
      default: self
      }
    }
  }

  public enum SetQualifier: String, Sendable, Hashable {
    case forAnyValue = "ForAnyValue"
    case forAllValues = "ForAllValues"
  }

  public var base: Base
  public var set: SetQualifier?
  public var ifExists: Bool

  public init(base: Base, set: SetQualifier? = nil, ifExists: Bool = false) {
    self.base = base
    self.set = set
    self.ifExists = ifExists
  }

  /// Parses an operator name; names are case-sensitive as AWS writes them.
  public init?(_ text: String) {
    var bytes = text
    switch bytes.withUTF8({ ConditionOperator.parseASCII($0) }) {
    case .some(let parsed?): self = parsed
    case .some(nil): return nil
    case nil: self.init(characters: text)
    }
  }

  /// The same reading over the bytes of ASCII text (where each byte is a Character),
  /// without a string switch; nil for other text, which `init(characters:)` decides.
  static func parseASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> ConditionOperator?? {
    for b in bytes where b >= 0x80 { return nil }
    func has(_ word: StaticString, at start: Int) -> Bool {
      let count = word.utf8CodeUnitCount
      guard start >= 0, start + count <= bytes.count else { return false }
      return memcmp(bytes.baseAddress! + start, word.utf8Start, count) == 0
    }
    var start = 0
    var end = bytes.count
    var set: SetQualifier?
    if has("ForAnyValue:", at: 0) {
      set = .forAnyValue
      start = 12
    } else if has("ForAllValues:", at: 0) {
      set = .forAllValues
      start = 13
    }
    var ifExists = false
    if end - start >= 8 && has("IfExists", at: end - 8) {
      ifExists = true
      end -= 8
    }
    let name = UnsafeBufferPointer(rebasing: bytes[start..<end])
    guard let base = Base.asciiNames.first(where: { $0.name.elementsEqual(name) })?.base else { return .some(nil) }
    if base == .null && ifExists { return .some(nil) }
    return ConditionOperator(base: base, set: set, ifExists: ifExists)
  }

  init?(characters text: String) {
    var rest = Substring(text)
    var set: SetQualifier?
    if rest.hasPrefix("ForAnyValue:") {
      set = .forAnyValue
      rest = rest.dropFirst("ForAnyValue:".count)
    } else if rest.hasPrefix("ForAllValues:") {
      set = .forAllValues
      rest = rest.dropFirst("ForAllValues:".count)
    }
    var ifExists = false
    if rest.hasSuffix("IfExists") {
      ifExists = true
      rest = rest.dropLast("IfExists".count)
    }
    guard let base = Base(rawValue: String(rest)) else { return nil }
    if base == .null && ifExists { return nil }
    self.init(base: base, set: set, ifExists: ifExists)
  }

  public var description: String {
    (set.map { $0.rawValue + ":" } ?? "") + base.rawValue + (ifExists ? "IfExists" : "")
  }
}

/// One `"operator": {"key": values}` entry; several in a statement are ANDed.
/// Immutable; a class so the evaluator passes a reference.
public final class Condition: Sendable {
  public let op: ConditionOperator
  /// The key as written, for messages.
  public let key: String
  /// Lowercased: condition key names are case-insensitive.
  public let lookupKey: String
  /// `PatternSet.hash` of `lookupKey`, so the request context finds it without rehashing.
  public let lookupHash: UInt64
  /// Several values for one key are ORed (NOR for negated operators).
  public let values: [ConditionValue]
  /// `[key]`, made once: the usual missing-keys answer, shared instead of allocated per request.
  public let keyAsList: [String]
  /// Whether a value holds policy variables (then values are resolved per request).
  public let hasTemplates: Bool
  /// The span of the key and its values.
  public let span: SourceSpan
  public let operatorSpan: SourceSpan

  public init(
    op: ConditionOperator, key: String, values: [ConditionValue], span: SourceSpan,
    operatorSpan: SourceSpan
  ) {
    self.op = op
    self.key = key
    self.keyAsList = [key]
    self.lookupKey = key.lowercased()
    self.lookupHash = PatternSet.hash(lookupKey.utf8)
    self.values = values
    self.hasTemplates = values.contains { $0.template != nil }
    self.span = span
    self.operatorSpan = operatorSpan
  }
}

/// A value of a condition, prepared once for its operator's family.
public struct ConditionValue: Sendable {
  public var text: String
  public var span: SourceSpan
  /// Present when the value holds policy variables (2012-10-17 only).
  public var template: VariableTemplate?
  /// Tokens for String and ARN comparison, with wildcards only where the operator allows them.
  public var tokens: [UInt16]
  /// Parsed forms for the other families, nil when the text is not of that type.
  public var number: Double?
  public var date: Double?
  public var network: IPNetwork?
  public var bool: Bool?

  public init(text: String, span: SourceSpan, op: ConditionOperator.Base, substitutesVariables: Bool) {
    self.text = text
    self.span = span
    let wildcards = op.allowsWildcards
    if substitutesVariables && op.allowsVariables {
      template = VariableTemplate.parse(text, wildcards: wildcards)
    }
    var tokenText = text
    if op == .stringEqualsIgnoreCase || op == .stringNotEqualsIgnoreCase { tokenText = text.lowercased() }
    tokens = WildcardPattern(tokenText, wildcards: wildcards).tokens
    switch op.family {
    case .numeric: number = NumericValue.parse(text)
    case .date: date = DateValue.parse(text)
    case .ipAddress: network = IPNetwork(text)
    case .bool, .null: bool = BoolValue.parse(text)
    default: break
    }
  }
}
