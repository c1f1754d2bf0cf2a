import Foundation
import IAMPolicy
import IAMTestSupport
import IAMTutor
import LessonMarkdown
import Testing

/// One answer to a public exercise, from Fixtures/answers.json.
struct ExerciseAnswer: Sendable, CustomTestStringConvertible {
  /// A request a wrong answer must get wrong; nil fields match anything, an action ending in `*` is a prefix.
  struct Failing: Sendable {
    var principal: String?
    var action: String?
    var resource: String?
    var expect: String?
  }

  var exercise: String
  var name: String
  var pass: Bool
  var policy: String
  var failing: Failing?
  /// For answers that are not valid documents: the diagnostic code they must produce.
  var diagnostic: String?

  var testDescription: String { "\(exercise): \(name)" }

  static func all() throws -> [ExerciseAnswer] {
    let url = Fixtures.packageRoot().appendingPathComponent("Tests/IAMTutorTests/Fixtures/answers.json")
    let data = try Data(contentsOf: url)
    guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
      let list = root["answers"] as? [[String: Any]]
    else { throw FixtureError("answers.json has no `answers` list") }
    return try list.map { entry in
      guard let exercise = entry["exercise"] as? String, let name = entry["name"] as? String,
        let pass = entry["pass"] as? Bool, let policy = entry["policy"]
      else { throw FixtureError("incomplete answer: \(entry)") }
      let text = String(decoding: try JSONSerialization.data(withJSONObject: policy, options: [.prettyPrinted]), as: UTF8.self)
      var failing: Failing?
      if let f = entry["failing"] as? [String: String] {
        failing = Failing(principal: f["principal"], action: f["action"], resource: f["resource"], expect: f["expect"])
      }
      return ExerciseAnswer(
        exercise: exercise, name: name, pass: pass, policy: text, failing: failing, diagnostic: entry["diagnostic"] as? String)
    }
  }
}

/// Issue 5: correct answers written differently pass; typical wrong ones fail, naming the request.
@Suite struct PublicExerciseAnswerTests {
  static let answers = (try? ExerciseAnswer.all()) ?? []

  @Test func everyPublicExerciseHasSeveralRightAndWrongAnswers() throws {
    #expect(!Self.answers.isEmpty, "Fixtures/answers.json could not be read")
    for (id, _, _) in CurriculumFixture.publicExercises {
      let mine = Self.answers.filter { $0.exercise == id }
      #expect(mine.filter(\.pass).count >= 4, "\(id): correct answers")
      #expect(mine.filter { !$0.pass }.count >= 4, "\(id): wrong answers")
    }
  }

  @Test(arguments: answers)
  func answerIsGradedAsExpected(_ answer: ExerciseAnswer) throws {
    let exercise = try CurriculumFixture.exercise(answer.exercise)
    let grade = CurriculumFixture.grader.grade(answer.policy, for: exercise)
    let failed = grade.checks.filter { !$0.passed }
    if answer.pass {
      #expect(grade.passed, "should pass; failed: \(failed.map { "\($0.request.summary) [\($0.origin)]" })")
      let errors = grade.diagnostics.filter { $0.isError }
      #expect(errors.isEmpty)
      return
    }
    #expect(!grade.passed, "should fail")
    if let code = answer.diagnostic {
      #expect(grade.diagnostics.contains { $0.isError && $0.code.rawValue == code }, "\(grade.diagnostics.map(\.code.rawValue))")
    }
    guard let want = answer.failing else { return }
    let match = failed.first { result in
      let r = result.request
      if let p = want.principal, p != r.principal { return false }
      if let a = want.action {
        if a.hasSuffix("*") ? !r.action.lowercased().hasPrefix(a.dropLast().lowercased()) : a.lowercased() != r.action.lowercased() {
          return false
        }
      }
      if let res = want.resource, res != r.resource { return false }
      if let e = want.expect, e != result.expected.rawValue { return false }
      return true
    }
    #expect(match != nil, "no failing request like \(want); failing: \(failed.map { "\($0.request.summary) expected \($0.expected)" })")
    // The feedback names the request and says what was expected.
    if let match {
      let text = GradeRenderer.text(grade, exercise: exercise, paint: Paint(color: false))
      if failed.prefix(3).contains(where: { $0.request == match.request }) {
        #expect(text.contains("request: " + match.request.summary), "\(text)")
      }
      #expect(text.contains("expected: \(failed[0].expected == .allow ? "allowed" : "denied")"))
    }
  }
}
