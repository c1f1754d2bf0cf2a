import Foundation

/// The AWS reference data the tutor ships with: the service catalog and the AWS managed
/// policies, plus the one function that reads them from the package's bundle.
///
/// Everything else in this module is pure (text in, values out); `bundled()` is the only
/// place that touches the file system, so tests and tools can build catalogs from any text.
public struct IAMCatalog: Sendable {
  /// Services, actions, resource types and condition keys.
  public let services: ServiceCatalog
  /// The AWS managed policies, by ARN or name.
  public let managedPolicies: ManagedPolicyCatalog

  /// Combines catalogs built from any text, as tests and tools do.
  public init(services: ServiceCatalog, managedPolicies: ManagedPolicyCatalog) {
    self.services = services
    self.managedPolicies = managedPolicies
  }

  /// Loads the catalog bundled with the package (`Sources/IAMCatalog/Resources`).
  ///
  /// Takes about as long as parsing `catalog.tsv` (a few milliseconds in release builds); the
  /// managed-policy documents are memory-mapped and read one at a time on lookup. Load once
  /// and pass the value around.
  public static func bundled() throws(IAMCatalogLoadError) -> IAMCatalog {
    let catalogText = try text(of: "catalog.tsv")
    let indexText = try text(of: "managed-policies.index.tsv")
    let documents = try data(of: "managed-policies.jsonl", mapped: true)
    let services: ServiceCatalog
    let policies: ManagedPolicyCatalog
    do {
      services = try ServiceCatalog(catalogText: catalogText)
    } catch {
      throw .malformedResource(name: "catalog.tsv", error)
    }
    do {
      policies = try ManagedPolicyCatalog(indexText: indexText, documents: documents)
    } catch {
      throw .malformedResource(name: "managed-policies.index.tsv", error)
    }
    return IAMCatalog(services: services, managedPolicies: policies)
  }

  /// The text of `PROVENANCE.md`: where the data comes from, its checksums and date.
  public static func bundledProvenance() throws(IAMCatalogLoadError) -> String {
    try text(of: "PROVENANCE.md")
  }

  private static func url(of name: String) throws(IAMCatalogLoadError) -> URL {
    let base = (name as NSString).deletingPathExtension
    let ext = (name as NSString).pathExtension
    guard
      let url = Bundle.module.url(forResource: base, withExtension: ext, subdirectory: "Resources")
    else { throw .missingResource(name: name) }
    return url
  }

  private static func data(of name: String, mapped: Bool) throws(IAMCatalogLoadError) -> Data {
    let location = try url(of: name)
    do {
      return try Data(contentsOf: location, options: mapped ? [.alwaysMapped] : [])
    } catch {
      throw .unreadableResource(name: name, reason: String(describing: error))
    }
  }

  private static func text(of name: String) throws(IAMCatalogLoadError) -> String {
    String(decoding: try data(of: name, mapped: false), as: UTF8.self)
  }
}
