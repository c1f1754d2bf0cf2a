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

/// `AWS` principals read on their bytes give the values of the Character reading.
@Suite struct PrincipalByteReadingTests {
  static let texts = [
    "*", "**", "", "111122223333", "11112222333", "1111222233334", "11112222333é", "1111\u{301}22223333",
    "arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:root/x", "arn:aws:iam::111122223333:rootx",
    "arn:aws:iam::111122223333:user/a/b", "arn:aws:iam::111122223333:user", "arn:aws:iam::111122223333:users/a",
    "arn:aws:iam::111122223333:role/Admin", "arn:aws:iam::111122223333:role/p/q/Admin",
    "arn:aws:iam::111122223333:role/p//", "arn:aws:iam::111122223333:role", "arn:aws:iam::111122223333:role:x/y",
    "arn:aws:iam::111122223333:role//", "arn:aws:iam::111122223333:role/*", "arn:aws:iam::1111?2223333:root",
    "arn:aws:sts::111122223333:assumed-role/R/S", "arn:aws:sts::111122223333:assumed-role/R/S/T/",
    "arn:aws:sts::111122223333:assumed-role/R", "arn:aws:sts::111122223333:assumed-role:x/R/S",
    "arn:aws:sts::111122223333:assumed-role//", "arn:aws:sts::111122223333:assumed-role",
    "arn:aws:sts::111122223333:federated-user/bob", "arn:aws:sts::111122223333:federated-user",
    "arn:aws:s3:::bucket", "arn:aws:iam::111122223333", "arn:::::", "arn::::::", "arn:aws:iam::111122223333:role/é",
    "arn:aws:iam::111122223333:\u{301}role/x", "arn\u{301}:aws:iam::1:root", "arn:aws:iam::1:root\r\n",
    "AIDACKCEVSQ6C2EXAMPLE", "ARN:aws:iam::111122223333:root", "arn:aws:iam:us-east-1:111122223333:user/u",
  ]

  @Test func sameAsCharacterReading() {
    for text in Self.texts {
      #expect(PrincipalPattern.awsValue(text) == PrincipalPattern.awsValue(characters: text), "\(text)")
    }
    #expect(PrincipalPattern.awsValue("arn:aws:sts::1:assumed-role/R/S/T") == .assumedRole(account: "1", role: "R", session: "S/T", arn: "arn:aws:sts::1:assumed-role/R/S/T"))
  }
}
