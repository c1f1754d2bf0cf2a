import IAMAccount
import IAMEvaluator
import IAMPolicy

/// Reads exercise files (YAML or JSON) into `Exercise` values with located diagnostics.
///
/// Every mistake an author can make (an unknown key, a check without `expect`,
/// a policy that does not parse) is reported at its line and column in the
/// exercise file, and reading goes on so one run shows them all.
public enum ExerciseReader {
  static let topLevelKeys = [
    "id", "title", "kind", "prompt", "hints", "explanation", "setup", "document", "attach", "starter", "solution",
    "checks", "intended", "sweep", "question", "answer", "reason", "requests",
  ]

  public static func parse(_ file: SourceFile) -> Parsed<Exercise> {
    let isJSON = file.name.hasSuffix(".json")
    let tree = isJSON ? JSONParser.parse(file) : YAMLDocument.parse(file)
    guard let root = tree.value else { return Parsed(value: nil, diagnostics: tree.diagnostics) }
    var reader = Reader(file: file, diagnostics: tree.diagnostics)
    let exercise = reader.exercise(root)
    return Parsed(value: reader.errors == 0 ? exercise : nil, diagnostics: reader.diagnostics)
  }

  struct Reader {
    let file: SourceFile
    var diagnostics: [Diagnostic]
    var errors = 0

    init(file: SourceFile, diagnostics: [Diagnostic]) {
      self.file = file
      self.diagnostics = diagnostics
      errors = diagnostics.filter(\.isError).count
    }

    mutating func error(_ message: String, help: String? = nil, at span: SourceSpan, path: String? = nil) {
      errors += 1
      diagnostics.append(
        Diagnostic(
          code: .exerciseInvalid, message: message, help: help ?? "see Exercises/README.md for the exercise format",
          range: file.range(of: span), path: path))
    }

    mutating func string(_ value: JSONValue?, _ path: String, required: Bool = false, at span: SourceSpan) -> String? {
      guard let value else {
        if required { error("missing `\(path)`", at: span, path: path) }
        return nil
      }
      if let s = value.scalarText { return s }
      error("`\(path)` must be text, found \(value.typeName)", at: value.span, path: path)
      return nil
    }

    mutating func strings(_ value: JSONValue?, _ path: String) -> [String] {
      guard let value else { return [] }
      if let s = value.scalarText { return [s] }
      guard let elements = value.elements else {
        error("`\(path)` must be a list of text, found \(value.typeName)", at: value.span, path: path)
        return []
      }
      return elements.enumerated().compactMap { i, e in string(e, "\(path)[\(i)]", at: e.span) }
    }

