/// One AWS managed policy: its identity and the text of its default version's document.
///
/// The document stays JSON text so that the tutor parses it with IAMPolicy's own parser,
/// which keeps source positions for diagnostics and traces.
public struct ManagedPolicyInfo: Sendable, Hashable {
  /// Such as `arn:aws:iam::aws:policy/job-function/ViewOnlyAccess`.
  public let arn: String
  /// Such as `ViewOnlyAccess`.
  public let name: String
  /// Such as `/job-function/`.
  public let path: String
  /// The version the document belongs to, such as `v17`.
  public let defaultVersionId: String
  /// ISO 8601 timestamps as AWS reports them, such as `2015-02-06T18:39:46+00:00`.
  public let createDate: String
  /// When AWS last published a new default version.
  public let updateDate: String
  /// The policy document as compact JSON with sorted keys (so `Statement` comes before
  /// `Version`; AWS's own key order is not in the source data).
  public let documentJSON: String

  /// Makes a policy value; `ManagedPolicyCatalog` builds these from its index and documents.
  public init(
    arn: String, name: String, path: String, defaultVersionId: String, createDate: String,
    updateDate: String, documentJSON: String
  ) {
    self.arn = arn
    self.name = name
    self.path = path
    self.defaultVersionId = defaultVersionId
    self.createDate = createDate
    self.updateDate = updateDate
    self.documentJSON = documentJSON
  }
}
