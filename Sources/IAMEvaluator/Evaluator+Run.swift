import IAMPolicy

/// One statement that applied, as integers; a `StatementRef` is built only for the
/// statements that end up in the answer.
struct Hit {
  var statement: Int32
  var policy: Int32
  var level: Int32
  var layer: LayerCode
  /// 0: no principal element; otherwise `PrincipalMatch.code`.
  var match: UInt8
  var isDeny: Bool
}

/// The layers in AWS's order (and the order they are evaluated and traced in).
enum LayerCode: UInt8 {
  case serviceControl, resourceControl, resource, identity, permissionsBoundary, session

  func layer(level: Int) -> PolicyLayer {
    switch self {
    case .serviceControl: .serviceControl(level: level)
    case .resourceControl: .resourceControl(level: level)
    case .resource: .resource
    case .identity: .identity
    case .permissionsBoundary: .permissionsBoundary
    case .session: .session
    }
  }
}

extension PrincipalMatch {
  @inline(__always) var code: UInt8 {
    switch self {
    case .wildcard: 1
    case .account: 2
    case .principalItself: 3
    case .roleOfSession: 4
    }
  }

  @inline(__always) init?(code: UInt8) {
    switch code {
    case 1: self = .wildcard
    case 2: self = .account
    case 3: self = .principalItself
    case 4: self = .roleOfSession
    default: return nil
    }
  }
}

/// The positions of the first five colons of the resource, found once per request
/// instead of once per ARN pattern.
struct Colons {
  var c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0
  var count = 0

  init(_ s: UnsafeBufferPointer<UInt8>) {
    var i = 0
    while i < s.count && count < 5 {
      if s[i] == UInt8(ascii: ":") {
        switch count {
        case 0: c0 = i
        case 1: c1 = i
        case 2: c2 = i
        case 3: c3 = i
        default: c4 = i
        }
        count += 1
      }
      i += 1
    }
  }

  @inline(__always) subscript(i: Int) -> Int {
    switch i {
    case 0: c0
    case 1: c1
    case 2: c2
    case 3: c3
    default: c4
    }
  }
}

/// What every statement check needs to know about the request, read once.
///
/// It holds the request's storage without retaining it (the request outlives the
/// evaluation), and reads the principal and context in place instead of copying them.
struct RequestView {
  unowned(unsafe) let storage: Request.Storage
  /// The principal and context, read in place (borrowed, not copied) when a statement
  /// has a principal or conditions.
  unowned(unsafe) let rest: Request.Storage.Rest
  let action: UnsafeBufferPointer<UInt8>
  let serviceHash: UInt64
  let serviceHash32: UInt32
  let resource: UnsafeBufferPointer<UInt8>
  let colons: Colons
  let hasBoundary: Bool

  var request: Request { Request(storage: storage) }
}

/// One evaluation: the applying statements collected so far, the missing keys, the trace.
struct Run {
  let explain: Bool
  let hits: UnsafeMutableBufferPointer<Hit>
  var count = 0
  var overflowed = false
  var denyCount = 0
  /// The traced path's missing keys.
  var missing: [String] = []
  /// The untraced path's: the conditions whose key the request lacks, kept without
  /// retaining them (the policies outlive the evaluation) and turned into strings once.
  let missingConditions: UnsafeMutableBufferPointer<Unmanaged<Condition>>
  var missingCount = 0
  var traces: [LayerTrace] = []

  init(
    explain: Bool, hits: UnsafeMutableBufferPointer<Hit>,
    missingConditions: UnsafeMutableBufferPointer<Unmanaged<Condition>>
  ) {
    self.explain = explain
    self.hits = hits
    self.missingConditions = missingConditions
  }

