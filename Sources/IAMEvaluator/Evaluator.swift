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
    var scratch = Scratch(explain: options.recordsTrace)
    let principal = request.principal
    let callerAccount = principal.account
    let ownerAccount = policies.resourceOwner ?? callerAccount
    let isCrossAccount = callerAccount != nil && ownerAccount != nil && callerAccount != ownerAccount
    let hasBoundary = !policies.permissionsBoundary.isEmpty
    var isServiceOrAnonymous = false
    switch principal {
    case .service, .anonymous: isServiceOrAnonymous = true
    default: break
    }
    // SCPs bind the caller's account members; RCPs bind everyone calling the resource.
    // Neither binds service-linked roles; SCPs do not bind AWS services.
    let scpApplies = policies.serviceControlLevels != nil && !principal.isServiceLinkedRole && !isServiceOrAnonymous
    let rcpApplies = policies.resourceControlLevels != nil && !principal.isServiceLinkedRole

    var scpLevels: [LayerResult] = []
    if scpApplies, let levels = policies.serviceControlLevels {
      for (i, level) in levels.enumerated() {
        scpLevels.append(scratch.evaluate(level, layer: .serviceControl(level: i), request: request, hasBoundary: hasBoundary))
      }
    }
    var rcpLevels: [LayerResult] = []
    if rcpApplies, let levels = policies.resourceControlLevels {
      for (i, level) in levels.enumerated() {
        rcpLevels.append(scratch.evaluate(level, layer: .resourceControl(level: i), request: request, hasBoundary: hasBoundary))
      }
    }
    let resource = scratch.evaluate(policies.resource, layer: .resource, request: request, hasBoundary: hasBoundary)
    let identity = isServiceOrAnonymous
      ? LayerResult(layer: .identity)
      : scratch.evaluate(policies.identity, layer: .identity, request: request, hasBoundary: hasBoundary)
    let boundary = hasBoundary
      ? scratch.evaluate(policies.permissionsBoundary, layer: .permissionsBoundary, request: request, hasBoundary: hasBoundary)
      : LayerResult(layer: .permissionsBoundary)
    let session = policies.session.isEmpty
      ? LayerResult(layer: .session)
      : scratch.evaluate(policies.session, layer: .session, request: request, hasBoundary: hasBoundary)

    // The layers in AWS's order; only built in full when a trace is wanted.
    func allLayers() -> [LayerResult] {
      var layers = scpLevels + rcpLevels
      if !policies.resource.isEmpty { layers.append(resource) }
      layers.append(identity)
      if hasBoundary { layers.append(boundary) }
      if !policies.session.isEmpty { layers.append(session) }
      return layers
    }

    let boundaryAllows = !hasBoundary || boundary.hasAllow
    let sessionAllows = policies.session.isEmpty || session.hasAllow
    let organizationsAllow: Bool? = (scpApplies || rcpApplies)
      ? scpLevels.allSatisfy(\.hasAllow) && rcpLevels.allSatisfy(\.hasAllow) : nil

    func finish(_ decision: Decision, _ reason: DecisionReason, matched: [StatementRef]) -> Evaluation {
      Evaluation(
        decision: decision, reason: reason, matchedStatements: matched,
        missingContextKeys: scratch.missingKeys(), allowedByPermissionsBoundary: hasBoundary ? boundaryAllows : nil,
        allowedByOrganizations: organizationsAllow, isCrossAccount: isCrossAccount,
        trace: options.recordsTrace ? Trace(layers: allLayers().compactMap(\.trace)) : nil, resourceOwner: ownerAccount)
    }

    // 1. An explicit deny in any policy in play wins.
    let anyDeny = !resource.denies.isEmpty || !identity.denies.isEmpty || !boundary.denies.isEmpty
      || !session.denies.isEmpty || scpLevels.contains { !$0.denies.isEmpty } || rcpLevels.contains { !$0.denies.isEmpty }
    if anyDeny {
      let denies = allLayers().flatMap(\.denies)
      return finish(.explicitDeny, .explicitDeny(denies[0]), matched: denies)
    }
    // 2. Every organization level must allow.
    if let missing = scpLevels.firstIndex(where: { !$0.hasAllow }) {
      return finish(.implicitDeny, .serviceControlMissingAllow(level: missing), matched: [])
    }
    if let missing = rcpLevels.firstIndex(where: { !$0.hasAllow }) {
      return finish(.implicitDeny, .resourceControlMissingAllow(level: missing), matched: [])
    }

    let grants = resource.allows
    let identityAllows = principal.isRoot || identity.hasAllow
    let identityPath = identityAllows && boundaryAllows && sessionAllows
    var identityRefs: [StatementRef] { identity.allows.map(\.ref) }
    var grantRefs: [StatementRef] { grants.map(\.ref) }

    func identityFailure() -> DecisionReason {
      if !identityAllows { return .noIdentityAllow }
      if !boundaryAllows { return .boundaryMissingAllow }
      return .sessionPolicyMissingAllow
    }

    // 3. AWS services and anonymous callers have no identity policies: only a grant counts.
    if isServiceOrAnonymous {
      if !grants.isEmpty { return finish(.allowed, .allowedByResourcePolicy(grants[0].match ?? .principalItself), matched: grantRefs) }
      return finish(.implicitDeny, .serviceNotNamed, matched: [])
    }

    // 4. Across accounts both sides must allow.
    if isCrossAccount {
      if grants.isEmpty {
        let reason: DecisionReason = request.isRoleTrustRequest ? .trustPolicyDoesNotTrustCaller
          : request.isKMSKeyRequest ? .keyPolicyDoesNotTrustCaller : .crossAccountMissingResourceGrant
        return finish(.implicitDeny, reason, matched: [])
      }
      if !identityPath {
        return finish(.implicitDeny, identityAllows ? identityFailure() : .crossAccountMissingIdentityAllow, matched: [])
      }
      return finish(.allowed, .allowedCrossAccount, matched: identityRefs + grantRefs)
    }

    // 5. Same account. Trust and key policies must trust the caller or its account;
    //    naming the caller directly still needs the boundary's allow for AssumeRole
    //    (IAM User Guide, "Update a role trust policy").
    if request.isRoleTrustRequest || request.isKMSKeyRequest {
      let direct = grants.filter { $0.match != .account }
      if !direct.isEmpty && boundaryAllows && sessionAllows {
        return finish(.allowed, .allowedByResourcePolicy(direct[0].match ?? .principalItself), matched: direct.map(\.ref))
      }
      let delegated = grants.filter { $0.match == .account }
      if !delegated.isEmpty {
        if identityPath {
          return finish(.allowed, .allowedTrustDelegatedToAccount, matched: identityRefs + delegated.map(\.ref))
        }
        return finish(.implicitDeny, identityFailure(), matched: [])
      }
      if !direct.isEmpty { return finish(.implicitDeny, boundaryAllows ? .sessionPolicyMissingAllow : .boundaryMissingAllow, matched: []) }
      return finish(.implicitDeny, request.isRoleTrustRequest ? .trustPolicyDoesNotTrustCaller : .keyPolicyDoesNotTrustCaller, matched: [])
    }

    // A grant to the user, the session or "*" stands alone; a grant to the role is
    // limited by the boundary and session policy; a grant to the account only delegates.
    for grant in grants {
      switch grant.match ?? .principalItself {
      case .principalItself, .wildcard:
        return finish(.allowed, .allowedByResourcePolicy(grant.match ?? .principalItself), matched: identityRefs + grantRefs)
      case .roleOfSession where boundaryAllows && sessionAllows:
        return finish(.allowed, .allowedByResourcePolicy(.roleOfSession), matched: identityRefs + grantRefs)
      default:
        continue
      }
    }
    if identityPath {
      return finish(.allowed, principal.isRoot && !identity.hasAllow ? .allowedAsRoot : .allowedByIdentity, matched: identityRefs + grantRefs)
    }
    return finish(.implicitDeny, identityFailure(), matched: [])
  }
}

