import Foundation
import IAMTestSupport
import IAMTutor
import Testing

/// Issue 5: a learner's walk through the four classic lessons, piped into the real binary,
/// with one wrong answer per exercise and the feedback it gets.
@Suite struct WalkthroughTests {
  typealias F = CurriculumFixture

  /// One line the learner types, and what must be printed in response (in order).
  struct Step {
    var input: String
    var expected: [String]
  }

  static func summary(_ principal: String, _ action: String, _ resource: String) -> String {
    ExerciseRequest(principal: principal, action: action, resource: resource).summary
  }

  static func policy(_ statements: String) -> String {
    #"{"Version": "2012-10-17", "Statement": ["# + statements + "]}"
  }

  /// `start`, then `next` through every page, checking the page counter.
  static func readLesson(_ id: String, unfinished: [String]) throws -> [Step] {
    let lesson = try #require(F.curriculum.lesson(id))
    let n = lesson.pages.count
    var first = ["\(lesson.title) · \(lesson.level.rawValue) · about \(lesson.minutes) minutes", "page 1 of \(n)"]
    if !unfinished.isEmpty {
      first.insert("This lesson builds on " + unfinished.map { "`\($0)`" }.joined(separator: ", "), at: 0)
    }
    var steps = [Step(input: "start \(id)", expected: first)]
    for page in 2...max(2, n) where page <= n {
      steps.append(Step(input: "next", expected: ["page \(page) of \(n)"]))
    }
    return steps
  }

  static func enter(_ id: String) throws -> Step {
    let exercise = try F.exercise(id)
    return Step(input: "next", expected: ["Exercise `\(id)`: \(exercise.title)"])
  }

  static func solved(_ input: String) -> Step { Step(input: input, expected: ["✓ Correct!", "Why:"]) }

