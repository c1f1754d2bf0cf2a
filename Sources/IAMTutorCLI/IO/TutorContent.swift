import Foundation
import IAMAccount
import IAMCatalog
import IAMPolicy
import IAMTutor

/// Finds and reads Lessons/ and Exercises/, the lesson worlds, and the catalog.
enum TutorContent {
  /// The folder holding Lessons/ and Exercises/: `--content`, $IAM_TUTOR_CONTENT, the
  /// current folder or one above it, or the checkout the binary was built in.
  static func locate(_ explicit: String?) -> String? {
    let fm = FileManager.default
    func has(_ dir: String) -> Bool {
      var isDir: ObjCBool = false
      return fm.fileExists(atPath: dir + "/Lessons", isDirectory: &isDir) && isDir.boolValue
        && fm.fileExists(atPath: dir + "/Exercises", isDirectory: &isDir) && isDir.boolValue
    }
    if let explicit { return has(explicit) ? explicit : nil }
    if let env = ProcessInfo.processInfo.environment["IAM_TUTOR_CONTENT"], has(env) { return env }
    var candidates: [URL] = [URL(fileURLWithPath: fm.currentDirectoryPath)]
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    candidates.append(executable.deletingLastPathComponent())
    for start in candidates {
      var dir = start
      for _ in 0..<6 {
        if has(dir.path) { return dir.path }
        dir = dir.deletingLastPathComponent()
      }
    }
    return nil
  }

  /// Every file under a folder that the predicate (given its path in the folder) accepts, sorted.
  static func files(under folder: String, where accepts: (String) -> Bool) -> [String] {
    guard let e = FileManager.default.enumerator(atPath: folder) else { return [] }
    var out: [String] = []
    while let item = e.nextObject() as? String {
      if accepts(item) { out.append(folder + "/" + item) }
    }
    return out.sorted()
  }

  /// Reads the curriculum; file problems become diagnostics, never crashes.
  static func load(from root: String) -> Parsed<Curriculum> {
    var diagnostics: [Diagnostic] = []
    func read(_ path: String) -> SourceFile? {
      do {
        var file = try SourceLoader.load(path, limit: 4 << 20)
        file.name = relative(path, to: root)
        return file
      } catch {
        diagnostics.append(error.diagnostic)
        return nil
      }
    }
    let lessons = files(under: root + "/Lessons", where: Curriculum.isLessonFile).compactMap(read)
    let exercises = files(under: root + "/Exercises", where: Curriculum.isExerciseFile).compactMap(read)
    var order: [String] = []
    if let course = try? String(contentsOfFile: root + "/Lessons/course.txt", encoding: .utf8) {
      order = course.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }
    // Parse on every core: start-up to the first prompt is what a learner waits for.
    let parsedLessons = parallelMap(lessons, LessonReader.parse)
    let parsedExercises = parallelMap(exercises, ExerciseReader.parse)
    var result = Curriculum.build(lessons: parsedLessons, exercises: parsedExercises, order: order)
    result.diagnostics.insert(contentsOf: diagnostics, at: 0)
    return result
  }

  static func relative(_ path: String, to root: String) -> String {
    path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
  }

  /// The AWS catalog, loaded once; nil (with the sweep skipped) if the bundle is missing.
  static let catalog: IAMCatalog? = try? IAMCatalog.bundled()

  /// Starts loading the catalog on another thread, so it is ready by the first grade.
  static func preloadCatalog() {
    Thread.detachNewThread { _ = TutorContent.catalog }
  }

  static func parallelMap<T: Sendable, U: Sendable>(_ items: [T], _ transform: @Sendable (T) -> U) -> [U] {
    let slots = Slots<U>(count: items.count)
    DispatchQueue.concurrentPerform(iterations: items.count) { i in slots.set(i, transform(items[i])) }
    return slots.values().compactMap { $0 }
  }
}
