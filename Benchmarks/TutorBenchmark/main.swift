import Foundation
import IAMCatalog
import IAMPolicy
import IAMTutor

// Tutor figures for issue 4 (release build):
//   swift build -c release && .build/release/TutorBenchmark [CHECKOUT] [RUNS]
// 1. start-up: from starting the `iam-tutor` process to its first prompt, with every lesson
//    and exercise loaded (it reports the moment on stderr under IAM_TUTOR_READY_MARKER),
//    and the whole process until it quits; medians of RUNS runs;
// 2. grading: one answer to one exercise, with the catalog already loaded, median per grade.

let arguments = Array(CommandLine.arguments.dropFirst())
let root = arguments.first ?? FileManager.default.currentDirectoryPath
let runs = arguments.count > 1 ? Int(arguments[1]) ?? 20 : 20
let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("iam-tutor").path

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

// 1. Start-up.
let state = NSTemporaryDirectory() + "/tutor-benchmark-\(getpid())"
var startups: [Double] = []
var wholes: [Double] = []
for _ in 0..<runs {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: binary)
  var env = ProcessInfo.processInfo.environment
  env["IAM_TUTOR_CONTENT"] = root
  env["IAM_TUTOR_STATE"] = state
  env["IAM_TUTOR_READY_MARKER"] = "1"
  process.environment = env
  let input = Pipe()
  let errors = Pipe()
  process.standardInput = input
  process.standardOutput = FileHandle.nullDevice
  process.standardError = errors
  let start = Date()
  do { try process.run() } catch {
    print("cannot run \(binary): \(error)")
    exit(2)
  }
  var seen = Data()
  while !String(decoding: seen, as: UTF8.self).contains("ready") {
    let chunk = errors.fileHandleForReading.availableData
    if chunk.isEmpty { break }
    seen.append(chunk)
  }
  startups.append(Date().timeIntervalSince(start) * 1000)
  input.fileHandleForWriting.write(Data("quit\n".utf8))
  try? input.fileHandleForWriting.close()
  process.waitUntilExit()
  wholes.append(Date().timeIntervalSince(start) * 1000)
}
try? FileManager.default.removeItem(atPath: state)
print(String(format: "start-up to the first prompt, all lessons loaded: median %.1f ms, fastest %.1f ms (%d runs; target < 50 ms)",
             median(startups), startups.min() ?? 0, runs))
print(String(format: "whole process (start, first prompt, `quit`, save, exit): median %.1f ms", median(wholes)))

// 2. Grading.
func files(_ folder: String, _ accepts: (String) -> Bool) -> [SourceFile] {
  let e = FileManager.default.enumerator(atPath: folder)
  var out: [SourceFile] = []
  while let item = e?.nextObject() as? String {
    guard accepts(item) else { continue }
    if let data = FileManager.default.contents(atPath: folder + "/" + item) { out.append(SourceFile(name: item, bytes: [UInt8](data))) }
  }
  return out
}
let curriculum = Curriculum.build(
  lessonFiles: files(root + "/Lessons", Curriculum.isLessonFile), exerciseFiles: files(root + "/Exercises", Curriculum.isExerciseFile))
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
