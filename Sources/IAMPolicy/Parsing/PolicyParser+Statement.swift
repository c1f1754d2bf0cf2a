extension PolicyParser.Context {
  /// One statement; nil (with diagnostics) when it cannot be evaluated.
  ///
  /// `DirectPolicyReader` repeats this function's rules for the documents it reads
  /// (kinds, warnings): a rule or warning added here must be added there, or make it
  /// decline; `DirectPolicyReaderFuzzTests` compares the two.
  mutating func statement(_ value: JSONValue, index: Int, path: @autoclosure () -> String) -> Statement? {
    guard let members = value.members else {
      report(
        .statementWrongType, "a statement must be an object, found \(value.typeName)",
        help: #"write {"Effect": "Allow", "Action": "...", "Resource": "..."}"#, at: value.span, path: path())
      return nil
    }
    let errorsBefore = errorCount
    var sid: String?
    var effect: Effect?
    var principal: PrincipalClause?
    var action: ActionClause?
    var resource: ResourceClause?
    var conditions: [Condition] = []
    for member in members {
      switch member.key {
      case "Sid":
        if let s = member.value.stringValue { sid = s } else {
          report(.statementWrongType, "`Sid` must be a string, found \(member.value.typeName)", at: member.value.span, path: "\(path()).\(member.key)")
        }
      case "Effect":
        switch member.value.stringValue {
        case "Allow": effect = .allow
        case "Deny": effect = .deny
        case let other?:
          let lower = other.lowercased()
          let fix = lower == "allow" ? "Allow" : lower == "deny" ? "Deny" : nil
          let guess = lower.hasPrefix("al") || lower.hasPrefix("ao") ? "Allow" : lower.hasPrefix("de") || lower.hasPrefix("dn") ? "Deny" : nil
          report(
            .statementInvalidEffect, "`Effect` must be \"Allow\" or \"Deny\", found \"\(other)\"",
            help: fix.map { "Effect is case-sensitive: write \"\($0)\"" }
              ?? guess.map { "did you mean \"\($0)\"? A statement either allows or denies" } ?? "a statement either allows or denies",
            at: member.value.span, path: "\(path()).\(member.key)")
        case nil:
          report(
            .statementWrongType, "`Effect` must be a string, found \(member.value.typeName)",
            help: "write \"Effect\": \"Allow\" or \"Effect\": \"Deny\"", at: member.value.span, path: "\(path()).\(member.key)")
        }
      case "Action", "NotAction":
        if let patterns = actionPatterns(member, path: "\(path()).\(member.key)") {
          if action != nil {
            report(
              .statementBothElements, "a statement cannot have both `Action` and `NotAction`",
              help: "keep one: Action lists what the statement covers, NotAction what it excludes",
              at: member.keySpan, path: "\(path()).\(member.key)")
          } else {
            action = member.key == "Action" ? .action(patterns) : .notAction(patterns)
          }
        }
      case "Resource", "NotResource":
        if let patterns = resourcePatterns(member, path: "\(path()).\(member.key)") {
          if resource != nil {
            report(
              .statementBothElements, "a statement cannot have both `Resource` and `NotResource`",
              help: "keep one: Resource lists what the statement covers, NotResource what it excludes",
              at: member.keySpan, path: "\(path()).\(member.key)")
          } else {
            resource = member.key == "Resource" ? .resource(patterns) : .notResource(patterns)
          }
        }
      case "Principal", "NotPrincipal":
        if let patterns = principalPatterns(member, path: "\(path()).\(member.key)") {
          if principal != nil {
            report(
              .statementBothElements, "a statement cannot have both `Principal` and `NotPrincipal`",
              at: member.keySpan, path: "\(path()).\(member.key)")
          } else {
            principal = member.key == "Principal" ? .principal(patterns) : .notPrincipal(patterns)
          }
        }
      case "Condition":
        conditions = conditionBlock(member.value, path: "\(path()).\(member.key)")
      default:
        let suggestion = PolicyParser.statementElements.first { $0.lowercased() == member.key.lowercased() }
        report(
          .statementUnknownElement, "unknown statement element `\(member.key)`",
          help: suggestion.map { "element names are case-sensitive: write `\($0)`" }
            ?? "statement elements are Sid, Effect, Principal, Action, Resource, Condition, and their Not- forms",
          at: member.keySpan, path: "\(path()).\(member.key)")
      }
    }
    // The first member of each name, as a statement's checks have always looked them up.
    let seen = SeenMembers(members)
    if effect == nil && seen["Effect"] == nil {
      report(
        .statementMissingEffect, "the statement has no `Effect`",
        help: "add \"Effect\": \"Allow\" or \"Effect\": \"Deny\"", at: value.span, path: path())
    }
    if action == nil && seen["Action"] == nil && seen["NotAction"] == nil {
      report(
        .statementMissingAction, "the statement has no `Action` or `NotAction`",
        help: #"name the actions it covers, such as "Action": "s3:GetObject""#, at: value.span, path: path())
    }
    checkResourceElement(resource: resource, seen: seen, at: value.span, path: path())
    checkPrincipalElement(principal: principal, seen: seen, effect: effect, at: value.span, path: path())
    guard errorCount == errorsBefore, let effect, let action else { return nil }
    return Statement(
      index: index, sid: sid, effect: effect, principal: principal, action: action, resource: resource,
      conditions: conditions, span: value.span)
  }

  mutating func checkResourceElement(resource: ResourceClause?, seen: SeenMembers, at span: SourceSpan, path: @autoclosure () -> String) {
    let has = seen["Resource"] != nil || seen["NotResource"] != nil
    switch kind {
    case .identity, .permissionsBoundary, .session, .resourceControl:
      if !has {
        report(
          .statementMissingResource, "the statement has no `Resource` or `NotResource`",
          help: kind == .identity
            ? #"an identity-based policy says which resources it covers: add "Resource": "*" or an ARN such as "arn:aws:s3:::my-bucket/*""#
            : #"add "Resource": "*" or the ARNs it covers"#,
          at: span, path: path())
      }
    case .trust:
      if let member = seen["Resource"] ?? seen["NotResource"] {
        report(
          .statementElementNotAllowed, "a trust policy cannot have `\(member.key)`",
          help: "a trust policy is attached to the role it protects, so the role is always the resource",
          at: member.keySpan, path: "\(path()).\(member.key)")
      }
    case .resource, .serviceControl:
      break
    }
  }

  mutating func checkPrincipalElement(
    principal: PrincipalClause?, seen: SeenMembers, effect: Effect?, at span: SourceSpan, path: @autoclosure () -> String
  ) {
    let member = seen["Principal"] ?? seen["NotPrincipal"]
    if kind.takesPrincipal {
      if member == nil {
        report(
          .statementMissingPrincipal, "the statement has no `Principal`",
          help: kind == .trust
            ? #"a trust policy names who may assume the role, such as "Principal": {"Service": "ec2.amazonaws.com"}"#
            : #"a resource-based policy names who it applies to, such as "Principal": {"AWS": "arn:aws:iam::111122223333:root"}"#,
          at: span, path: path())
      }
      if case .notPrincipal = principal {
        if kind != .resource {
          report(
            .statementElementNotAllowed, "`NotPrincipal` is not allowed in a \(kind.displayName)",
            help: #"use "Principal" instead"#, at: member?.keySpan ?? span, path: path())
        } else if effect == .allow {
          report(
            .statementNotPrincipalWithAllow, "`NotPrincipal` is only supported with \"Effect\": \"Deny\"",
            help: "to allow everyone but some principals, allow them with Principal and a condition on aws:PrincipalArn",
            at: member?.keySpan ?? span, path: path())
        }
      }
      if kind == .resourceControl, case .principal(let patterns) = principal,
        !patterns.allSatisfy({ $0.value == .anyone })
      {
        report(
          .statementInvalidPrincipal, "a resource control policy must have \"Principal\": \"*\"",
          help: "narrow an RCP with conditions such as aws:PrincipalOrgID", at: member?.keySpan ?? span, path: path())
      }
    } else if let member {
      report(
        .statementElementNotAllowed, "a \(kind.displayName) cannot have `\(member.key)`",
        help: "it applies to the identity it is attached to; Principal belongs in resource-based and trust policies",
        at: member.keySpan, path: "\(path()).\(member.key)")
    }
  }

  /// A string or a non-empty array of strings, read in place: copying every list into
  /// a new array of pairs cost more than the patterns made from it.
  mutating func stringList(_ member: JSONMember, path: @autoclosure () -> String, what: String) -> StringElements? {
    switch member.value.kind {
    case .string(let s):
      return StringElements(single: (s, member.value.span), elements: [])
    case .array(let elements):
      if elements.isEmpty {
        report(
          .statementEmptyList, "`\(member.key)` is an empty list", help: "list at least one \(what)",
          at: member.value.span, path: path())
        return nil
      }
      var ok = true
      for i in elements.indices {
        if case .string = elements[i].kind { continue }
        report(
          .statementWrongType, "each \(what) in `\(member.key)` must be a string, found \(elements[i].typeName)",
          at: elements[i].span, path: "\(path())[\(i)]")
        ok = false
      }
      return ok ? StringElements(single: nil, elements: elements) : nil
    default:
      report(
        .statementWrongType, "`\(member.key)` must be a string or an array of strings, found \(member.value.typeName)",
        at: member.value.span, path: path())
      return nil
    }
  }

  mutating func actionPatterns(_ member: JSONMember, path: @autoclosure () -> String) -> [ActionPattern]? {
    guard let list = stringList(member, path: path(), what: "action") else { return nil }
    var out: [ActionPattern] = []
    out.reserveCapacity(list.count)
    for i in 0..<list.count {
      let (text, span) = list[i]
      if !PolicyParser.isActionText(text) {
        report(
          .statementInvalidAction, "`\(text)` is not an action",
          help: "actions are written service:Action, such as s3:GetObject or ec2:Describe*",
          at: span, path: path())
        continue
      }
      out.append(ActionPattern(text: text, span: span))
    }
    return out.count == list.count ? out : nil
  }

  mutating func resourcePatterns(_ member: JSONMember, path: @autoclosure () -> String) -> [ResourcePattern]? {
    guard let list = stringList(member, path: path(), what: "resource") else { return nil }
    var out: [ResourcePattern] = []
    out.reserveCapacity(list.count)
    for i in 0..<list.count {
      let (text, span) = list[i]
      if !PolicyParser.isResourceText(text) {
        report(
          .statementInvalidResource, "`\(text)` is not an ARN",
          help: "resources are ARNs such as arn:aws:s3:::my-bucket (the bucket) or arn:aws:s3:::my-bucket/* (its objects), or *",
          at: span, path: path())
        continue
      }
      out.append(ResourcePattern(text: text, span: span, substitutesVariables: version.substitutesVariables))
    }
    return out.count == list.count ? out : nil
  }
}

/// The strings of an element that takes one string or a list of them.
struct StringElements {
  let single: (String, SourceSpan)?
  // INVARIANT: every element is a string (`stringList` checked them).
  let elements: [JSONValue]

  var count: Int { single == nil ? elements.count : 1 }

  subscript(i: Int) -> (String, SourceSpan) {
    if let single { return single }
    if case .string(let s) = elements[i].kind { return (s, elements[i].span) }
    return ("", elements[i].span)
  }
}

extension PolicyParser {
  /// `"*"` or `service:action`: the text has a colon, and neither starts nor ends with one.
  /// Checked on the bytes when the text is ASCII (where each byte is a Character); other
  /// text keeps the Character checks, whose answers differ for combining marks.
  static func isActionText(_ text: String) -> Bool {
    var text = text
    let ascii: Bool? = text.withUTF8 { bytes in
      var colon = false
      for b in bytes {
        if b >= 0x80 { return nil }
        if b == UInt8(ascii: ":") { colon = true }
      }
      if bytes.count == 1 && bytes[0] == UInt8(ascii: "*") { return true }
      return colon && bytes[0] != UInt8(ascii: ":") && bytes[bytes.count - 1] != UInt8(ascii: ":")
    }
    if let ascii { return ascii }
    return text != "*" && text.contains(":") && !text.hasPrefix(":") && !text.hasSuffix(":")
  }

  /// Whether the UTF-8 bytes start with `arn:` (an ARN pattern, split into its parts).
  static func startsWithARN(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { b in b.count >= 4 && b[0] == 0x61 && b[1] == 0x72 && b[2] == 0x6E && b[3] == 0x3A }
  }

  /// `"*"` or text that starts with `arn:`, on the bytes when they decide it alone.
  static func isResourceText(_ text: String) -> Bool {
    var text = text
    let decided: Bool? = text.withUTF8 { b in
      if b.count == 1 && b[0] == UInt8(ascii: "*") { return true }
      guard b.count >= 4 else { return b.allSatisfy { $0 < 0x80 } ? false : nil }
      // After an ASCII `arn:`, a combining mark would join the colon's Character.
      let prefix = b[0] == 0x61 && b[1] == 0x72 && b[2] == 0x6E && b[3] == 0x3A
      if prefix { return b.count == 4 || b[4] < 0x80 ? true : nil }
      return b.allSatisfy { $0 < 0x80 } ? false : nil
    }
    return decided ?? (text == "*" || text.hasPrefix("arn:"))
  }
}

/// The first member of each name in a statement, found by a scan: statements have a
/// handful of members, and a dictionary cost more to build than the scans it saved.
struct SeenMembers {
  let members: [JSONMember]

  init(_ members: [JSONMember]) { self.members = members }

  subscript(key: String) -> JSONMember? { members.first { $0.key == key } }
}