  /// The missing keys: the traced path's strings, each once as first spelled (keys are
  /// case-insensitive); the untraced path's conditions, turned into strings when asked for.
  func missingKeys() -> MissingKeys {
    if explain {
      if missing.isEmpty { return .none }
      if missing.count < 2 { return .keys(missing) }
      var unique: [String] = []
      for key in missing where !unique.contains(where: { $0.caseInsensitiveEquals(key) }) { unique.append(key) }
      return .keys(unique)
    }
    switch missingCount {
    case 0: return .none
    case 1: return .one(missingConditions[0].takeUnretainedValue())
    default: return .conditions(missingConditions[0..<missingCount].map { $0.takeUnretainedValue() })
    }
  }

  @inline(__always)
  mutating func recordMissing(_ condition: Condition) {
    guard missingCount < missingConditions.count else {
      overflowed = true
      return
    }
    missingConditions[missingCount] = Unmanaged.passUnretained(condition)
    missingCount += 1
  }

  /// nil when the hit buffer was too small.
  mutating func evaluate(_ request: Request, against policies: ApplicablePolicies) -> Evaluation? {
    let storage = request.storage
    return storage.withBytes { action, resource in
      let view = RequestView(
        storage: storage, rest: storage.fields.pointee.rest, action: action, serviceHash: storage.actionServiceHash,
        serviceHash32: UInt32(truncatingIfNeeded: storage.actionServiceHash), resource: resource,
        colons: Colons(resource), hasBoundary: policies.storage.hasBoundary)
      return decide(view, policies)
    }
  }

