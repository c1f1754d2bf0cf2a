import Foundation
import IAMTestSupport
import Testing

/// `iam-tutor grade` for autograders: exit 0 passed, 1 failed, 2 bad input.
@Suite struct GradeCommandTests {
  let content = ["--content", Fixtures.packageRoot().path]
  let solution = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
  let tooBroad = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}"#

  func grade(_ answer: String, _ extra: [String] = []) throws -> ProcessResult {
    try BinaryRunner.run(["grade", "ec2-role/trust-policy", "-"] + content + extra, stdin: answer)
  }

  @Test func passingAnswerExitsZeroWithJSON() throws {
    let r = try grade(solution, ["--output", "json"])
    #expect(r.status == 0, "\(r.stderr)")
    let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
    #expect(json?["exercise"] as? String == "ec2-role/trust-policy")
    #expect(json?["passed"] as? Bool == true)
    #expect((json?["checks"] as? [[String: Any]])?.allSatisfy { $0["passed"] as? Bool == true } == true)
  }

  @Test func wrongAnswerExitsOneAndNamesTheRequest() throws {
    let r = try grade(tooBroad)
    #expect(r.status == 1)
    #expect(r.stdout.contains("request:"))
    #expect(r.stdout.contains("lambda.amazonaws.com"))
    #expect(r.stdout.contains("line 1, column"))
  }

  @Test func junitAndTap() throws {
    let junit = try grade(tooBroad, ["--output", "junit"])
    #expect(junit.stdout.hasPrefix("<?xml"))
    #expect(junit.stdout.contains("<failure message=\"expected denied, got allowed\""))
    let tap = try grade(solution, ["--output", "tap"])
    #expect(tap.stdout.hasPrefix("TAP version 14\n1..4\nok 1"))
    #expect(tap.status == 0)
  }

  @Test func unreadableAnswersAndUnknownExercisesAreBadInput() throws {
    let malformed = try grade(#"{"Version": "2012-10-17", "Statement": ["#)
    #expect(malformed.status == 2)
    #expect(malformed.stdout.contains("answer:1:"), "\(malformed.stdout)")
    let unknown = try BinaryRunner.run(["grade", "no-such/exercise", "-"] + content, stdin: solution)
    #expect(unknown.status == 2)
    #expect(unknown.stderr.contains("no exercise"))
  }
}
