// Loads a get-account-authorization-details dump, builds the assume-role graph, and
// times one `can` query and one `who-can` over the whole world.
//
//   python3 ../shared/bench/gen_account.py --scale large --seed 1 -o /tmp/gaad-large.json
//   swift run -c release --scratch-path .build-account AccountBenchmark /tmp/gaad-large.json
import Foundation
import IAMAccount
import IAMCatalog
import IAMEvaluator
import IAMPolicy

func seconds(_ start: DispatchTime) -> Double {
  Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}

func ms(_ s: Double) -> String { String(format: "%.1f ms", s * 1000) }

var arguments = Array(CommandLine.arguments.dropFirst())
// `--edges FILE` writes the graph's edge list (one line per edge) to compare implementations.
var edgesPath: String?
if let i = arguments.firstIndex(of: "--edges"), i + 1 < arguments.count {
  edgesPath = arguments[i + 1]
  arguments.removeSubrange(i...(i + 1))
}
guard let path = arguments.first, let data = FileManager.default.contents(atPath: path) else {
  print("usage: AccountBenchmark PATH [ACTION RESOURCE]  (a get-account-authorization-details JSON file)")
  exit(2)
}
let action = arguments.dropFirst().first ?? "s3:GetObject"
let resource = arguments.dropFirst(2).first ?? "arn:aws:s3:::data-lake-prod/reports/2024.csv"

let catalogStart = DispatchTime.now()
let catalog = try? IAMCatalog.bundled()
let catalogTime = seconds(catalogStart)

let start = DispatchTime.now()
let file = SourceFile(name: path, bytes: [UInt8](data))
var cache = DocumentCache()
let parsed = AuthorizationDetails.load(file, catalog: catalog?.managedPolicies, cache: &cache)
let loadTime = seconds(start)
guard let world = parsed.value else {
  print("could not load \(path): \(parsed.diagnostics.count) diagnostics")
  exit(1)
}
var codes: [String: Int] = [:]
for d in parsed.diagnostics { codes[d.code.rawValue, default: 0] += 1 }
let indexStart = DispatchTime.now()
let index = WorldIndex(world: world, catalog: catalog?.managedPolicies)
let indexTime = seconds(indexStart)
let graphStart = DispatchTime.now()
let graph = AssumeRoleGraph(index: index)
let graphTime = seconds(graphStart)
let total = seconds(start)
let query = AccessQuery(index: index, graph: graph)
if let edgesPath {
  let lines = graph.edges.map { e in
    let statements = e.evaluation.matchedStatements.map { "\($0.policyID)#\($0.layer)#\($0.statementIndex)" }
    return [
      index.nodes[e.from].arn, index.nodes[e.to].arn, e.instanceProfile ?? "-", e.evaluation.decision.rawValue,
      "\(e.evaluation.reason)", e.evaluation.isCrossAccount ? "cross-account" : "same-account",
      statements.joined(separator: ","),
    ].joined(separator: "\t")
  }
  FileManager.default.createFile(atPath: edgesPath, contents: Data((lines.joined(separator: "\n") + "\n").utf8))
}

let users = index.nodes.filter { $0.kind == .user }.count
let roles = index.nodes.filter { $0.kind == .role }.count
print("file: \(path) (\(data.count) bytes)")
print("principals: \(users) users, \(roles) roles, \(index.nodes.count - users - roles) services; \(graph.edges.count) assume-role edges")
print("documents: \(cache.lookupCount) read, \(cache.parseCount) distinct parsed; \(parsed.diagnostics.count) diagnostics")
print("diagnostics by code: " + codes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
print("graph: \(graph.evaluations) sts:AssumeRole evaluations")
print("catalog load:        \(ms(catalogTime)) (not counted)")
print("load:                \(ms(loadTime))")
print("index:               \(ms(indexTime))")
print("graph:               \(ms(graphTime))")
print("load + graph:        \(ms(total))")

// `can`: a user without direct access, so the chain search runs.
let probe = index.nodes.indices.first { index.nodes[$0].kind == .user } ?? 0
var canTimes: [Double] = []
var answer: AccessAnswer?
for _ in 0..<20 {
  let s = DispatchTime.now()
  answer = query.can(probe, action: "iam:CreateUser", resource: "*")
  canTimes.append(seconds(s))
}
canTimes.sort()
if let answer {
  print("can \(index.nodes[probe].name) iam:CreateUser *: allowed=\(answer.allowed) path=\(answer.path.map { index.nodes[$0].name })")
}
print("can (median of 20):  \(ms(canTimes[canTimes.count / 2]))")

var whoTimes: [Double] = []
var count = 0
for _ in 0..<5 {
  let s = DispatchTime.now()
  count = query.whoCan(action: action, resource: resource).count
  whoTimes.append(seconds(s))
}
whoTimes.sort()
print("who-can \(action) \(resource): \(count) principals")
print("who-can (median of 5): \(ms(whoTimes[whoTimes.count / 2]))")
