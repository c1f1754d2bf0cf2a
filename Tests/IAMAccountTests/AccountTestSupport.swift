import Foundation
import IAMAccount
import IAMCatalog
import IAMEvaluator
import IAMPolicy
import IAMTestSupport
import Testing

/// Loads worlds by repository-relative path, with the bundled catalog, as the CLI does.
enum AccountFixtures {
  static let catalog = try? IAMCatalog.bundled()

  static func file(_ relativePath: String) throws -> SourceFile {
    let url = Fixtures.packageRoot().appendingPathComponent(relativePath)
    return SourceFile(name: relativePath, bytes: [UInt8](try Data(contentsOf: url)))
  }

  static func world(_ relativePath: String) throws -> Parsed<World> {
    var cache = DocumentCache()
    return WorldFile.load(try file(relativePath), catalog: catalog?.managedPolicies, cache: &cache)
  }

  static func query(_ relativePath: String, context: [String] = []) throws -> AccessQuery {
    let parsed = try world(relativePath)
    let world = try #require(parsed.value)
    var c = RequestContext()
    for entry in context {
      let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
      var value = parts[1]
      var type = ContextType.string
      if value.hasSuffix(":boolean") {
        type = .boolean
        value = String(value.dropLast(":boolean".count))
      }
      c[parts[0]] = ContextValue(value, type: type)
    }
    return AccessQuery(index: WorldIndex(world: world, catalog: catalog?.managedPolicies, context: c))
  }

  static var lessonWorlds: [String] {
    let folder = Fixtures.packageRoot().appendingPathComponent("Lessons/worlds")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { $0.hasSuffix(".yaml") }.sorted().map { "Lessons/worlds/" + $0 }
  }
}

/// A `can` expectation from Fixtures/access-cases.json.
struct CanCase: Codable, Sendable, CustomTestStringConvertible {
  var id: String
  var why: String
  var world: String
  var principal: String
  var action: String
  var resource: String
  var context: [String]?
  var allowed: Bool
  var decision: String
  var path: [String]

  var testDescription: String { id }
}

/// A `who-can` expectation: each principal with the length of its path.
struct WhoCanCase: Codable, Sendable, CustomTestStringConvertible {
  var id: String
  var why: String
  var world: String
  var action: String
  var resource: String
  var context: [String]?
  var principals: [String: Int]

  var testDescription: String { id }
}

struct AccessCases: Codable {
  var can: [CanCase]
  var whoCan: [WhoCanCase]

  static func load() throws -> AccessCases {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/access-cases.json")
    return try JSONDecoder().decode(AccessCases.self, from: Data(contentsOf: url))
  }
}
