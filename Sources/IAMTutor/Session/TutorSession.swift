import IAMEvaluator
import IAMPolicy
import LessonMarkdown

/// The tutor REPL as a pure state machine: a line in, outputs out.
///
/// No terminal, file or clock here: the CLI feeds lines (from libedit or a pipe),
/// renders the outputs, saves progress when told to, and opens the editor.
/// That is what lets the whole REPL be tested without a terminal.
public struct TutorSession: Sendable {
  public enum Mode: Sendable, Equatable {
    case menu
    case lesson(String, page: Int)
    case exercise(String)
  }

  public private(set) var curriculum: Curriculum
  public private(set) var progress: LearnerProgress
  public private(set) var mode: Mode = .menu
  public var grader: Grader
  public var freePlay: (any FreePlay)?
  /// Lines of a policy being typed, until its braces balance.
  public private(set) var pending: [String] = []
  /// The explanation of the last answer or question, for `explain`.
  public private(set) var lastExplanation: String?
  /// Set after `reset all`, until confirmed.
  var confirmingReset = false

  public init(curriculum: Curriculum, progress: LearnerProgress, grader: Grader, freePlay: (any FreePlay)? = nil) {
    self.curriculum = curriculum
    self.progress = progress
    self.grader = grader
    self.freePlay = freePlay
    if let position = progress.current, curriculum.lesson(position.lesson) != nil {
      if let exercise = position.exercise, curriculum.exercises[exercise] != nil {
        mode = .exercise(exercise)
      } else {
        mode = .lesson(position.lesson, page: position.page)
      }
    }
  }

  public static let commands = [
    "help", "lessons", "start", "next", "prev", "goto", "show", "hint", "check", "answer", "solution", "give-up",
    "reset", "progress", "can", "who-can", "graph", "world", "simulate", "explain", "edit", "quit",
  ]

  // MARK: - Prompt and multi-line entry

  public var prompt: String {
    if !pending.isEmpty { return "...> " }
    switch mode {
    case .menu: return "iam> "
    case .lesson(let id, let page): return "\(id) [\(page + 1)/\(curriculum.lesson(id)?.pages.count ?? 1)]> "
    case .exercise(let id): return "\(id)> "
    }
  }

  /// Whether the text typed so far is an unfinished JSON document (braces or a string still open).
  public static func needsContinuation(_ text: String) -> Bool {
    var depth = 0
    var inString = false
    var escaped = false
    for c in text.unicodeScalars {
      if inString {
        if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
        continue
      }
      switch c {
      case "\"": inString = true
      case "{", "[": depth += 1
      case "}", "]": depth -= 1
      default: break
      }
    }
    return inString || depth > 0
  }

  /// Ctrl-C: drop what was being typed.
  public mutating func cancelEntry() -> [TutorOutput] {
    guard !pending.isEmpty else { return [] }
    pending = []
    return [.note("(entry cancelled)")]
  }

  // MARK: - Handling a line

