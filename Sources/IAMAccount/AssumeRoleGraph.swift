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
/// of that account that have an identity-based Allow for `sts:AssumeRole` (delegation
/// needs one). Principals whose `sts:AssumeRole` statements are the same and do not
/// depend on who calls (no `aws:username`, principal tag or principal ARN in them) share
/// one evaluation per role.
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
    let evaluator = Evaluator(options: .init(recordsTrace: false))
    var filter = ActionFilter(action: AssumeRoleGraph.action, count: index.policies.count)
    let policies = index.policies
    let transform: (inout ActionFilter, Int) -> Policy = { f, i in f.filter(i, in: policies) }

    // Per principal: can it delegate at all (an identity Allow for sts:AssumeRole)?
    var canDelegate = [Bool](repeating: false, count: index.nodes.count)
    var byAccount: [String: [Int]] = [:]
    var independent = [Bool](repeating: true, count: index.policies.count)
    for i in index.policies.indices { independent[i] = PrincipalIndependence.holds(transform(&filter, i)) }
    for (i, node) in index.nodes.enumerated() where node.kind != .service {
      guard let account = node.account else { continue }
      byAccount[account, default: []].append(i)
      canDelegate[i] = node.identity.contains { transform(&filter, $0).statements.contains { $0.effect == .allow } }
    }
    // Principals that share the account, kind, boundary and the identity policies that can
    // touch the role, and whose policies read no per-principal key, share one evaluation.
    let nodeAccount = index.nodes.map(\.account)
    let resourceTests: [[ResourceTest]] = index.policies.indices.map { i in
      transform(&filter, i).statements.map(ResourceTest.init)
    }
    var touchRole = [Int](repeating: -1, count: index.policies.count)
    var touchAny = [Bool](repeating: false, count: index.policies.count)
    var touchAllow = [Bool](repeating: false, count: index.policies.count)
    struct ClassKey: Hashable {
      var account: String
      var kind: WorldIndex.Kind
      var serviceLinked: Bool
      var identity: [Int]
      var boundary: [Int]
    }

    // The caller's side of every request is the same for every role: build it once.
    struct CallerSide {
      var identityIndices: [Int]
      var identity: [Policy]
      var boundary: [Policy]
      var serviceControl: [[Policy]]?
    }
    let callers: [CallerSide] = index.nodes.map { node in
      CallerSide(
        identityIndices: node.identity.filter { !transform(&filter, $0).statements.isEmpty },
        identity: node.identity.map { transform(&filter, $0) }.filter { !$0.statements.isEmpty },
        boundary: node.boundary.map { transform(&filter, $0) },
        serviceControl: node.account.flatMap { index.serviceControlLevels[$0] }.map { $0.map { $0.map { transform(&filter, $0) } } })
    }
    var resourceControl: [String: [[Policy]]] = [:]
    for (account, levels) in index.resourceControlLevels {
      resourceControl[account] = levels.map { $0.map { transform(&filter, $0) } }
    }

    for (r, role) in index.nodes.enumerated() where role.kind == .role {
      guard let t = index.trust[r] else { continue }
      let trustPolicy = transform(&filter, t)
      if trustPolicy.statements.isEmpty { continue }
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
            if let n = index.nodes.indices.first(where: { index.nodes[$0].kind == .role && index.nodes[$0].account == account && index.nodes[$0].name == name }) {
              named.insert(n)
            }
          case .service(let name): services.append(name)
          case .federated, .canonicalUser: continue
          }
        }
      }
      var shared: [ClassKey: Evaluation] = [:]
      func evaluate(_ p: Int, identity: [Policy]? = nil) -> Evaluation {
        let node = index.nodes[p]
        let caller = callers[p]
        let policies = ApplicablePolicies(
          identity: identity ?? caller.identity, resource: [trustPolicy], permissionsBoundary: caller.boundary,
          serviceControlLevels: caller.serviceControl, resourceControlLevels: role.account.flatMap { resourceControl[$0] },
          resourceOwner: role.account)
        evaluations += 1
        return evaluator.evaluate(index.request(node, action: AssumeRoleGraph.action, resource: role.arn), against: policies)
      }
      func connect(_ p: Int, _ e: Evaluation, profile: String? = nil) {
        guard e.decision == .allowed, p != r else { return }
        edges.append(AssumeRoleEdge(from: p, to: r, instanceProfile: profile, evaluation: e))
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
      var candidates: [Int] = []
      if anyone {
        for (account, members) in byAccount {
          candidates += account == role.account ? members : members.filter { canDelegate[$0] }
        }
      } else {
        for a in Set(accounts) { candidates += (byAccount[a] ?? []).filter { canDelegate[$0] } }
      }
      // Which sts:AssumeRole policies have a statement whose resource can be this role
      // (a statement that cannot match the role never applies, so dropping it changes
      // nothing), and which have such an Allow (delegation needs one).
      var roleARN = role.arn
      roleARN.withUTF8 { bytes in
        for p in Set(candidates).sorted() where !named.contains(p) {
          var relevant: [Int] = []
          var allows = false
          for i in callers[p].identityIndices {
            if touchRole[i] != r {
              touchRole[i] = r
              var any = false
              var allow = false
              for test in resourceTests[i] where test.covers(bytes) {
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
          let sameAccountWildcard = anyone && nodeAccount[p] == role.account
          if !sameAccountWildcard && !allows { continue }
          let identity = relevant.map { transform(&filter, $0) }
          if uniform, let account = nodeAccount[p], relevant.allSatisfy({ independent[$0] }),
            index.nodes[p].boundary.allSatisfy({ independent[$0] })
          {
            let key = ClassKey(
              account: account, kind: index.nodes[p].kind, serviceLinked: index.nodes[p].principal.isServiceLinkedRole,
              identity: relevant.sorted(), boundary: index.nodes[p].boundary)
            if let e = shared[key] {
              connect(p, e)
            } else {
              let e = evaluate(p, identity: identity)
              shared[key] = e
              connect(p, e)
            }
          } else {
            connect(p, evaluate(p, identity: identity))
          }
        }
      }
    }
    for (i, e) in edges.enumerated() {
      outgoing[e.from].append(i)
      incoming[e.to].append(i)
    }
    let nodes = index.nodes
    let edgeList = edges
    for i in outgoing.indices {
      outgoing[i].sort { nodes[edgeList[$0].to].arn < nodes[edgeList[$1].to].arn }
      incoming[i].sort { nodes[edgeList[$0].from].arn < nodes[edgeList[$1].from].arn }
    }
  }
}

/// A statement's `Resource`/`NotResource`, reduced to "can it cover this ARN?".
///
/// Patterns with policy variables count as covering: only the evaluator knows their values.
struct ResourceTest {
  var allow: Bool
  var clause: ResourceClause?

  init(_ statement: Statement) {
    allow = statement.effect == .allow
    clause = statement.resource
  }

  func covers(_ arn: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let clause else { return true }
    let lookup: (String) -> String? = { _ in nil }
    switch clause {
    case .resource(let patterns): return patterns.contains { $0.hasVariables || $0.matches(arn, lookup: lookup) }
    case .notResource(let patterns): return !patterns.contains { !$0.hasVariables && $0.matches(arn, lookup: lookup) }
    }
  }
}

/// Whether a policy's answer can differ between two principals of the same account,
/// kind and policies: it can when it reads a key AWS sets per principal.
enum PrincipalIndependence {
  /// Keys whose values differ between principals with the same policies.
  static func isPerPrincipal(_ lowercasedKey: String) -> Bool {
    lowercasedKey == "aws:principalarn" || lowercasedKey == "aws:username" || lowercasedKey == "aws:userid"
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
