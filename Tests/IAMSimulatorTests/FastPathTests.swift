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

  @Test(arguments: try ConformanceCase.all())
  func conformanceCase(_ c: ConformanceCase) throws {
    let file = SourceFile(name: c.id, text: c.input)
    let cache = PolicyCache()
    // Twice: once filling the cache, once from it.
    #expect(Self.fast(file, cache: cache) == Self.generic(file))
    #expect(Self.fast(file, cache: cache) == Self.generic(file))
  }

  @Test(arguments: [
    // Paging, a boundary and SCP levels.
    #"{"PolicyInputList":["{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}"],"PermissionsBoundaryPolicyInputList":["{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:Get*\",\"Resource\":\"*\"}}"],"ServiceControlPolicyInputList":[["{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}"]],"ActionNames":["s3:GetObject","s3:PutObject","s3:ListBucket"],"ResourceArns":["arn:aws:s3:::b/k","arn:aws:s3:::b/\"q\""],"MaxItems":2,"Marker":"1"}"#,
    // A policy with a warning (duplicate Sid), used twice.
    #"{"PolicyInputList":["{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"},{\"Sid\":\"A\",\"Effect\":\"Deny\",\"Action\":\"s3:PutObject\",\"Resource\":\"*\"}]}","{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"},{\"Sid\":\"A\",\"Effect\":\"Deny\",\"Action\":\"s3:PutObject\",\"Resource\":\"*\"}]}"],"ActionNames":["s3:GetObject"]}"#,
    // A repeated top-level key, an unknown key, a broken policy string.
    #"{"PolicyInputList":[],"PolicyInputList":[],"ActionNames":["s3:GetObject"]}"#,
    #"{"PolicyInputList":[],"ActionNames":["s3:GetObject"],"Bogus":1}"#,
    #"{"PolicyInputList":["{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Alow\"}}"],"ActionNames":["s3:GetObject"]}"#,
    #"{"PolicyInputList":["\u007b\"Statement\":[]}\x"],"ActionNames":["s3:GetObject"]}"#,
  ])
  func document(_ text: String) {
    let file = SourceFile(name: "doc", text: text)
    let cache = PolicyCache()
    #expect(Self.fast(file, cache: cache) == Self.generic(file))
    #expect(Self.fast(file, cache: cache) == Self.generic(file))
  }
}
