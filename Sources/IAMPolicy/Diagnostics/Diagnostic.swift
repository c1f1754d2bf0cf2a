/// A problem found in user input, with where it is and how to fix it.
///
/// Parsers collect these instead of throwing, so one run shows every mistake
/// in a policy, as AWS's own validator and linters do.
public struct Diagnostic: Sendable, Hashable, Error {
  public enum Severity: String, Sendable, Hashable, Codable {
    case error, warning, note
  }

  public var code: DiagnosticCode
  public var severity: Severity
  /// Lowercase, no final period, user text in backticks.
  public var message: String
  /// The teaching line: what the learner should do instead.
  public var help: String?
  /// Where, ready to render as `name:line:column`.
  public var range: SourceRange?
  /// The JSON path such as `Statement[0].Action`, when there is one.
  public var path: String?

  public init(
    code: DiagnosticCode, severity: Severity = .error, message: String, help: String? = nil,
    range: SourceRange? = nil, path: String? = nil
  ) {
    self.code = code
    self.severity = severity
    self.message = message
    self.help = help ?? code.defaultHelp
    self.range = range
    self.path = path
  }

  public var isError: Bool { severity == .error }
}

/// The result of parsing: a value when the input was sound enough, and every diagnostic.
public struct Parsed<Value: Sendable>: Sendable {
  public var value: Value?
  public var diagnostics: [Diagnostic]

  public init(value: Value?, diagnostics: [Diagnostic]) {
    self.value = value
    self.diagnostics = diagnostics
  }

  public var hasErrors: Bool { diagnostics.contains { $0.isError } }
}