  mutating func decide(_ r: RequestView, _ policies: ApplicablePolicies) -> Evaluation? {
    let storage = r.storage
    let ps = policies.storage
    let callerAccount = storage.callerAccount
    let ownerAccount = ps.resourceOwner ?? callerAccount
    let isCrossAccount = callerAccount != nil && ownerAccount != nil && callerAccount != ownerAccount
    let hasBoundary = r.hasBoundary
    let isServiceOrAnonymous = storage.isServiceOrAnonymous
    // SCPs bind the caller's account members; RCPs bind everyone calling the resource.
    // Neither binds service-linked roles; SCPs do not bind AWS services.
    let scpApplies = ps.hasServiceControl && !storage.isServiceLinkedRole && !isServiceOrAnonymous
    let rcpApplies = ps.hasResourceControl && !storage.isServiceLinkedRole

    var scpMissing: Int?
    var rcpMissing: Int?
    var organizationsAllowAll = true
    if scpApplies {
      for i in 0..<ps.serviceControlCount {
        let hasAllow = layer(ps, .serviceControl, level: i, r).hasAllow
        if !hasAllow {
          organizationsAllowAll = false
          if scpMissing == nil { scpMissing = i }
        }
      }
    }
    if rcpApplies {
      for i in 0..<ps.resourceControlCount {
        let hasAllow = layer(ps, .resourceControl, level: i, r).hasAllow
        if !hasAllow {
          organizationsAllowAll = false
          if rcpMissing == nil { rcpMissing = i }
        }
      }
    }
    let sessionIsEmpty = ps.segment(ps.segmentIndex(.session, level: 0)).isEmpty
    _ = layer(ps, .resource, level: 0, r, traced: !ps.segment(ps.segmentIndex(.resource, level: 0)).isEmpty)
    let identityHasAllow = isServiceOrAnonymous ? false : layer(ps, .identity, level: 0, r).hasAllow
    let boundaryHasAllow = hasBoundary ? layer(ps, .permissionsBoundary, level: 0, r).hasAllow : false
    let sessionHasAllow = sessionIsEmpty ? false : layer(ps, .session, level: 0, r).hasAllow
    if overflowed { return nil }

    let boundaryAllows = !hasBoundary || boundaryHasAllow
    let sessionAllows = sessionIsEmpty || sessionHasAllow
    let organizationsAllow: Bool? = (scpApplies || rcpApplies) ? organizationsAllowAll : nil
    let traces = self.traces
    let explain = self.explain
    let missingKeys = self.missingKeys()
    let hits = UnsafeBufferPointer(rebasing: self.hits[0..<count])

    func ref(_ hit: Hit) -> StatementRef { ps.statementRef(hit) }
    /// The allows of a layer (those `include` accepts), in one allocation.
    func refs(_ layer: LayerCode, where include: (Hit) -> Bool = { _ in true }) -> [StatementRef] {
      var n = 0
      for hit in hits where hit.layer == layer && !hit.isDeny && include(hit) { n += 1 }
      if n == 0 { return [] }
      var out: [StatementRef] = []
      out.reserveCapacity(n)
      for hit in hits where hit.layer == layer && !hit.isDeny && include(hit) { out.append(ref(hit)) }
      return out
    }
    func finish(_ decision: Decision, _ reason: DecisionReason, matched: [StatementRef]) -> Evaluation {
      Evaluation(
        decision: decision, reason: reason, matchedStatements: matched,
        missingKeys: missingKeys, allowedByPermissionsBoundary: hasBoundary ? boundaryAllows : nil,
        allowedByOrganizations: organizationsAllow, isCrossAccount: isCrossAccount,
        trace: explain ? Trace(layers: traces) : nil, resourceOwner: ownerAccount)
    }

    // 1. An explicit deny in any policy in play wins.
    if denyCount > 0 {
      var denies: [StatementRef] = []
      denies.reserveCapacity(denyCount)
      for hit in hits where hit.isDeny { denies.append(ref(hit)) }
      return finish(.explicitDeny, .explicitDeny(denies[0]), matched: denies)
    }
    // 2. Every organization level must allow.
    if let missing = scpMissing {
      return finish(.implicitDeny, .serviceControlMissingAllow(level: missing), matched: [])
    }
    if let missing = rcpMissing {
      return finish(.implicitDeny, .resourceControlMissingAllow(level: missing), matched: [])
    }

    // The resource layer's allows ("grants"), with how they named the caller.
    var grantCount = 0
    var firstGrant: Hit?
    for hit in hits where hit.layer == .resource && !hit.isDeny {
      if firstGrant == nil { firstGrant = hit }
      grantCount += 1
    }
    let identityAllows = storage.isRoot || identityHasAllow
    let identityPath = identityAllows && boundaryAllows && sessionAllows
    /// The identity allows, then the grants, in one allocation.
    func identityAndGrantRefs() -> [StatementRef] {
      var n = 0
      for hit in hits where !hit.isDeny && (hit.layer == .identity || hit.layer == .resource) { n += 1 }
      if n == 0 { return [] }
      var out: [StatementRef] = []
      out.reserveCapacity(n)
      for hit in hits where hit.layer == .identity && !hit.isDeny { out.append(ref(hit)) }
      for hit in hits where hit.layer == .resource && !hit.isDeny { out.append(ref(hit)) }
      return out
    }

    func identityFailure() -> DecisionReason {
      if !identityAllows { return .noIdentityAllow }
      if !boundaryAllows { return .boundaryMissingAllow }
      return .sessionPolicyMissingAllow
    }

    // 3. AWS services and anonymous callers have no identity policies: only a grant counts.
    if isServiceOrAnonymous {
      if let firstGrant {
        return finish(
          .allowed, .allowedByResourcePolicy(PrincipalMatch(code: firstGrant.match) ?? .principalItself),
          matched: refs(.resource))
      }
      return finish(.implicitDeny, .serviceNotNamed, matched: [])
    }

    // 4. Across accounts both sides must allow.
    if isCrossAccount {
      if grantCount == 0 {
        let reason: DecisionReason =
          storage.isRoleTrustRequest ? .trustPolicyDoesNotTrustCaller
          : storage.isKMSKeyRequest ? .keyPolicyDoesNotTrustCaller : .crossAccountMissingResourceGrant
        return finish(.implicitDeny, reason, matched: [])
      }
      if !identityPath {
        return finish(.implicitDeny, identityAllows ? identityFailure() : .crossAccountMissingIdentityAllow, matched: [])
      }
      return finish(.allowed, .allowedCrossAccount, matched: identityAndGrantRefs())
    }

    // 5. Same account. Trust and key policies must trust the caller or its account;
    //    naming the caller directly still needs the boundary's allow for AssumeRole
    //    (IAM User Guide, "Update a role trust policy").
    let account = PrincipalMatch.account.code
    if storage.isRoleTrustRequest || storage.isKMSKeyRequest {
      let direct = hits.first { $0.layer == .resource && !$0.isDeny && $0.match != account }
      if let direct, boundaryAllows && sessionAllows {
        return finish(
          .allowed, .allowedByResourcePolicy(PrincipalMatch(code: direct.match) ?? .principalItself),
          matched: refs(.resource) { $0.match != account })
      }
      if hits.contains(where: { $0.layer == .resource && !$0.isDeny && $0.match == account }) {
        if identityPath {
          return finish(
            .allowed, .allowedTrustDelegatedToAccount,
            matched: refs(.identity) + refs(.resource) { $0.match == account })
        }
        return finish(.implicitDeny, identityFailure(), matched: [])
      }
      if direct != nil {
        return finish(.implicitDeny, boundaryAllows ? .sessionPolicyMissingAllow : .boundaryMissingAllow, matched: [])
      }
      return finish(
        .implicitDeny, storage.isRoleTrustRequest ? .trustPolicyDoesNotTrustCaller : .keyPolicyDoesNotTrustCaller,
        matched: [])
    }

    // A grant to the user, the session or "*" stands alone; a grant to the role is
    // limited by the boundary and session policy; a grant to the account only delegates.
    for grant in hits where grant.layer == .resource && !grant.isDeny {
      switch PrincipalMatch(code: grant.match) ?? .principalItself {
      case .principalItself, .wildcard:
        return finish(
          .allowed, .allowedByResourcePolicy(PrincipalMatch(code: grant.match) ?? .principalItself),
          matched: identityAndGrantRefs())
      case .roleOfSession where boundaryAllows && sessionAllows:
        return finish(.allowed, .allowedByResourcePolicy(.roleOfSession), matched: identityAndGrantRefs())
      default:
        continue
      }
    }
    if identityPath {
      return finish(
        .allowed, storage.isRoot && !identityHasAllow ? .allowedAsRoot : .allowedByIdentity,
        matched: identityAndGrantRefs())
    }
    return finish(.implicitDeny, identityFailure(), matched: [])
  }

