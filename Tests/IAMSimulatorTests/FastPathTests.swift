@testable import IAMEvaluator
import IAMPolicy
import IAMSimulator
import IAMTestSupport
import Testing

/// The batch fast paths (reading a document through the policy cache, writing the
/// response without a `JSONOutput` tree) must give exactly what the generic paths give.
@Suite struct FastPathAgreement {
  static func generic(_ file: SourceFile) -> String {
    switch Simulator().run(file) {
    case .answered(let request, let results, let warnings):
      SimulateResponse.json(results, request: request).serialized() + "\n" + String(describing: warnings)
    case .badInput(let diagnostics): "bad\n" + String(describing: diagnostics)
    }
  }

  static func fast(_ file: SourceFile, cache: PolicyCache) -> String {
    switch Simulator().run(file, cache: cache) {
    case .answered(let request, let results, let warnings):
      {
        var out: [UInt8] = []
        SimulateResponse.writeCompact(results, request: request, into: &out)
        return String(decoding: out, as: UTF8.self)
      }() + "\n" + String(describing: warnings)
    case .badInput(let diagnostics): "bad\n" + String(describing: diagnostics)
    }
  }

  /// The batch runner's way: `answerCompact` over the bytes, through a worker's front.
  static func compact(_ file: SourceFile, cache: PolicyCache.Local, positions: StatementPositions) -> String {
    var out: [UInt8] = []
    let errors = file.bytes.withUnsafeBufferPointer {
      Simulator().answerCompact($0, name: file.name, firstLine: 1, cache: cache, positions: positions, into: &out)
    }
    return String(decoding: out, as: UTF8.self) + "\n" + String(describing: errors)
  }

  /// What the batch runner wrote before `answerCompact`: `run`, then `writeCompact` or `errors`.
  static func collected(_ file: SourceFile, cache: PolicyCache) -> String {
    var out: [UInt8] = []
    var errors: [Diagnostic] = []
    switch Simulator().run(file, cache: cache) {
    case .answered(let request, let results, let warnings):
      SimulateResponse.writeCompact(results, request: request, into: &out)
      errors = warnings.filter(\.isError)
    case .badInput(let diagnostics):
      SimulateResponse.errors(diagnostics).write(into: &out, pretty: false, indent: 0)
      errors = diagnostics.filter(\.isError)
    }
    return String(decoding: out, as: UTF8.self) + "\n" + String(describing: errors)
  }

  static func expectAgreement(_ file: SourceFile) {
    let cache = PolicyCache()
    let local = PolicyCache.Local(cache)
    let positions = StatementPositions()
    // Twice: once filling the cache, once from it.
    for _ in 0..<2 {
      #expect(Self.fast(file, cache: cache) == Self.generic(file))
      #expect(Self.compact(file, cache: local, positions: positions) == Self.collected(file, cache: PolicyCache()))
    }
  }

  @Test(arguments: try ConformanceCase.all())
  func conformanceCase(_ c: ConformanceCase) throws {
    Self.expectAgreement(SourceFile(name: c.id, text: c.input))
  }

