import IAMEvaluator
import IAMPolicy
import IAMSimulator
import IAMTestSupport
import Testing

/// The request reader's diagnostics, one marker test per code, and the simulator's answers.
@Suite struct SimulateRequestTests {
  static let cases: [(DiagnosticCode, String)] = [
    (
      .requestInvalidCaller,
      #"{"PolicyInputList":[],"ActionNames":["s3:GetObject"],"CallerArn":1️⃣"bob"}"#
    ),
    (
      .requestInvalidContext,
      #"{"PolicyInputList":[],"ActionNames":["s3:GetObject"],"ContextEntries":[{"ContextKeyName":"aws:username","ContextKeyValues":["a"],"ContextKeyType":1️⃣"strin"}]}"#
    ),
    (.requestInvalidValue, #"{"PolicyInputList":[],"ActionNames":[1️⃣"GetObject"]}"#),
    (.requestMissingKey, #"1️⃣{"PolicyInputList":[]}"#),
    (.requestNotObject, #"1️⃣["s3:GetObject"]"#),
    (.requestUnknownKey, #"{"PolicyInputList":[],"ActionNames":["s3:GetObject"],1️⃣"Policies":[]}"#),
    (.requestWrongType, #"{"PolicyInputList":[],"ActionNames":1️⃣"s3:GetObject"}"#),
    (
      .requestPolicyTooLarge,
      #"{"PolicyInputList":[1️⃣""# + String(repeating: " ", count: SimulateRequest.maxPolicyBytes)
        + #"{}"],"ActionNames":["s3:GetObject"]}"#
    ),
  ]

  @Test(arguments: cases) func diagnostic(_ code: DiagnosticCode, _ text: String) throws {
    let marked = MarkedText(text)
    let parsed = SimulateRequest.parse(marked.file(named: "input.json"))
    #expect(parsed.value == nil)
    let d = try #require(
      parsed.diagnostics.first { $0.code == code }, "\(parsed.diagnostics.map(\.code.rawValue))")
    #expect(d.range?.start == marked.marks["1️⃣"], "\(d.message)")
    #expect(d.help?.isEmpty == false, "`\(code.rawValue)` (\(d.message)) has no help line")
  }

  @Test func everyRequestCodeHasAMarkerTest() {
    let covered = Set(Self.cases.map(\.0))
    let missing = DiagnosticCode.allCases.filter {
      $0.rawValue.hasPrefix("request.") && !covered.contains($0)
    }
    #expect(missing.isEmpty)
  }

  /// A policy given as a JSON string is located inside its own text, named `PolicyInputList.N`.
  @Test func embeddedPolicyPositions() throws {
    let policy = MarkedText(
      "{\"Version\":\"2012-10-17\",\n \"Statement\":[{\"Effect\":1️⃣\"Alow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}"
    )
    let escaped = policy.text.replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(
      of: "\n", with: "\\n")
    let doc =
      #"{"PolicyInputList":["{\"Statement\":[]}","\#(escaped)"],"ActionNames":["s3:GetObject"]}"#
    let parsed = SimulateRequest.parse(SourceFile(name: "-", text: doc))
    let d = try #require(parsed.diagnostics.first { $0.code == .statementInvalidEffect })
    #expect(d.range?.source == "PolicyInputList.2")
    #expect(d.range?.start == policy.marks["1️⃣"])
  }

  /// A policy given as an object is located in the request document itself.
  @Test func objectPolicyPositions() throws {
    let marked = MarkedText(
      #"{"PolicyInputList":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":1️⃣"GetObject","Resource":"*"}]}],"ActionNames":["s3:GetObject"]}"#
    )
    let parsed = SimulateRequest.parse(marked.file(named: "req.json"))
    let d = try #require(parsed.diagnostics.first { $0.code == .statementInvalidAction })
    #expect(d.range?.source == "req.json")
    #expect(d.range?.start == marked.marks["1️⃣"])
  }

  func answer(_ doc: String) throws -> (SimulateRequest, [SimulationResult]) {
    guard
      case .answered(let request, let results, _) = Simulator().run(
        SourceFile(name: "-", text: doc))
    else {
      Issue.record("bad input")
      throw CancellationError()
    }
    return (request, results)
  }

  @Test func resultsComeInInputOrderActionsOuter() throws {
    let doc = #"""
      {"PolicyInputList":["{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:Get*\",\"Resource\":\"arn:aws:s3:::b/*\"}]}"],
       "ActionNames":["s3:PutObject","s3:GetObject"],"ResourceArns":["arn:aws:s3:::b/2","arn:aws:s3:::b/1","arn:aws:s3:::c/1"],
       "CallerArn":"arn:aws:iam::111122223333:user/a"}
      """#
    let (_, results) = try answer(doc)
    #expect(
      results.map(\.action) == [
        "s3:PutObject", "s3:PutObject", "s3:PutObject", "s3:GetObject", "s3:GetObject",
        "s3:GetObject",
      ])
    #expect(
      results.map(\.resource) == [
        "arn:aws:s3:::b/2", "arn:aws:s3:::b/1", "arn:aws:s3:::c/1", "arn:aws:s3:::b/2",
        "arn:aws:s3:::b/1", "arn:aws:s3:::c/1",
      ])
    #expect(
      results.map(\.evaluation.decision) == [
        .implicitDeny, .implicitDeny, .implicitDeny, .allowed, .allowed, .implicitDeny,
      ])
  }

  /// `MatchedStatements` positions are 1-based line and column in the policy text as given.
  @Test func matchedStatementPositions() throws {
    let policy = MarkedText(
      "{\"Version\":\"2012-10-17\",\n  \"Statement\":[1️⃣{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}2️⃣]}"
    )
    let escaped = policy.text.replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(
      of: "\n", with: "\\n")
    let (request, results) = try answer(
      #"{"PolicyInputList":["\#(escaped)"],"ActionNames":["s3:GetObject"],"CallerArn":"arn:aws:iam::111122223333:user/a"}"#
    )
    let json = SimulateResponse.json(results, request: request).serialized(pretty: false)
    let start = try #require(policy.marks["1️⃣"])
    let end = try #require(policy.marks["2️⃣"])
    #expect(json.contains(#""SourcePolicyId":"PolicyInputList.1""#))
    #expect(
      json.contains(#""StartPosition":{"Line":\#(start.line),"Column":\#(start.column)}"#),
      "\(json)")
    #expect(
      json.contains(#""EndPosition":{"Line":\#(end.line),"Column":\#(end.column)}"#), "\(json)")
  }

  @Test func missingContextValuesAreReported() throws {
    let (request, results) = try answer(
      #"{"PolicyInputList":["{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}}]}"],"ActionNames":["s3:GetObject"]}"#
    )
    #expect(results.first?.evaluation.missingContextKeys == ["aws:SourceIp"])
    #expect(
      SimulateResponse.json(results, request: request).serialized(pretty: false).contains(
        #""MissingContextValues":["aws:SourceIp"]"#))
  }

  @Test func contextEntryTypesAreChecked() {
    let doc =
      #"{"PolicyInputList":[],"ActionNames":["s3:GetObject"],"ContextEntries":[{"ContextKeyName":"aws:SourceIp","ContextKeyValues":["nope"],"ContextKeyType":"ip"},{"ContextKeyName":"n","ContextKeyValues":["1","2"],"ContextKeyType":"numeric"}]}"#
    let parsed = SimulateRequest.parse(SourceFile(name: "-", text: doc))
    #expect(parsed.value == nil)
    #expect(parsed.diagnostics.filter { $0.code == .requestInvalidContext }.count == 2)
  }
}
