import IAMPolicy
import Testing

@Suite struct WildcardTests {
  @Test(arguments: [
    ("s3:*", "s3:getobject", true),
    ("s3:get*", "s3:getobject", true),
    ("s3:*object", "s3:getobjectacl", false),
    ("s3:get?bject", "s3:getobject", true),
    ("*", "", true),
    ("a*b*c", "aXXbYYc", true),
    ("a*b*c", "aXXbYY", false),
    ("?", "", false),
  ])
  func glob(_ pattern: String, _ value: String, _ expected: Bool) {
    #expect(WildcardPattern(pattern).matches(value) == expected)
  }

  /// The matcher never backtracks: a pathological pattern against 100,000 characters is one pass.
  @Test func pathologicalPatternIsLinear() {
    let value = String(repeating: "a", count: 100_000)
    #expect(!WildcardPattern("*a*a*a*a*a*a*a*a*a*b").matches(value))
    #expect(WildcardPattern("*a*a*a*a*a*a*a*a*a*a").matches(value))
  }
}