  static func script() throws -> [Step] {
    let devUser = "arn:aws:iam::123456789012:user/DevUser"
    var steps: [Step] = []

    // read-only-user
    steps += try readLesson("read-only-user", unfinished: ["principals"])
    steps.append(try enter("read-only-user/policy"))
    steps.append(
      Step(
        input: policy(#"{"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"], "Resource": "arn:aws:s3:::*/*"}"#),
        expected: [
          "✗ Not yet.", "request: " + summary(devUser, "s3:ListBucket", "arn:aws:s3:::reports"), "expected: allowed",
          "actual:   denied", "is not matched by Resource `arn:aws:s3:::*/*`",
        ]))
    steps.append(Step(input: "hint", expected: ["Hint 1 of 3"]))
    steps.append(solved(policy(#"{"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"], "Resource": "*"}"#)))
    steps.append(try enter("read-only-user/console-list"))
    steps.append(Step(input: "no a", expected: ["✗ Not yet.", "Right that it is denied, but not why"]))
    steps.append(solved("no b"))
    steps.append(try enter("read-only-user/object-arns"))
    steps.append(
      Step(
        input: "a a d",
        expected: [
          "✗ Not yet.", "request: " + summary("arn:aws:iam::123456789012:user/MistakeUser", "s3:ListBucket", "arn:aws:s3:::reports"),
          "you said: allowed", "DENIED",
        ]))
    steps.append(solved("allow deny deny"))
    steps.append(Step(input: "next", expected: ["Lesson `read-only-user` done. Next: `groups`."]))

    // ec2-role
    steps += try readLesson("ec2-role", unfinished: ["principals"])
    steps.append(try enter("ec2-role/trust-policy"))
    steps.append(
      Step(
        input: policy(#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}"#),
        expected: [
          "✗ Not yet.", "request: " + summary(devUser, "sts:AssumeRole", "arn:aws:iam::123456789012:role/S3AccessRole"),
          "expected: denied", "actual:   allowed",
        ]))
    steps.append(Step(input: "solution", expected: ["Not solved yet."]))
    steps.append(solved(policy(#"{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}"#)))
    steps.append(try enter("ec2-role/permissions"))
    let session = "arn:aws:sts::123456789012:assumed-role/S3AccessRole/i-0abc1234"
    steps.append(
      Step(
        input: policy(#"{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::my-bucket"}"#),
        expected: [
          "✗ Not yet.", "does not allow everything the task needs",
          "request: " + summary(session, "s3:GetObject", "arn:aws:s3:::my-bucket/reports/2024.csv"), "expected: allowed",
        ]))
    steps.append(solved(policy(#"{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::my-bucket/*"}"#)))
    steps.append(try enter("ec2-role/not-for-users"))
    steps.append(Step(input: "yes", expected: ["✗ Not yet.", "It is not allowed."]))
    steps.append(solved("no c"))
    steps.append(try enter("ec2-role/session"))
    steps.append(
      Step(
        input: "a a d",
        expected: ["✗ Not yet.", "request: " + summary(session, "s3:ListBucket", "arn:aws:s3:::my-bucket"), "you said: allowed"]))
    steps.append(solved("a d d"))
    steps.append(Step(input: "next", expected: ["Lesson `ec2-role` done. Next: `admin-role`."]))

    // admin-role
    steps += try readLesson("admin-role", unfinished: ["groups"])
    steps.append(
      Step(
        input: "can DevUser sts:AssumeRole arn:aws:iam::123456789012:role/AdminRole",
        expected: ["ALLOWED", "Both gates are open"]))
    steps.append(try enter("admin-role/user-policy"))
    steps.append(
      Step(
        input: policy(#"{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}"#),
        expected: [
          "✗ Not yet.", "request: " + summary(devUser, "sts:AssumeRole", "arn:aws:iam::123456789012:role/BillingRole"),
          "expected: denied", "actual:   allowed", "because:  Allow statement 1",
        ]))
    steps.append(solved(policy(#"{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::123456789012:role/AdminRole"}"#)))
    steps.append(try enter("admin-role/trust-policy"))
    steps.append(
      Step(
        input: policy(#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}"#),
        expected: [
          "✗ Not yet.",
          "request: " + summary("arn:aws:iam::123456789012:user/OpsUser", "sts:AssumeRole", "arn:aws:iam::123456789012:role/AdminRole"),
          "expected: denied",
        ]))
    steps.append(solved(policy(#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/DevUser"}, "Action": "sts:AssumeRole"}"#)))
    steps.append(try enter("admin-role/intern"))
    steps.append(Step(input: "no c", expected: ["✗ Not yet.", "Right that it is denied, but not why"]))
    steps.append(solved("no b"))
    steps.append(try enter("admin-role/gates"))
    steps.append(
      Step(
        input: "a d d d",
        expected: [
          "✗ Not yet.",
          "request: " + summary("arn:aws:iam::123456789012:user/Intern", "sts:AssumeRole", "arn:aws:iam::123456789012:role/LockedRole"),
          "you said: denied",
        ]))
    steps.append(solved("a a d d"))
    steps.append(Step(input: "next", expected: ["Lesson `admin-role` done. Next: `cross-account`."]))

    // cross-account
    steps += try readLesson("cross-account", unfinished: [])
    steps.append(
      Step(
        input: "can NoPermUser sts:AssumeRole arn:aws:iam::444455556666:role/SharedReader",
        expected: ["NoPermUser cannot do sts:AssumeRole"]))
    steps.append(try enter("cross-account/trust-policy"))
    steps.append(
      Step(
        input: policy(#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/Analyst"}, "Action": "sts:AssumeRole"}"#),
        expected: [
          "✗ Not yet.",
          "request: "
            + summary(
              "arn:aws:sts::111122223333:assumed-role/DataPipeline/nightly", "sts:AssumeRole", "arn:aws:iam::444455556666:role/SharedReader"),
          "expected: allowed",
        ]))
    steps.append(solved(policy(#"{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"}"#)))
    steps.append(try enter("cross-account/permissions"))
    let reader = "arn:aws:sts::444455556666:assumed-role/SharedReader/analyst"
    steps.append(
      Step(
        input: policy(#"{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "arn:aws:s3:::shared-bucket/*"}"#),
        expected: [
          "✗ Not yet.", "request: " + summary(reader, "s3:ListBucket", "arn:aws:s3:::shared-bucket"), "expected: allowed",
          "is not matched by Resource `arn:aws:s3:::shared-bucket/*`",
        ]))
    steps.append(Step(input: "hint", expected: ["Hint 1 of 3"]))
    steps.append(Step(input: "hint", expected: ["Hint 2 of 3"]))
    steps.append(
      solved(
        policy(
          #"{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::shared-bucket"}, {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared-bucket/*"}"#
        )))
    steps.append(try enter("cross-account/no-delegation"))
    steps.append(Step(input: "no c", expected: ["✗ Not yet.", "Right that it is denied, but not why"]))
    steps.append(solved("no b"))
    steps.append(try enter("cross-account/two-accounts"))
    steps.append(
      Step(
        input: "a a a a",
        expected: [
          "✗ Not yet.",
          "request: "
            + summary("arn:aws:iam::111122223333:user/Analyst", "s3:GetObject", "arn:aws:s3:::shared-bucket/data/2024.csv"),
          "you said: allowed",
        ]))
    steps.append(solved("a d a a"))
    steps.append(Step(input: "next", expected: ["Lesson `cross-account` done. Next: `explicit-deny`."]))
    steps.append(
      Step(input: "progress", expected: ["15/\(F.curriculum.exercises.count) exercises solved", "cross-account    ✓✓✓✓"]))
    steps.append(Step(input: "quit", expected: []))
    return steps
  }

  @Test func classicLessonsThroughPipedInput() throws {
    let steps = try Self.script()
    let state = FileManager.default.temporaryDirectory.appendingPathComponent("iam-tutor-walkthrough-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: state) }
    let result = try BinaryRunner.run(
      ["tutor", "--content", F.root.path, "--state", state.path], stdin: steps.map(\.input).joined(separator: "\n") + "\n",
      environment: ["NO_COLOR": "1", "IAM_TUTOR_STATE": state.path, "IAM_TUTOR_CONTENT": F.root.path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.isEmpty, "\(result.stderr)")
    let out = result.stdout
    var cursor = out.startIndex
    for (i, step) in steps.enumerated() {
      for expected in step.expected {
        guard let found = out.range(of: expected, range: cursor..<out.endIndex) else {
          Issue.record("step \(i + 1) `\(step.input.prefix(60))`: expected `\(expected)` next in the output, after:\n\(out[cursor...].prefix(1500))")
          return
        }
        cursor = found.upperBound
      }
    }
    // Progress was saved in the state folder given.
    let saved = try FileManager.default.contentsOfDirectory(atPath: state.path)
    #expect(!saved.isEmpty)
  }
}
