import IAMEvaluator
import IAMPolicy
import Testing

/// `ApplicablePolicies` keeps its fields in one shared object; it must still behave as a value.
@Suite struct ApplicablePoliciesStorageTests {
  let allowGet = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#

  @Test("No policies at all: an implicit deny, nothing read past the (empty) plan list")
  func empty() throws {
    let caller = try #require(Principal("arn:aws:iam::111122223333:user/dev"))
    let request = Request(principal: caller, action: "s3:GetObject", resource: "arn:aws:s3:::b/k")
    for tracing in [false, true] {
      let evaluation = Evaluator(options: .init(recordsTrace: tracing)).evaluate(request, against: ApplicablePolicies())
      #expect(evaluation.decision == .implicitDeny)
      #expect(evaluation.matchedStatements.isEmpty)
    }
    var empties = ApplicablePolicies(serviceControlLevels: [], resourceControlLevels: [[]])
    #expect(Evaluator(options: .init(recordsTrace: false)).evaluate(request, against: empties).decision == .implicitDeny)
    empties.serviceControlLevels = nil
    #expect(empties.serviceControlLevels == nil && empties.resourceControlLevels?.count == 1)
  }

  @Test("Setting a property changes that copy only, and the evaluator sees the change")
  func copyOnWrite() throws {
    let caller = try #require(Principal("arn:aws:iam::111122223333:user/dev"))
    let request = Request(principal: caller, action: "s3:GetObject", resource: "arn:aws:s3:::b/k")
    let evaluator = Evaluator(options: .init(recordsTrace: false))
    let original = ApplicablePolicies(resourceOwner: "111122223333")
    var changed = original
    changed.identity.append(try parsePolicy(allowGet, .identity, id: "Allow"))
    #expect(original.identity.isEmpty && changed.identity.count == 1)
    #expect(evaluator.evaluate(request, against: original).decision == .implicitDeny)
    let allowed = evaluator.evaluate(request, against: changed)
    #expect(allowed.decision == .allowed)
    #expect(allowed.matchedStatements.map(\.policyID) == ["Allow"])
    changed.resourceOwner = nil
    #expect(changed.resourceOwner == nil && original.resourceOwner == "111122223333")
    #expect(changed.identity.count == 1)
  }
}
