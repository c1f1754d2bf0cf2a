import IAMAccount
import IAMPolicy

/// Every lesson and exercise, in course order, with the cross-checks authors need.
public struct Curriculum: Sendable {
  public var lessons: [Lesson]
  public var exercises: [String: Exercise]
  /// Loaded worlds, by the path lessons name them with.
  public var worlds: [String: World]

  public init(lessons: [Lesson], exercises: [String: Exercise], worlds: [String: World] = [:]) {
    self.lessons = lessons
    self.exercises = exercises
    self.worlds = worlds
  }

  public func lesson(_ id: String) -> Lesson? { lessons.first { $0.id == id } }

  /// Whether a path under Lessons/ is a lesson (worlds, examples and READMEs are not).
  public static func isLessonFile(_ relativePath: String) -> Bool {
    relativePath.hasSuffix(".md") && !relativePath.contains("README") && !relativePath.hasPrefix("worlds/")
      && !relativePath.hasPrefix("examples/")
  }

  /// Whether a path under Exercises/ is an exercise file.
  public static func isExerciseFile(_ relativePath: String) -> Bool {
    (relativePath.hasSuffix(".yaml") || relativePath.hasSuffix(".yml") || relativePath.hasSuffix(".json"))
      && !relativePath.contains("README")
  }

  /// A lesson's exercises in the order it lists them (then any others with its prefix).
  public func exercises(of lesson: Lesson) -> [Exercise] {
    var ids = lesson.exerciseIDs
    for id in exercises.keys.sorted() where id.hasPrefix(lesson.id + "/") && !ids.contains(id) { ids.append(id) }
    return ids.compactMap { exercises[$0] }
  }

  /// Builds the curriculum from already-read files; the order file lists lesson ids.
  public static func build(
    lessonFiles: [SourceFile], exerciseFiles: [SourceFile], order: [String] = []
  ) -> Parsed<Curriculum> {
    build(
      lessons: lessonFiles.map(LessonReader.parse), exercises: exerciseFiles.map(ExerciseReader.parse), order: order)
  }

  /// Builds the curriculum from lessons and exercises already read (in any order, on any thread).
  public static func build(
    lessons parsedLessons: [Parsed<Lesson>], exercises parsedExercises: [Parsed<Exercise>], order: [String] = []
  ) -> Parsed<Curriculum> {
    var diagnostics: [Diagnostic] = []
    var lessons: [Lesson] = []
    for parsed in parsedLessons {
      diagnostics += parsed.diagnostics
      if let lesson = parsed.value { lessons.append(lesson) }
    }
    var exercises: [String: Exercise] = [:]
    for parsed in parsedExercises {
      diagnostics += parsed.diagnostics
      guard let exercise = parsed.value else { continue }
      let file = exercise.source
      if let earlier = exercises[exercise.id] {
        diagnostics.append(
          Diagnostic(
            code: .exerciseInvalid, message: "exercise id `\(exercise.id)` is also used by \(earlier.source.name)",
            help: "exercise ids are unique", range: file.range(of: SourceSpan(start: 0, end: 1))))
      }
      exercises[exercise.id] = exercise
    }
    lessons.sort { a, b in
      let ia = order.firstIndex(of: a.id) ?? Int.max
      let ib = order.firstIndex(of: b.id) ?? Int.max
      return ia != ib ? ia < ib : a.id < b.id
    }
    var seen = Set<String>()
    for lesson in lessons {
      let here = lesson.source.range(of: SourceSpan(start: 0, end: 1))
      if !seen.insert(lesson.id).inserted {
        diagnostics.append(Diagnostic(code: .lessonInvalid, message: "lesson id `\(lesson.id)` is used twice", range: here))
      }
      for prerequisite in lesson.prerequisites where !lessons.contains(where: { $0.id == prerequisite }) {
        diagnostics.append(
          Diagnostic(
            code: .lessonInvalid, message: "prerequisite `\(prerequisite)` of `\(lesson.id)` is not a lesson",
            help: "prerequisites name lesson ids", range: here))
      }
      for id in lesson.exerciseIDs where exercises[id] == nil {
        diagnostics.append(
          Diagnostic(
            code: .lessonInvalid, message: "lesson `\(lesson.id)` lists exercise `\(id)`, which does not exist",
            help: "add Exercises/\(id).yaml or remove it from `exercises`", range: here))
      }
    }
    for exercise in exercises.values where !lessons.contains(where: { $0.id == exercise.lesson }) {
      diagnostics.append(
        Diagnostic(
          code: .exerciseInvalid, message: "exercise `\(exercise.id)` belongs to no lesson `\(exercise.lesson)`",
          help: "the part of an exercise id before `/` is its lesson's id",
          range: exercise.source.range(of: SourceSpan(start: 0, end: 1))))
    }
    if let cycle = prerequisiteCycle(lessons) {
      diagnostics.append(Diagnostic(code: .lessonInvalid, message: "prerequisites form a cycle: \(cycle.joined(separator: " → "))"))
    }
    return Parsed(value: Curriculum(lessons: lessons, exercises: exercises), diagnostics: diagnostics)
  }

