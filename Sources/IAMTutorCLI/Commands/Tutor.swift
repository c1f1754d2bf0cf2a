import ArgumentParser
import Foundation
import IAMCatalog
import IAMPolicy
import IAMTutor
import LineEditor

/// `iam-tutor` (no arguments): the interactive tutor.
struct Tutor: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tutor",
    abstract: "Start the interactive tutor (the default command).",
    discussion: """
      On a terminal: line editing, history, tab completion, multi-line policy entry, colour.
      With a pipe: the same commands, one per line, no prompts (printf 'lessons\\nstart ec2-role\\n' | iam-tutor).
      Progress is saved after every change in $XDG_STATE_HOME/iam-tutor (override with --state).
      """)

  @OptionGroup var contentOptions: ContentOptions
  @Option(help: ArgumentHelp("Where progress and history are kept.", valueName: "DIR")) var state: String?

  func run() throws {
    let startClock = Date()
    let (curriculum, root, diagnostics) = try contentOptions.curriculum(failOnErrors: false)
    let interactive = Terminal.stdinIsTerminal && Terminal.stdoutIsTerminal
    let renderer = OutputRenderer(interactive: interactive)
    for d in diagnostics where d.isError { Terminal.error(DiagnosticRenderer.plain(d)) }
    let store = ProgressFile(directory: ProgressFile.directory(state))
    let (progress, message) = store.load()
    var canSave = message == nil || message?.contains("set aside") == true
    if let message { Terminal.error(message) }

    TutorContent.preloadCatalog()
    let grader = Grader(catalogProvider: { TutorContent.catalog?.services })
    var session = TutorSession(
      curriculum: curriculum, progress: progress, grader: grader, freePlay: CLIFreePlay(lessonsFolder: root + "/Lessons"))
    let principals = Tutor.worldPrincipals(curriculum, root: root)
    let completionSession = CompletionState(session: session)
    var reader = makeLineReader(
      programName: "iam-tutor", historyFile: interactive ? store.historyPath : nil,
      completer: { line in completionSession.complete(line, principals: principals) })

    if interactive {
      renderer.render([.text("iam-tutor: learn AWS IAM by doing. Type `help` for commands, `lessons` to begin, `quit` to leave.")])
      if let position = progress.current {
        renderer.render([.note("Welcome back: you were at `\(position.exercise ?? position.lesson)`. Type `show` to see it again.")])
      }
      if ProcessInfo.processInfo.environment["IAM_TUTOR_TIMING"] != nil {
        renderer.render([.note(String(format: "(ready in %.1f ms)", Date().timeIntervalSince(startClock) * 1000))])
      }
    }

    // For the start-up benchmark: the moment the first prompt would be shown.
    if ProcessInfo.processInfo.environment["IAM_TUTOR_READY_MARKER"] != nil { Terminal.error("ready") }
    loop: while true {
      let event = reader.readLine(prompt: session.prompt)
      let outputs: [TutorOutput]
      switch event {
      case .endOfFile:
        if !session.pending.isEmpty {
          // Piped input that ends inside a policy: grade what was typed.
          outputs = session.handle("")
          if outputs.isEmpty { break loop }
        } else {
          break loop
        }
      case .interrupted:
        outputs = session.cancelEntry()
      case .line(let line):
        outputs = session.handle(line)
      }
      completionSession.session = session
      var quit = false
      for output in outputs {
        switch output {
        case .saveProgress:
          guard canSave else { continue }
          do { try store.save(session.progress) } catch {
            Terminal.error("warning: progress not saved: \(error)")
            canSave = false
          }
        case .openEditor(let initial):
          if let edited = Tutor.edit(initial, directory: store.directory) {
            let more = session.edited(edited)
            renderer.render(more)
            if more.contains(where: { if case .saveProgress = $0 { true } else { false } }), canSave {
              try? store.save(session.progress)
            }
          }
        case .quit:
          quit = true
        default:
          renderer.render([output])
        }
      }
      if quit { break }
    }
    if canSave { try? store.save(session.progress) }
    if interactive { renderer.render([.note("Progress saved. See you next time.")]) }
  }

  /// Opens $VISUAL or $EDITOR (then vi) on the text, as `git commit` does.
  static func edit(_ text: String, directory: String) -> String? {
    let env = ProcessInfo.processInfo.environment
    let editor = env["VISUAL"].flatMap { $0.isEmpty ? nil : $0 } ?? env["EDITOR"].flatMap { $0.isEmpty ? nil : $0 } ?? "vi"
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let path = directory + "/answer-\(getpid()).json"
    guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
      Terminal.error("error: cannot write \(path) for the editor")
      return nil
    }
    defer { try? FileManager.default.removeItem(atPath: path) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "\(editor) \"$1\"", "editor", path]
    do {
      try process.run()
      process.waitUntilExit()
    } catch {
      Terminal.error("error: cannot start the editor `\(editor)`: \(error.localizedDescription); set $EDITOR")
      return nil
    }
    guard process.terminationStatus == 0 else {
      Terminal.error("(the editor exited with status \(process.terminationStatus); answer not used)")
      return nil
    }
    return (try? String(contentsOfFile: path, encoding: .utf8)) ?? nil
  }

  /// Principal names of the lessons' worlds, for completing `can`.
  static func worldPrincipals(_ curriculum: Curriculum, root: String) -> [String] {
    var names = Set<String>()
    for world in Set(curriculum.lessons.compactMap(\.world)) {
      guard let text = try? String(contentsOfFile: root + "/Lessons/" + world, encoding: .utf8) else { continue }
      for line in text.split(separator: "\n") {
        let t = line.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("- name:") || t.hasPrefix("name:") {
          let name = t.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
          if !name.isEmpty { names.insert(name) }
        }
      }
    }
    return names.sorted()
  }
}

/// The session as the completer sees it (libedit calls back between lines).
final class CompletionState: @unchecked Sendable {
  var session: TutorSession

  init(session: TutorSession) {
    self.session = session
  }

  /// Action names for completion, fetched from the catalog on the first Tab that needs them.
  lazy var actions: [String] = TutorContent.catalog?.services.allActionNames ?? []

  func complete(_ line: String, principals: [String]) -> [String] {
    let command = line.split(separator: " ").first.map { $0.lowercased() } ?? ""
    let needsActions = command == "can" || command == "who-can"
    return session.completions(for: line, actions: needsActions ? actions : [], principals: principals)
  }
}
