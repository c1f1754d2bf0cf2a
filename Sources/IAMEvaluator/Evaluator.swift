import IAMPolicy

/// AWS's policy evaluation logic as a pure function of a request and its policies.
///
/// The flow follows the IAM User Guide's "Policy evaluation logic" and
/// "Cross-account policy evaluation logic": an explicit deny anywhere wins;
/// every SCP and RCP level must allow; within one account an allow from the
/// identity side (limited by the boundary and the session policy) or a
/// resource-based grant that stands on its own is enough; across accounts
/// both accounts must allow. Role trust policies and KMS key policies must
/// always allow the caller or its account.
public struct Evaluator: Sendable {
  public struct Options: Sendable {
    /// Record every statement's verdict (for `--explain` and grading feedback).
    public var recordsTrace: Bool

    public init(recordsTrace: Bool = true) {
      self.recordsTrace = recordsTrace
    }
  }

  public var options: Options

  public init(options: Options = Options()) {
    self.options = options
  }

  public func evaluate(_ request: Request, against policies: ApplicablePolicies) -> Evaluation {
    // Applying statements are collected as integers in a stack buffer as large as the
    // statements in play (at most 64); a request that matches more statements than fit
    // runs again with a larger one (deciding is pure). Counting the statements reads
    // every policy's plan header first, in a loop of independent loads: in a batch the
    // plans are cold in the cache, and these misses then overlap instead of each
    // waiting for the one before it during the evaluation.
    var statements = 0
    for ref in policies.storage.allPlans { statements &+= ref.tables.statementCount }
    var capacity = min(max(statements, 8), 64)
    while true {
      let evaluation = withUnsafeTemporaryAllocation(of: Hit.self, capacity: capacity) { buffer in
        withUnsafeTemporaryAllocation(of: Unmanaged<Condition>.self, capacity: capacity) { missing in
          var run = Run(explain: options.recordsTrace, hits: buffer, missingConditions: missing)
          return run.evaluate(request, against: policies)
        }
      }
      if let evaluation { return evaluation }
      capacity *= 16
    }
  }
}

/// How `Principal` entries name callers.
enum PrincipalMatcher {
  static func match(_ value: PrincipalPattern.Value, _ caller: Principal) -> PrincipalMatch? {
    switch value {
    case .anyone:
      return .wildcard
    case .account(let account):
      if case .accountRoot(let a) = caller, a == account { return .principalItself }
      switch caller {
      case .service, .anonymous, .unspecified: return nil
      default: return caller.account == account ? .account : nil
      }
    case .user(_, let arn):
      if case .user(_, _, let callerArn) = caller, callerArn == arn { return .principalItself }
      return nil
    case .role(let account, let name, let arn):
      switch caller {
      case .assumedRole(let a, let role, _, _) where a == account && role == name: return .roleOfSession
      case .role(_, _, _, let callerArn) where callerArn == arn: return .roleOfSession
      case .role(let a, let n, _, _) where a == account && n == name: return .roleOfSession
      default: return nil
      }
    case .assumedRole(_, _, _, let arn):
      if case .assumedRole(_, _, _, let callerArn) = caller, callerArn == arn { return .principalItself }
      return nil
    case .federatedUser(_, let arn):
      if case .federatedUser(_, _, let callerArn) = caller, callerArn == arn { return .principalItself }
      return nil
    case .service(let name):
      if case .service(let s) = caller, s == name { return .principalItself }
      return nil
    case .otherAWS(let text):
      return caller.arn == text ? .principalItself : nil
    case .federated, .canonicalUser:
      return nil
    }
  }

  /// Prefer the match that lets a grant stand on its own.
  static func stronger(_ a: PrincipalMatch?, _ b: PrincipalMatch) -> PrincipalMatch {
    func rank(_ m: PrincipalMatch) -> Int {
      switch m {
      case .principalItself: 3
      case .wildcard: 2
      case .roleOfSession: 1
      case .account: 0
      }
    }
    guard let a else { return b }
    return rank(a) >= rank(b) ? a : b
  }

  /// Whether a `NotPrincipal` entry exempts the caller: only the principal itself
  /// (or, for a session, its role) is exempt, never every member of a listed account.
  static func exempts(_ value: PrincipalPattern.Value, _ caller: Principal) -> Bool {
    guard let m = match(value, caller) else { return false }
    switch m {
    case .principalItself, .roleOfSession, .wildcard: return true
    case .account: return false
    }
  }
}

extension String {
  /// ASCII case-insensitive equality (condition keys are ASCII).
  func caseInsensitiveEquals(_ other: String) -> Bool {
    let a = utf8
    let b = other.utf8
    guard a.count == b.count else { return false }
    if self == other { return true }
    for (x, y) in zip(a, b) {
      let lx = x >= 0x41 && x <= 0x5A ? x + 0x20 : x
      let ly = y >= 0x41 && y <= 0x5A ? y + 0x20 : y
      if lx != ly { return false }
    }
    return true
  }
}