  @inline(__always)
  mutating func record(_ statement: Int, policy: Int, level: Int, layer: LayerCode, match: UInt8, isDeny: Bool) {
    guard count < hits.count else {
      overflowed = true
      return
    }
    hits[count] = Hit(
      statement: Int32(truncatingIfNeeded: statement), policy: Int32(truncatingIfNeeded: policy),
      level: Int32(truncatingIfNeeded: level), layer: layer, match: match, isDeny: isDeny)
    count += 1
    if isDeny { denyCount += 1 }
  }

  /// Evaluates one layer's policies, recording the statements that apply.
  mutating func layer(
    _ ps: ApplicablePolicies.Storage, _ code: LayerCode, level: Int, _ r: RequestView, traced: Bool = true
  ) -> (hasAllow: Bool, hasDeny: Bool) {
    var hasAllow = false
    var hasDeny = false
    if explain {
      let policies = ApplicablePolicies(storage: ps).policies(in: code.layer(level: level))
      var statementTraces: [StatementTrace] = []
      let layer = code.layer(level: level)
      for p in policies.indices {
        let policy = policies[p]
        for (i, statement) in policy.statements.enumerated() {
          let ref = StatementRef(
            policies: ps, segment: ps.segmentIndex(code, level: level), policyIndex: p, position: i, layer: layer)
          switch TraceCheck.check(statement, r, missing: &missing) {
          case .applies(let m):
            record(i, policy: p, level: level, layer: code, match: m?.code ?? 0, isDeny: statement.effect == .deny)
            if statement.effect == .deny { hasDeny = true } else { hasAllow = true }
            statementTraces.append(StatementTrace(ref: ref, verdict: .applies(m)))
          case .doesNotApply(let mismatch):
            statementTraces.append(StatementTrace(ref: ref, verdict: .doesNotApply(mismatch)))
          }
        }
      }
      if traced {
        traces.append(LayerTrace(layer: layer, statements: statementTraces, hasAllow: hasAllow, hasDeny: hasDeny))
      }
      return (hasAllow, hasDeny)
    }
    let refs = ps.segment(ps.segmentIndex(code, level: level))
    for p in refs.indices {
      let ref = refs[p]
      let plan = ref.tables
      let range = plan.candidateRange(forService: r.serviceHash)
      for k in range {
        let statement = plan.statement(atBlock: Int(plan.candidates[k]))
        let s = Int(statement.header.index)
        guard let match = applies(statement, ref.plan, r) else { continue }
        let isDeny = statement.header.isDeny
        record(s, policy: p, level: level, layer: code, match: match, isDeny: isDeny)
        if isDeny { hasDeny = true } else { hasAllow = true }
      }
    }
    return (hasAllow, hasDeny)
  }

