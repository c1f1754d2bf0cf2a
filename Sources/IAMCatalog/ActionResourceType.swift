/// One resource type an action can be scoped to, from the action's row in AWS's table.
///
/// `required` is AWS's asterisk: a `Resource` naming only other types does not authorize
/// the action. When an action lists several alternatives (S3's `object` and
/// `accesspointobject`), AWS stars none of them, because either one is enough.
public struct ActionResourceType: Sendable, Hashable {
  /// The resource type's name as the service declares it, such as `object`.
  public let name: String
  /// Whether AWS marks the resource type as required (`*`) for the action.
  public let required: Bool

  /// Makes an entry; the catalog builds these from `catalog.tsv`.
  public init(name: String, required: Bool) {
    self.name = name
    self.required = required
  }
}