    mutating func exercise(_ root: JSONValue) -> Exercise? {
      guard let members = root.members else {
        error("an exercise file must be a mapping of keys, found \(root.typeName)", at: root.span)
        return nil
      }
      var fields: [String: JSONValue] = [:]
      for member in members {
        if ExerciseReader.topLevelKeys.contains(member.key) {
          fields[member.key] = member.value
        } else {
          error(
            "unknown key `\(member.key)`", help: "exercise keys are " + ExerciseReader.topLevelKeys.joined(separator: ", "),
            at: member.keySpan, path: member.key)
        }
      }
      let id = string(fields["id"], "id", required: true, at: root.span) ?? ""
      let parts = id.split(separator: "/")
      if !id.isEmpty && (parts.count != 2 || parts.contains { $0.isEmpty || $0.contains(" ") }) {
        error("exercise id `\(id)` must be `lesson/name`", at: fields["id"]?.span ?? root.span, path: "id")
      }
      let kindText = string(fields["kind"], "kind", required: true, at: root.span) ?? "policy"
      let kind = Exercise.Kind(rawValue: kindText) ?? .policy
      if Exercise.Kind(rawValue: kindText) == nil {
        error(
          "unknown exercise kind `\(kindText)`", help: "kinds are policy, can and predict",
          at: fields["kind"]?.span ?? root.span, path: "kind")
      }
      var documentKind = PolicyKind.identity
      if let text = string(fields["document"], "document", at: root.span) {
        if let k = ExerciseReader.documentKinds[text] { documentKind = k } else {
          error(
            "unknown document kind `\(text)`", help: "documents are " + ExerciseReader.documentKinds.keys.sorted().joined(separator: ", "),
            at: fields["document"]?.span ?? root.span, path: "document")
        }
      }
      var exercise = Exercise(
        id: id, lesson: parts.first.map(String.init) ?? "", title: string(fields["title"], "title", required: true, at: root.span) ?? id,
        kind: kind, prompt: string(fields["prompt"], "prompt", required: true, at: root.span) ?? "",
        hints: strings(fields["hints"], "hints"), explanation: string(fields["explanation"], "explanation", required: true, at: root.span) ?? "",
        setup: ExerciseSetup(), source: file, document: documentKind,
        attachedTo: strings(fields["attach"], "attach").first, starter: string(fields["starter"], "starter", at: root.span) ?? "",
        solution: string(fields["solution"], "solution", at: root.span) ?? "", checks: [], intended: [], sweep: SweepSpec(),
        question: nil, expectedAllowed: nil, expectedReason: nil, predictions: [])
      exercise.attachedToAll = strings(fields["attach"], "attach")
      if exercise.attachedToAll.count > 1 && !(documentKind == .identity || documentKind == .permissionsBoundary || documentKind == .session) {
        error("only identity, boundary and session documents attach to several principals", at: fields["attach"]?.span ?? root.span, path: "attach")
      }
      if exercise.hints.isEmpty {
        error("an exercise needs at least one hint", at: fields["hints"]?.span ?? root.span, path: "hints")
      }
      if let setup = fields["setup"] { exercise.setup = self.setup(setup) }
      switch kind {
      case .policy:
        if fields["solution"] == nil { error("a policy exercise needs a `solution`", at: root.span, path: "solution") }
        if fields["checks"] == nil { error("a policy exercise needs `checks`", at: root.span, path: "checks") }
        if documentKind != .identity && documentKind != .serviceControl && exercise.attachedTo == nil {
          error("a \(documentKind.displayName) exercise needs `attach`: the ARN it is attached to", at: root.span, path: "attach")
        }
        exercise.checks = checks(fields["checks"], "checks")
        exercise.intended = intended(fields["intended"])
        if let sweep = fields["sweep"] { exercise.sweep = self.sweep(sweep) }
      case .can:
        if let q = fields["question"] { exercise.question = request(q, "question") } else {
          error("a can exercise needs a `question`", at: root.span, path: "question")
        }
        switch string(fields["answer"], "answer", required: true, at: root.span) {
        case "allowed"?, "yes"?, "true"?: exercise.expectedAllowed = true
        case "denied"?, "no"?, "false"?: exercise.expectedAllowed = false
        case let other?:
          error("`answer` must be allowed or denied, found `\(other)`", at: fields["answer"]?.span ?? root.span, path: "answer")
        case nil: break
        }
        if let reason = string(fields["reason"], "reason", required: true, at: root.span) {
          if let r = ReasonCategory(rawValue: reason) { exercise.expectedReason = r } else {
            error(
              "unknown reason `\(reason)`", help: "reasons are " + ReasonCategory.allCases.map(\.rawValue).joined(separator: ", "),
              at: fields["reason"]?.span ?? root.span, path: "reason")
          }
        }
      case .predict:
        exercise.predictions = checks(fields["requests"], "requests")
        if exercise.predictions.isEmpty { error("a predict exercise needs `requests`", at: root.span, path: "requests") }
      }
      return exercise
    }

    static let requestKeys = ["principal", "action", "resource", "context", "expect", "why"]

