import IAMCatalog
import IAMEvaluator
import IAMPolicy

/// A world compiled for questions: every principal with its resolved policy sets.
///
/// Built once per world and request context. Policies are stored once in
/// `policies` and principals refer to them by index, so that filtering the
/// statements that can match an action is done once per policy, not once per
/// principal (the 10,000-principal benchmark depends on it).
public struct WorldIndex: Sendable {
  public enum Kind: String, Sendable, Hashable {
    case user, role, service
  }

  /// A principal of the world: a user, a role (as its sessions), or an AWS service.
  public struct Node: Sendable {
    public var kind: Kind
    public var arn: String
    public var name: String
    /// Nil for services.
    public var account: String?
    public var principal: Principal
    /// Indices into `policies`: the user's or role's own, then each group's.
    public var identity: [Int]
    public var boundary: [Int]
    /// The keys AWS derives from the principal (`aws:username`, `aws:PrincipalTag/...`)
    /// merged with the context the user gave, which wins.
    public var context: RequestContext
    /// Groups (users) or instance profiles (roles).
    public var groups: [String]
    public var instanceProfiles: [String]
    /// A short label: `DevUser`, `AdminRole`, `ec2.amazonaws.com`.
    public var label: String { name }
  }

  public struct ResourceEntry: Sendable {
    public var resource: Resource
    public var owner: String
    public var policy: Int?
  }

  public private(set) var nodes: [Node] = []
  /// Every distinct policy the principals use.
  public private(set) var policies: [Policy] = []
  /// Role node → its trust policy index.
  public private(set) var trust: [Int: Int] = [:]
  public private(set) var resources: [ResourceEntry] = []
  /// SCP / RCP levels by account, as policy indices.
  public private(set) var serviceControlLevels: [String: [[Int]]] = [:]
  public private(set) var resourceControlLevels: [String: [[Int]]] = [:]
  public private(set) var byARN: [String: Int] = [:]
  /// Problems found while resolving references (unknown AWS managed policies...).
  public private(set) var diagnostics: [Diagnostic] = []
  public let world: World
  public let context: RequestContext

