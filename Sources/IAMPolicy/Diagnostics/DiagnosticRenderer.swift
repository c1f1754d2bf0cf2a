/// Turns diagnostics into the text people and scripts read.
///
/// Three renderings of one value, as Cedar offers: a plain `name:line:col:` line
/// (what `simulate` prints on stderr), the same with a caret snippet, and JSON.
public enum DiagnosticRenderer {
  /// `PolicyInputList.1:3:17: error: expected ',' or '}' after member`, then `help:` if any.
  public static func plain(_ diagnostic: Diagnostic, fallbackSource: String = "input") -> String {
    let place = diagnostic.range.map { "\($0.source):\($0.start.line):\($0.start.column)" }
      ?? fallbackSource
    var text = "\(place): \(diagnostic.severity.rawValue): \(diagnostic.message) [\(diagnostic.code.rawValue)]"
    if let help = diagnostic.help { text += "\n  help: \(help)" }
    return text
  }

  /// The plain line plus the offending source line with a caret under the column.
  public static func snippet(_ diagnostic: Diagnostic, in file: SourceFile?) -> String {
    var text = plain(diagnostic)
    guard let range = diagnostic.range, let file, file.name == range.source else { return text }
    let line = file.lineText(range.start.line)
    guard !line.isEmpty, line.unicodeScalars.count < 400 else { return text }
    let gutter = String(range.start.line)
    let pad = String(repeating: " ", count: gutter.count)
    let caretPad = String(repeating: " ", count: max(0, range.start.column - 1))
    var width = 1
    if range.end.line == range.start.line { width = max(1, range.end.column - range.start.column) }
    text += "\n\(pad) |\n\(gutter) | \(line)\n\(pad) | \(caretPad)\(String(repeating: "^", count: min(width, 80)))"
    return text
  }

  /// The JSON object for one diagnostic, as emitted under `"Errors"`.
  public static func jsonObject(_ diagnostic: Diagnostic) -> JSONOutput {
    var members: [(String, JSONOutput)] = [
      ("Code", .string(diagnostic.code.rawValue)),
      ("Severity", .string(diagnostic.severity.rawValue)),
      ("Message", .string(diagnostic.message)),
    ]
    if let help = diagnostic.help { members.append(("Help", .string(help))) }
    if let range = diagnostic.range {
      members.append(("Source", .string(range.source)))
      members.append(("Line", .number(Double(range.start.line))))
      members.append(("Column", .number(Double(range.start.column))))
    }
    if let path = diagnostic.path { members.append(("Path", .string(path))) }
    return .object(members)
  }
}