  static func prerequisiteCycle(_ lessons: [Lesson]) -> [String]? {
    let graph = Dictionary(lessons.map { ($0.id, $0.prerequisites) }, uniquingKeysWith: { a, _ in a })
    var state: [String: Int] = [:]
    var stack: [String] = []
    func visit(_ id: String) -> [String]? {
      if state[id] == 1 { return stack + [id] }
      if state[id] == 2 { return nil }
      state[id] = 1
      stack.append(id)
      for next in graph[id] ?? [] { if let c = visit(next) { return c } }
      stack.removeLast()
      state[id] = 2
      return nil
    }
    for id in graph.keys.sorted() { if let c = visit(id) { return c } }
    return nil
  }
}

/// The author check: every solution passes, every starter fails, every answer agrees with the evaluator.
public enum CurriculumLint {
  public static func check(_ curriculum: Curriculum, grader: Grader) -> [Diagnostic] {
    var out: [Diagnostic] = []
    for id in curriculum.exercises.keys.sorted() {
      guard let exercise = curriculum.exercises[id] else { continue }
      let here = exercise.source.range(of: SourceSpan(start: 0, end: 1))
      func problem(_ message: String) {
        out.append(Diagnostic(code: .exerciseInvalid, message: "\(id): \(message)", range: here))
      }
      switch exercise.kind {
      case .policy:
        let solution = grader.grade(exercise.solution, for: exercise, answerName: "solution")
        if !solution.passed {
          let failing = solution.checks.first { !$0.passed }
          problem(
            "the reference solution fails"
              + (failing.map { ": \($0.request.summary) should be \($0.expected == .allow ? "allowed" : "denied")" } ?? "")
              + solution.diagnostics.filter(\.isError).map { " (\($0.message))" }.joined())
        }
        if grader.grade(exercise.starter, for: exercise, answerName: "starter").passed {
          problem("the starter already passes every check, so there is nothing to do")
        }
      case .can:
        guard let question = exercise.question else { continue }
        let evaluation = grader.decide(question, in: exercise)
        if let expected = exercise.expectedAllowed, expected != (evaluation.decision == .allowed) {
          problem("the answer says \(expected ? "allowed" : "denied") but the evaluator says \(evaluation.decision.rawValue)")
        }
        let reason = ReasonCategory(evaluation.reason)
        if let expected = exercise.expectedReason, expected != reason {
          problem("the reason says `\(expected.rawValue)` but the evaluator's reason is `\(reason.rawValue)`")
        }
      case .predict:
        for p in exercise.predictions {
          let decision = grader.decide(p.request, in: exercise).decision
          if !p.expect.accepts(decision) {
            problem("\(p.request.summary) is expected to be \(p.expect.rawValue) but the evaluator says \(decision.rawValue)")
          }
        }
      }
    }
    return out
  }
}
