import ArgumentParser
import Foundation
import IAMCatalog
import IAMPolicy
import IAMTutor
import LessonMarkdown

/// Where lessons and exercises come from, shared by the tutor's commands.
struct ContentOptions: ParsableArguments {
  @Option(help: ArgumentHelp("The folder with Lessons/ and Exercises/ (default: found from here or the binary).", valueName: "DIR"))
  var content: String?

  /// Loads the curriculum or reports why it cannot, exiting 2.
  func curriculum(failOnErrors: Bool = true) throws -> (Curriculum, root: String, diagnostics: [Diagnostic]) {
    guard let root = TutorContent.locate(content) else {
      Terminal.error(
        "error: cannot find Lessons/ and Exercises/" + (content.map { " in \($0)" } ?? "")
          + "\n  help: run from the iam-tutor checkout, or pass --content DIR (or set IAM_TUTOR_CONTENT)")
      throw ExitCode(ExitStatus.badInput.rawValue)
    }
    let loaded = TutorContent.load(from: root)
    guard let curriculum = loaded.value else {
      for d in loaded.diagnostics { Terminal.error(DiagnosticRenderer.plain(d)) }
      throw ExitCode(ExitStatus.badInput.rawValue)
    }
    if failOnErrors && loaded.hasErrors {
      for d in loaded.diagnostics where d.isError { Terminal.error(DiagnosticRenderer.plain(d)) }
    }
    return (curriculum, root, loaded.diagnostics)
  }
}

