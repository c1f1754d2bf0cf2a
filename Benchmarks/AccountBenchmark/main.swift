// Loads a get-account-authorization-details dump, builds the assume-role graph, and
// times `can` (for a principal whose answer needs a chain of role assumptions) and
// `who-can` over the whole world. Issue 3's targets: load + graph < 1 s, can < 10 ms,
// who-can < 1 s.
//
//   python3 ../shared/bench/gen_account.py --scale large --seed 1 -o /tmp/gaad-large.json
//   swift run -c release AccountBenchmark /tmp/gaad-large.json [ACTION RESOURCE] [--runs N] [--edges FILE]
//
// Load, index and graph are run N times (default 5), each from the file's bytes with a
// fresh document cache; the figures are the median, with the fastest and slowest run.
// `--edges FILE` writes the graph's edge list (one line per edge) to compare builds.
import Foundation
import IAMAccount
import IAMCatalog
import IAMEvaluator
import IAMPolicy

func seconds(_ start: DispatchTime) -> Double {
  Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}

func ms(_ s: Double) -> String { String(format: "%7.1f ms", s * 1000) }

/// `median (min … max)` of some timings.
func figure(_ times: [Double]) -> String {
  let sorted = times.sorted()
  guard let first = sorted.first, let last = sorted.last else { return "-" }
  return
    "\(ms(sorted[sorted.count / 2]))   (\(ms(first).trimmingCharacters(in: .whitespaces)) … \(ms(last).trimmingCharacters(in: .whitespaces)))"
}

var arguments = Array(CommandLine.arguments.dropFirst())
@MainActor func option(_ name: String) -> String? {
  guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
  let value = arguments[i + 1]
  arguments.removeSubrange(i...(i + 1))
  return value
}
let edgesPath = option("--edges")
let runs = max(1, Int(option("--runs") ?? "") ?? 5)
// `--context KEY=VALUE[:TYPE]` (repeatable), as the CLI takes it: e.g.
// `aws:MultiFactorAuthPresent=true:boolean`, which opens the roles that require MFA.
var context = RequestContext()
while let entry = option("--context") {
  let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
  guard parts.count == 2 else { continue }
  var value = parts[1]
  var type = ContextType.string
  if let colon = value.lastIndex(of: ":"),
    let t = ContextType(rawValue: String(value[value.index(after: colon)...]))
  {
    type = t
    value = String(value[..<colon])
  }
  context[parts[0]] = ContextValue(value, type: type)
}
guard let path = arguments.first, let data = FileManager.default.contents(atPath: path) else {
  print(
    "usage: AccountBenchmark PATH [ACTION RESOURCE] [--runs N] [--edges FILE]  (a get-account-authorization-details JSON file)"
  )
  exit(2)
}
// The default question has callers that are allowed only through a chain of roles in
// the large seed-1 world (codedeploy.amazonaws.com → growth-codedeploy-api → payments-deployer10).
let action = arguments.dropFirst().first ?? "sqs:SendMessage"
let resource = arguments.dropFirst(2).first ?? "arn:aws:sqs:us-east-1:111122223333:payments-queue"

let catalogStart = DispatchTime.now()
let catalog = try? IAMCatalog.bundled()
let catalogTime = seconds(catalogStart)

struct Built {
  var parsed: Parsed<World>
  var cache: DocumentCache
  var index: WorldIndex
  var graph: AssumeRoleGraph
}

var loadTimes: [Double] = []
var indexTimes: [Double] = []
var graphTimes: [Double] = []
var totalTimes: [Double] = []
var built: Built?
for _ in 0..<runs {
  let start = DispatchTime.now()
  let file = SourceFile(name: path, bytes: [UInt8](data))
  var cache = DocumentCache()
  let parsed = AuthorizationDetails.load(file, catalog: catalog?.managedPolicies, cache: &cache)
  loadTimes.append(seconds(start))
  guard let world = parsed.value else {
    print("could not load \(path): \(parsed.diagnostics.count) diagnostics")
    exit(1)
  }
  let indexStart = DispatchTime.now()
  let index = WorldIndex(world: world, catalog: catalog?.managedPolicies, context: context)
  indexTimes.append(seconds(indexStart))
  let graphStart = DispatchTime.now()
  let graph = AssumeRoleGraph(index: index)
  graphTimes.append(seconds(graphStart))
  totalTimes.append(seconds(start))
  built = Built(parsed: parsed, cache: cache, index: index, graph: graph)
}
guard let built else { exit(1) }
let (index, graph) = (built.index, built.graph)
let query = AccessQuery(index: index, graph: graph)