  /// Whether statement `s` of the plan applies: nil when not, else its principal match code.
  @inline(__always)
  mutating func applies(_ sv: StatementView, _ policyPlan: Unmanaged<PolicyPlan>, _ r: RequestView) -> UInt8? {
    let st = sv.header
    // Action
    var actionHit = false
    let tokens = sv.actionTokens
    let entries = sv.actionEntries
    for a in entries.indices {
      let e = entries[a]
      if e.hasService && e.serviceHash != r.serviceHash32 { continue }
      if e.isLiteral && Int(e.end - e.start) != r.action.count { continue }
      if WildcardPattern.glob(UnsafeBufferPointer(rebasing: tokens[Int(e.start)..<Int(e.end)]), r.action) {
        actionHit = true
        break
      }
    }
    if actionHit == st.isNotAction { return nil }
    // Resource (absent in trust policies: the role itself)
    if st.resourceKind != 0 {
      var resourceHit = false
      for e in sv.resourceEntries.indices where resourceMatches(sv, e, policyPlan, r) {
        resourceHit = true
        break
      }
      if resourceHit != (st.resourceKind == 1) { return nil }
    }
    if st.principalKind != 0 || st.hasConditions {
      // Borrowed, not retained: the plan keeps the statement alive.
      return st.statement._withUnsafeGuaranteedRef { principalAndConditions($0, r) }
    }
    return 0
  }

  /// The principal match code when the statement's principal and conditions let it
  /// apply (0: no principal element); nil when they do not.
  @inline(__always)
  mutating func principalAndConditions(_ statement: Statement, _ r: RequestView) -> UInt8? {
    var match: UInt8 = 0
    // Principal (resource-based policies)
    if let clause = statement.principal {
      switch clause {
      case .principal(let patterns):
        var best: PrincipalMatch?
        for p in patterns {
          if let m = principalMatch(p.value, r) { best = PrincipalMatcher.stronger(best, m) }
        }
        guard let best else { return nil }
        match = best.code
      case .notPrincipal(let patterns):
        // A listed principal is exempt; a principal with a permissions boundary never is
        // (IAM User Guide, "NotPrincipal" and "Permissions boundaries").
        if !r.hasBoundary, patterns.contains(where: { r.rest.isExempt(by: $0.value) }) {
          return nil
        }
      }
    }
    // Conditions: all must hold. Every key a relevant statement asks for and the request
    // lacks is reported missing, as AWS's MissingContextValues does, even after a
    // condition has already failed (the traced path reports the same keys).
    // The conditions are read as unmanaged references: the statement keeps them alive,
    // and loading them as strong references retained and released each one.
    var holds = true
    statement.conditions.withUnsafeBufferPointer { buffer in
      buffer.withMemoryRebound(to: Unmanaged<Condition>.self) { conditions in
        for reference in conditions {
          reference._withUnsafeGuaranteedRef { condition in
            let value = r.storage.contextValue(lowercased: condition.lookupKey, hash: condition.lookupHash)
            if value == nil && condition.op.base != .null { recordMissing(condition) }
            // The context is only for values with policy variables; passing it otherwise
            // retained its (cold) entries for nothing.
            if holds
              && !ConditionEvaluator.holds(
                condition, value: value, in: condition.hasTemplates ? r.rest.context : RequestContext.empty)
            {
              holds = false
            }
          }
        }
      }
    }
    return holds ? match : nil
  }

