/// One AWS service from the Service Authorization Reference: its actions, resource types
/// and condition keys.
public struct ServiceInfo: Sendable, Equatable {
  /// The prefix policies use, such as `s3` in `s3:GetObject`.
  public let prefix: String
  /// The service's name, such as `Amazon S3`.
  public let name: String
  /// The service's page in the Service Authorization Reference, for "read more" links.
  public let authorizationURL: String
  /// Actions sorted by name, ignoring case.
  public let actions: [ActionInfo]
  /// Resource types sorted by name, ignoring case.
  public let resourceTypes: [ResourceTypeInfo]
  /// Condition keys the service declares, sorted ignoring case.
  public let conditionKeys: [ConditionKeyInfo]

  /// Makes a service; actions, resource types and keys must be sorted ignoring case,
  /// because lookups binary-search them.
  public init(
    prefix: String, name: String, authorizationURL: String, actions: [ActionInfo],
    resourceTypes: [ResourceTypeInfo], conditionKeys: [ConditionKeyInfo]
  ) {
    self.prefix = prefix
    self.name = name
    self.authorizationURL = authorizationURL
    self.actions = actions
    self.resourceTypes = resourceTypes
    self.conditionKeys = conditionKeys
  }

  /// The action with this name, ignoring case as IAM does (`getobject` finds `GetObject`).
  public func action(named name: String) -> ActionInfo? {
    actions.binarySearch(name, key: \.name)
  }

  /// The resource type with this name, ignoring case.
  public func resourceType(named name: String) -> ResourceTypeInfo? {
    resourceTypes.binarySearch(name, key: \.name)
  }
}
