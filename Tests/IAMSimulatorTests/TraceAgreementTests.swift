import Foundation
import IAMEvaluator
import IAMPolicy
import IAMSimulator
import IAMTestSupport
import Testing

/// The traced and untraced evaluators decide with different code (the model-based check
/// that explains each statement, and the compiled plan); they must give the same answer.
///
/// Everything but the trace must be identical, missing context keys included (both report
/// every key a relevant statement asks for, as AWS's MissingContextValues does).
@Suite struct TraceAgreementTests {
  static let traced = Evaluator(options: .init(recordsTrace: true))
  static let untraced = Evaluator(options: .init(recordsTrace: false))

  /// Differences between two evaluations of the same request, apart from the trace.
  static func differences(_ t: Evaluation, _ u: Evaluation) -> [String] {
    var out: [String] = []
    if t.decision != u.decision { out.append("decision \(t.decision) vs \(u.decision)") }
    if t.reason != u.reason { out.append("reason \(t.reason) vs \(u.reason)") }
    func key(_ r: StatementRef) -> String {
      "\(r.policyID)#\(r.layer)#\(r.statementIndex)#\(r.sid ?? "-")#\(r.effect)#\(r.kind)#\(r.span.start)-\(r.span.end)"
    }
    if case .explicitDeny(let a) = t.reason, case .explicitDeny(let b) = u.reason, key(a) != key(b) {
      out.append("deny ref \(key(a)) vs \(key(b))")
    }
    if t.matchedStatements.map(key) != u.matchedStatements.map(key) {
      out.append("matched \(t.matchedStatements.map(key)) vs \(u.matchedStatements.map(key))")
    }
    if t.allowedByPermissionsBoundary != u.allowedByPermissionsBoundary { out.append("boundary") }
    if t.allowedByOrganizations != u.allowedByOrganizations { out.append("organizations") }
    if t.isCrossAccount != u.isCrossAccount { out.append("cross-account") }
    if u.trace != nil { out.append("untraced evaluation has a trace") }
    if t.trace == nil { out.append("traced evaluation has no trace") }
    if t.missingContextKeys != u.missingContextKeys {
      out.append("missing keys \(t.missingContextKeys) vs \(u.missingContextKeys)")
    }
    return out
  }

  /// Every action × resource of a document, traced and untraced; returns how many
  /// decisions were compared and how many reported fewer missing keys untraced.
  static func check(_ request: SimulateRequest, label: String) -> (decisions: Int, fewerKeys: Int) {
    let policies = request.applicablePolicies
    var decisions = 0
    var fewerKeys = 0
    for action in request.actionNames {
      for resource in request.resourceArns {
        let r = Request(principal: request.caller, action: action, resource: resource, context: request.context)
        let t = traced.evaluate(r, against: policies)
        let u = untraced.evaluate(r, against: policies)
        let diff = differences(t, u)
        #expect(diff.isEmpty, "\(label) \(action) \(resource): \(diff)")
        if t.missingContextKeys != u.missingContextKeys { fewerKeys += 1 }
        decisions += 1
      }
    }
    return (decisions, fewerKeys)
  }

  @Test(arguments: try ConformanceCase.all())
  func conformanceCase(_ c: ConformanceCase) throws {
    let parsed = SimulateRequest.parse(SourceFile(name: c.id, text: c.input))
    let request = try #require(parsed.value, "bad input for \(c.id)")
    let (decisions, _) = TraceAgreementTests.check(request, label: c.id)
    #expect(decisions > 0)
  }

  static var benchScripts: URL { Fixtures.sharedFolder.appendingPathComponent("bench") }
  static var canGenerateBatch: Bool {
    FileManager.default.fileExists(atPath: benchScripts.appendingPathComponent("gen_batch.py").path)
      && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
  }

  /// 300 requests made by ../shared/bench the way the benchmark batch is made
  /// (`gen_account.py --scale medium --seed 1`, `gen_batch.py --seed 7`).
  @Test(.enabled(if: TraceAgreementTests.canGenerateBatch))
  func benchBatchRequests() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trace-agreement-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let account = dir.appendingPathComponent("gaad.json").path
    let batch = dir.appendingPathComponent("batch.json").path
    func python(_ arguments: [String]) throws {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
      process.arguments = arguments
      process.standardOutput = FileHandle.nullDevice
      try process.run()
      process.waitUntilExit()
      #expect(process.terminationStatus == 0, "python3 \(arguments)")
    }
    let scripts = TraceAgreementTests.benchScripts
    try python([scripts.appendingPathComponent("gen_account.py").path, "--scale", "medium", "--seed", "1", "-o", account])
    try python([scripts.appendingPathComponent("gen_batch.py").path, account, "-n", "300", "--seed", "7", "-o", batch])
    let data = try Data(contentsOf: URL(fileURLWithPath: batch))
    let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let cases = try #require(root["cases"] as? [[String: Any]])
    #expect(cases.count == 300)
    let cache = PolicyCache()
    var decisions = 0
    var fewerKeys = 0
    for (i, c) in cases.enumerated() {
      let input = try JSONSerialization.data(withJSONObject: try #require(c["input"]))
      let parsed = SimulateRequest.parse(
        SourceFile(name: "batch.\(i + 1)", text: String(decoding: input, as: UTF8.self)), cache: cache)
      let request = try #require(parsed.value, "batch line \(i + 1) did not parse")
      let counts = TraceAgreementTests.check(request, label: "batch.\(i + 1)")
      decisions += counts.decisions
      fewerKeys += counts.fewerKeys
    }
    #expect(decisions >= 300)
    print("trace agreement: \(decisions) batch decisions, \(fewerKeys) with fewer missing keys untraced")
  }
}