    mutating func request(_ value: JSONValue, _ path: String) -> ExerciseRequest? {
      guard let members = value.members else {
        error("`\(path)` must be a mapping with principal, action and resource", at: value.span, path: path)
        return nil
      }
      var fields: [String: JSONValue] = [:]
      for m in members {
        if Reader.requestKeys.contains(m.key) { fields[m.key] = m.value } else {
          error(
            "unknown key `\(m.key)` in a request", help: "requests have principal, action, resource, context, expect and why",
            at: m.keySpan, path: "\(path).\(m.key)")
        }
      }
      guard let principal = string(fields["principal"], "\(path).principal", required: true, at: value.span),
        let action = string(fields["action"], "\(path).action", required: true, at: value.span)
      else { return nil }
      if Principal(principal) == nil {
        error(
          "`\(principal)` is not a principal", help: "use an ARN (arn:aws:iam::123456789012:user/DevUser) or a service (ec2.amazonaws.com)",
          at: fields["principal"]?.span ?? value.span, path: "\(path).principal")
      }
      let resource = string(fields["resource"], "\(path).resource", at: value.span) ?? "*"
      var context: [String: ContextValue] = [:]
      if let c = fields["context"] {
        if let entries = c.members {
          for entry in entries {
            switch entry.value.kind {
            case .bool(let b): context[entry.key] = ContextValue(b ? "true" : "false", type: .boolean)
            case .number(let n): context[entry.key] = ContextValue(n, type: .numeric)
            case .string(let s): context[entry.key] = ContextValue(s, type: .string)
            case .array:
              context[entry.key] = ContextValue(type: .stringList, values: strings(entry.value, "\(path).context.\(entry.key)"))
            default:
              error("context values are text, numbers, booleans or lists", at: entry.value.span, path: "\(path).context")
            }
          }
        } else {
          error("`context` must map condition keys to values", at: c.span, path: "\(path).context")
        }
      }
      return ExerciseRequest(principal: principal, action: action, resource: resource, context: context)
    }

    mutating func checks(_ value: JSONValue?, _ path: String) -> [ExerciseCheck] {
      guard let value else { return [] }
      guard let elements = value.elements else {
        error("`\(path)` must be a list of requests", at: value.span, path: path)
        return []
      }
      var out: [ExerciseCheck] = []
      for (i, e) in elements.enumerated() {
        let p = "\(path)[\(i)]"
        guard let request = request(e, p) else { continue }
        let expectText = string(e.member("expect")?.value, "\(p).expect", required: true, at: e.span)
        let expect: ExerciseCheck.Expectation
        switch expectText {
        case "allow"?, "allowed"?: expect = .allow
        case "deny"?, "denied"?: expect = .deny
        default:
          if expectText != nil {
            error("`expect` must be allow or deny", at: e.member("expect")?.value.span ?? e.span, path: "\(p).expect")
          }
          continue
        }
        out.append(ExerciseCheck(request: request, expect: expect, why: string(e.member("why")?.value, "\(p).why", at: e.span)))
      }
      return out
    }

    mutating func intended(_ value: JSONValue?) -> [IntendedGrant] {
      guard let value else { return [] }
      guard let elements = value.elements else {
        error("`intended` must be a list of grants", at: value.span, path: "intended")
        return []
      }
      return elements.enumerated().map { i, e in
        let p = "intended[\(i)]"
        for m in e.members ?? [] where !["principals", "principal", "actions", "action", "resources", "resource"].contains(m.key) {
          error("unknown key `\(m.key)` in an intended grant", help: "grants have principals, actions and resources", at: m.keySpan, path: p)
        }
        return IntendedGrant(
          principals: strings(e.member("principals")?.value ?? e.member("principal")?.value, "\(p).principals"),
          actions: strings(e.member("actions")?.value ?? e.member("action")?.value, "\(p).actions"),
          resources: strings(e.member("resources")?.value ?? e.member("resource")?.value, "\(p).resources"))
      }
    }

    mutating func sweep(_ value: JSONValue) -> SweepSpec {
      var spec = SweepSpec()
      for m in value.members ?? [] {
        switch m.key {
        case "principals": spec.principals = strings(m.value, "sweep.principals")
        case "resources": spec.resources = strings(m.value, "sweep.resources")
        case "services": spec.services = strings(m.value, "sweep.services")
        case "enabled":
          if case .bool(let b) = m.value.kind { spec.enabled = b } else {
            error("`sweep.enabled` must be true or false", at: m.value.span, path: "sweep.enabled")
          }
        default:
          error("unknown key `\(m.key)` in `sweep`", help: "sweep has principals, resources, services and enabled", at: m.keySpan, path: "sweep")
        }
      }
      return spec
    }

    static let setupKeys = ["account", "policies", "identity", "boundary", "session", "resource", "owners", "scp", "rcp"]

