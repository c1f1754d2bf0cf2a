import IAMPolicy
import Testing

@testable import IAMAccount

/// Documents parsed ahead on several cores give exactly what parsing them where they are
/// first met gives: the same policies, ids, positions and diagnostics.
@Suite struct DocumentCacheTests {
  static let text = """
    {"UserDetailList": [
      {"UserName": "a", "Arn": "arn:aws:iam::111122223333:user/a", "UserPolicyList": [
        {"PolicyName": "bad", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Alow", "Action": "s3:*", "Resource": "*"}]}},
        {"PolicyName": "twice", "PolicyDocument": {"Statement": [{"Sid": "S", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}, {"Sid": "S", "Effect": "Allow", "Action": "sqs:*", "Resource": "*"}]}}]},
      {"UserName": "b", "Arn": "arn:aws:iam::111122223333:user/b", "UserPolicyList": [
        {"PolicyName": "other", "PolicyDocument": {"Statement": [{"Sid": "S", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},
           {"Sid": "S", "Effect": "Allow", "Action": "sqs:*", "Resource": "*"}]}}]}],
     "RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::111122223333:role/r",
       "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"}]}}]}
    """

  struct Looked: Equatable {
    var id: String?
    var statements: Int
    var text: String?
    var diagnostics: [Diagnostic]
  }

  /// Looks every document up in reading order, after `prepare` has had the cache.
  func lookUp(
    _ prepare: (inout DocumentCache, [DocumentCache.Ahead], SourceFile, LineTable) -> Void
  ) throws -> (looked: [Looked], usedAhead: Int) {
    let file = SourceFile(name: "gaad.json", text: Self.text)
    let root = try #require(JSONParser.parse(file).value)
    let lines = LineTable(file)
    let ahead = AuthorizationDetails.Reader.documentsAhead(root.members ?? [])
    #expect(ahead.count == 4)
    var cache = DocumentCache()
    prepare(&cache, ahead, file, lines)
    let looked = ahead.map { d in
      var diagnostics: [Diagnostic] = []
      let doc = cache.policy(
        json: d.value, in: file, lines: lines, as: d.kind, id: d.id, diagnostics: &diagnostics)
      return Looked(
        id: doc?.policy.id, statements: doc?.policy.statements.count ?? -1, text: doc?.text,
        diagnostics: diagnostics)
    }
    return (looked, cache.parsedAheadCount)
  }

  @Test func parsedAheadIsParsedWhereMet() throws {
    let plain = try lookUp { _, _, _, _ in }.looked
    #expect(plain[0].id == nil)  // `Alow`: an error, so no policy, and its diagnostic
    #expect(plain[0].diagnostics.contains { $0.code == .statementInvalidEffect })
    #expect(plain[1].diagnostics.contains { $0.code == .policyDuplicateSid })
    // The same document as `twice`: reported once.
    #expect(plain[2].id == "other" && plain[2].diagnostics.isEmpty)
    #expect(plain[3].id == "r trust policy")
    let ahead = try lookUp { cache, ahead, file, lines in
      cache.prefetch(ahead, in: file, lines: lines)
    }
    #expect(ahead.usedAhead == 3)  // three distinct documents
    #expect(ahead.looked == plain)
  }

  @Test func parsedAheadUnderAnotherIdIsParsedAgain() throws {
    let plain = try lookUp { _, _, _, _ in }.looked
    let renamed = try lookUp { cache, ahead, file, lines in
      cache.prefetch(
        ahead.map {
          var d = $0; d.id += "-elsewhere"; return d
        }, in: file, lines: lines)
    }
    #expect(renamed.usedAhead == 0)
    #expect(renamed.looked == plain)
  }
}
