import IAMCatalog
import Testing

@Suite struct ConditionKeyTests {
  @Test(arguments: [
    ("aws:SourceIp", ConditionKeyType.ipAddress),
    ("aws:sourceip", .ipAddress),
    ("aws:CurrentTime", .date),
    ("aws:EpochTime", .date),
    ("aws:MultiFactorAuthPresent", .bool),
    ("aws:MultiFactorAuthAge", .numeric),
    ("aws:SecureTransport", .bool),
    ("aws:PrincipalTag/team", .string),
    ("aws:RequestTag/cost-center", .string),
    ("aws:ResourceTag/a/b:c", .string),
    ("aws:TagKeys", .arrayOfString),
    ("aws:PrincipalArn", .arn),
    ("aws:PrincipalOrgID", .string),
    ("aws:CalledVia", .arrayOfString),
    ("aws:SourceVpce", .string),
    ("s3:prefix", .string),
    ("s3:ExistingObjectTag/classification", .string),
    ("iam:PassedToService", .string),
    ("ec2:InstanceType", .string),
    ("kms:EncryptionContext:department", .string),
    ("identitystore:UserId", .string),
  ])
  func keyTypes(_ key: String, _ type: ConditionKeyType) throws {
    #expect(try Bundled.services().conditionKeyType(key) == type)
  }

  @Test func epochTimeAlsoAcceptsNumeric() throws {
    let info = try #require(try Bundled.services().conditionKey("aws:EpochTime"))
    #expect(info.isGlobal)
    #expect(info.alsoAcceptedTypes == [.numeric])
  }

  @Test func templateKeysReportTheirDeclaration() throws {
    let info = try #require(try Bundled.services().conditionKey("aws:PrincipalTag/team"))
    #expect(info.name == "aws:PrincipalTag/${TagKey}")
    #expect(info.isTemplate)
  }

  @Test(arguments: ["aws:NoSuchKey", "s3:nosuchkey", "aws:PrincipalTag/", "nonsense"])
  func unknownKeysAreNil(_ key: String) throws {
    #expect(try Bundled.services().conditionKeyType(key) == nil)
  }

  @Test func arrayTypesKnowTheirElements() {
    #expect(ConditionKeyType.arrayOfARN.isMultivalued)
    #expect(ConditionKeyType.arrayOfARN.elementType == .arn)
    #expect(!ConditionKeyType.string.isMultivalued)
  }
}
