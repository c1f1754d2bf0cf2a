import IAMEvaluator
import IAMPolicy
import LessonMarkdown

/// Renders a grade for people (text) and for autograders (JSON, JUnit XML, TAP).
public enum GradeRenderer {
  /// Feedback in the learner's words: each wrong request, what was expected and what
  /// happened, and the statement responsible with its line and column.
  public static func text(_ grade: Grade, exercise: Exercise, paint: Paint) -> String {
    var lines: [String] = []
    for d in grade.diagnostics {
      lines.append(d.isError ? paint.red(DiagnosticRenderer.plain(d)) : paint.yellow(DiagnosticRenderer.plain(d)))
    }
    if grade.passed {
      lines.append(paint.green("✓ Correct!") + (grade.feedback.first.map { " " + $0 } ?? ""))
      return lines.joined(separator: "\n")
    }
    if !grade.diagnostics.contains(where: \.isError) || grade.kind != .policy {
      lines.append(paint.red("✗ Not yet.") + (grade.feedback.isEmpty ? "" : " " + grade.feedback.joined(separator: " ")))
    } else {
      lines.append(paint.red("✗ ") + (grade.feedback.first ?? ""))
    }
    let failed = grade.checks.filter { !$0.passed }
    for result in failed.prefix(3) {
      lines.append("")
      lines.append(paint.bold("  request: ") + result.request.summary)
      switch grade.kind {
      case .policy:
        let wanted = result.expected == .allow ? "allowed" : "denied"
        let got = result.actual == .allowed ? "allowed" : result.actual == .explicitDeny ? "denied (explicit deny)" : "denied"
        lines.append("  expected: \(wanted)" + (result.why.map { " (\($0))" } ?? ""))
        lines.append("  actual:   " + (result.actual == .allowed ? paint.yellow(got) : paint.yellow(got)))
        if let ref = result.responsible {
          let r = ref.range
          let where_ = "line \(r.start.line), column \(r.start.column)"
          if result.actual == .allowed || result.actual == .explicitDeny {
            lines.append("  because:  \(ref.effect.rawValue) statement \(ref.statementIndex + 1)\(ref.sid.map { " (\"\($0)\")" } ?? "") at \(where_) of \(ref.policyID) applies")
          } else {
            lines.append("  closest:  statement \(ref.statementIndex + 1) at \(where_) of \(ref.policyID): \(result.note ?? "does not apply")")
          }
        } else if let reason = result.reason {
          lines.append("  why:      " + reason)
        }
        if result.origin == .sweep { lines.append(paint.dim("  (found by the least-privilege check: the task does not ask for this)")) }
      case .can, .predict:
        lines.append("  you said: \(result.actual == .allowed ? "allowed" : "denied")")
        if let why = result.why { lines.append("  hint:     " + why) }
        if let reason = result.reason { lines.append("  in fact:  " + reason) }
      }
    }
    if failed.count > 3 { lines.append("  … and \(failed.count - 3) more") }
    return lines.joined(separator: "\n")
  }

  public static func json(_ grade: Grade) -> JSONOutput {
    .object([
      ("exercise", .string(grade.exerciseID)),
      ("passed", .bool(grade.passed)),
      ("checks", .array(grade.checks.map(checkJSON))),
      ("feedback", .array(grade.feedback.map { .string($0) })),
      ("errors", .array(grade.diagnostics.filter(\.isError).map(DiagnosticRenderer.jsonObject))),
    ])
  }

  static func checkJSON(_ c: CheckResult) -> JSONOutput {
    var request: [(String, JSONOutput)] = [
      ("principal", .string(c.request.principal)), ("action", .string(c.request.action)),
      ("resource", .string(c.request.resource)),
    ]
    if !c.request.context.isEmpty {
      request.append(("context", .object(c.request.context.keys.sorted().map { ($0, .array((c.request.context[$0]?.values ?? []).map { .string($0) })) })))
    }
    var members: [(String, JSONOutput)] = [
      ("request", .object(request)),
      ("expected", .string(c.expected == .allow ? "allowed" : "denied")),
      ("actual", .string(c.actual.rawValue)),
      ("passed", .bool(c.passed)),
      ("origin", .string(c.origin.rawValue)),
    ]
    if let ref = c.responsible {
      let r = ref.range
      members.append(
        ("statement", .object([
          ("policy", .string(ref.policyID)), ("index", .integer(ref.statementIndex)),
          ("line", .integer(r.start.line)), ("column", .integer(r.start.column)),
        ])))
    } else {
      members.append(("statement", .null))
    }
    if let why = c.why { members.append(("why", .string(why))) }
    if let reason = c.reason { members.append(("reason", .string(reason))) }
    return .object(members)
  }

  /// JUnit XML: one test case per check, a failure message for each wrong one.
  public static func junit(_ grade: Grade) -> String {
    let failures = grade.checks.filter { !$0.passed }.count + (grade.diagnostics.contains(where: \.isError) ? 1 : 0)
    var out = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
    out += "<testsuites>\n  <testsuite name=\"\(xml(grade.exerciseID))\" tests=\"\(max(1, grade.checks.count))\" failures=\"\(failures)\" errors=\"0\">\n"
    if grade.checks.isEmpty {
      out += "    <testcase classname=\"\(xml(grade.exerciseID))\" name=\"answer\">\n"
      let message = (grade.diagnostics.filter(\.isError).map { DiagnosticRenderer.plain($0) } + grade.feedback).joined(separator: "; ")
      if !grade.passed { out += "      <failure message=\"\(xml(message))\"/>\n" }
      out += "    </testcase>\n"
    }
    for (i, c) in grade.checks.enumerated() {
      out += "    <testcase classname=\"\(xml(grade.exerciseID))\" name=\"\(i + 1): \(xml(c.request.summary))\">\n"
      if !c.passed {
        let message = "expected \(c.expected == .allow ? "allowed" : "denied"), got \(c.actual.rawValue)"
        out += "      <failure message=\"\(xml(message))\">\(xml(c.reason ?? ""))</failure>\n"
      }
      out += "    </testcase>\n"
    }
    out += "  </testsuite>\n</testsuites>\n"
    return out
  }

  /// TAP version 14.
  public static func tap(_ grade: Grade) -> String {
    var lines = ["TAP version 14", "1..\(max(1, grade.checks.count))"]
    if grade.checks.isEmpty {
      lines.append("\(grade.passed ? "ok" : "not ok") 1 - answer")
      for d in grade.diagnostics where d.isError { lines.append("# " + DiagnosticRenderer.plain(d).replacingNewlines()) }
      for f in grade.feedback { lines.append("# " + f) }
    }
    for (i, c) in grade.checks.enumerated() {
      lines.append("\(c.passed ? "ok" : "not ok") \(i + 1) - \(c.request.summary)")
      if !c.passed {
        lines.append("  ---")
        lines.append("  expected: \(c.expected == .allow ? "allowed" : "denied")")
        lines.append("  got: \(c.actual.rawValue)")
        if let reason = c.reason { lines.append("  message: \"\(reason.replacingOccurrences(of: "\"", with: "'"))\"") }
        lines.append("  ...")
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  static func xml(_ s: String) -> String {
    var out = ""
    for c in s {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      default: out.append(c)
      }
    }
    return out
  }
}

extension String {
  func replacingNewlines() -> String { split(separator: "\n").joined(separator: " ") }
}
