import Foundation

/// The AWS managed policies (default versions, from moto; see `Resources/PROVENANCE.md`),
/// looked up by ARN or name.
///
/// The documents take 3.3 MB and a session needs a handful, so the catalog parses only the
/// small index up front and cuts one document out of `documents` per lookup. Pass
/// memory-mapped `Data` (as `IAMCatalog.bundled()` does) and only the pages of the
/// requested documents are ever read.
public struct ManagedPolicyCatalog: Sendable {
  struct Entry: Sendable {
    let name: String
    let arn: String
    let path: String
    let defaultVersionId: String
    let createDate: String
    let updateDate: String
    let offset: Int
    let length: Int
  }

  // INVARIANT: sorted by name ignoring ASCII case; every byte range lies inside `documents`.
  private let entries: [Entry]
  private let documents: Data

  /// Parses `managed-policies.index.tsv`; `documents` is `managed-policies.jsonl`, which the
  /// index addresses by byte offset and length.
  public init(indexText: String, documents: Data) throws(CatalogFormatError) {
    entries = try Self.parseIndex(indexText, documentsCount: documents.count)
    self.documents = documents
  }

  /// The number of policies.
  public var count: Int { entries.count }

  /// Every policy name, sorted ignoring case.
  public var names: [String] { entries.map(\.name) }

  /// The policy with this name, ignoring case (IAM names are unique regardless of case).
  public func policy(name: String) -> ManagedPolicyInfo? {
    entries.binarySearch(name, key: \.name).map(info)
  }

  /// The policy with this ARN, such as `arn:aws:iam::aws:policy/ReadOnlyAccess`; the path
  /// must match too, because AWS requires the full ARN when attaching a policy.
  public func policy(arn: String) -> ManagedPolicyInfo? {
    guard let slash = arn.lastIndex(of: "/") else { return nil }
    let name = String(arn[arn.index(after: slash)...])
    guard let entry = entries.binarySearch(name, key: \.name),
      compareIgnoringASCIICase(entry.arn, arn) == 0
    else { return nil }
    return info(entry)
  }

  private func info(_ entry: Entry) -> ManagedPolicyInfo {
    let start = documents.startIndex + entry.offset
    let text = String(decoding: documents[start..<(start + entry.length)], as: UTF8.self)
    return ManagedPolicyInfo(
      arn: entry.arn, name: entry.name, path: entry.path,
      defaultVersionId: entry.defaultVersionId, createDate: entry.createDate,
      updateDate: entry.updateDate, documentJSON: text)
  }

  /// The index format version this loader reads.
  static let formatVersion = "1"

  /// Parses the index: `V version`, then `name arn path versionId created updated offset length`.
  private static func parseIndex(
    _ text: String, documentsCount: Int
  ) throws(CatalogFormatError) -> [Entry] {
    try text.withUTF8Bytes { bytes throws(CatalogFormatError) -> [Entry] in
      var scanner = RecordScanner(bytes)
      var entries: [Entry] = []
      var versionSeen = false
      while scanner.next() {
        if !versionSeen {
          guard scanner.tag == "V" else {
            throw CatalogFormatError(line: scanner.line, reason: .missingVersion)
          }
          try scanner.require(2)
          guard scanner.string(1) == formatVersion else {
            throw CatalogFormatError(
              line: scanner.line, reason: .unsupportedVersion(scanner.string(1)))
          }
          versionSeen = true
          continue
        }
        try scanner.require(8)
        guard let offset = scanner.integer(6), let length = scanner.integer(7) else {
          throw CatalogFormatError(
            line: scanner.line, reason: .invalidNumber(scanner.string(6) + " " + scanner.string(7)))
        }
        let name = scanner.string(0)
        guard offset <= documentsCount, length <= documentsCount - offset else {
          throw CatalogFormatError(line: scanner.line, reason: .documentOutOfRange(policy: name))
        }
        entries.append(
          Entry(
            name: name, arn: scanner.string(1), path: scanner.string(2),
            defaultVersionId: scanner.string(3), createDate: scanner.string(4),
            updateDate: scanner.string(5), offset: offset, length: length))
      }
      guard versionSeen else {
        throw CatalogFormatError(line: scanner.line, reason: .missingVersion)
      }
      return entries.sortedIgnoringASCIICase(by: \.name)
    }
  }
}
