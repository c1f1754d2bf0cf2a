import Dispatch
import IAMEvaluator
import IAMPolicy

/// One way in: `from` may call `sts:AssumeRole` on the role `to`.
public struct AssumeRoleEdge: Sendable {
  public var from: Int
  public var to: Int
  /// The instance profile through which EC2 hands the role to an instance.
  public var instanceProfile: String?
  /// The evaluator's answer for the `sts:AssumeRole` request; its matched statements
  /// are the ones that opened both gates (the trust policy's and, where AWS requires
  /// it, the caller's identity-based Allow).
  public var evaluation: Evaluation
}

/// Who can assume which role, as the evaluator decides it for every candidate pair.
///
/// An edge P → R exists when AWS would let P call `sts:AssumeRole` on R: R's trust
/// policy is the resource policy, P's identity policies, boundary and account SCPs
/// apply, with the two-way rules of the IAM User Guide ("Cross-account policy
/// evaluation logic") and the STS API Reference ("AssumeRole"). EC2 assumes a role
/// only through an instance profile that holds it ("Use instance profiles").
///
/// Only candidates the trust policy could admit are evaluated: principals it names,
/// AWS services it names, and, when it trusts an account (or everyone), the principals
/// of that account that have an identity-based Allow for `sts:AssumeRole` that can
/// cover the role (delegation needs one). Principals are grouped once into callers
/// with the same account, kind, identity policies and boundary; for each role a group
/// is examined once, and when neither the trust policy nor the group's `sts:AssumeRole`
/// statements depend on who calls (no `aws:username`, principal tag or principal ARN
/// in them), its members share one evaluation.
public struct AssumeRoleGraph: Sendable {
  public private(set) var edges: [AssumeRoleEdge] = []
  /// Node → indices into `edges`, sorted by target ARN.
  public private(set) var outgoing: [[Int]]
  public private(set) var incoming: [[Int]]
  /// How many `sts:AssumeRole` requests were evaluated (the rest were shared).
  public private(set) var evaluations = 0

  static let action = "sts:AssumeRole"

  public init(index: WorldIndex) {
    outgoing = Array(repeating: [], count: index.nodes.count)
    incoming = Array(repeating: [], count: index.nodes.count)
    let world = Callers(index: index)
    let roles = index.nodes.indices.filter {
      index.nodes[$0].kind == .role && index.trust[$0] != nil
    }
    // Roles are independent: spread them over the cores, interleaved so that every chunk
    // gets a share of the expensive ones, and put each role's edges back in role order.
    let chunks = max(1, min(16, roles.count / 32))
    let slots = Slots<(edges: [[AssumeRoleEdge]], evaluations: Int)>(count: chunks)
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
      var work = RoleWork(world: world)
      var found: [[AssumeRoleEdge]] = []
      for i in stride(from: chunk, to: roles.count, by: chunks) {
        found.append(work.edges(into: roles[i]))
      }
      slots.set(chunk, (found, work.evaluations))
    }
    let results = slots.values()
    for i in roles.indices {
      guard let result = results[i % chunks] else { continue }
      edges += result.edges[i / chunks]
    }
    evaluations = results.reduce(0) { $0 + ($1?.evaluations ?? 0) }
    for (i, e) in edges.enumerated() {
      outgoing[e.from].append(i)
      incoming[e.to].append(i)
    }
    // Sort by ARN through each node's rank among the sorted ARNs (equal ARNs, equal rank).
    let order = index.nodes.indices.sorted { index.nodes[$0].arn < index.nodes[$1].arn }
    var rank = [Int](repeating: 0, count: index.nodes.count)
    for (position, n) in order.enumerated() where position > 0 {
      let previous = order[position - 1]
      rank[n] = index.nodes[previous].arn == index.nodes[n].arn ? rank[previous] : position
    }
    let edgeList = edges
    for i in outgoing.indices {
      outgoing[i].sort { rank[edgeList[$0].to] < rank[edgeList[$1].to] }
      incoming[i].sort { rank[edgeList[$0].from] < rank[edgeList[$1].from] }
    }
  }
}

