import IAMPolicy
import Testing

/// `*` and `?` as IAM documents them, action case folding, and ARN-aware resource matching
/// (IAM User Guide, "IAM JSON policy elements: Action" and "Resource").
@Suite struct WildcardEdgeCaseTests {
  @Test(arguments: [
    ("", "", true),
    ("", "a", false),
    ("*", "", true),
    ("**", "", true),
    ("***", "anything:at/all", true),
    ("?", "a", true),
    ("??", "a", false),
    ("*?", "", false),
    ("*?", "x", true),
    ("a?c", "abc", true),
    ("a?c", "ac", false),
    ("a*", "a", true),
    ("*a", "ba", true),
    ("*a", "ab", false),
    ("a*b*c", "abc", true),
    ("a*b*c", "acb", false),
    ("*.txt", "notes.txt.bak", false),
    ("abc", "ABC", false),
  ])
  func glob(_ pattern: String, _ value: String, _ expected: Bool) {
    #expect(WildcardPattern(pattern).matches(value) == expected, "\(pattern) vs \(value)")
  }

  /// `?` stands for one character, also when the character is more than one UTF-8 byte.
  @Test(arguments: [("?.txt", "é.txt"), ("b?g", "b😀g")])
  func questionMarkIsOneCharacter(_ pattern: String, _ value: String) {
    #expect(WildcardPattern(pattern).matches(value), "\(pattern) vs \(value)")
  }

  /// Without wildcards enabled, `*` and `?` are ordinary characters.
  @Test func literalMode() {
    #expect(WildcardPattern("a*", wildcards: false).matches("a*"))
    #expect(!WildcardPattern("a*", wildcards: false).matches("ab"))
    #expect(!WildcardPattern("a?", wildcards: false).matches("ab"))
  }

  /// Actions match case-insensitively in both the prefix and the name.
  @Test(arguments: [
    ("s3:GetObject", "s3:getobject", true),
    ("S3:GETOBJECT", "s3:GetObject", true),
    ("iam:*AccessKey*", "iam:CreateAccessKey", true),
    ("iam:*AccessKey*", "iam:ListAccessKeys", true),
    ("s3:*Object", "s3:GetObjectAcl", false),
    ("s3:Get*", "s3:PutObject", false),
    ("*", "ec2:RunInstances", true),
    ("ec2:*", "ec2:runinstances", true),
    ("s3:Get?bject", "S3:GETOBJECT", true),
  ])
  func actionCaseFolding(_ pattern: String, _ action: String, _ expected: Bool) {
    let p = ActionPattern(text: pattern, span: .none)
    let lowered = Array(action.lowercased().utf8)
    #expect(
      lowered.withUnsafeBufferPointer { p.matches(lowercased: $0) } == expected,
      "\(pattern) vs \(action)")
  }

  static func resourceMatches(
    _ pattern: String, _ resource: String, lookup: [String: String] = [:], version2012: Bool = true
  ) -> Bool {
    let p = ResourcePattern(text: pattern, span: .none, substitutesVariables: version2012)
    let bytes = Array(resource.utf8)
    return bytes.withUnsafeBufferPointer { p.matches($0, lookup: { lookup[$0] }) }
  }

  @Test(arguments: [
    ("*", "arn:aws:s3:::anything", true),
    ("arn:aws:s3:::bucket-a/*", "arn:aws:s3:::bucket-a/x/y/z.txt", true),
    ("arn:aws:s3:::bucket-a/*", "arn:aws:s3:::bucket-a", false),
    ("arn:aws:s3:::bucket-a", "arn:aws:s3:::bucket-a/x", false),
    ("arn:aws:s3:::bucket-a*", "arn:aws:s3:::bucket-a/x", true),
    ("arn:aws:s3:::Bucket-A/*", "arn:aws:s3:::bucket-a/x", false),
    ("arn:aws:iam::111122223333:user/Bob", "arn:aws:iam::111122223333:user/bob", false),
    ("arn:aws:s3:::bucket-a/?.txt", "arn:aws:s3:::bucket-a/a.txt", true),
    ("arn:aws:s3:::bucket-a/?.txt", "arn:aws:s3:::bucket-a/ab.txt", false),
    ("arn:aws:dynamodb:us-east-1:*", "arn:aws:dynamodb:us-east-1:111122223333:table/Events", true),
    ("arn:aws:dynamodb:us-east-1:*", "arn:aws:dynamodb:eu-west-1:111122223333:table/Events", false),
    (
      "arn:aws:dynamodb:*:111122223333:table/*",
      "arn:aws:dynamodb:eu-west-1:111122223333:table/Events", true
    ),
    (
      "arn:aws:dynamodb:*:111122223333:table/*",
      "arn:aws:dynamodb:eu-west-1:444455556666:table/Events", false
    ),
    ("arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", true),
    ("arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:us-east-1:111122223333:volume/vol-1", false),
    (
      "arn:aws:sns:us-east-2:111122223333:topic", "arn:aws:sns:us-east-2:111122223333:topic:sub-1",
      false
    ),
    (
      "arn:aws:sns:us-east-2:111122223333:topic:*",
      "arn:aws:sns:us-east-2:111122223333:topic:sub-1", true
    ),
    ("arn:aws:iam::111122223333:user/*", "arn:aws:iam::111122223333:user/division/alice", true),
    (
      "arn:aws:iam::111122223333:user/division_*/*",
      "arn:aws:iam::111122223333:user/division_a/alice", true
    ),
    ("arn:aws:s3:::*", "arn:aws:s3:us-east-1:111122223333:thing", false),
    ("arn:aws:s3", "arn:aws:s3:::bucket", false),
    ("arn:*", "arn:aws:s3:::bucket", true),
  ])
  func resource(_ pattern: String, _ resource: String, _ expected: Bool) {
    #expect(Self.resourceMatches(pattern, resource) == expected, "\(pattern) vs \(resource)")
  }

  /// A pattern the matcher could backtrack on finishes quickly on long input.
  @Test func longResourceIsLinear() {
    let value = "arn:aws:s3:::b/" + String(repeating: "a", count: 100_000)
    let clock = ContinuousClock()
    let elapsed = clock.measure {
      #expect(!Self.resourceMatches("arn:aws:s3:::b/*a*a*a*a*a*a*a*a*a*b", value))
    }
    #expect(elapsed < .seconds(1))
  }
}

/// Splitting a resource pattern into ARN parts in one pass gives the parts the
/// segment-by-segment split gives.
@Suite struct SegmentedPatternSplitTests {
  @Test(
    arguments: [
      "arn:aws:s3:::bucket/*", "arn:aws:iam::111122223333:role/a:b:c", "arn:aws:sns:us-east-2:111122223333:topic:sub",
      "arn:*", "arn:aws:dynamodb:us-east-1:*", "arn", "arn:::::", "arn:aws:ec2:*:*:instance/*", "arn:aws:s3:::b/é:*",
    ])
  func sameParts(pattern: String) {
    let tokens = WildcardPattern(pattern).tokens
    let split = SegmentedPattern(splitting: tokens)
    let reference = SegmentedPattern(ARNMatcher.segments(tokens))
    #expect(split.tokens == reference.tokens)
    #expect(split.bounds == reference.bounds)
  }
}
