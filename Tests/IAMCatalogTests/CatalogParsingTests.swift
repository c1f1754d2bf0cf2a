import Foundation
import IAMCatalog
import Testing

/// The parsers are pure: these build catalogs from small texts, not the bundled resources.
@Suite struct CatalogParsingTests {
  static let tiny = """
    # comment
    V\t1
    S\tdemo\tDemo Service\thttps://example.com/demo
    A\tGetThing\tR\tthing*,other\tdemo:Color,aws:ResourceTag/${TagKey}\tdemo:ListThings
    A\tlistThings\tL\t\t\t
    R\tthing\tarn:${Partition}:demo:${Region}:${Account}:thing/${ThingId}\taws:ResourceTag/${TagKey}
    R\tother\tarn:${Partition}:demo:${Region}:${Account}:other/${OtherId}\t
    C\tdemo:Color\tString
    C\tdemo:Size\tNumeric

    """

  @Test func parsesEveryRecordKind() throws {
    let catalog = try ServiceCatalog(catalogText: Self.tiny)
    let service = try #require(catalog.service(prefix: "demo"))
    #expect(service.name == "Demo Service")
    #expect(service.authorizationURL == "https://example.com/demo")
    #expect(service.actions.map(\.name) == ["GetThing", "listThings"])
    let get = try #require(catalog.action("demo:getthing"))
    #expect(get.accessLevel == .read)
    #expect(
      get.resourceTypes == [
        .init(name: "thing", required: true), .init(name: "other", required: false),
      ])
    #expect(get.conditionKeys == ["demo:Color", "aws:ResourceTag/${TagKey}"])
    #expect(get.dependentActions == ["demo:ListThings"])
    let list = try #require(catalog.action("demo:ListThings"))
    #expect(
      list.resourceTypes.isEmpty && list.conditionKeys.isEmpty && list.dependentActions.isEmpty)
    #expect(catalog.conditionKeyType("DEMO:size") == .numeric)
    #expect(
      catalog.resourceTypes(forARN: "arn:aws:demo:eu-west-1:123456789012:thing/t1").map(\.name) == [
        "thing"
      ])
  }

  @Test func toleratesCRLFAndExtraColumns() throws {
    let text = "V\t1\r\nS\tdemo\tDemo\turl\textra\r\nA\tGo\tW\t\t\t\tfuture column\r\n"
    let catalog = try ServiceCatalog(catalogText: text)
    #expect(catalog.action("demo:Go")?.accessLevel == .write)
  }

  @Test(arguments: [
    ("S\tdemo\tDemo\turl\n", CatalogFormatError(line: 1, reason: .missingVersion)),
    ("V\t2\n", CatalogFormatError(line: 1, reason: .unsupportedVersion("2"))),
    ("V\t1\nA\tGo\tW\t\t\t\n", CatalogFormatError(line: 2, reason: .recordOutsideService("A"))),
    (
      "V\t1\nS\tdemo\tDemo\turl\nA\tGo\tX\t\t\t\n",
      CatalogFormatError(line: 3, reason: .unknownAccessLevel("X"))
    ),
    (
      "V\t1\nS\tdemo\tDemo\turl\nA\tGo\tW\n",
      CatalogFormatError(line: 3, reason: .tooFewFields(record: "A", expected: 6, found: 3))
    ),
    (
      "V\t1\nS\tdemo\tDemo\turl\nC\tdemo:k\tColour\n",
      CatalogFormatError(line: 3, reason: .unknownConditionKeyType("Colour"))
    ),
    ("V\t1\nQ\tx\n", CatalogFormatError(line: 2, reason: .unknownRecord("Q"))),
    ("", CatalogFormatError(line: 0, reason: .missingVersion)),
  ])
  func malformedCatalogs(_ text: String, _ expected: CatalogFormatError) {
    #expect(throws: expected) { try ServiceCatalog(catalogText: text) }
  }

  @Test func managedPolicyIndexAddressesDocuments() throws {
    let documents = Data("{\"a\":1}\n{\"b\":2}\n".utf8)
    let index = """
      V\t1
      Zeta\tarn:aws:iam::aws:policy/Zeta\t/\tv1\tc\tu\t0\t7
      alpha\tarn:aws:iam::aws:policy/service-role/alpha\t/service-role/\tv3\tc\tu\t8\t7

      """
    let catalog = try ManagedPolicyCatalog(indexText: index, documents: documents)
    #expect(catalog.names == ["alpha", "Zeta"])
    #expect(catalog.policy(name: "zeta")?.documentJSON == "{\"a\":1}")
    #expect(
      catalog.policy(arn: "arn:aws:iam::aws:policy/service-role/alpha")?.documentJSON == "{\"b\":2}"
    )
  }

  @Test func managedPolicyRangesAreChecked() {
    let index = "V\t1\nBig\tarn:aws:iam::aws:policy/Big\t/\tv1\tc\tu\t0\t100\n"
    #expect(throws: CatalogFormatError(line: 2, reason: .documentOutOfRange(policy: "Big"))) {
      try ManagedPolicyCatalog(indexText: index, documents: Data("{}\n".utf8))
    }
  }
}