  /// `PrincipalMatcher.match`, with the common entries (`"*"` and an account) answered
  /// from the request's header: the principal itself sits in another object, cold in a batch.
  @inline(__always)
  func principalMatch(_ value: PrincipalPattern.Value, _ r: RequestView) -> PrincipalMatch? {
    switch value {
    case .anyone:
      return .wildcard
    case .account(let account):
      // The same answers as `PrincipalMatcher.match`: the account's root is the principal
      // itself; other members of the account are delegated to; services, anonymous and
      // unspecified callers have no account.
      guard let callerAccount = r.storage.callerAccount, callerAccount == account else { return nil }
      return r.storage.isRoot ? .principalItself : .account
    default:
      return r.rest.principalMatch(value)
    }
  }

  @inline(__always)
  func resourceMatches(_ sv: StatementView, _ index: Int, _ policyPlan: Unmanaged<PolicyPlan>, _ r: RequestView) -> Bool {
    let e = sv.resourceEntries[index]
    // By raw value: `==` on the enum went through a generic witness across modules.
    if e.kind.rawValue == PolicyPlan.ResourceEntry.Kind.any.rawValue { return true }
    let prefixLength = Int(e.prefixEnd - e.prefixStart)
    if prefixLength > r.resource.count { return false }
    let tokens = sv.resourceTokens
    let prefixStart = Int(e.prefixStart)
    for i in 0..<prefixLength where tokens[prefixStart + i] != UInt16(r.resource[i]) {
      return false
    }
    switch e.kind {
    case .any:
      return true
    case .glob:
      let start = Int(sv.resourceBounds[Int(e.boundsStart)])
      let end = Int(sv.resourceBounds[Int(e.boundsStart) + 1])
      return WildcardPattern.glob(UnsafeBufferPointer(rebasing: tokens[start..<end]), r.resource)
    case .segments:
      let bounds = sv.resourceBounds
      return Run.segmentsMatch(
        tokens,
        UnsafeBufferPointer(rebasing: bounds[Int(e.boundsStart)...(Int(e.boundsStart) + Int(e.segmentCount))]),
        r.resource, r.colons, from: Int(e.literalSegments))
    case .template:
      let context = r.rest.context
      return policyPlan._withUnsafeGuaranteedRef { $0.templates[Int(e.boundsStart)] }.matches(r.resource, lookup: { context.singleValue(lowercased: $0) })
    }
  }

  /// `ARNMatcher.match` with the resource's colons found in advance: each of the
  /// pattern's first five parts matches the same part of the ARN; the last part may
  /// span colons only when it is the sixth or ends with `*`. Parts before `first` are
  /// known to match (they lie in the literal prefix the resource starts with).
  @inline(__always)
  static func segmentsMatch(
    _ tokens: UnsafeBufferPointer<UInt16>, _ bounds: UnsafeBufferPointer<Int32>, _ s: UnsafeBufferPointer<UInt8>,
    _ colons: Colons, from first: Int = 0
  ) -> Bool {
    let last = bounds.count - 2
    var i = min(first, last)
    var start = i > 0 ? colons[i - 1] + 1 : 0
    while i <= last {
      let seg = UnsafeBufferPointer(rebasing: tokens[Int(bounds[i])..<Int(bounds[i + 1])])
      if i == last {
        let rest = UnsafeBufferPointer(rebasing: s[start...])
        if i == 5 || seg.last == WildcardPattern.star { return WildcardPattern.glob(seg, rest) }
        if colons.count > i { return false }
        return WildcardPattern.glob(seg, rest)
      }
      guard i < colons.count else { return false }
      let colon = colons[i]
      if !WildcardPattern.glob(seg, UnsafeBufferPointer(rebasing: s[start..<colon])) { return false }
      start = colon + 1
      i += 1
    }
    return false
  }
}