  public init(world: World, catalog: ManagedPolicyCatalog?, context: RequestContext = RequestContext()) {
    self.world = world
    self.context = context
    var cache = DocumentCache()
    var managedIndex: [String: Int] = [:]
    var boundaryIndex: [String: Int] = [:]
    var managed: [String: ManagedPolicy] = [:]
    for p in world.awsManagedPolicies { managed[p.arn] = p }
    for a in world.accounts { for p in a.managedPolicies { managed[p.arn] = p } }

    func add(_ policy: Policy) -> Int {
      policies.append(policy)
      return policies.count - 1
    }
    // Inline policies with the same name and text (templated accounts have many) are one policy.
    struct SeenKey: Hashable {
      var id: String
      var text: String
    }
    var seen: [SeenKey: Int] = [:]
    func add(_ doc: PolicyDocument) -> Int {
      let key = SeenKey(id: doc.policy.id, text: doc.text)
      if let i = seen[key] { return i }
      let i = add(doc.policy)
      seen[key] = i
      return i
    }
    func managedPolicy(_ arn: String, owner: String) -> ManagedPolicy? {
      if let p = managed[arn] { return p }
      if arn.hasPrefix("arn:aws:iam::aws:policy/"), let info = catalog?.policy(arn: arn) {
        var ds: [Diagnostic] = []
        if let doc = cache.policy(text: info.documentJSON, origin: SourceFile(name: info.arn, text: ""), as: .identity, id: info.name, diagnostics: &ds) {
          let p = ManagedPolicy(name: info.name, arn: info.arn, path: info.path, defaultVersionId: info.defaultVersionId, document: doc)
          managed[arn] = p
          return p
        }
      }
      diagnostics.append(
        .worldDangling("\(owner) uses managed policy `\(arn)`, which the world does not define", help: "it is left out", at: nil, path: nil))
      return nil
    }
    func attachedIndex(_ arn: String, owner: String) -> Int? {
      if let i = managedIndex[arn] { return i }
      guard let p = managedPolicy(arn, owner: owner) else { return nil }
      let i = add(p.document.policy)
      managedIndex[arn] = i
      return i
    }
    func boundary(_ arn: String?, owner: String) -> [Int] {
      guard let arn else { return [] }
      if let i = boundaryIndex[arn] { return [i] }
      guard var p = managedPolicy(arn, owner: owner)?.document.policy else { return [] }
      p.kind = .permissionsBoundary
      let i = add(p)
      boundaryIndex[arn] = i
      return [i]
    }
    func derivedContext(userName: String?, id: String?, tags: [Tag]) -> RequestContext {
      var c = RequestContext()
      if let userName { c["aws:username"] = ContextValue(userName) }
      if let id { c["aws:userid"] = ContextValue(id) }
      for t in tags { c["aws:PrincipalTag/\(t.key)"] = ContextValue(t.value) }
      for key in context.keys { c[key] = context[key] }
      return c
    }

    var services: [String: Bool] = [:]
    for account in world.accounts {
      // Role name → the instance profiles that hold it, in the account's order.
      var profilesByRole: [String: [String]] = [:]
      for profile in account.instanceProfiles {
        var roles = Set<String>()
        for role in profile.roles where roles.insert(role).inserted { profilesByRole[role, default: []].append(profile.name) }
      }
      var groupPolicies: [String: [Int]] = [:]
      for g in account.groups {
        var ids = g.inlinePolicies.map { add($0.document) }
        ids += g.attachedPolicies.compactMap { attachedIndex($0, owner: "group `\(g.name)`") }
        groupPolicies[g.name] = ids
      }
      for u in account.users {
        var ids = u.inlinePolicies.map { add($0.document) }
        ids += u.attachedPolicies.compactMap { attachedIndex($0, owner: "user `\(u.name)`") }
        for g in u.groups { ids += groupPolicies[g] ?? [] }
        let principal = Principal.user(account: account.id, name: u.name, arn: u.arn)
        byARN[u.arn] = nodes.count
        nodes.append(
          Node(
            kind: .user, arn: u.arn, name: u.name, account: account.id, principal: principal, identity: ids,
            boundary: boundary(u.permissionsBoundary, owner: "user `\(u.name)`"),
            context: derivedContext(userName: u.name, id: u.id, tags: u.tags), groups: u.groups, instanceProfiles: []))
      }
      for r in account.roles {
        var ids = r.inlinePolicies.map { add($0.document) }
        ids += r.attachedPolicies.compactMap { attachedIndex($0, owner: "role `\(r.name)`") }
        let principal = Principal.role(account: account.id, name: r.name, path: r.path, arn: r.arn)
        let profiles = profilesByRole[r.name] ?? []
        byARN[r.arn] = nodes.count
        if let t = r.trustPolicy {
          trust[nodes.count] = add(t.policy)
          for s in t.policy.statements {
            for p in s.principal?.patterns ?? [] { if case .service(let name) = p.value { services[name] = true } }
          }
        }
        nodes.append(
          Node(
            kind: .role, arn: r.arn, name: r.name, account: account.id, principal: principal, identity: ids,
            boundary: boundary(r.permissionsBoundary, owner: "role `\(r.name)`"),
            context: derivedContext(userName: nil, id: nil, tags: r.tags), groups: [], instanceProfiles: profiles))
      }
      for res in account.resources {
        var p: Int?
        if let doc = res.policy {
          var policy = doc.policy
          policy.kind = .resource
          p = add(policy)
        }
        resources.append(ResourceEntry(resource: res, owner: account.id, policy: p))
      }
    }
    for name in services.keys.sorted() {
      byARN[name] = nodes.count
      nodes.append(
        Node(
          kind: .service, arn: name, name: name, account: nil, principal: .service(name), identity: [], boundary: [],
          context: derivedContext(userName: nil, id: nil, tags: []), groups: [], instanceProfiles: []))
    }
    for (account, org) in world.organization {
      if let levels = org.serviceControlLevels {
        serviceControlLevels[account] = levels.map { $0.map { var p = $0.policy; p.kind = .serviceControl; return add(p) } }
      }
      if let levels = org.resourceControlLevels {
        resourceControlLevels[account] = levels.map { $0.map { var p = $0.policy; p.kind = .resourceControl; return add(p) } }
      }
    }
  }

  // MARK: - Finding principals

  /// What a name given on the command line resolved to.
  public enum Lookup: Sendable, Equatable {
    case found(Int)
    case ambiguous([String])
    case unknown(candidates: [String])
  }