/// `iam-tutor grade EXERCISE FILE`: non-interactive grading for classrooms and autograders.
struct GradeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "grade",
    abstract: "Grade an answer to an exercise without the REPL (exit 0 passed, 1 failed, 2 bad input or an unreadable answer).",
    discussion: """
      FILE holds the answer (- for stdin): a policy document for policy exercises, `yes` / `no b`
      for can exercises, `allow deny ...` for predict exercises. --output json|junit|tap gives
      machine-readable results for autograders.
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, junit, tap }

  @Argument(help: "The exercise id, e.g. ec2-role/trust-policy.") var exercise: String
  @Argument(help: "The answer file, or - for stdin.") var file: String
  @Option(help: "text, json, junit or tap.") var output: Format = .text
  @OptionGroup var contentOptions: ContentOptions

  func run() throws {
    let (curriculum, _, _) = try contentOptions.curriculum(failOnErrors: false)
    guard let exercise = curriculum.exercises[exercise] else {
      let close = curriculum.exercises.keys.sorted().filter { $0.contains(self.exercise.split(separator: "/").last.map(String.init) ?? self.exercise) }
      Terminal.error("error: no exercise `\(self.exercise)`" + (close.isEmpty ? "" : "; did you mean " + close.prefix(5).joined(separator: ", ") + "?"))
      throw ExitCode(ExitStatus.badInput.rawValue)
    }
    let answer: SourceFile
    do {
      answer = try SourceLoader.load(file, limit: 1 << 20)
    } catch {
      Terminal.error(DiagnosticRenderer.plain(error.diagnostic))
      throw ExitCode(ExitStatus.badInput.rawValue)
    }
    let text = String(decoding: answer.bytes, as: UTF8.self)
    let grader = Grader(catalog: TutorContent.catalog?.services)
    let grade = grader.grade(text, for: exercise, answerName: file == "-" ? "answer" : file)
    switch output {
    case .text: Terminal.writeLine(GradeRenderer.text(grade, exercise: exercise, paint: Paint(color: Terminal.usesColor)))
    case .json: Terminal.writeLine(GradeRenderer.json(grade).serialized(pretty: true))
    case .junit: Terminal.write(GradeRenderer.junit(grade))
    case .tap: Terminal.write(GradeRenderer.tap(grade))
    }
    // An answer that cannot be read is bad input (2), as in every other command.
    if grade.answerIsMalformed { throw ExitCode(ExitStatus.badInput.rawValue) }
    if !grade.passed { throw ExitCode(ExitStatus.failure.rawValue) }
  }
}

/// `iam-tutor lint-lessons`: the author check.
struct LintLessons: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lint-lessons",
    abstract: "Check lessons and exercises: solutions pass, starters fail, answers agree with the evaluator, ids and prerequisites hold.")

  @Argument(help: "The folder with Lessons/ and Exercises/ (default: found from here).") var directory: String?

  func run() throws {
    let options = try ContentOptions.parse(directory.map { ["--content", $0] } ?? [])
    let (curriculum, root, diagnostics) = try options.curriculum(failOnErrors: false)
    var problems = diagnostics.filter(\.isError)
    for d in diagnostics where !d.isError { Terminal.error(DiagnosticRenderer.plain(d)) }
    problems += CurriculumLint.check(curriculum, grader: Grader(catalog: TutorContent.catalog?.services))
    problems += TutorWorlds.check(curriculum, root: root)
    for d in problems { Terminal.error(DiagnosticRenderer.plain(d)) }
    let summary = "\(curriculum.lessons.count) lessons, \(curriculum.exercises.count) exercises: "
      + (problems.isEmpty ? "all checks pass" : "\(problems.count) problem\(problems.count == 1 ? "" : "s")")
    Terminal.writeLine(summary)
    if !problems.isEmpty { throw ExitCode(ExitStatus.failure.rawValue) }
  }
}

/// `iam-tutor lessons`: the list, without the REPL.
struct LessonsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "lessons", abstract: "List the lessons and your progress.")
  @OptionGroup var contentOptions: ContentOptions
  @Option(help: ArgumentHelp("Where progress is kept (default: $XDG_STATE_HOME/iam-tutor).", valueName: "DIR")) var state: String?

  func run() throws {
    let (curriculum, _, _) = try contentOptions.curriculum()
    let (progress, _) = ProgressFile(directory: ProgressFile.directory(state)).load()
    var session = TutorSession(curriculum: curriculum, progress: progress, grader: Grader(catalog: nil))
    OutputRenderer(interactive: false).render(session.handle("lessons"))
  }
}

/// `iam-tutor lesson ID`: print a lesson, without the REPL.
struct LessonCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "lesson", abstract: "Print a lesson and its exercises.")
  @Argument(help: "The lesson id.") var id: String
  @OptionGroup var contentOptions: ContentOptions

  func run() throws {
    let (curriculum, _, _) = try contentOptions.curriculum()
    guard let lesson = curriculum.lesson(id) else {
      Terminal.error("error: no lesson `\(id)`; lessons: " + curriculum.lessons.map(\.id).joined(separator: ", "))
      throw ExitCode(ExitStatus.badInput.rawValue)
    }
    let renderer = OutputRenderer(interactive: false)
    renderer.render([.note("\(lesson.title) · \(lesson.level.rawValue) · about \(lesson.minutes) minutes")])
    for page in lesson.pages { renderer.render([.markdown(page.blocks)]) }
    var session = TutorSession(curriculum: curriculum, progress: LearnerProgress(), grader: Grader(catalog: nil))
    for exercise in curriculum.exercises(of: lesson) {
      renderer.render(session.handle("start \(exercise.id)").filter { if case .saveProgress = $0 { false } else { true } })
    }
  }
}

/// `iam-tutor progress export|import|show`.
struct ProgressCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "progress", abstract: "Show, export or import your progress (to move it between machines).")

  enum Verb: String, ExpressibleByArgument, CaseIterable { case show, export, `import` }

  @Argument(help: "show, export or import.") var verb: Verb = .show
  @Argument(help: "The file to export to or import from (- for stdout/stdin).") var file: String?
  @Option(help: ArgumentHelp("Where progress is kept (default: $XDG_STATE_HOME/iam-tutor).", valueName: "DIR")) var state: String?
  @OptionGroup var contentOptions: ContentOptions

  func run() throws {
    let store = ProgressFile(directory: ProgressFile.directory(state))
    let (progress, message) = store.load()
    if let message { Terminal.error(message) }
    switch verb {
    case .show:
      let (curriculum, _, _) = try contentOptions.curriculum()
      var session = TutorSession(curriculum: curriculum, progress: progress, grader: Grader(catalog: nil))
      OutputRenderer(interactive: false).render(session.handle("progress"))
    case .export:
      let data = progress.encoded()
      if let file, file != "-" {
        guard FileManager.default.createFile(atPath: file, contents: data) else {
          Terminal.error("error: cannot write \(file)")
          throw ExitCode(ExitStatus.badInput.rawValue)
        }
        Terminal.error("exported \(progress.exercises.count) exercises to \(file)")
      } else {
        Terminal.write(bytes: [UInt8](data) + [0x0A])
      }
    case .import:
      guard let file else {
        Terminal.error("error: give the file to import")
        throw ExitCode(ExitStatus.badInput.rawValue)
      }
      let source: SourceFile
      do { source = try SourceLoader.load(file, limit: 16 << 20) } catch {
        Terminal.error(DiagnosticRenderer.plain(error.diagnostic))
        throw ExitCode(ExitStatus.badInput.rawValue)
      }
      let imported: LearnerProgress
      do { imported = try LearnerProgress.decode(Data(source.bytes)) } catch {
        Terminal.error("error: \(file) is not a progress file iam-tutor can read (\(error)); nothing was changed")
        throw ExitCode(ExitStatus.badInput.rawValue)
      }
      var merged = progress
      merged.merge(imported)
      do { try store.save(merged) } catch {
        Terminal.error("error: \(error)")
        throw ExitCode(ExitStatus.failure.rawValue)
      }
      Terminal.writeLine("imported \(imported.exercises.count) exercises from \(file); progress now has \(merged.exercises.count)")
    }
  }
}
