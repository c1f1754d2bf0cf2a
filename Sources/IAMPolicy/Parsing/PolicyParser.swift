/// Reads policy documents into typed `Policy` values, collecting every diagnostic.
///
/// The grammar is the IAM User Guide's "IAM JSON policy element reference" and
/// "Grammar of the IAM JSON policy language": element names are case-sensitive,
/// single values may stand for one-element arrays, and which elements a
/// statement may have depends on the kind of policy.
public enum PolicyParser {
  /// Parses policy text. The value is present whenever the document is a JSON
  /// object with statements; statements with errors are left out of it.
  public static func parse(
    _ file: SourceFile, as kind: PolicyKind, id: String? = nil, limits: JSONParser.Limits = .default
  ) -> Parsed<Policy> {
    parseDirect(file, as: kind, id: id ?? file.name, limits: limits)
      ?? parseGeneral(file, as: kind, id: id, limits: limits)
  }

  /// The reading that defines the result: the document's JSON tree, then the model.
  package static func parseGeneral(
    _ file: SourceFile, as kind: PolicyKind, id: String? = nil, limits: JSONParser.Limits = .default
  ) -> Parsed<Policy> {
    let json = JSONParser.parse(file, limits: limits)
    guard let root = json.value else { return Parsed(value: nil, diagnostics: json.diagnostics) }
    var result = parse(json: root, in: file, as: kind, id: id ?? file.name)
    result.diagnostics.insert(contentsOf: json.diagnostics, at: 0)
    return result
  }

  /// Parses an already-read JSON value (a policy given as an object inside a larger document).
  public static func parse(json root: JSONValue, in file: SourceFile, as kind: PolicyKind, id: String) -> Parsed<Policy> {
    var context = Context(file: file, kind: kind)
    let policy = context.policy(root, id: id)
    return Parsed(value: policy, diagnostics: context.diagnostics)
  }

  /// The result of `parseGeneral` for a document in the common shape, read without the
  /// JSON tree (see `DirectPolicyReader`); nil for any other document.
  package static func parseDirect(
    _ file: SourceFile, as kind: PolicyKind, id: String, limits: JSONParser.Limits = .default
  ) -> Parsed<Policy>? {
    file.bytes.withUnsafeBufferPointer { buffer in
      var reader = DirectPolicyReader(bytes: buffer, limits: limits, context: Context(file: file, kind: kind))
      do throws(DirectPolicyReader.Unusual) {
        let policy = try reader.policy(id: id)
        return Parsed(value: policy, diagnostics: reader.context.diagnostics)
      } catch {
        return nil
      }
    }
  }

  static let topLevelElements = ["Version", "Id", "Statement"]
  static let statementElements = [
    "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource",
    "Condition",
  ]

  static let statementElementSet = Set(statementElements)

  struct Context {
    let file: SourceFile
    let kind: PolicyKind
    var diagnostics: [Diagnostic] = []
    var errorCount = 0
    var version: PolicyVersion = .absent

    init(file: SourceFile, kind: PolicyKind) {
      self.file = file
      self.kind = kind
    }

    mutating func report(
      _ code: DiagnosticCode, _ message: String, help: String? = nil, at span: SourceSpan,
      path: @autoclosure () -> String? = nil, severity: Diagnostic.Severity = .error
    ) {
      if severity == .error { errorCount += 1 }
      diagnostics.append(
        Diagnostic(
          code: code, severity: severity, message: message, help: help, range: file.range(of: span),
          path: path()))
    }

