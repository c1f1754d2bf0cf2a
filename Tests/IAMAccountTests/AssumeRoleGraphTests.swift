import Foundation
import IAMEvaluator
import IAMPolicy
import IAMTestSupport
import Testing

@testable import IAMAccount

/// The assume-role graph of generated authorization-details dumps: the same edges, with
/// the same deciding statements, as the snapshot taken before the graph was optimised,
/// and as evaluating every principal against every role on the full policies.
@Suite struct AssumeRoleGraphTests {
  static let generator = Fixtures.sharedFolder.appendingPathComponent("bench/gen_account.py")
  static var canGenerate: Bool { FileManager.default.fileExists(atPath: generator.path) }

  /// `gen_account.py --scale SCALE --seed 1`, loaded as the benchmark loads it.
  static func generated(_ scale: String) throws -> WorldIndex {
    try generated(scale, ["--scale", scale])
  }

  static func generated(_ name: String, _ sizes: [String]) throws -> WorldIndex {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent(
      "iam-tutor-gaad-\(name)-\(getpid()).json")
    defer { try? FileManager.default.removeItem(at: out) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", generator.path] + sizes + ["--seed", "1", "-o", out.path]
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    try #require(process.terminationStatus == 0, "gen_account.py failed")
    let file = SourceFile(name: "gaad-\(name).json", bytes: [UInt8](try Data(contentsOf: out)))
    var cache = DocumentCache()
    let parsed = AuthorizationDetails.load(
      file, catalog: AccountFixtures.catalog?.managedPolicies, cache: &cache)
    let world = try #require(parsed.value)
    return WorldIndex(world: world, catalog: AccountFixtures.catalog?.managedPolicies)
  }

  /// One line per edge (the graph's own stable text form).
  static func lines(_ index: WorldIndex, _ graph: AssumeRoleGraph) -> [String] { graph.edgeLines(index) }

  static func snapshot(_ scale: String) throws -> [String] {
    let url = Fixtures.packageRoot().appendingPathComponent(
      "Tests/IAMAccountTests/Fixtures/graph/gaad-\(scale)-seed1.edges")
    return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
  }

  @Test(.enabled(if: canGenerate), arguments: ["small", "medium"])
  func edgesMatchSnapshot(_ scale: String) throws {
    let index = try Self.generated(scale)
    let graph = AssumeRoleGraph(index: index)
    let expected = try Self.snapshot(scale)
    let actual = Self.lines(index, graph)
    #expect(actual.count == expected.count)
    #expect(actual == expected)
    if actual != expected {
      for (a, b) in zip(actual, expected) where a != b {
        Issue.record("first difference:\n  got      \(a)\n  expected \(b)")
        break
      }
    }
  }

  /// A generated world and a request context for the every-pair check.
  struct PairCase: Sendable, CustomTestStringConvertible {
    var sizes: [String]
    var context: [String: String]
    var testDescription: String {
      (sizes + context.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
    }
  }

  static let pairCases: [PairCase] = [
    PairCase(sizes: ["--scale", "small"], context: [:]),
    PairCase(
      sizes: ["--users", "150", "--roles", "120", "--groups", "15", "--policies", "40"],
      context: [:]),
    // With MFA the roles that trust the account with MFA open to every delegating caller.
    PairCase(
      sizes: ["--users", "150", "--roles", "120", "--groups", "15", "--policies", "40"],
      context: ["aws:MultiFactorAuthPresent": "true"]),
  ]

  /// Every principal against every role, on the unfiltered policies: the prefilters and
  /// the shared evaluations must not add or lose an edge, nor change its decision,
  /// reason or deciding statements (in order).
  @Test(.enabled(if: canGenerate), arguments: pairCases)
  func edgesMatchEvaluatingEveryPair(_ c: PairCase) throws {
    var index = try Self.generated(c.sizes.joined(), c.sizes)
    if !c.context.isEmpty {
      var context = RequestContext()
      for (key, value) in c.context { context[key] = ContextValue(value, type: .boolean) }
      index = WorldIndex(
        world: index.world, catalog: AccountFixtures.catalog?.managedPolicies, context: context)
    }
    let graph = AssumeRoleGraph(index: index)
    let evaluator = Evaluator(options: .init(recordsTrace: false))
    func line(_ from: Int, _ to: Int, _ profile: String?, _ e: Evaluation) -> String {
      let statements = e.matchedStatements.map { "\($0.policyID)#\($0.layer)#\($0.statementIndex)" }
      return
        "\(index.nodes[from].arn) \(index.nodes[to].arn) \(profile ?? "-") \(e.reason) \(statements)"
    }
    var expected: [String] = []
    for (r, role) in index.nodes.enumerated() where role.kind == .role && index.trust[r] != nil {
      for (p, node) in index.nodes.enumerated() where p != r {
        let request = index.request(node, action: "sts:AssumeRole", resource: role.arn)
        let policies = index.applicable(node, action: "sts:AssumeRole", resource: role.arn) {
          index.policies[$0]
        }
        let e = evaluator.evaluate(request, against: policies)
        guard e.decision == .allowed else { continue }
        if node.arn == "ec2.amazonaws.com" {
          for profile in role.instanceProfiles { expected.append(line(p, r, profile, e)) }
        } else {
          expected.append(line(p, r, nil, e))
        }
      }
    }
    let actual = graph.edges.map { line($0.from, $0.to, $0.instanceProfile, $0.evaluation) }
    #expect(!actual.isEmpty)
    #expect(actual.sorted() == expected.sorted())
    // Edges come role by role, callers in node order within a role's account callers.
    #expect(graph.edges.map(\.to) == graph.edges.map(\.to).sorted())
  }
}

/// Writes the snapshots: `IAM_TUTOR_WRITE_GRAPH_SNAPSHOTS=1 swift test --filter writeSnapshots`.
@Test(.enabled(if: ProcessInfo.processInfo.environment["IAM_TUTOR_WRITE_GRAPH_SNAPSHOTS"] != nil))
func writeSnapshots() throws {
  for scale in ["small", "medium"] {
    let index = try AssumeRoleGraphTests.generated(scale)
    let text =
      AssumeRoleGraphTests.lines(index, AssumeRoleGraph(index: index)).joined(separator: "\n")
      + "\n"
    let url = Fixtures.packageRoot().appendingPathComponent(
      "Tests/IAMAccountTests/Fixtures/graph/gaad-\(scale)-seed1.edges")
    try text.write(to: url, atomically: true, encoding: .utf8)
  }
}
