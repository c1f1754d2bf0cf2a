import IAMPolicy
import IAMTutor
import Testing

/// The REPL as a pure state machine: lines in, outputs out, no terminal.
@Suite struct TutorSessionTests {
  typealias F = CurriculumFixture

  func session(_ progress: LearnerProgress = LearnerProgress()) -> TutorSession {
    TutorSession(curriculum: F.curriculum, progress: progress, grader: F.grader)
  }

  /// All text the outputs would show, for assertions.
  func text(_ outputs: [TutorOutput]) -> String {
    outputs.map { output -> String in
      switch output {
      case .markdown(let blocks): TerminalText.plain(blocks)
      case .text(let t), .note(let t), .policy(let t), .error(let t): t
      case .grade(let g, _): (g.passed ? "PASSED " : "FAILED ") + g.feedback.joined(separator: " ")
        + g.checks.filter { !$0.passed }.map { " wrong: " + $0.request.summary }.joined()
      case .openEditor(let t): "EDITOR:" + t
      case .saveProgress: "<save>"
      case .quit: "<quit>"
      }
    }.joined(separator: "\n")
  }

  @Test(arguments: [
    (#"{"Version": "2012-10-17","#, true),
    (#"{"a": "}"#, true),
    (#"{"a": "\"}"#, true),
    (#"{"a": ["b"]}"#, false),
    (#"{"Statement": [{"Effect": "Allow"}]}"#, false),
    (#"{"a": "{"}"#, false),
  ])
  func continuation(_ text: String, _ incomplete: Bool) {
    #expect(TutorSession.needsContinuation(text) == incomplete)
  }

  @Test func lessonPagesThenExercises() {
    var s = session()
    #expect(s.prompt == "iam> ")
    let first = text(s.handle("start ec2-role"))
    #expect(first.contains("page 1 of"))
    #expect(s.mode == .lesson("ec2-role", page: 0))
    let pages = F.curriculum.lesson("ec2-role")?.pages.count ?? 0
    for _ in 1..<pages { _ = s.handle("next") }
    #expect(s.mode == .lesson("ec2-role", page: pages - 1))
    let exercise = text(s.handle("next"))
    #expect(exercise.contains("ec2-role/trust-policy"))
    #expect(s.prompt == "ec2-role/trust-policy> ")
    _ = s.handle("prev")
    #expect(s.mode == .lesson("ec2-role", page: pages - 1))
    #expect(text(s.handle("goto 1")).contains("page 1 of"))
  }

  @Test func multiLinePolicyIsGradedWhenBalanced() {
    var s = session()
    _ = s.handle("start ec2-role/trust-policy")
    #expect(s.handle(#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow","#).isEmpty)
    #expect(s.prompt == "...> ")
    let out = text(s.handle(#""Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#))
    #expect(out.contains("PASSED"))
    #expect(out.contains("<save>"))
    #expect(s.progress.status(of: "ec2-role/trust-policy") == .solved)
    #expect(s.progress.exercises["ec2-role/trust-policy"]?.attempts == 1)
  }

  @Test func cancelDropsTheEntry() {
    var s = session()
    _ = s.handle("start ec2-role/trust-policy")
    _ = s.handle("{")
    #expect(!s.pending.isEmpty)
    #expect(text(s.cancelEntry()).contains("cancelled"))
    #expect(s.pending.isEmpty)
    #expect(s.prompt == "ec2-role/trust-policy> ")
  }

  @Test func wrongAnswerNamesTheRequestAndHintsGoInOrder() throws {
    var s = session()
    let exercise = try F.exercise("ec2-role/trust-policy")
    _ = s.handle("start ec2-role/trust-policy")
    let wrong = text(s.handle(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}"#))
    #expect(wrong.contains("FAILED"))
    #expect(wrong.contains("wrong: lambda.amazonaws.com"))
    #expect(s.progress.status(of: exercise.id) == .attempted)
    for i in 1...exercise.hints.count {
      #expect(text(s.handle("hint")).contains("Hint \(i) of \(exercise.hints.count)"))
    }
    #expect(text(s.handle("hint")).contains("No more hints"))
    #expect(s.progress.exercises[exercise.id]?.hintsUsed == exercise.hints.count)
    #expect(text(s.handle("explain")).contains("ALLOWED"))
  }

  @Test func solutionOnlyAfterSolvingOrGivingUp() {
    var s = session()
    _ = s.handle("start ec2-role/permissions")
    #expect(text(s.handle("solution")).contains("Not solved yet"))
    let shown = text(s.handle("give-up"))
    #expect(shown.contains("s3:GetObject"))
    #expect(s.progress.status(of: "ec2-role/permissions") == .gaveUp)
  }

  @Test func resetAllNeedsConfirmation() {
    var s = session()
    _ = s.handle("start ec2-role/permissions")
    _ = s.handle("give-up")
    #expect(text(s.handle("reset all")).contains("again to confirm"))
    #expect(s.progress.exercises.count == 1)
    _ = s.handle("reset all")
    #expect(s.progress.exercises.isEmpty)
    #expect(s.mode == .menu)
  }

  @Test func canAndPredictAnswers() throws {
    let can = try #require(F.curriculum.exercises.values.first { $0.kind == .can })
    var s = session()
    _ = s.handle("start \(can.id)")
    let letter = can.expectedReason.flatMap { CanAnswer.choices.firstIndex(of: $0) }.map { String(Character(Unicode.Scalar(UInt8(97 + $0)))) }
    let right = can.expectedAllowed == true ? "yes" : "no \(letter ?? "a")"
    #expect(text(s.handle(right)).contains("PASSED"))
    let predict = try #require(F.curriculum.exercises.values.first { $0.kind == .predict })
    _ = s.handle("start \(predict.id)")
    let answer = predict.predictions.map { $0.expect == .allow ? "a" : "d" }.joined(separator: " ")
    #expect(text(s.handle("answer \(answer)")).contains("PASSED"))
    let flipped = predict.predictions.map { $0.expect == .allow ? "d" : "a" }.joined(separator: " ")
    #expect(text(s.handle(flipped)).contains("FAILED"))
  }

  @Test func editAndUnknownCommands() {
    var s = session()
    #expect(text(s.handle("edit")).contains("start"))
    _ = s.handle("start ec2-role/trust-policy")
    #expect(text(s.handle(":edit")).hasPrefix("EDITOR:"))
    #expect(text(s.handle("strat")).contains("did you mean `start`"))
    #expect(text(s.handle("start nonsense")).contains("no lesson or exercise"))
    #expect(text(s.handle("quit")) == "<quit>")
  }

  @Test func completionOfCommandsIdsAndActions() {
    let s = session()
    #expect(s.completions(for: "sta") == ["start"])
    #expect(s.completions(for: "start ec2-role/tr") == ["ec2-role/trust-policy"])
    #expect(s.completions(for: "reset a") == ["all"])
    #expect(s.completions(for: "can DevUser s3:GetO", actions: ["s3:GetObject", "s3:PutObject"]) == ["s3:GetObject"])
  }

  @Test func progressResumesWhereTheLearnerWas() {
    var s = session()
    _ = s.handle("start admin-role")
    _ = s.handle("next")
    let resumed = session(s.progress)
    #expect(resumed.mode == .lesson("admin-role", page: 1))
  }

  @Test func progressFileRoundTripAndNewerFormat() throws {
    var p = LearnerProgress()
    p.exercises["a/b"] = ExerciseProgress()
    p.exercises["a/b"]?.status = .solved
    let decoded = try LearnerProgress.decode(p.encoded())
    #expect(decoded == p)
    let newer = #"{"formatVersion": 99, "exercises": {}, "pagesRead": {}}"#
    #expect(throws: LearnerProgress.DecodeError.newerFormat(99)) { try LearnerProgress.decode(Data(newer.utf8)) }
    #expect(throws: (any Error).self) { try LearnerProgress.decode(Data("{ nope".utf8)) }
    var mine = LearnerProgress()
    mine.exercises["a/b"] = ExerciseProgress()
    mine.exercises["a/b"]?.status = .attempted
    mine.merge(p)
    #expect(mine.status(of: "a/b") == .solved)
  }
}

import Foundation
import LessonMarkdown

/// Plain text of rendered markdown, for assertions.
enum TerminalText {
  static func plain(_ blocks: [MarkdownBlock]) -> String {
    TerminalRenderer.render(blocks, style: RenderStyle(width: 200, color: false))
  }
}
