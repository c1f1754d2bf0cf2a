import ArgumentParser
import Foundation
import IAMAccount
import IAMCatalog
import IAMPolicy
import IAMTutor

/// The lessons' worlds: checked by `lint-lessons`, and queried by the tutor's free play.
enum TutorWorlds {
  /// Every lesson's world file exists and loads without errors.
  static func check(_ curriculum: Curriculum, root: String) -> [Diagnostic] {
    var out: [Diagnostic] = []
    for lesson in curriculum.lessons {
      guard let world = lesson.world else { continue }
      let path = root + "/Lessons/" + world
      let here = lesson.source.range(of: SourceSpan(start: 0, end: 1))
      guard let file = try? SourceLoader.load(path) else {
        out.append(Diagnostic(code: .lessonInvalid, message: "lesson `\(lesson.id)` names world `\(world)`, which cannot be read", range: here))
        continue
      }
      var cache = DocumentCache()
      let parsed = WorldFile.load(file, catalog: TutorContent.catalog?.managedPolicies, cache: &cache)
      out += parsed.diagnostics.filter(\.isError)
    }
    return out
  }
}

/// Free play in the REPL: runs the real `can`, `who-can`, `graph`, `world`, `simulate`
/// and `expand` commands in-process against the current lesson's world.
struct CLIFreePlay: FreePlay {
  let lessonsFolder: String

  func run(_ command: String, arguments: [String], world: String?) -> Result<String, FreePlayError> {
    // Positions in answers read better relative to where the learner is.
    let lessonsFolder = TutorContent.relative(self.lessonsFolder, to: FileManager.default.currentDirectoryPath)
    var argv: [String]
    switch command {
    case "can", "who-can", "graph":
      guard let world else { return .failure(FreePlayError("`\(command)` needs a lesson with a world: `start` one first")) }
      argv = [command] + arguments + ["--world", lessonsFolder + "/" + world]
      if command != "graph" { argv += ["--output", "text"] }
    case "world":
      guard let world else { return .failure(FreePlayError("`world` needs a lesson with a world: `start` one first")) }
      argv = ["world", "show", "--world", lessonsFolder + "/" + world]
    case "simulate":
      guard let file = arguments.first else {
        return .failure(FreePlayError("`simulate FILE`: FILE is a simulate-custom-policy document (see `iam-tutor simulate --help`)"))
      }
      argv = ["simulate", "--cli-input-json", file, "--explain", "--output", "text"]
    default:
      argv = [command] + arguments
    }
    let (output, error) = Terminal.capturing {
      var parsed = try IAMTutorCommand.parseAsRoot(argv)
      try parsed.run()
    }
    if let error, !(error is ExitCode) {
      let message = IAMTutorCommand.message(for: error)
      return .failure(FreePlayError(message.isEmpty ? output : message + (output.isEmpty ? "" : "\n" + output)))
    }
    return .success(output.trimmingTrailingNewlines())
  }
}
