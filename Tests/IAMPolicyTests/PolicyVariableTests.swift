import IAMPolicy
import Testing

/// Policy variables in `Resource` (IAM User Guide, "IAM policy elements: Variables and tags").
@Suite struct PolicyVariableTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var id: String
    var pattern: String
    var resource: String
    var values: [String: String]
    var matches: Bool
    var testDescription: String { id }
  }

  static let cases: [Case] = [
    .init(
      id: "aws:username", pattern: "arn:aws:s3:::home/${aws:username}/*",
      resource: "arn:aws:s3:::home/alice/notes", values: ["aws:username": "alice"], matches: true),
    .init(
      id: "aws:username other user", pattern: "arn:aws:s3:::home/${aws:username}/*",
      resource: "arn:aws:s3:::home/bob/notes", values: ["aws:username": "alice"], matches: false),
    .init(
      id: "names are case-insensitive", pattern: "arn:aws:s3:::home/${AWS:UserName}/*",
      resource: "arn:aws:s3:::home/alice/x", values: ["aws:username": "alice"], matches: true),
    .init(
      id: "principal tag", pattern: "arn:aws:s3:::share/${aws:PrincipalTag/team}/*",
      resource: "arn:aws:s3:::share/payments/x", values: ["aws:principaltag/team": "payments"],
      matches: true),
    .init(
      id: "missing value matches nothing", pattern: "arn:aws:s3:::share/${aws:PrincipalTag/team}/*",
      resource: "arn:aws:s3:::share/payments/x", values: [:], matches: false),
    .init(
      id: "missing value is not the empty string",
      pattern: "arn:aws:s3:::share/${aws:PrincipalTag/team}/*", resource: "arn:aws:s3:::share//x",
      values: [:], matches: false),
    .init(
      id: "default used when missing",
      pattern: "arn:aws:s3:::share/${aws:PrincipalTag/team, 'company-wide'}/*",
      resource: "arn:aws:s3:::share/company-wide/x", values: [:], matches: true),
    .init(
      id: "default ignored when present",
      pattern: "arn:aws:s3:::share/${aws:PrincipalTag/team, 'company-wide'}/*",
      resource: "arn:aws:s3:::share/company-wide/x", values: ["aws:principaltag/team": "payments"],
      matches: false),
    .init(
      id: "${*} is a literal star", pattern: "arn:aws:s3:::b/${*}", resource: "arn:aws:s3:::b/*",
      values: [:], matches: true),
    .init(
      id: "${*} does not act as a wildcard", pattern: "arn:aws:s3:::b/${*}",
      resource: "arn:aws:s3:::b/x", values: [:], matches: false),
    .init(
      id: "${?} is a literal question mark", pattern: "arn:aws:s3:::b/what${?}",
      resource: "arn:aws:s3:::b/what?", values: [:], matches: true),
    .init(
      id: "${?} does not match any character", pattern: "arn:aws:s3:::b/what${?}",
      resource: "arn:aws:s3:::b/whatx", values: [:], matches: false),
    .init(
      id: "${$} is a literal dollar", pattern: "arn:aws:s3:::b/${$}5",
      resource: "arn:aws:s3:::b/$5", values: [:], matches: true),
    .init(
      id: "substituted * is literal", pattern: "arn:aws:s3:::home/${aws:username}/x",
      resource: "arn:aws:s3:::home/ab/x", values: ["aws:username": "a*"], matches: false),
    .init(
      id: "substituted * matches itself", pattern: "arn:aws:s3:::home/${aws:username}/x",
      resource: "arn:aws:s3:::home/a*/x", values: ["aws:username": "a*"], matches: true),
    .init(
      id: "substituted ? is literal", pattern: "arn:aws:s3:::home/${aws:username}",
      resource: "arn:aws:s3:::home/a", values: ["aws:username": "?"], matches: false),
    .init(
      id: "wildcards around a variable still work", pattern: "arn:aws:s3:::*/${aws:username}/*",
      resource: "arn:aws:s3:::any/alice/deep/x", values: ["aws:username": "alice"], matches: true),
    .init(
      id: "variable in the account segment", pattern: "arn:aws:iam::${aws:PrincipalAccount}:user/*",
      resource: "arn:aws:iam::111122223333:user/a",
      values: ["aws:principalaccount": "111122223333"], matches: true),
    .init(
      id: "two variables", pattern: "arn:aws:s3:::${aws:PrincipalTag/team}/${aws:username}",
      resource: "arn:aws:s3:::blue/alice",
      values: ["aws:principaltag/team": "blue", "aws:username": "alice"], matches: true),
    .init(
      id: "two variables, one missing",
      pattern: "arn:aws:s3:::${aws:PrincipalTag/team}/${aws:username}",
      resource: "arn:aws:s3:::blue/alice", values: ["aws:username": "alice"], matches: false),
  ]

  @Test(arguments: cases) func substitution(_ c: Case) {
    #expect(
      WildcardEdgeCaseTests.resourceMatches(c.pattern, c.resource, lookup: c.values) == c.matches)
  }

  /// Version 2008-10-17 and an absent Version take `${...}` literally.
  @Test(arguments: ["2008-10-17", nil] as [String?])
  func olderVersionsAreLiteral(_ version: String?) throws {
    let versionMember = version.map { #""Version":"\#($0)","# } ?? ""
    let text =
      #"{\#(versionMember)"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*"}]}"#
    let parsed = PolicyParser.parse(SourceFile(name: "p", text: text), as: .identity)
    let policy = try #require(parsed.value)
    #expect(!parsed.hasErrors)
    #expect(
      parsed.diagnostics.contains { $0.code == .policyVariablesIgnored && $0.severity == .warning })
    let pattern = try #require(policy.statements.first?.resource?.patterns.first)
    #expect(!pattern.hasVariables)
    func matches(_ resource: String) -> Bool {
      Array(resource.utf8).withUnsafeBufferPointer { pattern.matches($0, lookup: { _ in "alice" }) }
    }
    #expect(!matches("arn:aws:s3:::home/alice/x"))
    #expect(matches("arn:aws:s3:::home/${aws:username}/x"))
  }

  @Test func version2012Substitutes() throws {
    let text =
      #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*"}]}"#
    let parsed = PolicyParser.parse(SourceFile(name: "p", text: text), as: .identity)
    #expect(parsed.diagnostics.isEmpty)
    let pattern = try #require(parsed.value?.statements.first?.resource?.patterns.first)
    #expect(pattern.hasVariables)
  }

  @Test func templateParts() throws {
    let t = try #require(
      VariableTemplate.parse("a/${aws:PrincipalTag/team, 'x y'}/b", wildcards: true))
    #expect(t.variableNames == ["aws:PrincipalTag/team"])
    #expect(
      t.parts.contains(
        .variable(key: "aws:principaltag/team", name: "aws:PrincipalTag/team", defaultValue: "x y"))
    )
    #expect(VariableTemplate.parse("no variables here", wildcards: true) == nil)
  }
}
