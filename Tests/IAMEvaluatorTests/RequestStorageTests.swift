@testable import IAMEvaluator
import IAMPolicy
import Testing

/// `Request` keeps its bytes and context key hashes in one object; it must still behave as
/// a value, and the evaluator's shortcuts must answer as the general code does.
@Suite struct RequestStorageTests {
  let allowGetOnA = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a/*"}]}"#

  @Test("Setting the action or resource builds what the evaluator matches anew")
  func settersRebuildMatchedBytes() throws {
    let caller = try #require(Principal("arn:aws:iam::111122223333:user/dev"))
    let policies = ApplicablePolicies(identity: [try parsePolicy(allowGetOnA, .identity, id: "P")])
    let evaluator = Evaluator(options: .init(recordsTrace: false))
    var request = Request(principal: caller, action: "s3:PutObject", resource: "arn:aws:s3:::b/k")
    #expect(evaluator.evaluate(request, against: policies).decision == .implicitDeny)
    request.action = "s3:GetObject"
    #expect(request.actionKey == Array("s3:getobject".utf8))
    #expect(evaluator.evaluate(request, against: policies).decision == .implicitDeny)
    request.resource = "arn:aws:s3:::a/k"
    #expect(request.resourceBytes == Array("arn:aws:s3:::a/k".utf8))
    #expect(evaluator.evaluate(request, against: policies).decision == .allowed)
    let copy = request
    request.resource = "arn:aws:iam::111122223333:role/R"
    request.action = "sts:AssumeRole"
    #expect(request.isRoleTrustRequest && !copy.isRoleTrustRequest)
    #expect(evaluator.evaluate(copy, against: policies).decision == .allowed)
  }

  @Test("Context keys found through the request's hashes, in any case, after setting the context")
  func contextThroughHashes() throws {
    let caller = try #require(Principal("arn:aws:iam::111122223333:user/dev"))
    let text = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}]}"#
    let policies = ApplicablePolicies(identity: [try parsePolicy(text, .identity, id: "P")])
    let evaluator = Evaluator(options: .init(recordsTrace: false))
    var request = Request(principal: caller, action: "s3:GetObject", resource: "arn:aws:s3:::a/k")
    let missing = evaluator.evaluate(request, against: policies)
    #expect(missing.decision == .implicitDeny && missing.missingContextKeys == ["aws:RequestedRegion"])
    var context = request.context
    context["AWS:REQUESTEDREGION"] = ContextValue("eu-west-1")
    request.context = context
    let found = evaluator.evaluate(request, against: policies)
    #expect(found.decision == .allowed && found.missingContextKeys.isEmpty)
    context["aws:requestedregion"] = ContextValue("us-east-1")
    request.context = context
    #expect(evaluator.evaluate(request, against: policies).decision == .implicitDeny)
  }

  @Test("A key missing from several statements is reported once, as first spelled")
  func missingKeysOnce() throws {
    let caller = try #require(Principal("arn:aws:iam::111122223333:user/dev"))
    let text = #"""
      {"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}},
        {"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"AWS:multifactorauthpresent":"true"},"StringEquals":{"s3:prefix":"x"}}}]}
      """#
    let policies = ApplicablePolicies(identity: [try parsePolicy(text, .identity, id: "P")])
    let request = Request(principal: caller, action: "s3:GetObject", resource: "arn:aws:s3:::a/k")
    for tracing in [false, true] {
      let evaluation = Evaluator(options: .init(recordsTrace: tracing)).evaluate(request, against: policies)
      #expect(evaluation.missingContextKeys == ["aws:MultiFactorAuthPresent", "s3:prefix"])
    }
  }

  @Test(
    "IPv4 addresses read without allocating agree with the general reader",
    arguments: [
      ("203.0.113.7", "203.0.113.0/24"), ("203.0.114.7", "203.0.113.0/24"), ("010.0.0.1", "10.0.0.0/8"),
      ("0.0.0.0", "0.0.0.0/0"), ("255.255.255.255", "255.255.255.254/31"), ("1.2.3.4", "1.2.3.4"),
      ("1.2.3.5", "1.2.3.4"), ("1.2.3", "1.2.3.0/24"), ("1.2.3.4.5", "1.2.3.0/24"), ("256.1.1.1", "0.0.0.0/0"),
      ("1..2.3", "0.0.0.0/0"), ("1.2.3.4 ", "1.2.3.0/24"), ("::ffff:1.2.3.4", "1.2.3.0/24"), ("2001:db8::1", "2001:db8::/32"),
      ("1.2.3.4", "2001:db8::/32"), ("1234.1.1.1", "0.0.0.0/0"), ("", "0.0.0.0/0"),
    ])
  func ipv4FastPath(address: String, network: String) throws {
    let net = try #require(IPNetwork(network))
    let general = IPNetwork(address).map { net.contains($0) } ?? false
    if let v4 = IPNetwork.ipv4Value(address) {
      #expect(net.contains(ipv4: v4) == general)
    } else {
      // Anything else goes the general way; a plain dotted address never does.
      #expect(!(address.split(separator: ".").count == 4 && address.allSatisfy { $0.isNumber || $0 == "." } && general))
    }
  }

  @Test(
    "A final * takes the rest; ARN parts inside the literal prefix are not matched again",
    arguments: [
      ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b:c/d", true),
      ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", false),
      ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/", true),
      ("arn:aws:iam::111122223333:role/*", "arn:aws:iam::111122223333:role/a:b", true),
      ("arn:aws:iam::111122223333:role/*", "arn:aws:iam::444455556666:role/x", false),
      ("arn:aws:dynamodb:us-east-1:111122223333:*", "arn:aws:dynamodb:us-east-1:111122223333:table/T", true),
      ("arn:aws:dynamodb:us-east-1:*", "arn:aws:dynamodb:us-east-1:111122223333:table/T", true),
      ("arn:aws:lambda:*:111122223333:function:app-*", "arn:aws:lambda:eu-west-1:111122223333:function:app-x", true),
      ("arn:aws:lambda:*:111122223333:function:app-*", "arn:aws:lambda:eu-west-1:111122223333:layer:app-x", false),
      ("arn:aws:ec2:us-east-1:111122223333:instance/i-1", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", true),
      ("arn:aws:ec2:us-east-1:111122223333:instance/i-1", "arn:aws:ec2:us-east-1:111122223333:instance/i-1:x", false),
      ("arn:aws:sqs:us-east-1:111122223333:q?", "arn:aws:sqs:us-east-1:111122223333:q€", true),
    ])
  func resourceShortcuts(pattern: String, resource: String, matches: Bool) throws {
    let caller = try #require(Principal("arn:aws:iam::111122223333:user/dev"))
    let text = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"\#(pattern)"}]}"#
    let policies = ApplicablePolicies(identity: [try parsePolicy(text, .identity, id: "P")])
    let request = Request(principal: caller, action: "s3:GetObject", resource: resource)
    for tracing in [false, true] {
      let evaluation = Evaluator(options: .init(recordsTrace: tracing)).evaluate(request, against: policies)
      #expect((evaluation.decision == .allowed) == matches, "tracing: \(tracing)")
    }
  }
}

/// What `Request` derives from its action and resource without splitting strings agrees
/// with the general reading.
@Suite struct RequestDerivedFactsTests {
  @Test(
    "Trust-policy and key-policy requests are recognised as from the split ARN",
    arguments: [
      ("sts:AssumeRole", "arn:aws:iam::111122223333:role/Admin", true, false),
      ("STS:assumeRoleWithSAML", "arn:aws:iam::111122223333:role/path/Admin", true, false),
      ("sts:TagSession", "arn:aws:iam::111122223333:role:odd", true, false),
      ("sts:AssumeRole", "arn:aws:iam::111122223333:user/Admin", false, false),
      ("sts:AssumeRole", "arn:aws:iam::111122223333:roles/Admin", false, false),
      ("s3:GetObject", "arn:aws:iam::111122223333:role/Admin", false, false),
      ("kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/1234", false, true),
      ("kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:alias/k", false, false),
      ("kms:Decrypt", "arn:aws:kms:us-east-1:111122223333", false, false),
      ("sts:AssumeRole", "arn:aws:iam::111122223333:role/Ädmin", true, false),
      ("sts:AssumeRole", "*", false, false),
      ("sts:AssumeRole", "", false, false),
      ("", "", false, false),
      ("", "arn:aws:iam::111122223333:role/Admin", false, false),
    ])
  func resourceKinds(action: String, resource: String, trust: Bool, key: Bool) throws {
    let caller = try #require(Principal("arn:aws:iam::111122223333:user/dev"))
    let request = Request(principal: caller, action: action, resource: resource)
    #expect(request.isRoleTrustRequest == trust)
    #expect(request.isKMSKeyRequest == key)
    #expect(request.actionKey == Array(action.lowercased().utf8))
  }

  @Test("Keys derived from the caller are added once, and a given value is kept")
  func derivedKeys() throws {
    let session = try #require(Principal("arn:aws:sts::111122223333:assumed-role/App/s1"))
    var context = RequestContext()
    context["AWS:PrincipalType"] = ContextValue("Custom")
    let request = Request(principal: session, action: "s3:GetObject", resource: "*", context: context)
    #expect(request.context["aws:principalarn"]?.values == ["arn:aws:iam::111122223333:role/App"])
    #expect(request.context["aws:PrincipalAccount"]?.values == ["111122223333"])
    #expect(request.context["aws:PrincipalType"]?.values == ["Custom"])
    #expect(request.context["aws:PrincipalIsAWSService"]?.values == ["false"])
    #expect(request.context.keys.count == 4)
    let unspecified = Request(principal: .unspecified, action: "s3:GetObject", resource: "*")
    #expect(unspecified.context.keys.isEmpty)
  }

  @Test("A request made with its caller's derived entries prepared is the request made without them")
  func preparedDerivedEntries() throws {
    let principals: [Principal] = [
      .unspecified, .anonymous, .service("ec2.amazonaws.com"), .accountRoot(account: "111122223333"),
      try #require(Principal("arn:aws:iam::111122223333:user/alice")),
      try #require(Principal("arn:aws:sts::111122223333:assumed-role/Admin/s")),
    ]
    var given = RequestContext()
    given["aws:PrincipalArn"] = ContextValue("arn:aws:iam::999999999999:user/spoof")
    given["AWS:principaltype"] = ContextValue("Nobody")
    given["s3:prefix"] = ContextValue("home/")
    for principal in principals {
      for context in [RequestContext(), given] {
        let plain = Request(principal: principal, action: "s3:GetObject", resource: "arn:aws:s3:::b/k", context: context)
        let prepared = Request(
          principal: principal, derived: Request.derivedEntries(of: principal), action: "s3:GetObject",
          resource: "arn:aws:s3:::b/k", context: context)
        #expect(prepared.context == plain.context)
        #expect(prepared.context.value(lowercased: "aws:principalarn") == plain.context.value(lowercased: "aws:principalarn"))
      }
    }
    // What the request was given stays; what it lacks is added.
    let alice = try #require(Principal("arn:aws:iam::111122223333:user/alice"))
    let r = Request(principal: alice, derived: Request.derivedEntries(of: alice), action: "s3:GetObject", resource: "*", context: given)
    #expect(r.context.value(lowercased: "aws:principalarn")?.values == ["arn:aws:iam::999999999999:user/spoof"])
    #expect(r.context.value(lowercased: "aws:principalaccount")?.values == ["111122223333"])
  }

  @Test("Role and KMS-key resources are recognised over bytes as the general ARN reading does")
  func resourceKindAgreesWithTheARNReading() {
    let texts = [
      "arn:aws:iam::111122223333:role/Admin", "arn:aws:iam::111122223333:role/a/b/Admin", "arn:aws:iam::111122223333:role",
      "arn:aws:iam::111122223333:roles/x", "arn:aws:iam::111122223333:user/role", "arn:aws:kms:us-east-1:111122223333:key/1234",
      "arn:aws:kms:us-east-1:111122223333:key", "arn:aws:kms:us-east-1:111122223333:alias/key", "arn:aws:iam::111122223333:role:x",
      "arn:aws:iam::1111:role/Admin/é", "arn:aws:iam::111122223333:role/Admin\r\nx", "arn:aws:iam::111122223333:rôle/x",
      "arn:aws:iam:111122223333:role/x", "arn:aws:s3:::bucket/role/x", "*", "arn:", "arn:aws:iam::111122223333:role/" + String(repeating: "x", count: 40),
      "arn:aws:iam::111122223333:role/" + String(repeating: "x", count: 40) + "\u{80}",
    ]
    for text in texts {
      let arn = ARN(text)
      let expected = (
        arn.map { $0.service == "iam" && $0.resourceType == "role" } ?? false,
        arn.map { $0.service == "kms" && $0.resourceType == "key" } ?? false
      )
      let kind = Request.resourceKind(text)
      #expect(kind.isRole == expected.0 && kind.isKMSKey == expected.1, "\(text)")
    }
  }
}
