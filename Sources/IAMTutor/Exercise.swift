import IAMEvaluator
import IAMPolicy

/// One exercise: a task, how it is graded, and how the learner is helped.
///
/// Exercises are graded by behaviour, never by text: a policy passes when the
/// shared evaluator gives every check the expected decision and the
/// least-privilege sweep finds nothing it allows beyond the task, however the
/// policy is written.
public struct Exercise: Sendable {
  public enum Kind: String, Sendable, CaseIterable {
    /// Write or fix a policy document.
    case policy
    /// Answer "can X do Y?" with yes or no and the reason.
    case can
    /// Say allow or deny for each listed request.
    case predict
  }

  /// `lesson/name`: a public interface instructors reference.
  public var id: String
  public var lesson: String
  public var title: String
  public var kind: Kind
  /// Markdown shown to the learner.
  public var prompt: String
  /// From a nudge to nearly the answer, revealed one at a time.
  public var hints: [String]
  /// Why the solution is right and what common wrong answers get wrong.
  public var explanation: String
  public var setup: ExerciseSetup
  /// The exercise file, for positions in messages.
  public var source: SourceFile

  // Policy exercises
  /// The kind of document the learner writes (identity, trust, resource, boundary, scp).
  public var document: PolicyKind
  /// The principal (identity-like documents) or resource (trust and resource policies) it is attached to.
  public var attachedTo: String?
  /// Every principal an identity-like document applies to (a group policy: each member).
  public var attachedToAll: [String] = []
  public var starter: String
  public var solution: String
  public var checks: [ExerciseCheck]
  /// Everything the task allows; the sweep reports any other request the answer allows.
  public var intended: [IntendedGrant]
  public var sweep: SweepSpec

  // Can and predict exercises
  /// The question of a `can` exercise.
  public var question: ExerciseRequest?
  /// The author's answer to a `can` exercise (checked against the evaluator by lint).
  public var expectedAllowed: Bool?
  /// The reason the author expects (checked against the evaluator by lint).
  public var expectedReason: ReasonCategory?
  /// The requests of a `predict` exercise, with the author's expected decisions.
  public var predictions: [ExerciseCheck]

  /// The exercise's short name within its lesson: `trust-policy` in `ec2-role/trust-policy`.
  public var name: String { String(id.split(separator: "/").last ?? Substring(id)) }
}

/// A request an exercise asks about.
public struct ExerciseRequest: Sendable, Equatable {
  public var principal: String
  public var action: String
  public var resource: String
  public var context: [String: ContextValue]

  public init(principal: String, action: String, resource: String, context: [String: ContextValue] = [:]) {
    self.principal = principal
    self.action = action
    self.resource = resource
    self.context = context
  }

  /// `user/DevUser s3:GetObject arn:aws:s3:::my-bucket/photo.jpg`, short names for people.
  public var summary: String {
    var text = "\(ExerciseRequest.shortName(principal)) → \(action) on \(resource)"
    if !context.isEmpty {
      text += " with " + context.keys.sorted().map { "\($0)=\(context[$0]?.values.joined(separator: ",") ?? "")" }.joined(separator: " ")
    }
    return text
  }

  /// `arn:aws:iam::111122223333:user/DevUser` → `DevUser (111122223333)`.
  public static func shortName(_ principal: String) -> String {
    guard let arn = ARN(principal) else { return principal }
    let name = arn.resource.split(separator: "/").last.map(String.init) ?? arn.resource
    if arn.resource == "root" { return "account \(arn.account) (root)" }
    return "\(arn.resourceType) \(name) (\(arn.account))"
  }
}

/// A graded request and the decision the task requires.
public struct ExerciseCheck: Sendable {
  public enum Expectation: String, Sendable {
    case allow, deny

    public func accepts(_ decision: Decision) -> Bool {
      (self == .allow) == (decision == .allowed)
    }
  }

  public var request: ExerciseRequest
  public var expect: Expectation
  /// Why the task wants this decision, in the learner's words.
  public var why: String?
}