  /// Resolves an ARN, `user/NAME`, `role/NAME`, a bare unique name, or a service principal.
  public func lookup(_ text: String) -> Lookup {
    if let i = byARN[text] { return .found(i) }
    var kind: Kind?
    var name = text
    if text.hasPrefix("user/") {
      kind = .user
      name = String(text.dropFirst(5))
    } else if text.hasPrefix("role/") {
      kind = .role
      name = String(text.dropFirst(5))
    }
    if let arn = ARN(text), arn.service == "sts", arn.resourceType == "assumed-role" {
      let parts = arn.resource.split(separator: "/")
      if parts.count >= 2, let i = nodes.firstIndex(where: { $0.kind == .role && $0.account == arn.account && $0.name == parts[1] }) {
        return .found(i)
      }
    }
    let exact = nodes.indices.filter { (kind == nil || nodes[$0].kind == kind) && nodes[$0].name == name }
    if exact.count == 1 { return .found(exact[0]) }
    if exact.count > 1 { return .ambiguous(exact.map { nodes[$0].arn }) }
    // IAM names are unique regardless of case: try that, then suggest near names.
    let folded = nodes.indices.filter { (kind == nil || nodes[$0].kind == kind) && nodes[$0].name.lowercased() == name.lowercased() }
    if folded.count == 1 { return .found(folded[0]) }
    let needle = name.lowercased()
    let near = nodes.filter { $0.name.lowercased().contains(needle) || needle.contains($0.name.lowercased()) }.map(\.arn)
    return .unknown(candidates: Array((near.isEmpty ? nodes.map(\.arn) : near).prefix(20)))
  }

  public func node(arn: String) -> Int? { byARN[arn] }

  // MARK: - Policy sets for one request

  /// The resource entry whose policy governs `resourceARN`, if the world has one.
  public func resourceEntry(for resourceARN: String) -> ResourceEntry? {
    resources.first { $0.resource.covers(resourceARN) }
  }

  /// The account that owns a resource: the world's entry, else the ARN's account.
  public func owner(of resourceARN: String) -> String? {
    if let e = resourceEntry(for: resourceARN) { return e.owner }
    if let arn = ARN(resourceARN), arn.account.count == 12 { return arn.account }
    return nil
  }

  /// Whether the request is `sts:AssumeRole` (or a sibling) on a role: the trust policy is the resource policy.
  static func isTrustAction(_ action: String) -> Bool {
    let a = action.lowercased()
    return a.hasPrefix("sts:assumerole") || a == "sts:tagsession" || a == "sts:setsourceidentity"
  }

  /// Everything the evaluator needs for `node` calling `action` on `resource`, with
  /// policies passed through `transform` (the identity for full policies, an action
  /// filter for fast answers).
  func applicable(
    _ node: Node, action: String, resource: String, transform: (Int) -> Policy?
  ) -> ApplicablePolicies {
    var resourcePolicies: [Policy] = []
    var owner = owner(of: resource)
    if WorldIndex.isTrustAction(action), let r = byARN[resource], nodes[r].kind == .role {
      if let t = trust[r], let p = transform(t), !p.statements.isEmpty { resourcePolicies.append(p) }
      owner = nodes[r].account
    } else if let entry = resourceEntry(for: resource), let p = entry.policy, let policy = transform(p), !policy.statements.isEmpty {
      resourcePolicies.append(policy)
    }
    let scp = node.account.flatMap { serviceControlLevels[$0] }.map { $0.map { $0.compactMap(transform) } }
    let rcp = owner.flatMap { resourceControlLevels[$0] }.map { $0.map { $0.compactMap(transform) } }
    return ApplicablePolicies(
      identity: node.identity.compactMap(transform).filter { !$0.statements.isEmpty }, resource: resourcePolicies,
      permissionsBoundary: node.boundary.compactMap(transform), session: [], serviceControlLevels: scp,
      resourceControlLevels: rcp, resourceOwner: owner)
  }

  /// The request `node` makes.
  func request(_ node: Node, action: String, resource: String) -> Request {
    Request(principal: node.principal, action: action, resource: resource, context: node.context)
  }
}

/// Keeps only the statements whose `Action`/`NotAction` can match one action.
///
/// Statements that cannot match never apply, so the evaluator gives the same
/// decision on the filtered policies; a policy with no statement left stays in
/// permission boundaries and SCP levels (where its presence matters) and is
/// dropped elsewhere by the callers.
struct ActionFilter {
  let actionKey: [UInt8]
  private var cache: [Policy?]

  init(action: String, count: Int) {
    actionKey = Array(action.lowercased().utf8)
    cache = Array(repeating: nil, count: count)
  }

  mutating func filter(_ index: Int, in policies: [Policy]) -> Policy {
    if let p = cache[index] { return p }
    var p = policies[index]
    p.statements = p.statements.filter { matches($0) }
    cache[index] = p
    return p
  }

  func matches(_ statement: Statement) -> Bool {
    actionKey.withUnsafeBufferPointer { a in
      let hit = statement.actionSet.firstMatch(a, serviceHash: nil) != nil
      switch statement.action {
      case .action: return hit
      case .notAction: return !hit
      }
    }
  }
}
