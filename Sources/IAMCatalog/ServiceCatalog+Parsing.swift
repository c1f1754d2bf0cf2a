extension ServiceCatalog {
  /// The `catalog.tsv` format version this loader reads.
  static let formatVersion = "1"

  /// Parses `catalog.tsv` into services.
  ///
  /// Records: `V version`; `S prefix name url` opens a service; then `A action level
  /// resourceTypes conditionKeys dependentActions`, `R type arnFormat conditionKeys` and
  /// `C key type` belong to it. Resource types marked `*` are required.
  static func parseServices(_ text: String) throws(CatalogFormatError) -> [ServiceInfo] {
    try text.withUTF8Bytes { bytes throws(CatalogFormatError) -> [ServiceInfo] in
      var scanner = RecordScanner(bytes)
      var services: [ServiceInfo] = []
      var versionSeen = false
      var current: (prefix: String, name: String, url: String)?
      var actions: [ActionInfo] = []
      var resourceTypes: [ResourceTypeInfo] = []
      var conditionKeys: [ConditionKeyInfo] = []

      func finishService() {
        guard let service = current else { return }
        services.append(
          ServiceInfo(
            prefix: service.prefix, name: service.name, authorizationURL: service.url,
            actions: actions.sortedIgnoringASCIICase(by: \.name),
            resourceTypes: resourceTypes.sortedIgnoringASCIICase(by: \.name),
            conditionKeys: conditionKeys.sortedIgnoringASCIICase(by: \.name)))
        actions.removeAll(keepingCapacity: true)
        resourceTypes.removeAll(keepingCapacity: true)
        conditionKeys.removeAll(keepingCapacity: true)
      }

      while scanner.next() {
        guard let tag = scanner.firstByte(0), scanner.string(0).utf8.count == 1 else {
          throw CatalogFormatError(line: scanner.line, reason: .unknownRecord(scanner.tag))
        }
        if tag == UInt8(ascii: "V") {
          try scanner.require(2)
          let version = scanner.string(1)
          guard version == formatVersion else {
            throw CatalogFormatError(line: scanner.line, reason: .unsupportedVersion(version))
          }
          versionSeen = true
          continue
        }
        guard versionSeen else {
          throw CatalogFormatError(line: scanner.line, reason: .missingVersion)
        }
        if tag == UInt8(ascii: "S") {
          try scanner.require(4)
          finishService()
          current = (scanner.string(1), scanner.string(2), scanner.string(3))
          continue
        }
        guard tag == UInt8(ascii: "A") || tag == UInt8(ascii: "R") || tag == UInt8(ascii: "C")
        else {
          throw CatalogFormatError(line: scanner.line, reason: .unknownRecord(scanner.tag))
        }
        guard let service = current?.prefix else {
          throw CatalogFormatError(line: scanner.line, reason: .recordOutsideService(scanner.tag))
        }
        switch tag {
        case UInt8(ascii: "A"):
          try scanner.require(6)
          guard let code = scanner.firstByte(2), let level = AccessLevel(code: code) else {
            throw CatalogFormatError(
              line: scanner.line, reason: .unknownAccessLevel(scanner.string(2)))
          }
          var types: [ActionResourceType] = []
          scanner.forEachItem(3) { item in
            if let last = item.last, last == UInt8(ascii: "*") {
              let name = UnsafeBufferPointer(rebasing: item[..<(item.endIndex - 1)])
              types.append(.init(name: String(decoding: name, as: UTF8.self), required: true))
            } else {
              types.append(.init(name: String(decoding: item, as: UTF8.self), required: false))
            }
          }
          actions.append(
            ActionInfo(
              service: service, name: scanner.string(1), accessLevel: level,
              resourceTypes: types, conditionKeys: scanner.list(4),
              dependentActions: scanner.list(5)))
        case UInt8(ascii: "R"):
          try scanner.require(4)
          resourceTypes.append(
            ResourceTypeInfo(
              service: service, name: scanner.string(1), arnFormat: scanner.string(2),
              conditionKeys: scanner.list(3)))
        case UInt8(ascii: "C"):
          try scanner.require(3)
          let typeName = scanner.string(2)
          guard let type = ConditionKeyType(rawValue: typeName) else {
            throw CatalogFormatError(
              line: scanner.line, reason: .unknownConditionKeyType(typeName))
          }
          conditionKeys.append(
            ConditionKeyInfo(name: scanner.string(1), type: type, service: service))
        default:
          throw CatalogFormatError(line: scanner.line, reason: .unknownRecord(scanner.tag))
        }
      }
      guard versionSeen else {
        throw CatalogFormatError(line: scanner.line, reason: .missingVersion)
      }
      finishService()
      return services
    }
  }
}
