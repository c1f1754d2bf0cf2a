/// Why the bundled catalog could not be loaded: a packaging problem, never user input.
public enum IAMCatalogLoadError: Error, Equatable, Sendable {
  /// The resource is not in the bundle (the target lost `resources: [.copy("Resources")]`).
  case missingResource(name: String)
  case unreadableResource(name: String, reason: String)
  case malformedResource(name: String, CatalogFormatError)
}
