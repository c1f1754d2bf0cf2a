import IAMPolicy
import IAMTestSupport
import Testing

/// One marked document per diagnostic code the policy parser can produce: the diagnostic must
/// carry that code, start at the marker `1️⃣`, and teach with a `help` line (issue 2: "a stable
/// code, a message, a teaching help line, and a range").
struct DiagnosticCase: Sendable, CustomTestStringConvertible {
  var code: DiagnosticCode
  var kind: PolicyKind
  var marked: String
  var severity: Diagnostic.Severity = .error
  var limits: JSONParser.Limits = .default

  init(
    _ code: DiagnosticCode, _ kind: PolicyKind = .identity, _ marked: String,
    severity: Diagnostic.Severity = .error,
    limits: JSONParser.Limits = .default
  ) {
    self.code = code
    self.kind = kind
    self.marked = marked
    self.severity = severity
    self.limits = limits
  }

  var testDescription: String { code.rawValue }
}

private let v = #""Version":"2012-10-17""#

@Suite struct PolicyDiagnosticTests {
  static let cases: [DiagnosticCase] = [
    // JSON text
    .init(.jsonControlCharacter, .identity, "{\"Id\":\"a1️⃣\u{09}b\",\"Statement\":[]}"),
    .init(.jsonDuplicateKey, .identity, #"{\#(v),1️⃣"Version":"2012-10-17","Statement":[]}"#),
    .init(.jsonInvalidEscape, .identity, #"{"Id":"a1️⃣\x","Statement":[]}"#),
    .init(.jsonInvalidLiteral, .identity, #"{\#(v),"Statement":1️⃣tru}"#),
    .init(.jsonInvalidNumber, .identity, #"{\#(v),"Id":1️⃣01,"Statement":[]}"#),
    .init(.jsonStringTooLong, .identity, #"{"Id":1️⃣"abcdefgh"}"#, limits: .init(maxStringBytes: 4)),
    .init(.jsonTooDeep, .identity, #"{"Statement":[1️⃣[[]]]}"#, limits: .init(maxDepth: 2)),
    .init(.jsonTooLarge, .identity, #"1️⃣{"Statement":[]}"#, limits: .init(maxBytes: 8)),
    .init(.jsonTrailingContent, .identity, #"{\#(v),"Statement":[]} 1️⃣{}"#),
    .init(.jsonUnexpectedCharacter, .identity, #"{\#(v),"Statement":[1️⃣'x']}"#),
    .init(.jsonUnexpectedEnd, .identity, #"{\#(v),"Statement":[1️⃣"#),
    // Policy documents
    .init(
      .policyBareStatement, .identity,
      #"1️⃣{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#),
    .init(
      .policyDuplicateSid, .identity,
      #"{\#(v),"Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"},1️⃣{"Sid":"A","Effect":"Deny","Action":"ec2:*","Resource":"*"}]}"#,
      severity: .warning),
    .init(.policyEmptyStatement, .identity, #"{\#(v),"Statement":1️⃣[]}"#, severity: .warning),
    .init(.policyInvalidVersion, .identity, #"{"Version":1️⃣"2012-10-18","Statement":[]}"#),
    .init(.policyMissingStatement, .identity, #"1️⃣{\#(v)}"#),
    .init(.policyNotObject, .identity, #"1️⃣["Statement"]"#),
    .init(.policyUnknownElement, .identity, #"{\#(v),1️⃣"Statements":[],"Statement":[]}"#),
    .init(
      .policyVariablesIgnored, .identity,
      #"1️⃣{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"}]}"#,
      severity: .warning),
    .init(.policyWrongType, .identity, #"{\#(v),"Statement":1️⃣"Allow everything"}"#),
    // Statements
    .init(
      .statementBothElements, .identity,
      #"{\#(v),"Statement":[{"Effect":"Allow","Action":"s3:*",1️⃣"NotAction":"ec2:*","Resource":"*"}]}"#
    ),
    .init(
      .statementElementNotAllowed, .identity,
      #"{\#(v),"Statement":[{"Effect":"Allow",1️⃣"Principal":"*","Action":"s3:*","Resource":"*"}]}"#),
    .init(
      .statementEmptyList, .identity,
      #"{\#(v),"Statement":[{"Effect":"Allow","Action":1️⃣[],"Resource":"*"}]}"#),
    .init(
      .statementInvalidAction, .identity,
      #"{\#(v),"Statement":[{"Effect":"Allow","Action":1️⃣"GetObject","Resource":"*"}]}"#),
    .init(
      .statementInvalidEffect, .identity,
      #"{\#(v),"Statement":[{"Effect":1️⃣"allow","Action":"s3:*","Resource":"*"}]}"#),
    .init(
      .statementInvalidPrincipal, .resource,
      #"{\#(v),"Statement":[{"Effect":"Allow","Principal":{"AWS":1️⃣"arn:aws:iam::*:user/x"},"Action":"s3:*","Resource":"*"}]}"#
    ),
    .init(
      .statementInvalidResource, .identity,
      #"{\#(v),"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":1️⃣"my-bucket"}]}"#),
    .init(
      .statementMissingAction, .identity,
      #"{\#(v),"Statement":[1️⃣{"Effect":"Allow","Resource":"*"}]}"#),
    .init(
      .statementMissingEffect, .identity,
      #"{\#(v),"Statement":[1️⃣{"Action":"s3:*","Resource":"*"}]}"#),
    .init(
      .statementMissingPrincipal, .resource,
      #"{\#(v),"Statement":[1️⃣{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#),
    .init(
      .statementMissingResource, .identity,
      #"{\#(v),"Statement":[1️⃣{"Effect":"Allow","Action":"s3:*"}]}"#),
    .init(
      .statementNotPrincipalWithAllow, .resource,
      #"{\#(v),"Statement":[{"Effect":"Allow",1️⃣"NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/a"},"Action":"s3:*","Resource":"*"}]}"#
    ),
    .init(
      .statementUnknownElement, .identity,
      #"{\#(v),"Statement":[{"Effect":"Allow",1️⃣"Actions":"s3:*","Resource":"*"}]}"#),
    .init(
      .statementWrongType, .identity,
      #"{\#(v),"Statement":[{"Effect":"Allow","Action":1️⃣5,"Resource":"*"}]}"#),
    // Conditions
    .init(
      .conditionInvalidValue, .identity,
      #"{\#(v),"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":1️⃣"ten"}}}]}"#,
      severity: .warning),
    .init(
      .conditionUnknownOperator, .identity,
      #"{\#(v),"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{1️⃣"StringEqual":{"aws:username":"a"}}}]}"#
    ),
    .init(
      .conditionWrongType, .identity,
      #"{\#(v),"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":1️⃣[]}]}"#),
    .init(
      .conditionVariableNotAllowed, .identity,
      #"{\#(v),"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":1️⃣"${aws:TokenIssueTime}"}}}]}"#,
      severity: .warning),
  ]

  @Test(arguments: cases) func diagnostic(_ c: DiagnosticCase) throws {
    let marked = MarkedText(c.marked)
    let parsed = PolicyParser.parse(
      marked.file(named: "PolicyInputList.1"), as: c.kind, limits: c.limits)
    let d = try #require(
      parsed.diagnostics.first { $0.code == c.code },
      "no \(c.code.rawValue) among \(parsed.diagnostics.map(\.code.rawValue))")
    #expect(d.range?.start == marked.marks["1️⃣"], "\(d.message)")
    #expect(d.range?.source == "PolicyInputList.1")
    #expect(d.severity == c.severity)
    #expect(d.help?.isEmpty == false, "`\(c.code.rawValue)` (\(d.message)) has no help line")
    #expect(
      !d.message.isEmpty && d.message.first?.isUppercase == false && d.message.last != ".",
      "message style: \(d.message)")
  }

  /// Every code of the policy language appears in the table above.
  @Test func everyPolicyCodeHasAMarkerTest() {
    let covered = Set(Self.cases.map(\.code))
    let prefixes = ["json.", "policy.", "statement.", "condition."]
    let policyCodes = DiagnosticCode.allCases.filter { code in
      prefixes.contains { code.rawValue.hasPrefix($0) } && code != .jsonInvalidUTF8
    }
    #expect(
      policyCodes.filter { !covered.contains($0) }.isEmpty,
      "no marker test for \(policyCodes.filter { !covered.contains($0) })")
  }

  /// The bare-statement help explains the `Statement` wrapper.
  @Test func bareStatementHelpShowsTheWrapper() throws {
    let parsed = PolicyParser.parse(
      SourceFile(name: "p", text: #"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#),
      as: .identity)
    #expect(parsed.value == nil)
    let d = try #require(parsed.diagnostics.first)
    #expect(d.code == .policyBareStatement)
    #expect(d.help?.contains("\"Statement\"") == true)
    #expect(d.help?.contains("\"Version\"") == true)
  }

  /// All problems are collected in one pass, not one at a time.
  @Test func diagnosticsAreCollected() {
    let text = #"""
      {"Version":"2012-10-17","Statement":[
        {"Effect":"allow","Action":"s3:*","Resource":"*"},
        {"Effect":"Allow","Action":"GetObject","Resource":"bucket"},
        {"Effect":"Allow","Actions":"s3:*","Resource":"*"}
      ]}
      """#
    let parsed = PolicyParser.parse(SourceFile(name: "p", text: text), as: .identity)
    let codes = parsed.diagnostics.map(\.code)
    #expect(codes.contains(.statementInvalidEffect))
    #expect(codes.contains(.statementInvalidAction))
    #expect(codes.contains(.statementInvalidResource))
    #expect(codes.contains(.statementUnknownElement))
    #expect(codes.contains(.statementMissingAction))
    #expect(
      parsed.diagnostics.map { $0.range?.start.line }
        == parsed.diagnostics.map { $0.range?.start.line }.sorted { ($0 ?? 0) < ($1 ?? 0) })
  }

  /// Element names are case-sensitive; the help suggests the right spelling.
  @Test func caseSensitiveElementNames() throws {
    let parsed = PolicyParser.parse(
      SourceFile(
        name: "p",
        text:
          #"{"Version":"2012-10-17","Statement":[{"effect":"Allow","Action":"s3:*","Resource":"*"}]}"#
      ),
      as: .identity)
    let d = try #require(parsed.diagnostics.first { $0.code == .statementUnknownElement })
    #expect(d.help?.contains("`Effect`") == true)
  }

  /// The grammar's alternatives all parse: single statement object, string or array values,
  /// principal forms, absent Version.
  @Test(arguments: [
    (
      #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
      PolicyKind.identity
    ),
    (
      #"{"Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":["arn:aws:s3:::a","arn:aws:s3:::a/*"]}]}"#,
      .identity
    ),
    (
      #"{"Version":"2008-10-17","Id":"x","Statement":[{"Sid":"1","Effect":"Deny","NotAction":"iam:*","NotResource":"*"}]}"#,
      .identity
    ),
    (
      #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}"#,
      .resource
    ),
    (
      #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"}]}"#,
      .resource
    ),
    (
      #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","arn:aws:iam::111122223333:role/R"],"Service":"ec2.amazonaws.com","Federated":"cognito-identity.amazonaws.com","CanonicalUser":"79a59df900b949e55d96a1e698fbaced"},"Action":"sts:AssumeRole"}]}"#,
      .trust
    ),
    (
      #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/a"},"Action":"s3:*","Resource":"*"}]}"#,
      .resource
    ),
    (
      #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":10},"Bool":{"aws:SecureTransport":true}}}]}"#,
      .identity
    ),
  ])
  func validPolicies(_ text: String, _ kind: PolicyKind) throws {
    let parsed = PolicyParser.parse(SourceFile(name: "p", text: text), as: kind)
    #expect(!parsed.hasErrors, "\(parsed.diagnostics.map { DiagnosticRenderer.plain($0) })")
    #expect(parsed.value?.statements.isEmpty == false)
  }

  /// The plain rendering is `source:line:column: severity: message [code]` and the help line.
  @Test func plainRendering() throws {
    let marked = MarkedText(
      #"{"Version":"2012-10-17","Statement":[{"Effect":1️⃣"Alow","Action":"s3:*","Resource":"*"}]}"#)
    let d = try #require(
      PolicyParser.parse(marked.file(named: "PolicyInputList.1"), as: .identity).diagnostics.first)
    let text = DiagnosticRenderer.plain(d)
    let at = try #require(marked.marks["1️⃣"])
    #expect(text.hasPrefix("PolicyInputList.1:\(at.line):\(at.column): error: "))
    #expect(text.contains("[statement.invalid-effect]"))
    #expect(text.contains("\n  help: "))
  }
}