/// The statements of one layer that applied, and its trace.
struct LayerResult {
  struct Grant {
    var ref: StatementRef
    var match: PrincipalMatch?
  }

  var layer: PolicyLayer
  var allows: [Grant] = []
  var denies: [StatementRef] = []
  var trace: LayerTrace?

  var hasAllow: Bool { !allows.isEmpty }

  init(layer: PolicyLayer) {
    self.layer = layer
  }
}

/// Per-evaluation working state: what is being recorded.
struct Scratch {
  let explain: Bool
  var missing: [String] = []

  init(explain: Bool) {
    self.explain = explain
  }

  func missingKeys() -> [String] {
    if missing.count < 2 { return missing }
    var unique: [String] = []
    for key in missing where !unique.contains(where: { $0.caseInsensitiveEquals(key) }) { unique.append(key) }
    return unique
  }

  mutating func evaluate(_ policies: [Policy], layer: PolicyLayer, request: Request, hasBoundary: Bool) -> LayerResult {
    var result = LayerResult(layer: layer)
    var traces: [StatementTrace] = []
    for p in policies.indices {
      let statements = policies[p].statements
      if explain {
        for index in statements.indices {
          visit(statements[index], policies, p, layer, request, hasBoundary, &result, &traces)
        }
        continue
      }
      // Only statements that can concern the request's service, in document order.
      let candidates = policies[p].statementIndex
      let specific = candidates.statements(forService: request.actionServiceHash)
      let any = candidates.anyService
      var i = 0
      var j = 0
      while i < specific.count || j < any.count {
        let index: Int
        if j >= any.count || (i < specific.count && specific[i] < any[j]) {
          index = Int(specific[i])
          i += 1
        } else {
          index = Int(any[j])
          j += 1
        }
        visit(statements[index], policies, p, layer, request, hasBoundary, &result, &traces)
      }
    }
    if explain {
      result.trace = LayerTrace(layer: layer, statements: traces, hasAllow: result.hasAllow, hasDeny: !result.denies.isEmpty)
    }
    return result
  }

