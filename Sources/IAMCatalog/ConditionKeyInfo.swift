/// A condition key and its value type, from a service's table or the global-key table.
public struct ConditionKeyInfo: Sendable, Hashable {
  /// The key as declared, possibly a template such as `aws:RequestTag/${TagKey}` or
  /// `s3:ExistingObjectTag/<key>`.
  public let name: String
  /// The type AWS documents for the key.
  public let type: ConditionKeyType
  /// Further types AWS documents for the key. Only `aws:EpochTime` has one: AWS lists it as
  /// both Date and Numeric, so `NumericLessThan` on it is as valid as `DateLessThan`.
  public let alsoAcceptedTypes: [ConditionKeyType]
  /// The service whose table declares the key, or nil for an AWS global condition key.
  public let service: String?

  /// Makes a key entry; `service` is nil only for AWS global condition keys.
  public init(
    name: String, type: ConditionKeyType, alsoAcceptedTypes: [ConditionKeyType] = [],
    service: String?
  ) {
    self.name = name
    self.type = type
    self.alsoAcceptedTypes = alsoAcceptedTypes
    self.service = service
  }

  /// Whether the key is an AWS global condition key, usable in any service's policies.
  public var isGlobal: Bool { service == nil }

  /// Whether the name contains a placeholder (`${TagKey}`, `<key>`) that a concrete key fills.
  public var isTemplate: Bool { name.contains("${") || name.contains("<") }
}
