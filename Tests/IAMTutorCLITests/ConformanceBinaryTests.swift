import Foundation
import IAMTestSupport
import Testing

extension ConformanceCase: CustomTestStringConvertible {}

/// Every case in ../shared/conformance through the built `iam-tutor simulate`.
@Suite struct ConformanceThroughBinary {
  @Test(arguments: try ConformanceCase.all())
  func decision(_ c: ConformanceCase) throws {
    let result = try BinaryRunner.run(["simulate", "--cli-input-json", "-"], stdin: c.input)
    #expect(result.status == 0, "\(result.stderr)")
    let data = Data(result.stdout.utf8)
    let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    let results = json?["EvaluationResults"] as? [[String: Any]]
    #expect(results?.count == 1)
    #expect(results?.first?["EvalDecision"] as? String == c.expect, "\(c.why)")
  }
}
