import IAMPolicy
import Yams

/// Reads YAML into the same `JSONValue` tree the JSON parser gives, with spans into the
/// YAML text, so that one reader serves world files in both syntaxes and the policy
/// parser's diagnostics point into the YAML file.
public enum YAMLDocument {
  public static func parse(_ file: SourceFile) -> Parsed<JSONValue> {
    let text = String(decoding: file.bytes, as: UTF8.self)
    let lines = LineTable(file)
    do {
      guard let node = try Yams.compose(yaml: text) else {
        return Parsed(value: JSONValue(.object([]), span: .none), diagnostics: [])
      }
      return Parsed(value: convert(node, lines: lines), diagnostics: [])
    } catch let error as YamlError {
      var mark: Mark?
      var problem = "\(error)"
      switch error {
      case .scanner(_, let p, let m, _), .parser(_, let p, let m, _), .composer(_, let p, let m, _):
        mark = m
        problem = p
      default: break
      }
      let location = SourceLocation(line: mark?.line ?? 1, column: mark?.column ?? 1)
      return Parsed(
        value: nil,
        diagnostics: [
          Diagnostic(
            code: .worldYAML, message: "not valid YAML: \(problem)",
            help: "check the indentation and the quotes around the line shown; a value with `: ` in it needs quotes",
            range: SourceRange(source: file.name, start: location, end: location))
        ])
    } catch {
      return Parsed(value: nil, diagnostics: [Diagnostic(code: .worldYAML, message: "not valid YAML: \(error)")])
    }
  }

  static func span(_ node: Node, lines: LineTable, length: Int = 1) -> SourceSpan {
    guard let mark = node.mark else { return .none }
    let start = lines.offset(line: mark.line, column: mark.column)
    return SourceSpan(start: start, end: start + max(1, length))
  }

  static func convert(_ node: Node, lines: LineTable) -> JSONValue {
    switch node {
    case .scalar(let scalar):
      let s = scalar.string
      let sp = span(node, lines: lines, length: s.utf8.count)
      guard scalar.style == .plain || scalar.style == .any else { return JSONValue(.string(s), span: sp) }
      switch s {
      case "true", "True", "TRUE": return JSONValue(.bool(true), span: sp)
      case "false", "False", "FALSE": return JSONValue(.bool(false), span: sp)
      case "null", "Null", "NULL", "~", "": return JSONValue(.null, span: sp)
      default:
        // Plain numbers stay numbers, but account IDs are always quoted by the reader.
        if Double(s) != nil, s.first.map({ $0.isNumber || $0 == "-" }) == true { return JSONValue(.number(s), span: sp) }
        return JSONValue(.string(s), span: sp)
      }
    case .mapping(let mapping):
      let members = mapping.map { pair in
        JSONMember(
          key: pair.key.string ?? "", keySpan: span(pair.key, lines: lines, length: pair.key.string?.utf8.count ?? 1),
          value: convert(pair.value, lines: lines))
      }
      return JSONValue(.object(members), span: span(node, lines: lines))
    case .sequence(let sequence):
      return JSONValue(.array(sequence.map { convert($0, lines: lines) }), span: span(node, lines: lines))
    case .alias:
      return JSONValue(.null, span: span(node, lines: lines))
    }
  }
}

extension LineTable {
  /// The UTF-8 offset of a 1-based line and column (columns in Unicode scalars, as YAML counts).
  func offset(line: Int, column: Int) -> Int {
    let (start, end) = lineBounds(line)
    var i = start
    var col = 1
    while i < end && col < column {
      i += 1
      while i < end && byte(at: i) & 0xC0 == 0x80 { i += 1 }
      col += 1
    }
    return i
  }
}
