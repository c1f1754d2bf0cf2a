import IAMPolicy
import IAMSimulator
import IAMTestSupport
import Testing

extension ConformanceCase: CustomTestStringConvertible {}

/// Every case in ../shared/conformance through the library API.
@Suite struct ConformanceThroughLibrary {
  @Test(arguments: try ConformanceCase.all())
  func decision(_ c: ConformanceCase) throws {
    let outcome = Simulator().run(SourceFile(name: c.id, text: c.input))
    guard case .answered(_, let results, _) = outcome else {
      Issue.record("bad input for \(c.id)")
      return
    }
    #expect(results.count == 1)
    #expect(results.first?.evaluation.decision.rawValue == c.expect, "\(c.why)")
  }

  @Test func thereAreCases() throws {
    #expect(try ConformanceCase.all().count >= 60)
  }
}
