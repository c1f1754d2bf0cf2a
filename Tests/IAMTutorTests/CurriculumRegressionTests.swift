import Foundation
import IAMPolicy
import IAMTestSupport
import IAMTutor
import Testing

/// Grader and REPL behaviour the curriculum ran into: each was a bug, each test states what
/// a learner should get.
@Suite struct CurriculumRegressionTests {
  typealias F = CurriculumFixture

  static func canExercise(_ yaml: String) throws -> Exercise {
    let parsed = ExerciseReader.parse(SourceFile(name: "inline.yaml", text: yaml))
    return try #require(parsed.value, "\(parsed.diagnostics.map { DiagnosticRenderer.plain($0) })")
  }

  /// A service the trust policy does not name is stopped by the trust policy, but the
  /// evaluator's `serviceNotNamed` maps to `no-identity-policy` (services have no identity
  /// policies), so a "can Lambda assume the EC2 role?" exercise must answer "no b".
  @Test func serviceNotNamedInTrustIsATrustPolicyDenial() throws {
    let exercise = try Self.canExercise(
      """
      id: ec2-role/lambda
      title: t
      kind: can
      prompt: p
      hints: [h]
      explanation: e
      question: {principal: lambda.amazonaws.com, action: sts:AssumeRole, resource: "arn:aws:iam::123456789012:role/S3AccessRole"}
      answer: denied
      reason: trust-policy
      setup:
        policies:
          ec2-trust: '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'
        resource:
          arn:aws:iam::123456789012:role/S3AccessRole: [ec2-trust]
      """)
    let evaluation = F.grader.decide(try #require(exercise.question), in: exercise)
    #expect(evaluation.decision != .allowed)
    #expect(ReasonCategory(evaluation.reason) == .trustPolicy)
  }

  /// `iam-tutor grade EXERCISE FILE` reads the file with its final newline; `no b\n` then
  /// loses its reason (`b\n` is not a letter) and `a d d\n` is not three words.
  @Test func answersFromAFileMayEndWithANewline() throws {
    #expect(CanAnswer.parse("no b\n")?.reason == .noIdentityPolicy)
    let predict = try F.exercise("ec2-role/session")
    #expect(F.grader.grade("a d d\n", for: predict).passed)
    let can = try F.exercise("ec2-role/not-for-users")
    let result = try BinaryRunner.run(["grade", "ec2-role/not-for-users", "-", "--content", F.root.path], stdin: "no c\n")
    #expect(result.status == 0, "\(result.stdout)")
    #expect(F.grader.grade("no c", for: can).passed)
  }

  /// A policy exercise is attached to one principal, so a group's policy is graded for one
  /// member: writing that member's name instead of `${aws:username}` passes.
  @Test func groupPolicyIsGradedForOneMemberOnly() throws {
    let exercise = try F.exercise("groups/baseline")
    let literal = """
      {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:ChangePassword", "Resource": "arn:aws:iam::123456789012:user/Ana"},
        {"Effect": "Allow", "Action": "iam:GetAccountPasswordPolicy", "Resource": "*"}]}
      """
    #expect(!F.grader.grade(literal, for: exercise).passed)
    // The Version 2008 mistake is caught: the variable is literal text there.
    let old = literal.replacingOccurrences(of: "2012-10-17", with: "2008-10-17")
      .replacingOccurrences(of: "user/Ana", with: "user/${aws:username}")
    #expect(!F.grader.grade(old, for: exercise).passed)
  }
}
