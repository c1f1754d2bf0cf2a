import IAMPolicy

// The diagnostics of world loading, declared in one place.
//
// Each message is named here once, with its stable `world.*` code.
extension Diagnostic {
  static func worldMissingKey(_ key: String, in what: String, at range: SourceRange?, path: String?) -> Diagnostic {
    Diagnostic(
      code: .worldMissingKey, message: "\(what) has no `\(key)`",
      help: "`\(key)` is required here; the entry is skipped", range: range, path: path)
  }

  static func worldWrongType(_ key: String, expected: String, found: String, at range: SourceRange?, path: String?) -> Diagnostic {
    Diagnostic(code: .worldWrongType, message: "`\(key)` must be \(expected), found \(found)", range: range, path: path)
  }

  static func worldDangling(_ message: String, help: String? = nil, at range: SourceRange?, path: String?) -> Diagnostic {
    Diagnostic(code: .worldDangling, message: message, help: help, range: range, path: path)
  }

  static func worldInvalid(_ message: String, help: String? = nil, at range: SourceRange?, path: String? = nil) -> Diagnostic {
    Diagnostic(code: .worldInvalid, message: message, help: help, range: range, path: path)
  }

  static func worldUnknownKey(_ key: String, allowed: [String], at range: SourceRange?, path: String?) -> Diagnostic {
    let suggestion = allowed.first { $0.lowercased() == key.lowercased() }
    return Diagnostic(
      code: .worldUnknownKey, severity: .warning, message: "unknown key `\(key)`",
      help: suggestion.map { "keys are case-sensitive: write `\($0)`" } ?? "known keys here: " + allowed.joined(separator: ", "),
      range: range, path: path)
  }
}
