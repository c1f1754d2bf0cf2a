import Foundation
import IAMTestSupport
import Testing

/// `iam-tutor simulate` end to end through the built binary (spec: ../shared/spec/simulate.md).
@Suite struct SimulateCLITests {
  /// A generous sanity bound; the target is well under a second.
  static let bound: Duration = .seconds(5)

  struct Run {
    var result: ProcessResult
    var elapsed: Duration
  }

  func simulate(
    _ arguments: [String] = ["simulate", "--cli-input-json", "-"], stdin: String? = nil
  ) throws -> Run {
    let clock = ContinuousClock()
    var result: ProcessResult?
    let elapsed = try clock.measure { result = try BinaryRunner.run(arguments, stdin: stdin) }
    return Run(result: try #require(result), elapsed: elapsed)
  }

  func withTemporaryFile<T>(_ bytes: [UInt8], _ body: (String) throws -> T) throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "iam-tutor-test-\(UUID().uuidString).json")
    try Data(bytes).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url.path)
  }

  /// `source:line:column: error: message`.
  static func isLocated(_ line: Substring) -> Bool {
    line.wholeMatch(of: #/[^\s:][^\s]*:\d+:\d+: error: .+/#) != nil
  }

  /// Bad input: exit 2, nothing on stdout, located `source:line:column:` errors on stderr, quickly.
  func expectBadInput(_ run: Run, _ what: String, code: String? = nil) {
    let r = run.result
    #expect(r.status == 2, "\(what): exit \(r.status)\n\(r.stderr.prefix(500))")
    #expect(r.stdout.isEmpty, "\(what): stdout should be empty, got \(r.stdout.prefix(200))")
    let errorLines = r.stderr.split(separator: "\n").filter { $0.contains(": error: ") }
    #expect(!errorLines.isEmpty, "\(what): no error line in \(r.stderr.prefix(300))")
    for line in errorLines {
      #expect(Self.isLocated(line), "\(what): not located: \(line)")
    }
    if let code {
      #expect(
        r.stderr.contains("[\(code)]"), "\(what): expected \(code) in \(r.stderr.prefix(300))")
    }
    #expect(run.elapsed < Self.bound, "\(what) took \(run.elapsed)")
  }

  static let okPolicy =
    #"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"#

  struct Hostile: Sendable, CustomTestStringConvertible {
    var name: String
    var input: String
    var code: String?
    var testDescription: String { name }
  }

  static let hostile: [Hostile] = [
    .init(
      name: "request nested 10,000 deep",
      input: String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000),
      code: "json.too-deep"),
    .init(
      name: "policy object nested 10,000 deep",
      input: #"{"PolicyInputList":[{"Statement":"# + String(repeating: "[", count: 10_000)
        + String(repeating: "]", count: 10_000) + #"}],"ActionNames":["s3:GetObject"]}"#,
      code: "json.too-deep"),
    .init(
      name: "policy string nested 10,000 deep",
      input: #"{"PolicyInputList":[""# + String(repeating: "[", count: 10_000)
        + #""],"ActionNames":["s3:GetObject"]}"#,
      code: "json.too-deep"),
    .init(name: "top level array", input: "[]", code: "request.not-object"),
    .init(name: "top level string", input: #""PolicyInputList""#, code: "request.not-object"),
    .init(name: "top level number", input: "42", code: "request.not-object"),
    .init(name: "top level null", input: "null", code: "request.not-object"),
    .init(name: "empty input", input: "", code: "json.unexpected-end"),
    .init(
      name: "truncated document",
      input: #"{"PolicyInputList":["\#(okPolicy)"],"ActionNames":["s3:Get"#,
      code: "json.unexpected-end"),
    .init(
      name: "truncated policy string",
      input:
        #"{"PolicyInputList":["{\"Statement\":[{\"Effect\":"],"ActionNames":["s3:GetObject"]}"#,
      code: "json.unexpected-end"),
    .init(
      name: "policy that is not an object",
      input: #"{"PolicyInputList":["[1,2]"],"ActionNames":["s3:GetObject"]}"#,
      code: "policy.not-object"),
    .init(
      name: "bare statement",
      input:
        #"{"PolicyInputList":["{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}"],"ActionNames":["s3:GetObject"]}"#,
      code: "policy.bare-statement"),
  ]

  @Test(arguments: hostile) func hostileInput(_ h: Hostile) throws {
    expectBadInput(try simulate(stdin: h.input), h.name, code: h.code)
  }

  /// Each element of the request and of a policy given the wrong JSON type.
  static let wrongTypes: [(String, String)] = [
    ("PolicyInputList", #"{"PolicyInputList":5,"ActionNames":["s3:GetObject"]}"#),
    ("PolicyInputList element", #"{"PolicyInputList":[5],"ActionNames":["s3:GetObject"]}"#),
    (
      "PermissionsBoundaryPolicyInputList",
      #"{"PolicyInputList":[],"PermissionsBoundaryPolicyInputList":{},"ActionNames":["s3:GetObject"]}"#
    ),
    (
      "SessionPolicyInputList",
      #"{"PolicyInputList":[],"SessionPolicyInputList":"x","ActionNames":["s3:GetObject"]}"#
    ),
    (
      "ServiceControlPolicyInputList",
      #"{"PolicyInputList":[],"ServiceControlPolicyInputList":["x"],"ActionNames":["s3:GetObject"]}"#
    ),
    (
      "ResourceControlPolicyInputList",
      #"{"PolicyInputList":[],"ResourceControlPolicyInputList":true,"ActionNames":["s3:GetObject"]}"#
    ),
    ("ActionNames", #"{"PolicyInputList":[],"ActionNames":"s3:GetObject"}"#),
    ("ActionNames element", #"{"PolicyInputList":[],"ActionNames":[1]}"#),
    ("ResourceArns", #"{"PolicyInputList":[],"ActionNames":["s3:GetObject"],"ResourceArns":{}}"#),
    (
      "ResourcePolicy", #"{"PolicyInputList":[],"ActionNames":["s3:GetObject"],"ResourcePolicy":7}"#
    ),
    ("ResourceOwner", #"{"PolicyInputList":[],"ActionNames":["s3:GetObject"],"ResourceOwner":[]}"#),
    ("CallerArn", #"{"PolicyInputList":[],"ActionNames":["s3:GetObject"],"CallerArn":1}"#),
    (
      "ContextEntries",
      #"{"PolicyInputList":[],"ActionNames":["s3:GetObject"],"ContextEntries":{}}"#
    ),
    (
      "ContextEntries element",
      #"{"PolicyInputList":[],"ActionNames":["s3:GetObject"],"ContextEntries":["aws:username"]}"#
    ),
    (
      "ContextKeyName",
      #"{"PolicyInputList":[],"ActionNames":["s3:GetObject"],"ContextEntries":[{"ContextKeyName":1,"ContextKeyValues":["a"]}]}"#
    ),
    (
      "ContextKeyValues",
      #"{"PolicyInputList":[],"ActionNames":["s3:GetObject"],"ContextEntries":[{"ContextKeyName":"k","ContextKeyValues":{}}]}"#
    ),
    (
      "ContextKeyType",
      #"{"PolicyInputList":[],"ActionNames":["s3:GetObject"],"ContextEntries":[{"ContextKeyName":"k","ContextKeyValues":["a"],"ContextKeyType":3}]}"#
    ),
    ("MaxItems", #"{"PolicyInputList":[],"ActionNames":["s3:GetObject"],"MaxItems":"5"}"#),
    ("Marker", #"{"PolicyInputList":[],"ActionNames":["s3:GetObject"],"Marker":3}"#),
    (
      "ResourceHandlingOption",
      #"{"PolicyInputList":[],"ActionNames":["s3:GetObject"],"ResourceHandlingOption":false}"#
    ),
    (
      "Version",
      #"{"PolicyInputList":["{\"Version\":1,\"Statement\":[]}"],"ActionNames":["s3:GetObject"]}"#
    ),
    ("Id", #"{"PolicyInputList":["{\"Id\":[],\"Statement\":[]}"],"ActionNames":["s3:GetObject"]}"#),
    ("Statement", #"{"PolicyInputList":["{\"Statement\":\"x\"}"],"ActionNames":["s3:GetObject"]}"#),
    (
      "Statement element",
      #"{"PolicyInputList":["{\"Statement\":[1]}"],"ActionNames":["s3:GetObject"]}"#
    ),
    (
      "Sid",
      #"{"PolicyInputList":["{\"Statement\":[{\"Sid\":1,\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}"],"ActionNames":["s3:GetObject"]}"#
    ),
    (
      "Effect",
      #"{"PolicyInputList":["{\"Statement\":[{\"Effect\":true,\"Action\":\"s3:*\",\"Resource\":\"*\"}]}"],"ActionNames":["s3:GetObject"]}"#
    ),
    (
      "Action",
      #"{"PolicyInputList":["{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":{},\"Resource\":\"*\"}]}"],"ActionNames":["s3:GetObject"]}"#
    ),
    (
      "NotAction element",
      #"{"PolicyInputList":["{\"Statement\":[{\"Effect\":\"Allow\",\"NotAction\":[null],\"Resource\":\"*\"}]}"],"ActionNames":["s3:GetObject"]}"#
    ),
    (
      "Resource",
      #"{"PolicyInputList":["{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":5}]}"],"ActionNames":["s3:GetObject"]}"#
    ),
    (
      "NotResource",
      #"{"PolicyInputList":["{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"NotResource\":{}}]}"],"ActionNames":["s3:GetObject"]}"#
    ),
    (
      "Principal",
      #"{"PolicyInputList":[],"ActionNames":["s3:GetObject"],"ResourcePolicy":"{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":5,\"Action\":\"s3:*\",\"Resource\":\"*\"}]}"}"#
    ),
    (
      "Principal AWS value",
      #"{"PolicyInputList":[],"ActionNames":["s3:GetObject"],"ResourcePolicy":"{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":5},\"Action\":\"s3:*\",\"Resource\":\"*\"}]}"}"#
    ),
    (
      "NotPrincipal",
      #"{"PolicyInputList":[],"ActionNames":["s3:GetObject"],"ResourcePolicy":"{\"Statement\":[{\"Effect\":\"Deny\",\"NotPrincipal\":[],\"Action\":\"s3:*\",\"Resource\":\"*\"}]}"}"#
    ),
    (
      "Condition",
      #"{"PolicyInputList":["{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":\"x\"}]}"],"ActionNames":["s3:GetObject"]}"#
    ),
    (
      "Condition operator body",
      #"{"PolicyInputList":["{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":[]}}]}"],"ActionNames":["s3:GetObject"]}"#
    ),
    (
      "Condition value",
      #"{"PolicyInputList":["{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"k\":{}}}}]}"],"ActionNames":["s3:GetObject"]}"#
    ),
  ]

  @Test(arguments: wrongTypes) func wrongType(_ element: String, _ input: String) throws {
    expectBadInput(try simulate(stdin: input), "wrong type for \(element)")
  }

  @Test func invalidUTF8() throws {
    let bytes =
      Array(#"{"PolicyInputList":[],"ActionNames":["s3:Get"#.utf8) + [0xC3, 0x28]
      + Array(#"Object"]}"#.utf8)
    try withTemporaryFile(bytes) { path in
      let clock = ContinuousClock()
      var result: ProcessResult?
      let elapsed = try clock.measure {
        result = try BinaryRunner.run(["simulate", "--cli-input-json", path])
      }
      let run = Run(result: try #require(result), elapsed: elapsed)
      expectBadInput(run, "invalid UTF-8", code: "json.invalid-utf8")
      #expect(run.result.stderr.contains("\(path):1:"))
    }
  }

  @Test func invalidUTF8OutsideStrings() throws {
    let bytes: [UInt8] = [0x7B, 0xFE, 0xFF, 0x7D]
    try withTemporaryFile(bytes) { path in
      let result = try BinaryRunner.run(["simulate", "--cli-input-json", path])
      expectBadInput(Run(result: result, elapsed: .zero), "invalid UTF-8 outside strings")
    }
  }

  /// `file://PATH`, as the AWS CLI takes `--cli-input-json`, reads PATH.
  @Test func awsCLIFileSpelling() throws {
    let document =
      #"{"PolicyInputList":["{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}}"],"ActionNames":["s3:GetObject"]}"#
    try withTemporaryFile(Array(document.utf8)) { path in
      let plain = try simulate(["simulate", "--cli-input-json", path]).result
      let spelled = try simulate(["simulate", "--cli-input-json", "file://" + path]).result
      #expect(plain.status == 0 && spelled.status == 0, "\(spelled.stderr)")
      #expect(spelled.stdout == plain.stdout && plain.stdout.contains("\"allowed\""))
      let batch = try simulate(["simulate", "--batch", "file://" + path]).result
      #expect(batch.status == 0 && batch.stdout.contains("\"allowed\""), "\(batch.stderr)")
    }
  }

  @Test func unreadableFile() throws {
    let run = try simulate(["simulate", "--cli-input-json", "/nonexistent/iam-tutor/request.json"])
    expectBadInput(run, "missing file", code: "file.unreadable")
  }

  /// A 10 MB policy gets an answer or a diagnostic about its size, quickly.
  @Test(arguments: [false, true]) func tenMegabytePolicy(_ asString: Bool) throws {
    var statements: [String] = []
    var size = 0
    var i = 0
    while size < 10 << 20 {
      let s =
        asString
        ? #"{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bucket-\#(i)/*\"}"#
        : #"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-\#(i)/*"}"#
      statements.append(s)
      size += s.utf8.count + 1
      i += 1
    }
    let policy =
      asString
      ? #""{\"Version\":\"2012-10-17\",\"Statement\":[\#(statements.joined(separator: ","))]}""#
      : #"{"Version":"2012-10-17","Statement":[\#(statements.joined(separator: ","))]}"#
    let doc =
      #"{"PolicyInputList":[\#(policy)],"ActionNames":["s3:GetObject"],"ResourceArns":["arn:aws:s3:::bucket-\#(i - 1)/x"],"CallerArn":"arn:aws:iam::111122223333:user/a"}"#
    #expect(doc.utf8.count >= 10 << 20)
    let run = try simulate(stdin: doc)
    #expect(run.elapsed < Self.bound, "took \(run.elapsed)")
    if run.result.status == 0 {
      #expect(run.result.stdout.contains(#""EvalDecision""#))
      #expect(run.result.stdout.contains("allowed"))
    } else {
      #expect(run.result.status == 2)
      #expect(run.result.stderr.contains("too-large") || run.result.stderr.contains("limit"))
    }
  }

  @Test func outputJSONErrors() throws {
    let input =
      #"{"PolicyInputList":["{\"Statement\":[{\"Effect\":\"Alow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}"],"ActionNames":["s3:GetObject"]}"#
    let r = try simulate(["simulate", "--cli-input-json", "-", "--output", "json"], stdin: input)
      .result
    #expect(r.status == 2)
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let errors = try #require(json["Errors"] as? [[String: Any]])
    #expect(errors.count == 1)
    #expect(errors.first?["Code"] as? String == "statement.invalid-effect")
    #expect(errors.first?["Source"] as? String == "PolicyInputList.1")
    #expect(errors.first?["Line"] as? Int == 1)
    #expect(errors.first?["Column"] as? Int == 25)
    #expect(errors.first?["Help"] as? String != nil)
    #expect(json["EvaluationResults"] == nil)
  }

  func results(_ stdout: String) throws -> [[String: Any]] {
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
    return try #require(json["EvaluationResults"] as? [[String: Any]])
  }

  @Test func batchKeepsOrderAndAnswersAroundABadLine() throws {
    func line(_ action: String) -> String {
      #"{"PolicyInputList":["\#(Self.okPolicy)"],"ActionNames":["\#(action)"],"CallerArn":"arn:aws:iam::111122223333:user/a"}"#
    }
    var lines = (0..<200).map { $0 % 2 == 0 ? line("s3:GetObject") : line("s3:PutObject") }
    lines[3] = #"{"PolicyInputList":[],"ActionNames":"#
    let run = try simulate(
      ["simulate", "--batch", "-"], stdin: lines.joined(separator: "\n") + "\n")
    #expect(run.result.status == 2)
    let out = run.result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    #expect(out.count == 200)
    for (i, text) in out.enumerated() {
      let json = try #require(
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "line \(i + 1)")
      if i == 3 {
        #expect((json["Errors"] as? [Any])?.isEmpty == false)
        #expect(json["EvaluationResults"] == nil)
        continue
      }
      let result = try #require((json["EvaluationResults"] as? [[String: Any]])?.first)
      #expect(
        result["EvalActionName"] as? String == (i % 2 == 0 ? "s3:GetObject" : "s3:PutObject"),
        "line \(i + 1)")
      #expect(
        result["EvalDecision"] as? String == (i % 2 == 0 ? "allowed" : "implicitDeny"),
        "line \(i + 1)")
    }
    #expect(
      run.result.stderr.contains("-:4:"),
      "the bad line's diagnostics carry its line number: \(run.result.stderr.prefix(300))")
    #expect(run.elapsed < Self.bound)
  }

  @Test func batchAllGoodExitsZero() throws {
    let line = #"{"PolicyInputList":["\#(Self.okPolicy)"],"ActionNames":["s3:GetObject"]}"#
    let r = try simulate(
      ["simulate", "--batch", "-"], stdin: [line, "", line].joined(separator: "\n")
    ).result
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.split(separator: "\n").count == 2)
  }

  @Test func pagination() throws {
    let actions = (1...5).map { "\"s3:Action\($0)\"" }.joined(separator: ",")
    func page(_ extra: String) throws -> [String: Any] {
      let doc = #"{"PolicyInputList":["\#(Self.okPolicy)"],"ActionNames":[\#(actions)]\#(extra)}"#
      let r = try simulate(stdin: doc).result
      #expect(r.status == 0, "\(r.stderr)")
      return try #require(
        try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }
    let first = try page(#","MaxItems":2"#)
    #expect(
      (first["EvaluationResults"] as? [[String: Any]])?.compactMap {
        $0["EvalActionName"] as? String
      } == ["s3:Action1", "s3:Action2"])
    #expect(first["IsTruncated"] as? Bool == true)
    let marker = try #require(first["Marker"] as? String)
    let second = try page(#","MaxItems":2,"Marker":"\#(marker)""#)
    #expect(
      (second["EvaluationResults"] as? [[String: Any]])?.compactMap {
        $0["EvalActionName"] as? String
      } == ["s3:Action3", "s3:Action4"])
    let marker2 = try #require(second["Marker"] as? String)
    let last = try page(#","MaxItems":2,"Marker":"\#(marker2)""#)
    #expect(
      (last["EvaluationResults"] as? [[String: Any]])?.compactMap {
        $0["EvalActionName"] as? String
      } == ["s3:Action5"])
    #expect(last["IsTruncated"] as? Bool == false)
    #expect(last["Marker"] == nil)
  }

  @Test func hundredByHundred() throws {
    let actions = (0..<100).map { String(format: "\"s3:Action%03d\"", $0) }
    let resources = (0..<100).map { String(format: "\"arn:aws:s3:::bucket-%03d/key\"", $0) }
    let policy =
      #"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:Action00*\",\"Resource\":\"arn:aws:s3:::bucket-01*\"}]}"#
    let doc =
      #"{"PolicyInputList":["\#(policy)"],"ActionNames":[\#(actions.joined(separator: ","))],"ResourceArns":[\#(resources.joined(separator: ","))],"CallerArn":"arn:aws:iam::111122223333:user/a"}"#
    let run = try simulate(stdin: doc)
    #expect(run.result.status == 0, "\(run.result.stderr.prefix(300))")
    let list = try results(run.result.stdout)
    #expect(list.count == 10_000)
    var allowed = 0
    for (i, r) in list.enumerated() {
      let a = String(format: "s3:Action%03d", i / 100)
      let res = String(format: "arn:aws:s3:::bucket-%03d/key", i % 100)
      guard r["EvalActionName"] as? String == a, r["EvalResourceName"] as? String == res else {
        Issue.record(
          "result \(i) is \(r["EvalActionName"] ?? "?") on \(r["EvalResourceName"] ?? "?"), expected \(a) on \(res)"
        )
        break
      }
      if r["EvalDecision"] as? String == "allowed" { allowed += 1 }
    }
    #expect(allowed == 10 * 10)
    #expect(run.elapsed < Self.bound)
  }

  @Test func explainNamesTheDecidingStatementAndFailingCondition() throws {
    let policy =
      #"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"OfficeOnly\",\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}},{\"Sid\":\"NoDeletes\",\"Effect\":\"Deny\",\"Action\":\"s3:DeleteObject\",\"Resource\":\"*\"}]}"#
    let doc =
      #"{"PolicyInputList":["\#(policy)"],"ActionNames":["s3:GetObject","s3:DeleteObject"],"ResourceArns":["arn:aws:s3:::b/k"],"CallerArn":"arn:aws:iam::111122223333:user/a","ContextEntries":[{"ContextKeyName":"aws:SourceIp","ContextKeyValues":["198.51.100.7"],"ContextKeyType":"ip"}]}"#
    let r = try simulate(
      ["simulate", "--cli-input-json", "-", "--explain", "--output", "text"], stdin: doc
    ).result
    #expect(r.status == 0, "\(r.stderr)")
    let text = r.stdout
    // The GetObject result: implicit deny because the IpAddress condition on aws:SourceIp failed.
    #expect(text.contains("implicitDeny"))
    #expect(text.contains("IpAddress"))
    #expect(text.contains("aws:SourceIp"))
    #expect(text.contains("198.51.100.7"))
    #expect(text.contains("OfficeOnly"))
    // The DeleteObject result: the explicit deny names its statement and where it is.
    #expect(text.contains("explicitDeny"))
    #expect(text.contains("Sid \"NoDeletes\""))
    #expect(text.contains("PolicyInputList.1:1:"))
  }

  @Test func jsonResponseShape() throws {
    let doc =
      #"{"PolicyInputList":["\#(Self.okPolicy)"],"ActionNames":["s3:GetObject"],"ResourceArns":["arn:aws:s3:::b/k"],"CallerArn":"arn:aws:iam::111122223333:user/a"}"#
    let r = try simulate(stdin: doc).result
    #expect(r.status == 0)
    #expect(r.stderr.isEmpty)
    let first = try #require(try results(r.stdout).first)
    #expect(first["EvalDecision"] as? String == "allowed")
    let matched = try #require((first["MatchedStatements"] as? [[String: Any]])?.first)
    #expect(matched["SourcePolicyId"] as? String == "PolicyInputList.1")
    #expect(matched["SourcePolicyType"] as? String == "IAM Policy")
    #expect((matched["StartPosition"] as? [String: Any])?["Column"] as? Int == 38)
    #expect(first["MissingContextValues"] as? [Any] != nil)
  }
}
