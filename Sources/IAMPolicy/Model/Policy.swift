/// Which kind of policy a document is; it decides which elements are allowed
/// and how the evaluator weighs it.
public enum PolicyKind: String, Sendable, Hashable, Codable, CaseIterable {
  case identity
  case resource
  case trust
  case permissionsBoundary
  case session
  case serviceControl
  case resourceControl

  /// The name AWS's simulator prints in `SourcePolicyType`.
  public var awsSourcePolicyType: String {
    switch self {
    case .identity: "IAM Policy"
    case .resource, .trust: "Resource Policy"
    case .permissionsBoundary: "Permissions Boundary Policy"
    case .session: "Session Policy"
    case .serviceControl: "Service Control Policy"
    case .resourceControl: "Resource Control Policy"
    }
  }

  /// Principal or NotPrincipal is required (resource-based) or forbidden (identity-like).
  public var takesPrincipal: Bool {
    switch self {
    case .resource, .trust, .resourceControl: true
    default: false
    }
  }

  public var displayName: String {
    switch self {
    case .identity: "identity-based policy"
    case .resource: "resource-based policy"
    case .trust: "trust policy"
    case .permissionsBoundary: "permissions boundary"
    case .session: "session policy"
    case .serviceControl: "service control policy (SCP)"
    case .resourceControl: "resource control policy (RCP)"
    }
  }
}

/// The policy language version; only 2012-10-17 substitutes policy variables.
public enum PolicyVersion: String, Sendable, Hashable, Codable {
  case v2012 = "2012-10-17"
  case v2008 = "2008-10-17"
  case absent = ""

  public var substitutesVariables: Bool { self == .v2012 }
}

public enum Effect: String, Sendable, Hashable, Codable {
  case allow = "Allow"
  case deny = "Deny"
}

/// Who a policy is, in one immutable object: what a reference to one of its statements
/// needs besides the statement, shared by every such reference instead of copied into each.
package final class PolicyOrigin: Sendable {
  package let id: String
  package let kind: PolicyKind
  package let source: SourceFile
  package let statements: [Statement]

  init(id: String, kind: PolicyKind, source: SourceFile, statements: [Statement]) {
    self.id = id
    self.kind = kind
    self.source = source
    self.statements = statements
  }
}

/// A parsed policy document.
public struct Policy: Sendable {
  /// How results and messages name it: `PolicyInputList.1`, `AdminAccess`, a path.
  public var id: String {
    didSet { origin = PolicyOrigin(id: id, kind: kind, source: source, statements: statements) }
  }
  public var kind: PolicyKind {
    didSet { origin = PolicyOrigin(id: id, kind: kind, source: source, statements: statements) }
  }
  public var version: PolicyVersion
  public var policyID: String?
  public var statements: [Statement] {
    didSet {
      plan = PolicyPlan(statements)
      tables = plan.tables
      origin = PolicyOrigin(id: id, kind: kind, source: source, statements: statements)
    }
  }
  /// The statements compiled for the evaluator (one shared, immutable object).
  package private(set) var plan: PolicyPlan
  /// The plan's tables, readable without retaining the plan.
  package private(set) var tables: PlanTables
  /// The text the statement spans point into.
  public var source: SourceFile {
    didSet { origin = PolicyOrigin(id: id, kind: kind, source: source, statements: statements) }
  }
  /// `id`, `kind` and `source` as one shared object, for statement references.
  package private(set) var origin: PolicyOrigin

  public init(
    id: String, kind: PolicyKind, version: PolicyVersion, policyID: String? = nil,
    statements: [Statement], source: SourceFile
  ) {
    self.id = id
    self.kind = kind
    self.version = version
    self.policyID = policyID
    self.statements = statements
    let plan = PolicyPlan(statements)
    self.plan = plan
    self.tables = plan.tables
    self.source = source
    self.origin = PolicyOrigin(id: id, kind: kind, source: source, statements: statements)
  }
}
