import IAMEvaluator
import IAMPolicy
import Testing

@Suite struct EvaluatorSmokeTests {
  func policy(_ text: String, _ kind: PolicyKind = .identity) throws -> Policy {
    try #require(PolicyParser.parse(SourceFile(name: "p", text: text), as: kind).value)
  }

  @Test func listBucketOnObjectsGrantsNothing() throws {
    let p = try policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b/*"}]}"#)
    let caller = try #require(Principal("arn:aws:iam::111122223333:user/dev"))
    let e = Evaluator().evaluate(
      Request(principal: caller, action: "s3:ListBucket", resource: "arn:aws:s3:::b"), against: ApplicablePolicies(identity: [p]))
    #expect(e.decision == .implicitDeny)
    #expect(e.reason == .noIdentityAllow)
  }
}
