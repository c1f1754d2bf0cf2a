import IAMEvaluator
import IAMPolicy
import IAMTestSupport
import Testing

/// The trace says, per layer and statement, why a statement applied or exactly why it did not.
@Suite struct TraceTests {
  func evaluate(
    _ identity: String, caller: String = World.alice, action: String = "s3:GetObject",
    resource: String = World.object,
    resourcePolicy: String? = nil, boundary: String? = nil, context ctx: [String: [String]] = [:]
  ) throws -> (Evaluation, Request) {
    let principal = try #require(Principal(caller))
    let request = Request(
      principal: principal, action: action, resource: resource, context: context(ctx))
    let policies = ApplicablePolicies(
      identity: [try parsePolicy(identity, .identity, id: "PolicyInputList.1")],
      resource: try resourcePolicy.map { [try parsePolicy($0, .resource, id: "ResourcePolicy")] }
        ?? [],
      permissionsBoundary: try boundary.map {
        [try parsePolicy($0, .permissionsBoundary, id: "Boundary")]
      } ?? [])
    return (Evaluator().evaluate(request, against: policies), request)
  }

  func onlyMismatch(_ e: Evaluation, layer: PolicyLayer = .identity, statement: Int = 0) throws
    -> Mismatch
  {
    let layerTrace = try #require(
      e.trace?.layers.first { $0.layer == layer }, "no \(layer) layer in the trace")
    let s = try #require(layerTrace.statements.first { $0.ref.statementIndex == statement })
    guard case .doesNotApply(let m) = s.verdict else {
      Issue.record("statement \(statement) applied")
      throw CancellationError()
    }
    return m
  }

  @Test func actionMismatchListsThePatterns() throws {
    let (e, request) = try evaluate(
      document(#"{"Effect":"Allow","Action":["s3:PutObject","s3:List*"],"Resource":"*"}"#))
    guard case .action(let patterns) = try onlyMismatch(e) else {
      Issue.record("not an action mismatch"); return
    }
    #expect(patterns == ["s3:PutObject", "s3:List*"])
    let text = TraceRenderer.describe(try onlyMismatch(e), request: request)
    #expect(text.contains("s3:GetObject") && text.contains("s3:PutObject"))
  }

  @Test func notActionMismatchNamesTheExcludingPattern() throws {
    let (e, _) = try evaluate(
      document(#"{"Effect":"Allow","NotAction":["ec2:*","s3:Get*"],"Resource":"*"}"#))
    guard case .notAction(let pattern) = try onlyMismatch(e) else {
      Issue.record("not a NotAction mismatch"); return
    }
    #expect(pattern == "s3:Get*")
  }

  @Test func resourceMismatchListsThePatterns() throws {
    let (e, request) = try evaluate(
      document(#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-a"}"#))
    guard case .resource(let patterns, let unresolved) = try onlyMismatch(e) else {
      Issue.record("not a resource mismatch"); return
    }
    #expect(patterns == ["arn:aws:s3:::bucket-a"])
    #expect(unresolved.isEmpty)
    // The bucket-versus-objects hint for the classic mistake.
    let text = TraceRenderer.describe(try onlyMismatch(e), request: request)
    #expect(text.contains("arn:aws:s3:::bucket-a/*"))
  }

  @Test func resourceMismatchNamesTheUnresolvedVariable() throws {
    let (e, request) = try evaluate(
      document(
        #"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-a/${aws:PrincipalTag/team}/*"}"#
      ),
      resource: "arn:aws:s3:::bucket-a/payments/x")
    #expect(e.decision == .implicitDeny)
    guard case .resource(_, let unresolved) = try onlyMismatch(e) else {
      Issue.record("not a resource mismatch"); return
    }
    #expect(unresolved == ["aws:PrincipalTag/team"])
    #expect(
      TraceRenderer.describe(try onlyMismatch(e), request: request).contains(
        "${aws:PrincipalTag/team}"))
  }

  @Test func resolvedVariableIsNotReportedAsUnresolved() throws {
    let (e, _) = try evaluate(
      document(
        #"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-a/${aws:PrincipalTag/team}/*"}"#
      ),
      resource: "arn:aws:s3:::bucket-a/payments/x", context: ["aws:PrincipalTag/team": ["billing"]])
    guard case .resource(_, let unresolved) = try onlyMismatch(e) else {
      Issue.record("not a resource mismatch"); return
    }
    #expect(unresolved.isEmpty)
  }

  @Test func notResourceMismatchNamesTheExcludingPattern() throws {
    let (e, _) = try evaluate(
      document(
        #"{"Effect":"Allow","Action":"s3:GetObject","NotResource":["arn:aws:s3:::other/*","arn:aws:s3:::bucket-a/*"]}"#
      ))
    guard case .notResource(let pattern) = try onlyMismatch(e) else {
      Issue.record("not a NotResource mismatch"); return
    }
    #expect(pattern == "arn:aws:s3:::bucket-a/*")
  }

  @Test func principalMismatch() throws {
    let (e, request) = try evaluate(
      document(stmt("Allow", "ec2:*")), caller: World.bob,
      resourcePolicy: document(
        grant("Allow", aws(World.alice), "s3:GetObject", "arn:aws:s3:::bucket-a/*")))
    guard case .principal(let patterns) = try onlyMismatch(e, layer: .resource) else {
      Issue.record("not a principal mismatch"); return
    }
    #expect(patterns == [World.alice])
    #expect(
      TraceRenderer.describe(try onlyMismatch(e, layer: .resource), request: request).contains(
        "bob"))
  }

  @Test func notPrincipalExemption() throws {
    let (e, _) = try evaluate(
      document(stmt("Allow", "*")),
      resourcePolicy: document(
        grant(
          "Deny", aws(World.alice, World.rootA), "s3:GetObject", "arn:aws:s3:::bucket-a/*",
          not: true)))
    #expect(e.decision == .allowed)
    guard case .notPrincipal(let pattern) = try onlyMismatch(e, layer: .resource) else {
      Issue.record("not a NotPrincipal mismatch"); return
    }
    #expect(pattern == World.alice)
  }

  struct ConditionTraceCase: Sendable, CustomTestStringConvertible {
    var id: String
    var condition: String
    var context: [String: [String]]
    var op: String
    var key: String
    var reason: ConditionFailure.Reason
    var words: [String]
    var testDescription: String { id }
  }

  static let conditionCases: [ConditionTraceCase] = [
    .init(
      id: "missing key", condition: #"{"StringEquals":{"aws:PrincipalTag/team":"blue"}}"#,
      context: [:], op: "StringEquals",
      key: "aws:PrincipalTag/team", reason: .keyMissing,
      words: ["StringEquals", "aws:PrincipalTag/team", "no"]),
    .init(
      id: "value mismatch", condition: #"{"StringEquals":{"aws:PrincipalTag/team":"blue"}}"#,
      context: ["aws:PrincipalTag/team": ["red"]], op: "StringEquals", key: "aws:PrincipalTag/team",
      reason: .valueMismatch,
      words: ["`red`", "`blue`"]),
    .init(
      id: "negated operator matched",
      condition: #"{"StringNotEquals":{"aws:PrincipalTag/team":"blue"}}"#,
      context: ["aws:PrincipalTag/team": ["blue"]], op: "StringNotEquals",
      key: "aws:PrincipalTag/team",
      reason: .valueMismatch, words: ["StringNotEquals", "matches a listed value"]),
    .init(
      id: "ForAllValues extra value",
      condition: #"{"ForAllValues:StringEquals":{"aws:TagKeys":["Environment"]}}"#,
      context: ["aws:TagKeys": ["Environment", "Owner"]], op: "ForAllValues:StringEquals",
      key: "aws:TagKeys",
      reason: .valueNotInSet("Owner"), words: ["`Owner`", "ForAllValues"]),
    .init(
      id: "type mismatch", condition: #"{"NumericLessThan":{"s3:max-keys":"10"}}"#,
      context: ["s3:max-keys": ["ten"]],
      op: "NumericLessThan", key: "s3:max-keys", reason: .typeMismatch("ten"),
      words: ["`ten`", "numeric"]),
    .init(
      id: "Null check", condition: #"{"Null":{"aws:TokenIssueTime":"true"}}"#,
      context: ["aws:TokenIssueTime": ["x"]],
      op: "Null", key: "aws:TokenIssueTime", reason: .nullCheck(keyPresent: true),
      words: ["present"]),
    .init(
      id: "second of two operators fails",
      condition:
        #"{"StringEquals":{"aws:PrincipalTag/team":"blue"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
      context: ["aws:PrincipalTag/team": ["blue"], "aws:SourceIp": ["192.0.2.1"]], op: "IpAddress",
      key: "aws:SourceIp",
      reason: .valueMismatch, words: ["IpAddress", "aws:SourceIp", "`192.0.2.1`"]),
  ]

  /// Which key and operator failed, and why, as data and in the rendered sentence.
  @Test(arguments: conditionCases) func conditionFailure(_ c: ConditionTraceCase) throws {
    let (e, request) = try evaluate(
      document(stmt("Allow", "s3:GetObject", condition: c.condition)), context: c.context)
    #expect(e.decision == .implicitDeny)
    guard case .condition(let f) = try onlyMismatch(e) else {
      Issue.record("not a condition mismatch"); return
    }
    #expect(f.op.description == c.op)
    #expect(f.key == c.key)
    #expect(f.reason == c.reason)
    let text = TraceRenderer.describe(.condition(f), request: request)
    for w in c.words { #expect(text.contains(w), "\(text) should mention \(w)") }
  }

  /// The trace has a layer per policy kind in play, with every statement and the statement's range.
  @Test func layersAndRanges() throws {
    let marked = MarkedText(
      #"{"Version":"2012-10-17","Statement":[1️⃣{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"},2️⃣{"Sid":"B","Effect":"Deny","Action":"ec2:*","Resource":"*"}]}"#
    )
    let principal = try #require(Principal(World.alice))
    let policy = try parsePolicy(marked.text, .identity, id: "PolicyInputList.1")
    let boundary = try parsePolicy(
      document(stmt("Allow", "s3:*")), .permissionsBoundary, id: "Boundary")
    let e = Evaluator().evaluate(
      Request(principal: principal, action: "s3:GetObject", resource: World.object),
      against: ApplicablePolicies(identity: [policy], permissionsBoundary: [boundary]))
    let layers = try #require(e.trace?.layers)
    #expect(layers.map(\.layer) == [.identity, .permissionsBoundary])
    #expect(layers[0].hasAllow && !layers[0].hasDeny)
    #expect(layers[0].statements.count == 2)
    #expect(layers[0].statements[0].ref.range.start == marked.marks["1️⃣"])
    #expect(layers[0].statements[1].ref.range.start == marked.marks["2️⃣"])
    #expect(layers[0].statements[1].ref.sid == "B")
    guard case .applies = layers[0].statements[0].verdict else {
      Issue.record("statement A should apply"); return
    }
    #expect(e.decision == .allowed)
    #expect(e.allowedByPermissionsBoundary == true)
  }

  /// Without recording, the evaluator gives the same decision and no trace.
  @Test func traceCanBeOff() throws {
    let principal = try #require(Principal(World.alice))
    let policy = try parsePolicy(document(stmt("Allow", "s3:*")), .identity, id: "p")
    let request = Request(principal: principal, action: "s3:GetObject", resource: World.object)
    let e = Evaluator(options: .init(recordsTrace: false)).evaluate(
      request, against: ApplicablePolicies(identity: [policy]))
    #expect(e.decision == .allowed)
    #expect(e.trace == nil)
  }

  /// The explanation names the deciding statement and the layer.
  @Test func textExplanationNamesTheDecidingStatement() throws {
    let (e, request) = try evaluate(
      document(
        stmt("Allow", "s3:*", sid: "Everything"), stmt("Deny", "s3:GetObject", sid: "NoReads")))
    #expect(e.decision == .explicitDeny)
    let text = TraceRenderer.text(e, for: request)
    #expect(text.contains("explicitDeny"))
    #expect(text.contains("Sid \"NoReads\""))
    #expect(text.contains("PolicyInputList.1:1:"))
  }
}