  public mutating func handle(_ line: String) -> [TutorOutput] {
    if !pending.isEmpty {
      pending.append(line)
      let text = pending.joined(separator: "\n")
      if TutorSession.needsContinuation(text) { return [] }
      pending = []
      return submit(text)
    }
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    if trimmed.isEmpty { return [] }
    if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") {
      if TutorSession.needsContinuation(line) {
        pending = [line]
        return []
      }
      return submit(line)
    }
    let words = trimmed.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    let command = words[0].lowercased().trimmingPrefix(":")
    let arguments = Array(words.dropFirst())
    if command != "reset" { confirmingReset = false }
    switch command {
    case "help", "?": return help()
    case "lessons", "list", "ls": return lessonList()
    case "start": return start(arguments.first ?? "")
    case "goto", "page": return goto(arguments.first ?? "")
    case "next", "n": return next()
    case "prev", "back", "p": return previous()
    case "show", "s": return show()
    case "hint", "h": return hint()
    case "check": return check(arguments.joined(separator: " "))
    case "answer": return answer(arguments.joined(separator: " "))
    case "solution": return solution(givingUp: false)
    case "give-up", "giveup": return solution(givingUp: true)
    case "reset": return reset(arguments)
    case "progress": return progressSummary()
    case "explain", "why": return explain()
    case "edit": return edit()
    case "quit", "exit", "q": return [.quit]
    case "can", "who-can", "graph", "world", "simulate", "expand": return free(command, arguments)
    default:
      if case .exercise(let id) = mode, let exercise = curriculum.exercises[id], exercise.kind != .policy {
        return answer(trimmed)
      }
      let suggestion = TutorSession.commands.first { $0.hasPrefix(command.prefix(2)) }
      return [.error("unknown command `\(command)`" + (suggestion.map { "; did you mean `\($0)`?" } ?? "") + " (type `help`)")]
    }
  }

  /// Text the learner wrote in $EDITOR.
  public mutating func edited(_ text: String) -> [TutorOutput] {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    if trimmed.isEmpty { return [.note("(nothing written; no change)")] }
    return submit(trimmed)
  }

  // MARK: - Commands

  func help() -> [TutorOutput] {
    [.markdown(MarkdownDocument.parse(TutorSession.helpText).blocks)]
  }

  static let helpText = """
    **Learning**

    | command | what it does |
    | --- | --- |
    | `lessons` | list lessons with your progress |
    | `start ID` | start a lesson (`start ec2-role`) or go straight to an exercise (`start ec2-role/trust-policy`) |
    | `next`, `prev`, `goto N` | move through pages and exercises |
    | `show` | show the current page or exercise again |
    | `hint` | the next hint (they get more specific) |
    | type or paste a policy | grade it (multi-line is fine: it ends when the braces balance) |
    | `edit` | write the answer in `$EDITOR` |
    | `check` | grade your last answer again |
    | `answer yes`, `answer no b`, `answer a d d` | answer a question (`answer` may be left out) |
    | `solution` | the reference solution and why, once solved; `give-up` shows it anyway |
    | `explain` | why the last request was allowed or denied |
    | `reset exercise`, `reset lesson`, `reset all` | start over |
    | `progress` | what you have done |

    **Free play** (in the current lesson's world)

    | command | what it does |
    | --- | --- |
    | `can PRINCIPAL ACTION [RESOURCE]` | can DevUser do s3:GetObject on arn:aws:s3:::my-bucket/x? |
    | `who-can ACTION RESOURCE` | everyone who can, directly or through roles |
    | `graph` | who can assume what |
    | `world` | the users, groups, roles and policies of the world |
    | `simulate FILE` | run a simulate-custom-policy document |
    | `quit` | leave (progress is saved as you go) |
    """

  func lessonList() -> [TutorOutput] {
    let idWidth = curriculum.lessons.map(\.id.count).max() ?? 10
    var lines: [String] = []
    for lesson in curriculum.lessons {
      let exercises = curriculum.exercises(of: lesson)
      let solved = exercises.filter { progress.status(of: $0.id) == .solved }.count
      let started = solved > 0 || progress.pagesRead[lesson.id] != nil
      let mark = exercises.isEmpty ? " " : solved == exercises.count ? "✓" : started ? "◐" : "○"
      let id = lesson.id.padding(toLength: idWidth, withPad: " ", startingAt: 0)
      lines.append("\(mark) \(id)  \(lesson.title)")
      lines.append("  " + String(repeating: " ", count: idWidth) + "  \(lesson.level.rawValue), \(lesson.minutes) min, \(solved)/\(exercises.count) exercises solved")
    }
    lines.append("")
    lines.append("(✓ done, ◐ started, ○ not started) Type `start ID` to begin, e.g. `start \(curriculum.lessons.first?.id ?? "ec2-role")`.")
    return [.text(lines.joined(separator: "\n"))]
  }

  mutating func start(_ id: String) -> [TutorOutput] {
    if id.isEmpty { return [.error("start what? Give a lesson id or an exercise id (type `lessons`).")] }
    if let exercise = curriculum.exercises[id] {
      return enterExercise(exercise)
    }
    if let lesson = curriculum.lesson(id) {
      var out: [TutorOutput] = []
      let missing = lesson.prerequisites.filter { p in
        guard let pre = curriculum.lesson(p) else { return false }
        let ex = curriculum.exercises(of: pre)
        return !ex.isEmpty && !ex.allSatisfy { progress.status(of: $0.id) == .solved }
      }
      if !missing.isEmpty {
        out.append(.note("This lesson builds on " + missing.map { "`\($0)`" }.joined(separator: ", ") + ", which you have not finished; you can go on anyway."))
      }
      return out + showPage(lesson, page: 0)
    }
    let close = (curriculum.lessons.map(\.id) + curriculum.exercises.keys.sorted()).filter { $0.contains(id) }.prefix(5)
    return [.error("no lesson or exercise `\(id)`" + (close.isEmpty ? "" : "; did you mean " + close.map { "`\($0)`" }.joined(separator: ", ") + "?"))]
  }

  mutating func goto(_ argument: String) -> [TutorOutput] {
    guard let n = Int(argument) else { return start(argument) }
    switch mode {
    case .lesson(let id, _):
      guard let lesson = curriculum.lesson(id) else { return [] }
      guard (1...lesson.pages.count).contains(n) else { return [.error("`\(id)` has pages 1 to \(lesson.pages.count)")] }
      return showPage(lesson, page: n - 1)
    case .exercise(let id):
      guard let exercise = curriculum.exercises[id], let lesson = curriculum.lesson(exercise.lesson) else { return [] }
      guard (1...lesson.pages.count).contains(n) else { return [.error("`\(lesson.id)` has pages 1 to \(lesson.pages.count)")] }
      return showPage(lesson, page: n - 1)
    case .menu:
      return [.error("start a lesson first (type `lessons`)")]
    }
  }

  mutating func showPage(_ lesson: Lesson, page: Int) -> [TutorOutput] {
    mode = .lesson(lesson.id, page: page)
    progress.current = .init(lesson: lesson.id, page: page)
    progress.pagesRead[lesson.id] = max(progress.pagesRead[lesson.id] ?? 0, page + 1)
    var out: [TutorOutput] = []
    if page == 0 {
      out.append(.note("\(lesson.title) · \(lesson.level.rawValue) · about \(lesson.minutes) minutes"))
    }
    if lesson.pages.indices.contains(page) { out.append(.markdown(lesson.pages[page].blocks)) }
    let last = page == lesson.pages.count - 1
    let exercises = curriculum.exercises(of: lesson)
    out.append(.note("page \(page + 1) of \(lesson.pages.count) · " + (last ? (exercises.isEmpty ? "`next` for the next lesson" : "`next` for the exercises") : "`next` to go on")))
    out.append(.saveProgress)
    return out
  }

  mutating func enterExercise(_ exercise: Exercise) -> [TutorOutput] {
    mode = .exercise(exercise.id)
    let lessonPages = curriculum.lesson(exercise.lesson)?.pages.count ?? 1
    progress.current = .init(lesson: exercise.lesson, page: max(0, lessonPages - 1), exercise: exercise.id)
    return exerciseOutputs(exercise) + [.saveProgress]
  }

  func exerciseOutputs(_ exercise: Exercise) -> [TutorOutput] {
    let state = progress.exercises[exercise.id]
    var out: [TutorOutput] = [.markdown(MarkdownDocument.parse("### Exercise `\(exercise.id)`: \(exercise.title)\n\n\(exercise.prompt)").blocks)]
    switch exercise.kind {
    case .policy:
      let document = state?.lastAnswer ?? exercise.starter
      if !document.isEmpty {
        out.append(.text(state?.lastAnswer == nil ? "Starting point:" : "Your last answer:"))
        out.append(.policy(document))
      }
      out.append(.note("Type or paste your \(exercise.document.displayName) (or `edit`); `hint` if you are stuck."))
    case .can:
      if let q = exercise.question { out.append(.text("Question: can \(q.summary)?")) }
      var choices = "Answer `yes`, or `no` and the letter of the reason:\n"
      for (i, reason) in CanAnswer.choices.enumerated() {
        choices += "\n- **\(Character(Unicode.Scalar(UInt8(97 + i))))** \(reason.text)"
      }
      out.append(.markdown(MarkdownDocument.parse(choices).blocks))
    case .predict:
      var list = ""
      for (i, p) in exercise.predictions.enumerated() { list += "\(i + 1). \(p.request.summary)\n" }
      out.append(.markdown(MarkdownDocument.parse(list).blocks))
      out.append(.note("Answer with one word per request in order: allow or deny (a/d), e.g. `a d a`."))
    }
    if state?.status == .solved { out.append(.note("(already solved: `solution` shows the explanation, `next` moves on)")) }
    return out
  }

  mutating func next() -> [TutorOutput] {
    switch mode {
    case .menu:
      guard let first = curriculum.lessons.first(where: { !isLessonDone($0) }) ?? curriculum.lessons.first else {
        return [.error("there are no lessons")]
      }
      return showPage(first, page: progress.pagesRead[first.id].map { max(0, $0 - 1) } ?? 0)
    case .lesson(let id, let page):
      guard let lesson = curriculum.lesson(id) else { return [] }
      if page + 1 < lesson.pages.count { return showPage(lesson, page: page + 1) }
      if let first = curriculum.exercises(of: lesson).first { return enterExercise(first) }
      return nextLesson(after: lesson)
    case .exercise(let id):
      guard let exercise = curriculum.exercises[id], let lesson = curriculum.lesson(exercise.lesson) else { return [] }
      let list = curriculum.exercises(of: lesson)
      if let i = list.firstIndex(where: { $0.id == id }), i + 1 < list.count { return enterExercise(list[i + 1]) }
      return nextLesson(after: lesson)
    }
  }

  mutating func nextLesson(after lesson: Lesson) -> [TutorOutput] {
    guard let i = curriculum.lessons.firstIndex(where: { $0.id == lesson.id }) else { return [] }
    if i + 1 < curriculum.lessons.count {
      return [.note("Lesson `\(lesson.id)` done. Next: `\(curriculum.lessons[i + 1].id)`.")] + showPage(curriculum.lessons[i + 1], page: 0)
    }
    mode = .menu
    return [.text("That was the last lesson. `lessons` shows what is left to solve; `progress` sums it up.")]
  }

  mutating func previous() -> [TutorOutput] {
    switch mode {
    case .menu: return [.error("nothing before this: type `lessons`")]
    case .lesson(let id, let page):
      guard let lesson = curriculum.lesson(id) else { return [] }
      if page > 0 { return showPage(lesson, page: page - 1) }
      if let i = curriculum.lessons.firstIndex(where: { $0.id == id }), i > 0 {
        let before = curriculum.lessons[i - 1]
        if let last = curriculum.exercises(of: before).last { return enterExercise(last) }
        return showPage(before, page: before.pages.count - 1)
      }
      return [.note("(this is the first page)")]
    case .exercise(let id):
      guard let exercise = curriculum.exercises[id], let lesson = curriculum.lesson(exercise.lesson) else { return [] }
      let list = curriculum.exercises(of: lesson)
      if let i = list.firstIndex(where: { $0.id == id }), i > 0 { return enterExercise(list[i - 1]) }
      return showPage(lesson, page: lesson.pages.count - 1)
    }
  }

  func show() -> [TutorOutput] {
    switch mode {
    case .menu: return lessonList()
    case .lesson(let id, let page):
      guard let lesson = curriculum.lesson(id), lesson.pages.indices.contains(page) else { return [] }
      return [.markdown(lesson.pages[page].blocks), .note("page \(page + 1) of \(lesson.pages.count)")]
    case .exercise(let id):
      guard let exercise = curriculum.exercises[id] else { return [] }
      return exerciseOutputs(exercise)
    }
  }

  var currentExercise: Exercise? {
    if case .exercise(let id) = mode { return curriculum.exercises[id] }
    return nil
  }

  mutating func hint() -> [TutorOutput] {
    guard let exercise = currentExercise else { return [.error("hints belong to exercises: `start` one first")] }
    var state = progress.exercises[exercise.id] ?? ExerciseProgress()
    guard state.hintsUsed < exercise.hints.count else {
      return [.note("No more hints. `give-up` shows the solution with its explanation.")]
    }
    state.hintsUsed += 1
    progress.exercises[exercise.id] = state
    let text = "**Hint \(state.hintsUsed) of \(exercise.hints.count):** " + exercise.hints[state.hintsUsed - 1]
    return [.markdown(MarkdownDocument.parse(text).blocks), .saveProgress]
  }

  mutating func check(_ inline: String) -> [TutorOutput] {
    guard let exercise = currentExercise else { return [.error("`check` grades an exercise's answer: `start` one first")] }
    if !inline.isEmpty { return submit(inline) }
    guard let last = progress.exercises[exercise.id]?.lastAnswer else {
      return [.error("nothing to check yet: type or paste your answer (or `edit`)")]
    }
    return grade(last, exercise)
  }

  mutating func answer(_ text: String) -> [TutorOutput] {
    guard let exercise = currentExercise else { return [.error("there is no question to answer: `start` an exercise")] }
    if exercise.kind == .policy { return submit(text) }
    return grade(text, exercise)
  }

  mutating func submit(_ text: String) -> [TutorOutput] {
    guard let exercise = currentExercise else {
      return [.error("start an exercise first (`lessons`, then `start ID`); to try a policy freely use `simulate`")]
    }
    return grade(text, exercise)
  }

  mutating func grade(_ text: String, _ exercise: Exercise) -> [TutorOutput] {
    let result = grader.grade(text, for: exercise)
    var state = progress.exercises[exercise.id] ?? ExerciseProgress()
    state.attempts += 1
    state.lastAnswer = text
    if result.passed {
      if state.status != .solved { state.status = state.status == .gaveUp ? .gaveUp : .solved }
    } else if state.status == .notStarted {
      state.status = .attempted
    }
    progress.exercises[exercise.id] = state
    lastExplanation = result.checks.first(where: { !$0.passed })?.reason ?? result.checks.first?.reason
    var out: [TutorOutput] = [.grade(result, exercise), .saveProgress]
    if result.passed {
      out.append(.markdown(MarkdownDocument.parse("**Why:** " + exercise.explanation).blocks))
      out.append(.note("`next` for the next exercise."))
    } else if state.hintsUsed < exercise.hints.count {
      out.append(.note("`hint` for a hint, `explain` for the evaluator's reasoning."))
    }
    return out
  }

  mutating func solution(givingUp: Bool) -> [TutorOutput] {
    guard let exercise = currentExercise else { return [.error("`solution` belongs to exercises: `start` one first")] }
    var state = progress.exercises[exercise.id] ?? ExerciseProgress()
    if state.status != .solved && state.status != .gaveUp && !givingUp {
      return [.note("Not solved yet. Try a `hint`, or type `give-up` to see the solution and its explanation.")]
    }
    if state.status != .solved { state.status = .gaveUp }
    progress.exercises[exercise.id] = state
    var out: [TutorOutput] = []
    switch exercise.kind {
    case .policy: out.append(.policy(exercise.solution))
    case .can:
      if let allowed = exercise.expectedAllowed {
        let letter = exercise.expectedReason.flatMap { r in CanAnswer.choices.firstIndex(of: r) }.map { " " + String(Character(Unicode.Scalar(UInt8(97 + $0)))) } ?? ""
        out.append(.text("Answer: " + (allowed ? "yes" : "no" + letter)))
      }
    case .predict:
      out.append(.text("Answer: " + exercise.predictions.map { $0.expect == .allow ? "allow" : "deny" }.joined(separator: " ")))
    }
    out.append(.markdown(MarkdownDocument.parse(exercise.explanation).blocks))
    out.append(.saveProgress)
    return out
  }

  mutating func reset(_ arguments: [String]) -> [TutorOutput] {
    let scope = arguments.first ?? "exercise"
    switch scope {
    case "exercise":
      guard let exercise = currentExercise else { return [.error("no current exercise; `reset lesson` or `reset all`")] }
      progress.exercises[exercise.id] = nil
      return [.note("`\(exercise.id)` reset.")] + exerciseOutputs(exercise) + [.saveProgress]
    case "lesson":
      let id: String?
      switch mode {
      case .lesson(let l, _): id = l
      case .exercise(let e): id = curriculum.exercises[e]?.lesson
      case .menu: id = arguments.dropFirst().first
      }
      guard let id, let lesson = curriculum.lesson(id) else { return [.error("which lesson? `reset lesson ID`")] }
      for e in curriculum.exercises(of: lesson) { progress.exercises[e.id] = nil }
      progress.pagesRead[id] = nil
      return [.note("Lesson `\(id)` reset."), .saveProgress]
    case "all":
      if !confirmingReset && arguments.dropFirst().first != "yes" {
        confirmingReset = true
        return [.note("This erases all your progress. Type `reset all` again to confirm.")]
      }
      confirmingReset = false
      progress = LearnerProgress()
      mode = .menu
      return [.note("All progress erased."), .saveProgress]
    default:
      return [.error("reset what? `reset exercise`, `reset lesson` or `reset all`")]
    }
  }

  func isLessonDone(_ lesson: Lesson) -> Bool {
    let ex = curriculum.exercises(of: lesson)
    return !ex.isEmpty && ex.allSatisfy { progress.status(of: $0.id) == .solved }
  }

  func progressSummary() -> [TutorOutput] {
    let all = curriculum.exercises.values
    let solved = all.filter { progress.status(of: $0.id) == .solved }.count
    let gaveUp = all.filter { progress.status(of: $0.id) == .gaveUp }.count
    let hints = progress.exercises.values.reduce(0) { $0 + $1.hintsUsed }
    let width = 30
    let filled = all.isEmpty ? 0 : solved * width / all.count
    var text = "Progress: [" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] \(solved)/\(all.count) exercises solved"
    if gaveUp > 0 { text += ", \(gaveUp) shown after giving up" }
    text += ", \(hints) hints used"
    var lines = [text]
    for lesson in curriculum.lessons {
      let ex = curriculum.exercises(of: lesson)
      let marks = ex.map { e -> String in
        switch progress.status(of: e.id) {
        case .solved: "✓"
        case .gaveUp: "~"
        case .attempted: "✗"
        case .notStarted: "·"
        }
      }.joined()
      lines.append("  \(lesson.id.padding(toLength: 16, withPad: " ", startingAt: 0)) \(marks)")
    }
    lines.append("(✓ solved, ~ solution shown, ✗ tried, · not started)")
    return [.text(lines.joined(separator: "\n"))]
  }

  func explain() -> [TutorOutput] {
    guard let lastExplanation else { return [.note("Nothing to explain yet: answer an exercise or ask `can ...` first.")] }
    return [.text(lastExplanation)]
  }

  func edit() -> [TutorOutput] {
    guard let exercise = currentExercise, exercise.kind == .policy else {
      return [.error("`edit` writes a policy answer: `start` a policy exercise first")]
    }
    return [.openEditor(progress.exercises[exercise.id]?.lastAnswer ?? exercise.starter)]
  }

  mutating func free(_ command: String, _ arguments: [String]) -> [TutorOutput] {
    guard let freePlay else { return [.error("`\(command)` is not available here")] }
    var world: String?
    switch mode {
    case .lesson(let id, _): world = curriculum.lesson(id)?.world
    case .exercise(let id): world = curriculum.exercises[id].flatMap { curriculum.lesson($0.lesson)?.world }
    case .menu: break
    }
    switch freePlay.run(command, arguments: arguments, world: world) {
    case .success(let text):
      if command == "can" { lastExplanation = text }
      return [.text(text)]
    case .failure(let error):
      return [.error(error.message)]
    }
  }

  // MARK: - Completion

  /// Candidates for the word being typed, for tab completion.
  public func completions(for lineBeforeCursor: String, actions: [String] = [], principals: [String] = []) -> [String] {
    var words = lineBeforeCursor.split(separator: " ").map(String.init)
    if lineBeforeCursor.isEmpty || lineBeforeCursor.hasSuffix(" ") { words.append("") }
    let current = words.last ?? ""
    if words.count <= 1 {
      return TutorSession.commands.filter { $0.hasPrefix(current.lowercased()) }
    }
    let command = words[0].lowercased()
    let candidates: [String]
    switch (command, words.count) {
    case ("start", 2), ("goto", 2):
      candidates = curriculum.lessons.map(\.id) + curriculum.exercises.keys.sorted()
    case ("reset", 2): candidates = ["exercise", "lesson", "all"]
    case ("can", 2): candidates = principals
    case ("can", 3), ("who-can", 2): candidates = actions
    default: candidates = []
    }
    let lower = current.lowercased()
    return candidates.filter { $0.lowercased().hasPrefix(lower) }
  }
}

extension String {
  func trimmingPrefix(_ prefix: String) -> String { hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self }
}
