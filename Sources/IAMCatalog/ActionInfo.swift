/// What the Service Authorization Reference says about one action, such as `s3:GetObject`.
///
/// The tutor needs the access level to explain risk, the resource types to tell a learner
/// why `Resource: "arn:aws:s3:::bucket"` does not cover `s3:GetObject`, and the condition
/// keys to say which `Condition` entries can ever match this action.
public struct ActionInfo: Sendable, Hashable {
  /// The service prefix, such as `s3`.
  public let service: String
  /// The action name in AWS's spelling, such as `GetObject`.
  public let name: String
  /// The access level AWS assigns, used to explain how risky granting the action is.
  public let accessLevel: AccessLevel
  /// The resource types the action can be scoped to; required ones first. Empty means the
  /// action only supports `"Resource": "*"` (about 6,300 actions, such as `s3:ListAllMyBuckets`).
  public let resourceTypes: [ActionResourceType]
  /// Condition keys AWS lists for the action, over all of its resource-type rows.
  ///
  /// Keys declared only on a resource type (its `ResourceTypeInfo.conditionKeys`) apply too.
  /// Templates such as `aws:RequestTag/${TagKey}` are kept as written.
  public let conditionKeys: [String]
  /// Other actions AWS says the caller also needs, such as `iam:PassRole` for
  /// `ec2:RunInstances` with a role.
  public let dependentActions: [String]

  /// Makes an action; the catalog builds these from `catalog.tsv`.
  public init(
    service: String, name: String, accessLevel: AccessLevel,
    resourceTypes: [ActionResourceType], conditionKeys: [String], dependentActions: [String]
  ) {
    self.service = service
    self.name = name
    self.accessLevel = accessLevel
    self.resourceTypes = resourceTypes
    self.conditionKeys = conditionKeys
    self.dependentActions = dependentActions
  }

  /// The action as a policy writes it: `s3:GetObject`.
  public var fullName: String { service + ":" + name }

  /// Whether the action can only be granted with `"Resource": "*"`.
  public var requiresWildcardResource: Bool { resourceTypes.isEmpty }
}
