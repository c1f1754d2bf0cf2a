import IAMEvaluator
import IAMPolicy

/// One role assumption on a path: who assumed which role, and why it was allowed.
public struct AssumeRoleHop: Sendable {
  public var from: String
  public var to: String
  public var instanceProfile: String?
  public var statements: [StatementRef]
}

/// The answer to "can P do A on R?": P's own decision and, when that is not an allow,
/// the shortest chain of role assumptions that reaches an allow.
public struct AccessAnswer: Sendable {
  public var principal: String
  public var action: String
  public var resource: String
  /// The decision for the principal itself.
  public var decision: Decision
  /// Whether the principal itself or some role it reaches is allowed.
  public var allowed: Bool
  /// Node indices from the principal to the principal that is allowed (just the
  /// principal when direct, or when nothing is allowed).
  public var path: [Int]
  public var hops: [AssumeRoleHop]
  /// The request of the final hop and its evaluation on the full policies, with a trace.
  public var finalRequest: Request
  public var finalEvaluation: Evaluation
  public var finalPolicies: ApplicablePolicies
}

/// Answers `can` and `who-can` over a world index and its assume-role graph.
///
/// Every decision is the evaluator's; this type only chooses the policies
/// (prefiltered by action, which cannot change a decision) and walks the graph.
public struct AccessQuery: Sendable {
  public let index: WorldIndex
  public let graph: AssumeRoleGraph

  public init(index: WorldIndex, graph: AssumeRoleGraph) {
    self.index = index
    self.graph = graph
  }

  public init(index: WorldIndex) {
    self.init(index: index, graph: AssumeRoleGraph(index: index))
  }

  /// Decisions for one action and resource, computed per node on demand.
  struct Decider {
    let index: WorldIndex
    let action: String
    let resource: String
    let evaluator = Evaluator(options: .init(recordsTrace: false))
    var filter: ActionFilter

    init(index: WorldIndex, action: String, resource: String) {
      self.index = index
      self.action = action
      self.resource = resource
      filter = ActionFilter(action: action, count: index.policies.count)
    }

    mutating func decide(_ n: Int) -> Evaluation {
      let node = index.nodes[n]
      let policies = index.applicable(node, action: action, resource: resource) { filter.filter($0, in: index.policies) }
      return evaluator.evaluate(index.request(node, action: action, resource: resource), against: policies)
    }

    /// A necessary condition for an allow: some Allow statement in the node's identity
    /// policies or in the resource's policy can match the action.
    mutating func mightAllow(_ n: Int) -> Bool {
      let node = index.nodes[n]
      for i in node.identity where filter.filter(i, in: index.policies).statements.contains(where: { $0.effect == .allow }) {
        return true
      }
      let policies = index.applicable(node, action: action, resource: resource) { filter.filter($0, in: index.policies) }
      return policies.resource.contains { $0.statements.contains { $0.effect == .allow } }
    }
  }

  /// `can`: the principal's own decision, else the shortest assumption chain to an allow.
  public func can(_ start: Int, action: String, resource: String) -> AccessAnswer {
    var decider = Decider(index: index, action: action, resource: resource)
    let own = decider.decide(start)
    var parentEdge = [Int?](repeating: nil, count: index.nodes.count)
    var target = start
    if own.decision != .allowed {
      var seen = Set([start])
      var frontier = [start]
      search: while !frontier.isEmpty {
        var next: [Int] = []
        for n in frontier {
          for e in graph.outgoing[n] {
            let to = graph.edges[e].to
            guard seen.insert(to).inserted else { continue }
            parentEdge[to] = e
            if decider.decide(to).decision == .allowed {
              target = to
              break search
            }
            next.append(to)
          }
        }
        frontier = next
      }
    }
    var path = [target]
    var hops: [AssumeRoleHop] = []
    var cursor = target
    while let e = parentEdge[cursor], cursor != start {
      let edge = graph.edges[e]
      hops.insert(
        AssumeRoleHop(
          from: index.nodes[edge.from].arn, to: index.nodes[edge.to].arn, instanceProfile: edge.instanceProfile,
          statements: edge.evaluation.matchedStatements), at: 0)
      path.insert(edge.from, at: 0)
      cursor = edge.from
    }
    let finalNode = index.nodes[target]
    let request = index.request(finalNode, action: action, resource: resource)
    let policies = index.applicable(finalNode, action: action, resource: resource) { index.policies[$0] }
    let evaluation = Evaluator(options: .init(recordsTrace: true)).evaluate(request, against: policies)
    return AccessAnswer(
      principal: index.nodes[start].arn, action: action, resource: resource, decision: own.decision,
      allowed: evaluation.decision == .allowed, path: path, hops: hops, finalRequest: request,
      finalEvaluation: evaluation, finalPolicies: policies)
  }

  /// One principal that can do it, and how.
  public struct Grantee: Sendable {
    public var node: Int
    /// Node indices from this principal to the one that is allowed.
    public var path: [Int]
    public var direct: Bool { path.count == 1 }
  }

  /// `who-can`: every principal that can do the action on the resource, directly or
  /// through roles, with its shortest path; sorted by path length, then ARN.
  public func whoCan(action: String, resource: String) -> [Grantee] {
    var decider = Decider(index: index, action: action, resource: resource)
    let count = index.nodes.count
    var next = [Int?](repeating: nil, count: count)  // next node on the way to an allow
    var reached = [Bool](repeating: false, count: count)
    var frontier: [Int] = []
    for n in 0..<count where decider.mightAllow(n) && decider.decide(n).decision == .allowed {
      reached[n] = true
      frontier.append(n)
    }
    // Breadth-first backwards over the edges: shortest chains first.
    while !frontier.isEmpty {
      var upcoming: [Int] = []
      for n in frontier {
        for e in graph.incoming[n] {
          let from = graph.edges[e].from
          guard !reached[from] else { continue }
          reached[from] = true
          next[from] = n
          upcoming.append(from)
        }
      }
      frontier = upcoming
    }
    var out: [Grantee] = []
    for n in 0..<count where reached[n] {
      var path = [n]
      var cursor = n
      while let m = next[cursor] {
        path.append(m)
        cursor = m
      }
      out.append(Grantee(node: n, path: path))
    }
    return out.sorted {
      $0.path.count != $1.path.count ? $0.path.count < $1.path.count : index.nodes[$0.node].arn < index.nodes[$1.node].arn
    }
  }
}