if let edgesPath {
  let lines = graph.edgeLines(index)
  _ = FileManager.default.createFile(
    atPath: edgesPath, contents: Data((lines.joined(separator: "\n") + "\n").utf8))
}

var codes: [String: Int] = [:]
for d in built.parsed.diagnostics { codes[d.code.rawValue, default: 0] += 1 }
let users = index.nodes.filter { $0.kind == .user }.count
let roles = index.nodes.filter { $0.kind == .role }.count
print("file: \(path) (\(data.count) bytes)")
if !context.keys.isEmpty {
  print(
    "context: "
      + context.keys.map { "\($0)=\(context[$0]?.values.joined(separator: ",") ?? "")" }.joined(
        separator: " "))
}
print(
  "principals: \(users) users, \(roles) roles, \(index.nodes.count - users - roles) services; \(graph.edges.count) assume-role edges"
)
print(
  "documents: \(built.cache.lookupCount) read, \(built.cache.parseCount) distinct parsed (\(built.cache.parsedAheadCount) ahead, on every core); \(built.parsed.diagnostics.count) diagnostics"
)
print(
  "diagnostics by code: "
    + codes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
print("graph: \(graph.evaluations) sts:AssumeRole evaluations")
print("")
print("catalog load (not counted): \(ms(catalogTime))")
print("median of \(runs) runs          median        (fastest … slowest)")
print("load                        \(figure(loadTimes))")
print("index                       \(figure(indexTimes))")
print("graph                       \(figure(graphTimes))")
print("load + index + graph        \(figure(totalTimes))      target < 1 s")

// who-can over the whole world.
var whoTimes: [Double] = []
var grantees: [AccessQuery.Grantee] = []
for _ in 0..<5 {
  let s = DispatchTime.now()
  grantees = query.whoCan(action: action, resource: resource)
  whoTimes.append(seconds(s))
}
let chained = grantees.filter { $0.path.count > 1 }.count
print("who-can \(action) \(resource): \(grantees.count) principals, \(chained) through roles")
print("who-can (5 runs)            \(figure(whoTimes))      target < 1 s")

// `can` for a principal whose answer is a chain of role assumptions: the caller with
// the longest chain in the who-can answer (so that the breadth-first search runs).
@MainActor func timeCan(_ start: Int, _ action: String, _ resource: String, label: String) {
  var times: [Double] = []
  var answer: AccessAnswer?
  for _ in 0..<20 {
    let s = DispatchTime.now()
    answer = query.can(start, action: action, resource: resource)
    times.append(seconds(s))
  }
  if let answer {
    print(
      "can \(index.nodes[start].name) \(action) \(resource): allowed=\(answer.allowed) path=\(answer.path.map { index.nodes[$0].name })"
    )
  }
  print(
    "can, \(label) (20 runs)".padding(toLength: 28, withPad: " ", startingAt: 0)
      + "\(figure(times))      target < 10 ms")
}
if let longest = grantees.max(by: { $0.path.count < $1.path.count }), longest.path.count > 1 {
  timeCan(longest.node, action, resource, label: "\(longest.path.count - 1)-hop")
} else {
  print(
    "can: no principal reaches \(action) on \(resource) through roles; give another ACTION RESOURCE"
  )
}
// And the caller with the most assume-role edges among those that are not allowed,
// so that the search walks a large part of the graph before it gives up.
let allowed = Set(grantees.map(\.node))
if let denied = index.nodes.indices.filter({ !allowed.contains($0) }).max(by: {
  graph.outgoing[$0].count < graph.outgoing[$1].count
}) {
  timeCan(denied, action, resource, label: "not allowed")
}
