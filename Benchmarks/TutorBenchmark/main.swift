import Foundation
import IAMCatalog
import IAMPolicy
import IAMTutor

// Tutor figures for issue 4 (release build):
//   swift build -c release && .build/release/TutorBenchmark [CHECKOUT] [RUNS]
// 1. start-up: the whole `iam-tutor` process with every lesson and exercise loaded, until it
//    reads its first line and quits (`printf 'quit\n' | iam-tutor`), median of RUNS runs;
// 2. grading: one answer to one exercise, with the catalog already loaded, median per grade.

let arguments = Array(CommandLine.arguments.dropFirst())
let root = arguments.first ?? FileManager.default.currentDirectoryPath
let runs = arguments.count > 1 ? Int(arguments[1]) ?? 20 : 20
let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("iam-tutor").path

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

// 1. Start-up.
let state = NSTemporaryDirectory() + "/tutor-benchmark-\(getpid())"
var startups: [Double] = []
for _ in 0..<runs {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: binary)
  var env = ProcessInfo.processInfo.environment
  env["IAM_TUTOR_CONTENT"] = root
  env["IAM_TUTOR_STATE"] = state
  process.environment = env
  let input = Pipe()
  process.standardInput = input
  process.standardOutput = FileHandle.nullDevice
  let start = Date()
  do { try process.run() } catch {
    print("cannot run \(binary): \(error)")
    exit(2)
  }
  input.fileHandleForWriting.write(Data("quit\n".utf8))
  try? input.fileHandleForWriting.close()
  process.waitUntilExit()
  startups.append(Date().timeIntervalSince(start) * 1000)
}
try? FileManager.default.removeItem(atPath: state)
print(String(format: "start-up, whole process with all lessons loaded: median %.1f ms, fastest %.1f ms (%d runs; target < 50 ms)",
             median(startups), startups.min() ?? 0, runs))

// 2. Grading.
func files(_ folder: String, _ ext: [String]) -> [SourceFile] {
  let e = FileManager.default.enumerator(atPath: folder)
  var out: [SourceFile] = []
  while let item = e?.nextObject() as? String {
    guard ext.contains(where: { item.hasSuffix("." + $0) }), !item.contains("README"), !item.hasPrefix("worlds/") else { continue }
    if let data = FileManager.default.contents(atPath: folder + "/" + item) { out.append(SourceFile(name: item, bytes: [UInt8](data))) }
  }
  return out
}
let curriculum = Curriculum.build(
  lessonFiles: files(root + "/Lessons", ["md"]), exerciseFiles: files(root + "/Exercises", ["yaml", "yml", "json"]))
guard let loaded = curriculum.value, !loaded.exercises.isEmpty else {
  print("no curriculum under \(root)")
  exit(2)
}
let grader = Grader(catalog: try? IAMCatalog.bundled().services)
let ids = ["ec2-role/trust-policy", "ec2-role/permissions", "read-only-user/policy", "admin-role/user-policy",
           "admin-role/trust-policy", "cross-account/trust-policy", "cross-account/permissions"]
var worst = 0.0
for id in ids {
  guard let exercise = loaded.exercises[id] else { continue }
  var times: [Double] = []
  var passed = true
  for _ in 0..<max(5, runs / 2) {
    let start = Date()
    passed = grader.grade(exercise.solution, for: exercise).passed && passed
    times.append(Date().timeIntervalSince(start) * 1000)
  }
  worst = max(worst, median(times))
  print(String(format: "grading %@: median %.2f ms%@", id, median(times), passed ? "" : " (solution failed!)"))
}
print(String(format: "grading one exercise, slowest median: %.2f ms (target < 10 ms)", worst))
