import IAMAccount
import IAMEvaluator
import Testing

/// The four classic scenarios and their negatives, from Fixtures/access-cases.json.
@Suite struct AccessQueryTests {
  @Test(arguments: try AccessCases.load().can)
  func can(_ c: CanCase) throws {
    let query = try AccountFixtures.query(c.world, context: c.context ?? [])
    guard case .found(let start) = query.index.lookup(c.principal) else {
      Issue.record("no principal \(c.principal)")
      return
    }
    let answer = query.can(start, action: c.action, resource: c.resource)
    #expect(answer.allowed == c.allowed, "\(c.why)")
    #expect(answer.decision.rawValue == c.decision, "\(c.why)")
    #expect(answer.path.map { query.index.nodes[$0].arn } == c.path, "\(c.why)")
    #expect(answer.finalEvaluation.decision == (c.allowed ? .allowed : answer.finalEvaluation.decision))
  }

  @Test(arguments: try AccessCases.load().whoCan)
  func whoCan(_ c: WhoCanCase) throws {
    let query = try AccountFixtures.query(c.world, context: c.context ?? [])
    let grantees = query.whoCan(action: c.action, resource: c.resource)
    var found: [String: Int] = [:]
    for g in grantees { found[query.index.nodes[g.node].arn] = g.path.count }
    #expect(found == c.principals, "\(c.why)")
  }

  @Test func everyHopKeepsBothGates() throws {
    let query = try AccountFixtures.query("Lessons/worlds/cross-account-role.yaml")
    guard case .found(let analyst) = query.index.lookup("Analyst") else {
      Issue.record("no Analyst")
      return
    }
    let answer = query.can(analyst, action: "s3:GetObject", resource: "arn:aws:s3:::shared-bucket/k")
    let hop = try #require(answer.hops.first)
    #expect(hop.statements.contains { $0.kind == .identity })
    #expect(hop.statements.contains { $0.kind == .trust })
  }

  @Test func ambiguousAndUnknownNamesListCandidates() throws {
    let query = try AccountFixtures.query("Lessons/worlds/dev-admin-role.yaml")
    guard case .unknown(let candidates) = query.index.lookup("Dev") else {
      Issue.record("`Dev` should be unknown")
      return
    }
    #expect(candidates.contains("arn:aws:iam::123456789012:user/DevUser"))
    #expect(query.index.lookup("user/DevUser") == query.index.lookup("arn:aws:iam::123456789012:user/DevUser"))
    #expect(query.index.lookup("devuser") == query.index.lookup("DevUser"))
  }

  @Test func graphRendersEveryFormat() throws {
    let query = try AccountFixtures.query("Lessons/worlds/ec2-s3-access.yaml")
    let text = GraphRenderer.render(query.index, query.graph, format: .text)
    #expect(text.contains("assumes (instance profile WebServerProfile) → S3AccessRole"))
    #expect(!text.contains("→ BatchRole"))
    let dot = GraphRenderer.render(query.index, query.graph, format: .dot)
    #expect(dot.hasPrefix("digraph world {"))
    #expect(dot.contains("instance profile WebServerProfile"))
    let mermaid = GraphRenderer.render(query.index, query.graph, format: .mermaid)
    #expect(mermaid.hasPrefix("flowchart LR"))
  }

  @Test func expandListsActionsWithAccessLevels() throws {
    let catalog = try #require(AccountFixtures.catalog)
    let actions = ActionExpansion.expand("s3:Get*", in: catalog.services)
    let object = try #require(actions.first { $0.fullName == "s3:GetObject" })
    #expect(object.accessLevel == .read)
    #expect(actions.allSatisfy { $0.fullName.lowercased().hasPrefix("s3:get") })
    #expect(ActionExpansion.expand("S3:getobjec?", in: catalog.services).map(\.fullName) == ["s3:GetObject"])
  }
}