/// Fixed slots, each written once by one of several threads, read after they finish.
/// Shared with the CLI, which parses lessons on every core the same way.
package final class Slots<Value>: @unchecked Sendable {
  private let storage: UnsafeMutableBufferPointer<Value?>

  package init(count: Int) {
    storage = .allocate(capacity: count)
    storage.initialize(repeating: nil)
  }

  deinit {
    storage.deinitialize()
    storage.deallocate()
  }

  // INVARIANT: each index is set by one thread only, and read only after all have finished.
  package func set(_ index: Int, _ value: Value) { storage[index] = value }

  package func values() -> [Value?] { Array(storage) }
}

extension AssumeRoleGraph {
  /// Callers that the same role treats the same way: same account, kind, service-linked
  /// flag, `sts:AssumeRole`-relevant identity policies and boundary.
  struct CallerGroup {
    var account: String
    var kind: WorldIndex.Kind
    /// Indices into `WorldIndex.policies` whose `sts:AssumeRole` statements are not empty.
    var identity: [Int]
    /// Whether some identity statement allows `sts:AssumeRole` on some resource.
    var canDelegate: Bool
    /// Whether every identity statement covers any role (`"Resource": "*"`): then all
    /// of `identity` is relevant to every role, and `canDelegate` says whether it allows.
    var coversEveryRole: Bool
    /// Whether the boundary's statements read no per-principal key.
    var boundaryIndependent: Bool
    /// Groups that differ only in their identity policies have the same base: when
    /// the same policies are relevant to a role, they share an evaluation.
    var base: Int
    /// Groups of the same account and kind have the same probe: the trust policy alone
    /// answers the same for all their members.
    var probe: Int
    /// Node indices, ascending.
    var members: [Int]
  }

  /// Everything about the callers that does not depend on the role: built once.
  struct Callers: Sendable {
    let index: WorldIndex
    /// Every policy cut down to the statements that can match `sts:AssumeRole`.
    let sts: [Policy]
    let resourceTests: [[ResourceTest]]
    /// Per policy: its `sts:AssumeRole` statements read no per-principal key.
    let independent: [Bool]
    let boundary: [[Policy]]
    let serviceControl: [[[Policy]]?]
    let resourceControl: [String: [[Policy]]]
    let groups: [CallerGroup]
    let probeCount: Int
    /// Account → its caller groups, in order of first member.
    let groupsByAccount: [String: [Int]]
    /// `account \0 name` → the role node of that name.
    let roleByName: [String: Int]

    init(index: WorldIndex) {
      self.index = index
      let filter = ActionFilter(action: AssumeRoleGraph.action, count: 0)
      let sts = index.policies.map { policy in
        var p = policy
        p.statements = policy.statements.filter { filter.matches($0) }
        return p
      }
      self.sts = sts
      let resourceTests = sts.map { $0.statements.map(ResourceTest.init) }
      self.resourceTests = resourceTests
      let independent = sts.map(PrincipalIndependence.holds)
      self.independent = independent
      boundary = index.nodes.map { $0.boundary.map { sts[$0] } }
      serviceControl = index.nodes.map { node in
        node.account.flatMap { index.serviceControlLevels[$0] }.map {
          $0.map { $0.map { sts[$0] } }
        }
      }
      var resourceControl: [String: [[Policy]]] = [:]
      for (account, levels) in index.resourceControlLevels {
        resourceControl[account] = levels.map { $0.map { sts[$0] } }
      }
      self.resourceControl = resourceControl

      struct Key: Hashable {
        var account: String
        var kind: WorldIndex.Kind
        var serviceLinked: Bool
        var identity: [Int]
        var boundary: [Int]
      }
      var groups: [CallerGroup] = []
      var groupsByAccount: [String: [Int]] = [:]
      var byKey: [Key: Int] = [:]
      var bases: [Key: Int] = [:]
      var probes: [Key: Int] = [:]
      var roleByName: [String: Int] = [:]
      for (i, node) in index.nodes.enumerated() where node.kind != .service {
        guard let account = node.account else { continue }
        if node.kind == .role, roleByName[account + "\u{0}" + node.name] == nil {
          roleByName[account + "\u{0}" + node.name] = i
        }
        let identity = node.identity.filter { !sts[$0].statements.isEmpty }
        let key = Key(
          account: account, kind: node.kind, serviceLinked: node.principal.isServiceLinkedRole,
          identity: identity,
          boundary: node.boundary)
        if let g = byKey[key] {
          groups[g].members.append(i)
          continue
        }
        byKey[key] = groups.count
        var baseKey = key
        baseKey.identity = []
        let base = bases[baseKey] ?? bases.count
        bases[baseKey] = base
        var probeKey = baseKey
        probeKey.serviceLinked = false
        probeKey.boundary = []
        let probe = probes[probeKey] ?? probes.count
        probes[probeKey] = probe
        groupsByAccount[account, default: []].append(groups.count)
        groups.append(
          CallerGroup(
            account: account, kind: node.kind, identity: identity,
            canDelegate: identity.contains { sts[$0].statements.contains { $0.effect == .allow } },
            coversEveryRole: identity.allSatisfy { i in
              resourceTests[i].allSatisfy(\.coversEverything)
            },
            boundaryIndependent: node.boundary.allSatisfy { independent[$0] },
            base: base, probe: probe, members: [i]))
      }
      self.groups = groups
      probeCount = probes.count
      self.groupsByAccount = groupsByAccount
      self.roleByName = roleByName
    }
  }

