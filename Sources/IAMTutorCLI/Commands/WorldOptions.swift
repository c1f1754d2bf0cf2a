import ArgumentParser
import Foundation
import IAMAccount
import IAMCatalog
import IAMEvaluator
import IAMPolicy

/// `--world PATH` (repeatable; a folder means every world file in it) and `--context KEY=VALUE[:TYPE]`.
struct WorldOptions: ParsableArguments {
  @Option(
    name: .customLong("world"),
    help: ArgumentHelp(
      "A world: get-account-authorization-details JSON, or a world file (YAML/JSON); a folder means every .json/.yaml/.yml in it. Repeatable.",
      valueName: "PATH"))
  var worlds: [String] = []

  @Option(
    name: .customLong("context"),
    help: ArgumentHelp(
      "A request context value, e.g. aws:MultiFactorAuthPresent=true:boolean or sts:ExternalId=x. Repeatable; lists are comma-separated with a List type.",
      valueName: "KEY=VALUE[:TYPE]"))
  var contextEntries: [String] = []

  func validate() throws {
    if worlds.isEmpty { throw ValidationError("give at least one --world PATH") }
    for entry in contextEntries where Self.parseContext(entry) == nil {
      throw ValidationError("`\(entry)` is not KEY=VALUE[:TYPE]; types are " + ContextType.allCases.map(\.rawValue).joined(separator: ", "))
    }
  }

  /// `KEY=VALUE[:TYPE]`; the suffix is a type only when it names one (ARN values hold colons).
  static func parseContext(_ text: String) -> (String, ContextValue)? {
    guard let eq = text.firstIndex(of: "="), eq != text.startIndex else { return nil }
    let key = String(text[..<eq])
    var value = String(text[text.index(after: eq)...])
    var type = ContextType.string
    if let colon = value.lastIndex(of: ":"),
      let t = ContextType.allCases.first(where: { $0.rawValue.lowercased() == value[value.index(after: colon)...].lowercased() })
    {
      type = t
      value = String(value[..<colon])
    }
    let values = type.isList ? value.split(separator: ",").map(String.init) : [value]
    return (key, ContextValue(type: type, values: values))
  }

  var context: RequestContext {
    var c = RequestContext()
    for entry in contextEntries {
      if let (k, v) = Self.parseContext(entry) { c[k] = v }
    }
    return c
  }

  /// The world files named, folders expanded, in a stable order.
  func paths() throws -> [String] {
    var out: [String] = []
    for path in worlds {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        let files = names.filter { $0.hasSuffix(".json") || $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        if files.isEmpty {
          Terminal.error("\(path): error: the folder has no .json, .yaml or .yml world files")
          throw ExitCode(ExitStatus.badInput.rawValue)
        }
        out += files.map { (path as NSString).appendingPathComponent($0) }
      } else {
        out.append(path)
      }
    }
    return out
  }

  /// Loads every world, prints diagnostics on stderr, and merges them.
  /// Unreadable files are bad input (exit 2); problems inside files are reported and loading goes on.
  func load(catalog: IAMCatalog?) throws -> World {
    var world = World()
    var cache = DocumentCache()
    var loadedAny = false
    for path in try paths() {
      let file: SourceFile
      do {
        file = try SourceLoader.load(path)
      } catch {
        Terminal.error(DiagnosticRenderer.plain(error.diagnostic))
        throw ExitCode(ExitStatus.badInput.rawValue)
      }
      let parsed = WorldFile.load(file, catalog: catalog?.managedPolicies, cache: &cache)
      for d in parsed.diagnostics { Terminal.error(DiagnosticRenderer.plain(d, fallbackSource: path)) }
      if let w = parsed.value {
        world.merge(w)
        loadedAny = true
      }
    }
    if !loadedAny { throw ExitCode(ExitStatus.badInput.rawValue) }
    return world
  }

  /// The world compiled for questions, with the context given.
  func index() throws -> (WorldIndex, IAMCatalog?) {
    let catalog = try? IAMCatalog.bundled()
    let world = try load(catalog: catalog)
    let index = WorldIndex(world: world, catalog: catalog?.managedPolicies, context: context)
    for d in index.diagnostics { Terminal.error(DiagnosticRenderer.plain(d, fallbackSource: "world")) }
    return (index, catalog)
  }

  /// Resolves a principal name or prints the candidates and exits with status 2.
  static func resolve(_ name: String, in index: WorldIndex) throws -> Int {
    switch index.lookup(name) {
    case .found(let n): return n
    case .ambiguous(let arns):
      Terminal.error("error: `\(name)` is ambiguous; candidates:\n" + arns.map { "  " + $0 }.joined(separator: "\n"))
    case .unknown(let candidates):
      Terminal.error("error: no principal `\(name)` in the world; candidates:\n" + candidates.map { "  " + $0 }.joined(separator: "\n"))
    }
    throw ExitCode(ExitStatus.badInput.rawValue)
  }
}