  @Test(arguments: [
    // Paging, a boundary and SCP levels.
    #"{"PolicyInputList":["{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}"],"PermissionsBoundaryPolicyInputList":["{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:Get*\",\"Resource\":\"*\"}}"],"ServiceControlPolicyInputList":[["{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}"]],"ActionNames":["s3:GetObject","s3:PutObject","s3:ListBucket"],"ResourceArns":["arn:aws:s3:::b/k","arn:aws:s3:::b/\"q\""],"MaxItems":2,"Marker":"1"}"#,
    // Paging on the clean path: two actions x two resources, the middle two.
    #"{"PolicyInputList":["{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:Get*\",\"Resource\":\"*\"}}"],"ActionNames":["s3:GetObject","s3:PutObject"],"ResourceArns":["arn:aws:s3:::b/1","arn:aws:s3:::b/2"],"MaxItems":2,"Marker":"1"}"#,
    // An escaped key: the generic reader's.
    #"{"Policy\u0049nputList":[],"ActionNames":["s3:GetObject"]}"#,
    // A policy with a warning (duplicate Sid), used twice.
    #"{"PolicyInputList":["{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"},{\"Sid\":\"A\",\"Effect\":\"Deny\",\"Action\":\"s3:PutObject\",\"Resource\":\"*\"}]}","{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"},{\"Sid\":\"A\",\"Effect\":\"Deny\",\"Action\":\"s3:PutObject\",\"Resource\":\"*\"}]}"],"ActionNames":["s3:GetObject"]}"#,
    // A repeated top-level key, an unknown key, a broken policy string.
    #"{"PolicyInputList":[],"PolicyInputList":[],"ActionNames":["s3:GetObject"]}"#,
    #"{"PolicyInputList":[],"ActionNames":["s3:GetObject"],"Bogus":1}"#,
    #"{"PolicyInputList":["{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Alow\"}}"],"ActionNames":["s3:GetObject"]}"#,
    #"{"PolicyInputList":["\u007b\"Statement\":[]}\x"],"ActionNames":["s3:GetObject"]}"#,
  ])
  func document(_ text: String) {
    Self.expectAgreement(SourceFile(name: "doc", text: text))
  }