  /// The edges into one role; per-role scratch state.
  struct RoleWork {
    let world: Callers
    let evaluator = Evaluator(options: .init(recordsTrace: false))
    let tracer = Evaluator(options: .init(recordsTrace: true))
    var evaluations = 0
    /// Node → the context of its requests, with the keys `Request` derives from the
    /// principal (`aws:PrincipalArn`...), which do not depend on the resource.
    var contexts: [RequestContext?]
    /// Policy → the role for which `touchAny`/`touchAllow` were computed.
    var touchRole: [Int]
    var touchAny: [Bool]
    var touchAllow: [Bool]

    init(world: Callers) {
      self.world = world
      contexts = Array(repeating: nil, count: world.index.nodes.count)
      touchRole = Array(repeating: -1, count: world.sts.count)
      touchAny = Array(repeating: false, count: world.sts.count)
      touchAllow = Array(repeating: false, count: world.sts.count)
    }

    mutating func context(_ p: Int) -> RequestContext {
      if let c = contexts[p] { return c }
      let node = world.index.nodes[p]
      let c = Request(
        principal: node.principal, action: AssumeRoleGraph.action, resource: node.arn,
        context: node.context
      ).context
      contexts[p] = c
      return c
    }

    mutating func edges(into r: Int) -> [AssumeRoleEdge] {
      let index = world.index
      let role = index.nodes[r]
      guard let t = index.trust[r] else { return [] }
      let trustPolicy = world.sts[t]
      if trustPolicy.statements.isEmpty { return [] }
      var named = Set<Int>()
      var services: [String] = []
      var accounts: [String] = []
      var anyone = false
      var uniform = PrincipalIndependence.holds(trustPolicy)
      for s in trustPolicy.statements {
        guard let clause = s.principal else { continue }
        if case .notPrincipal = clause { uniform = false }
        for p in clause.patterns {
          switch p.value {
          case .anyone: anyone = true
          case .account(let a): accounts.append(a)
          case .user(_, let arn), .federatedUser(_, let arn), .otherAWS(let arn):
            if let n = index.byARN[arn] { named.insert(n) }
          case .role(let account, let name, _), .assumedRole(let account, let name, _, _):
            if let n = world.roleByName[account + "\u{0}" + name] { named.insert(n) }
          case .service(let name): services.append(name)
          case .federated, .canonicalUser: continue
          }
        }
      }
      var out: [AssumeRoleEdge] = []
      var request = Request(
        principal: .unspecified, action: AssumeRoleGraph.action, resource: role.arn)
      func evaluate(_ p: Int, identity: [Policy]? = nil) -> Evaluation {
        let policies = ApplicablePolicies(
          identity: identity
            ?? index.nodes[p].identity.map { world.sts[$0] }.filter { !$0.statements.isEmpty },
          resource: [trustPolicy], permissionsBoundary: world.boundary[p],
          serviceControlLevels: world.serviceControl[p],
          resourceControlLevels: role.account.flatMap { world.resourceControl[$0] },
          resourceOwner: role.account)
        evaluations += 1
        // The same request as `index.request(node, ...)`: the action and the role's ARN
        // are the template's, and the principal and its context (with the keys Request
        // derives from the principal) are the caller's.
        request.principal = index.nodes[p].principal
        request.context = context(p)
        return evaluator.evaluate(request, against: policies)
      }
      func connect(_ p: Int, _ e: Evaluation, profile: String? = nil) {
        guard e.decision == .allowed, p != r else { return }
        out.append(AssumeRoleEdge(from: p, to: r, instanceProfile: profile, evaluation: e))
      }
      for p in named.sorted() { connect(p, evaluate(p)) }
      for name in Set(services).sorted() {
        guard let s = index.byARN[name] else { continue }
        let e = evaluate(s)
        if name == "ec2.amazonaws.com" {
          // EC2 passes a role to an instance only inside an instance profile.
          for profile in role.instanceProfiles { connect(s, e, profile: profile) }
        } else {
          connect(s, e)
        }
      }
      // The caller groups the trust policy could admit: everyone in the role's account
      // when it trusts "*", else only groups that can delegate (an identity Allow).
      var candidates: [Int] = []
      if anyone {
        for (account, groups) in world.groupsByAccount {
          candidates +=
            account == role.account ? groups : groups.filter { world.groups[$0].canDelegate }
        }
      } else {
        for a in Set(accounts) {
          candidates += (world.groupsByAccount[a] ?? []).filter { world.groups[$0].canDelegate }
        }
      }
      // Whether the trust policy alone grants callers of an account and kind: an edge
      // needs the trust policy's Allow (IAM User Guide, "Cross-account policy evaluation
      // logic": a role trust policy must always allow the caller or its account), and when
      // the trust policy reads nothing per principal, its answer is the same for every
      // caller of the account and kind that it does not name.
      var trusts = [Bool?](repeating: nil, count: world.probeCount)
      func trustGrants(_ group: CallerGroup, _ p: Int) -> Bool {
        guard uniform else { return true }
        if let known = trusts[group.probe] { return known }
        let evaluation = tracer.evaluate(
          index.request(index.nodes[p], action: AssumeRoleGraph.action, resource: role.arn),
          against: ApplicablePolicies(resource: [trustPolicy], resourceOwner: role.account))
        let layer = evaluation.trace?.layers.first { $0.layer == .resource }
        let grants = layer.map { $0.hasAllow && !$0.hasDeny } ?? true
        trusts[group.probe] = grants
        return grants
      }
      var found: [(Int, Evaluation)] = []
      struct SharedKey: Hashable {
        var base: Int
        var identity: [Int]
      }
      var shared: [SharedKey: Evaluation] = [:]
      // Which sts:AssumeRole policies have a statement whose resource can be this role
      // (a statement that cannot match the role never applies, so dropping it changes
      // nothing), and which have such an Allow (delegation needs one).
      var roleARN = role.arn
      roleARN.withUTF8 { bytes in
        for g in candidates {
          let group = world.groups[g]
          guard let first = group.members.first(where: { !named.contains($0) }),
            trustGrants(group, first)
          else { continue }
          var relevant: [Int] = []
          var allows = false
          if group.coversEveryRole {
            relevant = group.identity
            allows = group.canDelegate
          } else {
            for i in group.identity {
              if touchRole[i] != r {
                touchRole[i] = r
                var any = false
                var allow = false
                for test in world.resourceTests[i] where test.covers(bytes) {
                  any = true
                  if test.allow { allow = true }
                }
                touchAny[i] = any
                touchAllow[i] = allow
              }
              if touchAny[i] {
                relevant.append(i)
                if touchAllow[i] { allows = true }
              }
            }
          }
          let sameAccountWildcard = anyone && group.account == role.account
          if !sameAccountWildcard && !allows { continue }
          let identity = relevant.map { world.sts[$0] }
          let members = group.members.filter { !named.contains($0) }
          if uniform && group.boundaryIndependent && relevant.allSatisfy({ world.independent[$0] })
          {
            // The decision cannot differ between members, nor between groups of the same
            // base to which the same policies are relevant: evaluate once.
            let key = SharedKey(base: group.base, identity: relevant)
            let e = shared[key] ?? evaluate(first, identity: identity)
            shared[key] = e
            for p in members { found.append((p, e)) }
          } else {
            for p in members { found.append((p, evaluate(p, identity: identity))) }
          }
        }
      }
      found.sort { $0.0 < $1.0 }
      for (p, e) in found { connect(p, e) }
      return out
    }
  }
}

