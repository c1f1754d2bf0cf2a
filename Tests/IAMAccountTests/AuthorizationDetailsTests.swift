import Foundation
import IAMAccount
import IAMPolicy
import IAMTestSupport
import Testing

/// `get-account-authorization-details` input: document forms, accounts from ARNs, diagnostics.
@Suite struct AuthorizationDetailsTests {
  static let allowAll = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#

  func load(_ text: String, name: String = "gaad.json") -> Parsed<World> {
    var cache = DocumentCache()
    return WorldFile.load(SourceFile(name: name, text: text), catalog: AccountFixtures.catalog?.managedPolicies, cache: &cache)
  }

  @Test func documentsAsObjectsStringsAndURLEncoded() throws {
    let encoded = Self.allowAll.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    let escaped = Self.allowAll.replacingOccurrences(of: "\"", with: "\\\"")
    let text = """
      {"UserDetailList": [
        {"UserName": "a", "Arn": "arn:aws:iam::111122223333:user/a", "UserPolicyList": [
          {"PolicyName": "obj", "PolicyDocument": \(Self.allowAll)},
          {"PolicyName": "str", "PolicyDocument": "\(escaped)"},
          {"PolicyName": "url", "PolicyDocument": "\(encoded)"}], "SomeNewKey": 1}],
       "IsTruncated": false}
      """
    let parsed = load(text)
    #expect(parsed.diagnostics.isEmpty, "\(parsed.diagnostics)")
    let user = try #require(parsed.value?.account("111122223333")?.users.first)
    #expect(user.inlinePolicies.map(\.name) == ["obj", "str", "url"])
    #expect(user.inlinePolicies.allSatisfy { $0.document.policy.statements.count == 1 })
  }

  @Test func severalAccountsFromARNs() throws {
    let text = """
      {"UserDetailList": [{"UserName": "a", "Arn": "arn:aws:iam::111122223333:user/a"}],
       "RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::444455556666:role/r",
         "AssumeRolePolicyDocument": {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}]}}]}
      """
    let world = try #require(load(text).value)
    #expect(world.accounts.map(\.id) == ["111122223333", "444455556666"])
  }

  @Test func problemsAreLocatedAndLoadingGoesOn() throws {
    let marked = MarkedText("""
      {"UserDetailList": [
        1️⃣{"Arn": "arn:aws:iam::111122223333:user/nameless"},
        {"UserName": "b", "Arn": "arn:aws:iam::111122223333:user/b", "GroupList": [2️⃣"Ghosts"],
         "AttachedManagedPolicies": [{"PolicyName": "Nope", "PolicyArn": 3️⃣"arn:aws:iam::111122223333:policy/Nope"}],
         "UserPolicyList": [{"PolicyName": "bad", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": 4️⃣"Alow", "Action": "s3:*", "Resource": "*"}]}}]},
        {"UserName": "c", "Arn": "arn:aws:iam::111122223333:user/c"}
      ]}
      """)
    let parsed = load(marked.text)
    let users = try #require(parsed.value?.account("111122223333")?.users)
    #expect(users.map(\.name) == ["b", "c"])
    func at(_ mark: String) -> Diagnostic? { parsed.diagnostics.first { $0.range?.start == marked.marks[mark] } }
    #expect(at("1️⃣")?.code == .worldMissingKey)
    #expect(at("1️⃣")?.message.contains("UserName") == true)
    #expect(at("2️⃣")?.message.contains("Ghosts") == true)
    #expect(at("3️⃣")?.message.contains("Nope") == true)
    #expect(at("4️⃣")?.code == .statementInvalidEffect)
    #expect(parsed.diagnostics.allSatisfy { $0.range?.source == "gaad.json" })
  }

  @Test func awsManagedPoliciesComeFromTheCatalog() throws {
    let text = """
      {"UserDetailList": [{"UserName": "a", "Arn": "arn:aws:iam::111122223333:user/a",
        "AttachedManagedPolicies": [{"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]}],
       "Policies": []}
      """
    let parsed = load(text)
    #expect(parsed.diagnostics.isEmpty)
    let world = try #require(parsed.value)
    let query = AccessQuery(index: WorldIndex(world: world, catalog: AccountFixtures.catalog?.managedPolicies))
    guard case .found(let a) = query.index.lookup("a") else {
      Issue.record("no user a")
      return
    }
    #expect(query.can(a, action: "s3:GetObject", resource: "arn:aws:s3:::b/k").allowed)
  }

  /// Loading the export of a world gives the same world: same summary, same answers.
  @Test(arguments: AccountFixtures.lessonWorlds + ["Tests/IAMAccountTests/Fixtures/worlds/scp-deny-cross-account.yaml"])
  func exportRoundTrip(_ path: String) throws {
    let original = try #require(try AccountFixtures.world(path).value)
    let exported = WorldExport.json(original).serialized(pretty: true)
    let reloaded = load(exported, name: "export.json")
    #expect(reloaded.diagnostics.filter(\.isError).isEmpty, "\(reloaded.diagnostics)")
    let again = try #require(reloaded.value)
    #expect(GraphRenderer.summary(again) == GraphRenderer.summary(original))
    let a = AccessQuery(index: WorldIndex(world: original, catalog: AccountFixtures.catalog?.managedPolicies))
    let b = AccessQuery(index: WorldIndex(world: again, catalog: AccountFixtures.catalog?.managedPolicies))
    #expect(a.graph.edges.map { "\(a.index.nodes[$0.from].arn)>\(a.index.nodes[$0.to].arn)" }.sorted()
      == b.graph.edges.map { "\(b.index.nodes[$0.from].arn)>\(b.index.nodes[$0.to].arn)" }.sorted())
    // Exporting again gives the same text.
    #expect(WorldExport.json(again).serialized(pretty: true) == exported)
  }
}