    mutating func setup(_ value: JSONValue) -> ExerciseSetup {
      var setup = ExerciseSetup()
      guard let members = value.members else {
        error("`setup` must be a mapping", at: value.span, path: "setup")
        return setup
      }
      var named: [String: JSONValue] = [:]
      if let policies = value.member("policies")?.value {
        for m in policies.members ?? [] { named[m.key] = m.value }
        if policies.members == nil { error("`setup.policies` must map names to policies", at: policies.span, path: "setup.policies") }
      }
      for m in members {
        let path = "setup.\(m.key)"
        switch m.key {
        case "account":
          setup.account = string(m.value, path, at: m.value.span) ?? setup.account
        case "policies":
          break
        case "identity": setup.identity = policyMap(m.value, path, kind: .identity, named: named)
        case "boundary": setup.boundary = policyMap(m.value, path, kind: .permissionsBoundary, named: named)
        case "session": setup.session = policyMap(m.value, path, kind: .session, named: named)
        case "resource": setup.resource = policyMap(m.value, path, kind: .resource, named: named)
        case "owners":
          for o in m.value.members ?? [] { setup.owners[o.key] = string(o.value, "\(path).\(o.key)", at: o.value.span) }
        case "scp", "rcp":
          let kind: PolicyKind = m.key == "scp" ? .serviceControl : .resourceControl
          var levels: [[Policy]] = []
          for (i, level) in (m.value.elements ?? []).enumerated() {
            levels.append(policyList(level, "\(path)[\(i)]", kind: kind, named: named))
          }
          if m.value.elements == nil { error("`\(path)` must be a list of levels, root first", at: m.value.span, path: path) }
          if kind == .serviceControl { setup.serviceControlLevels = levels } else { setup.resourceControlLevels = levels }
        default:
          error(
            "unknown key `\(m.key)` in `setup`", help: "setup has " + Reader.setupKeys.joined(separator: ", "), at: m.keySpan,
            path: "setup")
        }
      }
      return setup
    }

    mutating func policyMap(_ value: JSONValue, _ path: String, kind: PolicyKind, named: [String: JSONValue]) -> [String: [Policy]] {
      var out: [String: [Policy]] = [:]
      guard let members = value.members else {
        error("`\(path)` must map ARNs to policies", at: value.span, path: path)
        return out
      }
      for m in members { out[m.key] = policyList(m.value, "\(path).\(m.key)", kind: kind, named: named) }
      return out
    }

    /// A policy name, an inline policy, or a list of them.
    mutating func policyList(_ value: JSONValue, _ path: String, kind: PolicyKind, named: [String: JSONValue]) -> [Policy] {
      let items = value.elements ?? [value]
      return items.enumerated().compactMap { i, item in
        if let name = item.stringValue, let body = named[name] {
          return policy(body, id: name, kind: kind)
        }
        if let name = item.stringValue, !name.trimmingCharacters(in: .whitespaces).hasPrefix("{") {
          error(
            "no policy named `\(name)` in `setup.policies`", help: "name a policy defined under setup.policies, or write the policy here",
            at: item.span, path: path)
          return nil
        }
        return policy(item, id: "\(path)[\(i)]", kind: kind)
      }
    }

    /// A policy written as JSON text or as a YAML mapping.
    mutating func policy(_ value: JSONValue, id: String, kind: PolicyKind) -> Policy? {
      let parsed: Parsed<Policy>
      if let text = value.stringValue {
        let line = file.location(at: value.span.start).line
        parsed = PolicyParser.parse(SourceFile(name: file.name, text: text, firstLine: line + 1), as: kind, id: id)
      } else {
        parsed = PolicyParser.parse(json: value, in: file, as: kind, id: id)
      }
      diagnostics.append(contentsOf: parsed.diagnostics)
      errors += parsed.diagnostics.filter(\.isError).count
      return parsed.hasErrors ? nil : parsed.value
    }
  }

  /// Names authors use for the document a learner writes.
  public static let documentKinds: [String: PolicyKind] = [
    "identity": .identity, "trust": .trust, "resource": .resource, "boundary": .permissionsBoundary,
    "session": .session, "scp": .serviceControl, "rcp": .resourceControl,
  ]
}
