import IAMCatalog

/// The bundled catalog, loaded once for all tests (about 15 ms in release, more in debug).
enum Bundled {
  static let result: Result<IAMCatalog, IAMCatalogLoadError> = Result {
    () throws(IAMCatalogLoadError) in
    try IAMCatalog.bundled()
  }

  static func catalog() throws -> IAMCatalog { try result.get() }
  static func services() throws -> ServiceCatalog { try result.get().services }
  static func policies() throws -> ManagedPolicyCatalog { try result.get().managedPolicies }
}
