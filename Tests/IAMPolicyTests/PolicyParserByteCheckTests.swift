@testable import IAMPolicy
import Testing

/// The byte-level element checks give the answers of the Character checks they replace,
/// including for text where a combining mark joins a colon's Character.
@Suite struct PolicyParserByteCheckTests {
  static let texts = [
    "*", "**", "", ":", "s3", "s3:", ":s3", "s3:GetObject", "s3:*", "S3:Get*", "a:b:c", "é:x", "s3:é", "s3\u{301}:x",
    "s3:\u{301}", ":\u{301}x", "x:\u{301}", "*\u{301}", "arn:", "arn", "arn:aws:s3:::b", "ARN:aws", "arn:\u{301}aws",
    "arn\u{301}:aws", "arn:é", "\u{37E}", "a\r\n:b", "arn:aws:s3:::b/é/*",
  ]

  @Test(arguments: texts)
  func actionText(text: String) {
    let reference = text == "*" || (text.contains(":") && !text.hasPrefix(":") && !text.hasSuffix(":"))
    #expect(PolicyParser.isActionText(text) == reference)
  }

  @Test(arguments: texts)
  func resourceText(text: String) {
    #expect(PolicyParser.isResourceText(text) == (text == "*" || text.hasPrefix("arn:")))
  }
}

/// Operator names read on their bytes give the operators the Character reading gives.
@Suite struct ConditionOperatorByteParseTests {
  static var names: [String] {
    var out: [String] = []
    for base in ConditionOperator.Base.allCases {
      for set in ["", "ForAnyValue:", "ForAllValues:", "forAnyValue:", "ForAnyValue"] {
        for suffix in ["", "IfExists", "ifexists", "IfExist"] { out.append(set + base.rawValue + suffix) }
      }
      out.append(base.rawValue.lowercased())
      out.append(base.rawValue + "\u{301}")
      out.append("ForAnyValue:\u{301}" + base.rawValue)
    }
    return out + ["", "IfExists", "ForAnyValue:", "ForAllValues:IfExists", "NullIfExists", "Stringé", "StringEquals ", "é"]
  }

  @Test func sameAsCharacterReading() {
    for name in Self.names {
      #expect(ConditionOperator(name) == ConditionOperator(characters: name), "\(name)")
    }
    #expect(ConditionOperator("ForAnyValue:StringLikeIfExists") == ConditionOperator(base: .stringLike, set: .forAnyValue, ifExists: true))
    #expect(ConditionOperator("Null") == ConditionOperator(base: .null))
    #expect(ConditionOperator("NullIfExists") == nil)
  }

  @Test func containsVariableOpening() {
    for text in ["", "$", "${", "a${b}", "$ {", "{$", "é${x}", "$\u{301}{", "${\u{301}", "$$${"] {
      #expect(PolicyParser.containsVariableOpening(text) == text.contains("${"), "\(text)")
    }
  }
}