/// A statement's `Resource`/`NotResource`, reduced to "can it cover this ARN?".
///
/// Patterns with policy variables count as covering: only the evaluator knows their values.
struct ResourceTest {
  var allow: Bool
  var clause: ResourceClause?
  /// No `Resource` (trust policies) or a `Resource` with `"*"`: covers any ARN.
  var coversEverything: Bool

  init(_ statement: Statement) {
    allow = statement.effect == .allow
    clause = statement.resource
    switch statement.resource {
    case nil: coversEverything = true
    case .resource(let patterns):
      coversEverything = patterns.contains {
        if case .any = $0.matcher { return true }
        return false
      }
    case .notResource: coversEverything = false
    }
  }

  func covers(_ arn: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let clause else { return true }
    let lookup: (String) -> String? = { _ in nil }
    switch clause {
    case .resource(let patterns):
      return patterns.contains { $0.hasVariables || $0.matches(arn, lookup: lookup) }
    case .notResource(let patterns):
      return !patterns.contains { !$0.hasVariables && $0.matches(arn, lookup: lookup) }
    }
  }
}

/// Whether a policy's answer can differ between two principals of the same account,
/// kind and policies: it can when it reads a key AWS sets per principal.
enum PrincipalIndependence {
  /// Keys whose values differ between principals with the same policies.
  static func isPerPrincipal(_ lowercasedKey: String) -> Bool {
    lowercasedKey == "aws:principalarn" || lowercasedKey == "aws:username"
      || lowercasedKey == "aws:userid"
      || lowercasedKey.hasPrefix("aws:principaltag/") || lowercasedKey == "aws:sourceidentity"
      || lowercasedKey.hasPrefix("iam:resourcetag/") || lowercasedKey.hasPrefix("aws:resourcetag/")
  }