  @Test("Requests with the same policy lists share one ApplicablePolicies storage; others do not")
  func sharedApplicablePolicies() throws {
    let allow = #""{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}""#
    let deny = #""{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Deny\",\"Action\":\"s3:Put*\",\"Resource\":\"*\"}}""#
    let resource = #""{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:Put*\",\"Resource\":\"*\"}}""#
    func request(_ members: String, _ cache: PolicyCache) throws -> SimulateRequest {
      try #require(SimulateRequest.parse(SourceFile(name: "doc", text: "{\(members)}"), cache: cache).value)
    }
    let cache = PolicyCache()
    let a = try request(#""PolicyInputList":[\#(allow)],"ActionNames":["s3:GetObject"],"ContextEntries":[]"#, cache)
    // Other actions, caller and context, the same policies (a missing boundary is an empty one).
    let b = try request(
      #""CallerArn":"arn:aws:iam::111122223333:user/b","PermissionsBoundaryPolicyInputList":[],"PolicyInputList":[\#(allow)],"ActionNames":["s3:PutObject"]"#,
      cache)
    let c = try request(#""PolicyInputList":[\#(allow),\#(deny)],"ActionNames":["s3:GetObject"]"#, cache)
    let d = try request(#""PolicyInputList":[\#(allow)],"PermissionsBoundaryPolicyInputList":[\#(allow)],"ActionNames":["s3:GetObject"]"#, cache)
    let e = try request(
      #""PolicyInputList":[\#(allow)],"ResourcePolicy":\#(resource),"ResourceOwner":"111122223333","ActionNames":["s3:GetObject"]"#,
      cache)
    let f = try request(#""PolicyInputList":[\#(allow)],"ResourcePolicy":\#(resource),"ActionNames":["s3:GetObject"]"#, cache)
    #expect(a.applicablePolicies.storage === b.applicablePolicies.storage)
    let distinct = [a, c, d, e, f].map { ObjectIdentifier($0.applicablePolicies.storage) }
    #expect(Set(distinct).count == distinct.count)
    #expect(e.applicablePolicies.resourceOwner == "111122223333" && f.applicablePolicies.resourceOwner == nil)
    #expect(d.applicablePolicies.permissionsBoundary.map(\.id) == ["PermissionsBoundaryPolicyInputList.1"])
    // Changing a policy field drops the shared value.
    var g = a
    g.identityPolicies.append(contentsOf: c.identityPolicies)
    #expect(g.applicablePolicies.storage !== a.applicablePolicies.storage)
    #expect(g.applicablePolicies.identity.count == 3 && a.applicablePolicies.identity.count == 1)
  }

  /// Context entries are found by their first bytes and their lists by a trie: many
  /// lines through one worker's cache, in every order and combination, with entries
  /// alike up to their last bytes, repeated keys (the later entry wins), a list
  /// longer than the trie may grow (capacity 1), and entries too short to be kept.
  @Test(arguments: [PolicyCache(), PolicyCache(capacity: 1)])
  func contextEntriesThroughOneWorker(_ cache: PolicyCache) {
    let long = String(repeating: "x", count: 300)
    let entries = [
      #"{"ContextKeyName":"aws:SourceIp","ContextKeyValues":["10.0.0.1"],"ContextKeyType":"ip"}"#,
      #"{"ContextKeyName":"aws:SourceIp","ContextKeyValues":["10.0.0.12"],"ContextKeyType":"ip"}"#,
      #"{"ContextKeyName":"aws:SourceIp", "ContextKeyValues": ["10.0.0.1"], "ContextKeyType": "ip"}"#,
      #"{"ContextKeyName":"aws:PrincipalTag/team","ContextKeyValues":["\#(long)a"]}"#,
      #"{"ContextKeyName":"aws:PrincipalTag/team","ContextKeyValues":["\#(long)b"]}"#,
      #"{"ContextKeyName":"AWS:principaltag/TEAM","ContextKeyValues":["c"]}"#,
      #"{"ContextKeyName":"s3:prefix","ContextKeyValues":["home/","home/a/"],"ContextKeyType":"stringList"}"#,
      #"{"ContextKeyName":"aws:MultiFactorAuthPresent","ContextKeyValues":["true"],"ContextKeyType":"boolean"}"#,
      #"{"ContextKeyName":"aws:MultiFactorAuthPresent","ContextKeyValues":["maybe"],"ContextKeyType":"boolean"}"#,
    ]
    let policy = #""{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/30\"}}},{\"Effect\":\"Deny\",\"Action\":\"s3:Put*\",\"Resource\":\"*\",\"Condition\":{\"StringLike\":{\"aws:PrincipalTag/team\":\"*b\"}}}]}""#
    var lists: [[Int]] = [[], [0], [1], [2], [0, 1], [1, 0], [3], [4], [3, 5], [5, 3], [0, 3, 6, 7], [7, 6, 3, 0], [8], [0, 8]]
    lists += lists.map { $0 + [0] }
    let local = PolicyCache.Local(cache)
    let positions = StatementPositions()
    for round in 0..<2 {
      for list in lists {
        let context = list.map { entries[$0] }.joined(separator: round == 0 ? "," : " , ")
        let text = #"{"PolicyInputList":[\#(policy)],"ActionNames":["s3:GetObject","s3:PutObject"],"ContextEntries":[\#(context)]}"#
        let file = SourceFile(name: "doc", text: text)
        #expect(Self.compact(file, cache: local, positions: positions) == Self.collected(file, cache: PolicyCache()))
      }
    }
  }

  /// A long list of entries goes through the trie as any other (each node keeps no copy
  /// of the list so far), and twice: a second line with the same beginning reuses it.
  @Test func longContextThroughOneWorker() {
    let policy = #""{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"k2999\":\"v\"}}}}""#
    let local = PolicyCache.Local(PolicyCache())
    let positions = StatementPositions()
    for last in ["v", "w"] {
      let entries = (0..<3000).map { i in
        #"{"ContextKeyName":"k\#(i)","ContextKeyValues":["\#(i == 2999 ? last : "x\(i)")"]}"#
      }
      let text = #"{"PolicyInputList":[\#(policy)],"ActionNames":["s3:GetObject"],"ContextEntries":[\#(entries.joined(separator: ","))]}"#
      let file = SourceFile(name: "doc", text: text)
      let compact = Self.compact(file, cache: local, positions: positions)
      #expect(compact == Self.collected(file, cache: PolicyCache()))
      #expect(compact.contains(last == "v" ? #""EvalDecision":"allowed""# : #""EvalDecision":"implicitDeny""#))
    }
  }
}