/// A slice of what the task allows: these principals may do these actions on these resources.
public struct IntendedGrant: Sendable {
  public var principals: [String]
  /// Action patterns (`s3:GetObject`, `s3:Get*`), case-insensitive.
  public var actions: [String]
  /// Resource patterns (`arn:aws:s3:::my-bucket/*`).
  public var resources: [String]
}

/// Extra material for the least-privilege sweep beyond what the checks name.
public struct SweepSpec: Sendable {
  public var principals: [String] = []
  public var resources: [String] = []
  public var services: [String] = []
  /// Set to false for exercises where over-granting is not the point.
  public var enabled = true
}

/// The fixed world every request of an exercise is evaluated in.
public struct ExerciseSetup: Sendable {
  /// The account principals and resources belong to unless their ARN says otherwise.
  public var account: String = "123456789012"
  /// Principal ARN → its identity-based policies (a role's apply to its sessions).
  public var identity: [String: [Policy]] = [:]
  public var boundary: [String: [Policy]] = [:]
  public var session: [String: [Policy]] = [:]
  /// Resource ARN → its resource-based policies (a bucket's policy covers its objects).
  public var resource: [String: [Policy]] = [:]
  /// Resource ARN → owning account, for ARNs that do not carry one (S3).
  public var owners: [String: String] = [:]
  /// SCP levels (root first) for principals of `account`.
  public var serviceControlLevels: [[Policy]]?
  /// RCP levels (root first) for resources of `account`.
  public var resourceControlLevels: [[Policy]]?

  public init() {}
}

/// Why a request is allowed or denied, in the categories a learner chooses from.
public enum ReasonCategory: String, Sendable, CaseIterable {
  case allowed = "allowed"
  case explicitDeny = "explicit-deny"
  case noIdentityPolicy = "no-identity-policy"
  case trustPolicy = "trust-policy"
  case permissionsBoundary = "permissions-boundary"
  case sessionPolicy = "session-policy"
  case serviceControlPolicy = "scp"
  case resourceControlPolicy = "rcp"
  case crossAccountResourcePolicy = "cross-account-resource-policy"

  /// What the learner sees when choosing.
  public var text: String {
    switch self {
    case .allowed: "it is allowed"
    case .explicitDeny: "an explicit Deny blocks it"
    case .noIdentityPolicy: "no identity-based policy allows it"
    case .trustPolicy: "the role's trust policy (or a key policy) does not allow the caller"
    case .permissionsBoundary: "the permissions boundary does not allow it"
    case .sessionPolicy: "the session policy does not allow it"
    case .serviceControlPolicy: "a service control policy (SCP) does not allow it"
    case .resourceControlPolicy: "a resource control policy (RCP) does not allow it"
    case .crossAccountResourcePolicy: "the other account's resource-based policy does not allow it"
    }
  }

  /// The category of an evaluation's reason.
  public init(_ reason: DecisionReason) {
    switch reason {
    case .explicitDeny: self = .explicitDeny
    case .serviceControlMissingAllow: self = .serviceControlPolicy
    case .resourceControlMissingAllow: self = .resourceControlPolicy
    case .allowedByIdentity, .allowedAsRoot, .allowedByResourcePolicy, .allowedCrossAccount,
      .allowedTrustDelegatedToAccount:
      self = .allowed
    case .noIdentityAllow, .crossAccountMissingIdentityAllow: self = .noIdentityPolicy
    case .boundaryMissingAllow: self = .permissionsBoundary
    case .sessionPolicyMissingAllow: self = .sessionPolicy
    case .crossAccountMissingResourceGrant: self = .crossAccountResourcePolicy
    // A service has no identity policies: only a trust (or other resource) policy could let it in.
    case .trustPolicyDoesNotTrustCaller, .keyPolicyDoesNotTrustCaller, .serviceNotNamed: self = .trustPolicy
    }
  }
}
