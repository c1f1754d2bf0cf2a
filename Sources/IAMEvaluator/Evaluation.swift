import IAMPolicy

/// The three answers AWS gives; the raw values are AWS's `EvalDecision` strings.
public enum Decision: String, Sendable, Hashable, Codable {
  case allowed
  case explicitDeny
  case implicitDeny
}

/// A statement that took part in a decision, with enough to point at it.
///
/// One reference, an index and the layer: answers carry one per matched statement, and
/// building them from copied strings and source files cost more than deciding.
public struct StatementRef: Sendable, Equatable {
  /// The policies in play, which keep the statement's policy alive. Holding them costs
  /// one retain of an object the evaluation has just read; the policy's own objects
  /// are cold in a batch. (Immutable once made; ManagedBuffer is not Sendable.)
  nonisolated(unsafe) let policies: ApplicablePolicies.Storage
  /// Where the policy's plan view sits in `policies`, and the statement's position in it.
  let segment: Int32
  let policyIndex: Int32
  let position: Int32
  public let layer: PolicyLayer

  init(policies: ApplicablePolicies.Storage, segment: Int, policyIndex: Int, position: Int, layer: PolicyLayer) {
    self.policies = policies
    self.segment = Int32(truncatingIfNeeded: segment)
    self.policyIndex = Int32(truncatingIfNeeded: policyIndex)
    self.position = Int32(truncatingIfNeeded: position)
    self.layer = layer
  }

  /// The statement's policy (its id, kind, source and statements) and its place there:
  /// what a writer needs, reached once instead of through each accessor below.
  package var origin: PolicyOrigin { policies.segment(Int(segment))[Int(policyIndex)].origin.takeUnretainedValue() }
  package var statementPosition: Int { Int(position) }
  var statement: Statement { origin.statements[Int(position)] }
  public var policyID: String { origin.id }
  public var kind: PolicyKind { origin.kind }
  public var statementIndex: Int { statement.index }
  public var sid: String? { statement.sid }
  public var effect: Effect { statement.effect }
  public var span: SourceSpan { statement.span }
  public var source: SourceFile { origin.source }

  public static func == (a: Self, b: Self) -> Bool {
    a.policyID == b.policyID && a.layer == b.layer && a.statementIndex == b.statementIndex
  }

  /// `PolicyInputList.1:3:5` style range of the statement.
  public var range: SourceRange { source.range(of: span) }

  /// `Statement[1] (Sid "DenyDelete") of PolicyInputList.1`.
  public var label: String {
    let sidText = sid.map { " (Sid \"\($0)\")" } ?? ""
    return "Statement[\(statementIndex)]\(sidText) of \(policyID)"
  }
}

/// How a resource-based policy named the caller, which decides whether its grant
/// stands alone (IAM User Guide, "Policy evaluation for requests within a single account").
public enum PrincipalMatch: String, Sendable, Hashable {
  /// `"*"` or `{"AWS": "*"}`.
  case wildcard
  /// The caller's account (root ARN or account ID): a delegation, not a grant.
  case account
  /// The caller itself: user ARN, session ARN, federated user, service, root.
  case principalItself
  /// The role whose session is calling: limited by the boundary and session policy.
  case roleOfSession
}

/// Why the decision came out as it did, in terms a renderer can explain.
public enum DecisionReason: Sendable, Equatable {
  case explicitDeny(StatementRef)
  case serviceControlMissingAllow(level: Int)
  case resourceControlMissingAllow(level: Int)
  case allowedByIdentity
  case allowedAsRoot
  case allowedByResourcePolicy(PrincipalMatch)
  case allowedCrossAccount
  case allowedTrustDelegatedToAccount
  case noIdentityAllow
  case boundaryMissingAllow
  case sessionPolicyMissingAllow
  case crossAccountMissingResourceGrant
  case crossAccountMissingIdentityAllow
  case trustPolicyDoesNotTrustCaller
  case keyPolicyDoesNotTrustCaller
  case serviceNotNamed
}