  static func holds(_ policy: Policy) -> Bool {
    policy.statements.allSatisfy(holds)
  }

  static func holds(_ s: Statement) -> Bool {
    for c in s.conditions {
      if isPerPrincipal(c.lookupKey) { return false }
      for v in c.values {
        if let t = v.template, !templateHolds(t) { return false }
      }
    }
    for p in s.resource?.patterns ?? [] {
      if case .template(let t) = p.matcher, !templateHolds(t) { return false }
    }
    return true
  }

  static func templateHolds(_ t: VariableTemplate) -> Bool {
    for part in t.parts {
      if case .variable(let key, _, _) = part, isPerPrincipal(key) { return false }
    }
    return true
  }
}

extension AssumeRoleGraph {
  /// One tab-separated line per edge: caller, role, instance profile, decision, reason,
  /// same or cross account, deciding statements. A stable text form for snapshots and for
  /// comparing two builds of the graph.
  public func edgeLines(_ index: WorldIndex) -> [String] {
    edges.map { e in
      let statements = e.evaluation.matchedStatements.map { "\($0.policyID)#\($0.layer)#\($0.statementIndex)" }
      return [
        index.nodes[e.from].arn, index.nodes[e.to].arn, e.instanceProfile ?? "-",
        e.evaluation.decision.rawValue,
        "\(e.evaluation.reason)", e.evaluation.isCrossAccount ? "cross-account" : "same-account",
        statements.joined(separator: ","),
      ].joined(separator: "\t")
    }
  }
}