    mutating func policy(_ root: JSONValue, id: String) -> Policy? {
      guard let members = root.members else {
        report(
          .policyNotObject, "a policy must be a JSON object, found \(root.typeName)",
          help: #"write {"Version": "2012-10-17", "Statement": [ ... ]}"#, at: root.span)
        return nil
      }
      var statementValue: JSONValue?
      var policyID: String?
      let statementKeys = PolicyParser.statementElementSet
      let looksBare = members.contains { statementKeys.contains($0.key) } && !members.contains { $0.key == "Statement" }
      if looksBare {
        report(
          .policyBareStatement, "this is a bare statement, not a policy",
          help: #"a policy wraps its statements: {"Version": "2012-10-17", "Statement": [ {"Effect": ..., "Action": ..., "Resource": ...} ]}"#,
          at: root.span)
        return nil
      }
      var sawVersion = false
      for member in members {
        switch member.key {
        case "Version":
          sawVersion = true
          switch member.value.stringValue {
          case "2012-10-17": version = .v2012
          case "2008-10-17": version = .v2008
          default:
            report(
              .policyInvalidVersion, "`Version` must be \"2012-10-17\" or \"2008-10-17\"",
              help: "Version is the policy language's date, not your policy's; use \"2012-10-17\"",
              at: member.value.span, path: "Version")
          }
        case "Id":
          if let s = member.value.stringValue { policyID = s } else {
            report(.policyWrongType, "`Id` must be a string, found \(member.value.typeName)", at: member.value.span, path: "Id")
          }
        case "Statement":
          statementValue = member.value
        default:
          let suggestion = PolicyParser.topLevelElements.first { $0.lowercased() == member.key.lowercased() }
          report(
            .policyUnknownElement, "unknown policy element `\(member.key)`",
            help: suggestion.map { "element names are case-sensitive: write `\($0)`" }
              ?? "a policy has only Version, Id and Statement",
            at: member.keySpan, path: member.key)
        }
      }
      guard let statementValue else {
        report(
          .policyMissingStatement, "the policy has no `Statement`",
          help: #"add "Statement": [ {"Effect": "Allow", "Action": ..., "Resource": ...} ]"#, at: root.span)
        return nil
      }
      var statementValues: [JSONValue] = []
      switch statementValue.kind {
      case .object: statementValues = [statementValue]
      case .array(let elements):
        statementValues = elements
        if elements.isEmpty {
          report(
            .policyEmptyStatement, "`Statement` is empty, so this policy allows and denies nothing",
            at: statementValue.span, path: "Statement", severity: .warning)
        }
      default:
        report(
          .policyWrongType, "`Statement` must be an object or an array of objects, found \(statementValue.typeName)",
          at: statementValue.span, path: "Statement")
        return nil
      }
      if !sawVersion && file.bytes.count > 2 && VariableTemplate.hasVariableOpening(file.bytes) {
        report(
          .policyVariablesIgnored, "the policy has no `Version`, so `${...}` is literal text",
          help: "add \"Version\": \"2012-10-17\" to use policy variables", at: root.span, severity: .warning)
      } else if version == .v2008 && VariableTemplate.hasVariableOpening(file.bytes) {
        report(
          .policyVariablesIgnored, "Version 2008-10-17 does not substitute policy variables; `${...}` is literal text",
          help: "use \"Version\": \"2012-10-17\" for policy variables", at: root.span, severity: .warning)
      }
      var statements: [Statement] = []
      statements.reserveCapacity(statementValues.count)
      for (index, value) in statementValues.enumerated() {
        let isArray = statementValues.count > 1 || statementValue.elements != nil
        // Paths are spelled out only for a diagnostic: most statements have none.
        if let statement = self.statement(value, index: index, path: isArray ? "Statement[\(index)]" : "Statement") {
          // A scan of the earlier statements: a policy has a few, and a dictionary of Sids
          // cost more to build than the scans.
          noteDuplicateSid(of: statement, among: statements, path: isArray ? "Statement[\(index)]" : "Statement")
          statements.append(statement)
        }
      }
      return Policy(id: id, kind: kind, version: version, policyID: policyID, statements: statements, source: file)
    }

    /// Warns when an earlier statement has the same Sid.
    mutating func noteDuplicateSid(of statement: Statement, among earlier: [Statement], path: @autoclosure () -> String) {
      guard let sid = statement.sid, earlier.contains(where: { $0.sid == sid }) else { return }
      report(
        .policyDuplicateSid, "duplicate Sid `\(sid)`", help: "Sid values must be unique within a policy",
        at: statement.span, path: path(), severity: .warning)
    }
  }
}
