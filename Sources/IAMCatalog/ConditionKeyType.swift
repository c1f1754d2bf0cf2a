/// The value type of a condition key, which decides the condition operators that make sense.
///
/// A `StringEquals` on a `Date` key or a `ForAnyValue:` qualifier on a single-valued key is a
/// common learner mistake; these types let the tutor point it out (IAM User Guide, "IAM JSON
/// policy elements: Condition operators").
public enum ConditionKeyType: String, Sendable, CaseIterable, Hashable {
  case string = "String"
  case arn = "ARN"
  case bool = "Bool"
  case numeric = "Numeric"
  case date = "Date"
  case ipAddress = "IPAddress"
  case binary = "Binary"
  case arrayOfString = "ArrayOfString"
  case arrayOfARN = "ArrayOfARN"
  case arrayOfBool = "ArrayOfBool"
  case arrayOfNumeric = "ArrayOfNumeric"
  case arrayOfDate = "ArrayOfDate"
  case arrayOfIPAddress = "ArrayOfIPAddress"
  case arrayOfBinary = "ArrayOfBinary"

  /// Whether the key can carry several values, so that `ForAnyValue:`/`ForAllValues:` apply.
  public var isMultivalued: Bool { rawValue.hasPrefix("ArrayOf") }

  /// The type of each value: `String` for `ArrayOfString`, itself for single-valued types.
  public var elementType: ConditionKeyType {
    switch self {
    case .arrayOfString: .string
    case .arrayOfARN: .arn
    case .arrayOfBool: .bool
    case .arrayOfNumeric: .numeric
    case .arrayOfDate: .date
    case .arrayOfIPAddress: .ipAddress
    case .arrayOfBinary: .binary
    default: self
    }
  }
}