/// The answer for one request.
public struct Evaluation: Sendable {
  public var decision: Decision
  public var reason: DecisionReason
  /// The statements that decided it: the denies for `explicitDeny`, the allows for `allowed`.
  public var matchedStatements: [StatementRef]
  /// Condition keys that statements asked for and the request did not have (each once,
  /// as first spelled).
  public var missingContextKeys: [String] {
    get { missingKeys.keys }
    set { missingKeys = .keys(newValue) }
  }
  /// Kept as the conditions until asked for: the conditions were just read while
  /// deciding, their key strings were not, and most callers of a batch never look.
  var missingKeys: MissingKeys
  /// Whether the permissions boundary allowed the request (nil when there is none).
  public var allowedByPermissionsBoundary: Bool?
  /// Whether every SCP and RCP level allowed it (nil when there are none).
  public var allowedByOrganizations: Bool?
  /// Whether the request crossed accounts.
  public var isCrossAccount: Bool

  /// Every layer and statement with why it applied or not; nil when not recorded.
  public var trace: Trace?
  /// The account that owns the resource, as the evaluation took it.
  public var resourceOwner: String? = nil
}

/// The keys a request lacked, as `Evaluation.missingContextKeys` gives them.
enum MissingKeys: Sendable {
  case none
  case one(Condition)
  /// In the order found; the same key may appear more than once.
  case conditions([Condition])
  case keys([String])

  var keys: [String] {
    switch self {
    case .none: return []
    case .one(let condition): return condition.keyAsList
    case .keys(let keys): return keys
    case .conditions(let conditions):
      var unique: [String] = []
      unique.reserveCapacity(conditions.count)
      for (i, condition) in conditions.enumerated() {
        let seen = conditions[..<i].contains {
          $0.lookupHash == condition.lookupHash && $0.key.caseInsensitiveEquals(condition.key)
        }
        if !seen { unique.append(condition.key) }
      }
      return unique
    }
  }
}

/// What the evaluator saw, per layer and per statement.
public struct Trace: Sendable {
  public var layers: [LayerTrace]
}

public struct LayerTrace: Sendable {
  public var layer: PolicyLayer
  public var statements: [StatementTrace]
  /// Whether any Allow / Deny statement of the layer applied.
  public var hasAllow: Bool
  public var hasDeny: Bool
}

public struct StatementTrace: Sendable {
  public var ref: StatementRef
  public var verdict: Verdict

  public enum Verdict: Sendable {
    case applies(PrincipalMatch?)
    case doesNotApply(Mismatch)
  }
}

/// The exact reason a statement did not apply to a request.
public enum Mismatch: Sendable {
  /// No pattern in `Action` matches the action.
  case action(patterns: [String])
  /// `NotAction` lists the action.
  case notAction(pattern: String)
  /// No pattern in `Resource` matches the resource (a variable may have had no value).
  case resource(patterns: [String], unresolved: [String])
  /// `NotResource` lists the resource.
  case notResource(pattern: String)
  /// No `Principal` entry names the caller.
  case principal(patterns: [String])
  /// `NotPrincipal` lists the caller.
  case notPrincipal(pattern: String)
  case condition(ConditionFailure)
}

/// Which condition failed and why.
public struct ConditionFailure: Sendable {
  public enum Reason: Sendable, Equatable {
    /// The request has no value for the key.
    case keyMissing
    /// The key is present when `Null` wanted it absent, or the reverse.
    case nullCheck(keyPresent: Bool)
    /// No value matched (positive) or some value matched (negated operator).
    case valueMismatch
    /// `ForAllValues`: a request value was not among the policy's values.
    case valueNotInSet(String)
    /// The request value is not of the operator's type (not a number, date, IP...).
    case typeMismatch(String)
  }

  public var op: ConditionOperator
  public var key: String
  public var policyValues: [String]
  public var requestValues: [String]?
  public var reason: Reason
  public var span: SourceSpan
}