  @inline(__always)
  mutating func visit(
    _ statement: Statement, _ policies: [Policy], _ policyIndex: Int, _ layer: PolicyLayer, _ request: Request,
    _ hasBoundary: Bool, _ result: inout LayerResult, _ traces: inout [StatementTrace]
  ) {
    let outcome = check(statement, request: request, hasBoundary: hasBoundary)
    var applies = false
    var match: PrincipalMatch?
    if case .applies(let m) = outcome {
      applies = true
      match = m
    }
    guard applies || explain else { return }
    let policy = policies[policyIndex]
    let ref = StatementRef(
      policyID: policy.id, kind: policy.kind, layer: layer, statementIndex: statement.index,
      sid: statement.sid, effect: statement.effect, span: statement.span, source: policy.source)
    if applies {
      if statement.effect == .deny { result.denies.append(ref) } else {
        result.allows.append(LayerResult.Grant(ref: ref, match: match))
      }
    }
    if explain {
      switch outcome {
      case .applies(let m): traces.append(StatementTrace(ref: ref, verdict: .applies(m)))
      case .doesNotApply(let mismatch?): traces.append(StatementTrace(ref: ref, verdict: .doesNotApply(mismatch)))
      case .doesNotApply(nil): break
      }
    }
  }

  enum Outcome {
    case applies(PrincipalMatch?)
    /// The mismatch is nil when not explaining.
    case doesNotApply(Mismatch?)
  }

  mutating func check(_ statement: Statement, request: Request, hasBoundary: Bool) -> Outcome {
    // Action
    let actionMatch = request.actionKey.withUnsafeBufferPointer { action in
      statement.actionSet.firstMatch(action, serviceHash: request.actionServiceHash)
    }
    let actionHit: Bool
    switch statement.action {
    case .action: actionHit = actionMatch != nil
    case .notAction: actionHit = actionMatch == nil
    }
    if !actionHit {
      guard explain else { return .doesNotApply(nil) }
      switch statement.action {
      case .action(let patterns): return .doesNotApply(.action(patterns: patterns.map(\.text)))
      case .notAction(let patterns):
        let hit = request.actionKey.withUnsafeBufferPointer { a in patterns.first { $0.matches(lowercased: a) } }
        return .doesNotApply(.notAction(pattern: hit?.text ?? ""))
      }
    }
    // Resource (absent in trust policies: the role itself)
    if let clause = statement.resource {
      let context = request.context
      let resourceHit: Bool = request.resourceBytes.withUnsafeBufferPointer { resource in
        switch clause {
        case .resource(let patterns):
          for p in patterns where p.matches(resource, lookup: { context.singleValue(lowercased: $0) }) { return true }
          return false
        case .notResource(let patterns):
          for p in patterns where p.matches(resource, lookup: { context.singleValue(lowercased: $0) }) { return false }
          return true
        }
      }
      if !resourceHit {
        guard explain else { return .doesNotApply(nil) }
        switch clause {
        case .resource(let patterns):
          let unresolved = patterns.flatMap { p -> [String] in
            guard case .template(let t) = p.matcher else { return [] }
            return t.variableNames.filter { name in
              guard case .variable(let key, _, let def)? = t.parts.first(where: {
                if case .variable(_, let n, _) = $0 { return n == name }
                return false
              }) else { return false }
              return def == nil && context.singleValue(lowercased: key) == nil
            }
          }
          return .doesNotApply(.resource(patterns: patterns.map(\.text), unresolved: unresolved))
        case .notResource(let patterns):
          let hit = request.resourceBytes.withUnsafeBufferPointer { r in
            patterns.first { $0.matches(r, lookup: { context.singleValue(lowercased: $0) }) }
          }
          return .doesNotApply(.notResource(pattern: hit?.text ?? ""))
        }
      }
    }
    // Principal (resource-based policies)
    var principalMatch: PrincipalMatch?
    if let clause = statement.principal {
      switch clause {
      case .principal(let patterns):
        var best: PrincipalMatch?
        for p in patterns {
          if let m = PrincipalMatcher.match(p.value, request.principal) {
            best = PrincipalMatcher.stronger(best, m)
          }
        }
        guard let best else {
          return .doesNotApply(explain ? .principal(patterns: patterns.map(\.text)) : nil)
        }
        principalMatch = best
      case .notPrincipal(let patterns):
        // A listed principal is exempt; a principal with a permissions boundary never is
        // (IAM User Guide, "NotPrincipal" and "Permissions boundaries").
        if !hasBoundary, let exempt = patterns.first(where: { PrincipalMatcher.exempts($0.value, request.principal) }) {
          return .doesNotApply(explain ? .notPrincipal(pattern: exempt.text) : nil)
        }
      }
    }
    // Conditions: all must hold.
    var firstFailure: ConditionFailure?
    for condition in statement.conditions {
      let value = request.context.value(lowercased: condition.lookupKey, hash: condition.lookupHash)
      if value == nil && condition.op.base != .null { missing.append(condition.key) }
      if let failure = ConditionEvaluator.check(condition, value: value, in: request.context) {
        if firstFailure == nil { firstFailure = failure }
        if !explain { break }
      }
    }
    if let firstFailure { return .doesNotApply(explain ? .condition(firstFailure) : nil) }
    return .applies(principalMatch)
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
