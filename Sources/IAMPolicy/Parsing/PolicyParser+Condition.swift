extension PolicyParser.Context {
  /// Rules repeated in `DirectPolicyReader`: change both (see `statement`).
  mutating func conditionBlock(_ value: JSONValue, path: @autoclosure () -> String) -> [Condition] {
    guard let operators = value.members else {
      report(
        .conditionWrongType, "`Condition` must be an object, found \(value.typeName)",
        help: #"write "Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue"}}"#, at: value.span, path: path())
      return []
    }
    var conditions: [Condition] = []
    for entry in operators {
      guard let op = ConditionOperator(entry.key) else {
        let lowered = entry.key.lowercased()
        let suggestion = ConditionOperator.Base.allCases.map(\.rawValue).first {
          lowered.hasSuffix($0.lowercased()) || lowered.hasSuffix($0.lowercased() + "ifexists")
        }
        var help = "operators include StringEquals, StringLike, NumericLessThan, DateGreaterThan, Bool, IpAddress, ArnLike and Null, optionally with IfExists and ForAnyValue:/ForAllValues:"
        if entry.key.hasPrefix("Null") && entry.key.hasSuffix("IfExists") {
          help = "Null already tests whether the key exists; it takes no IfExists"
        } else if let suggestion, entry.key.contains(where: \.isLowercase) {
          help = "operator names are case-sensitive: did you mean `\(entry.key.replacingCaseInsensitive(suggestion))`?"
        }
        report(.conditionUnknownOperator, "unknown condition operator `\(entry.key)`", help: help, at: entry.keySpan, path: "\(path()).\(entry.key)")
        continue
      }
      guard let keys = entry.value.members else {
        report(
          .conditionWrongType, "`\(entry.key)` must map condition keys to values, found \(entry.value.typeName)",
          help: #"write "\#(entry.key)": {"aws:SourceIp": "203.0.113.0/24"}"#, at: entry.value.span, path: "\(path()).\(entry.key)")
        continue
      }
      for keyMember in keys {
        var raw: [JSONValue] = []
        switch keyMember.value.kind {
        case .array(let elements): raw = elements
        default: raw = [keyMember.value]
        }
        var values: [ConditionValue] = []
        for element in raw {
          guard let text = element.scalarText else {
            report(
              .conditionWrongType, "condition values must be strings, numbers or booleans, found \(element.typeName)",
              at: element.span, path: "\(path()).\(entry.key).\(keyMember.key)")
            continue
          }
          let v = ConditionValue(text: text, span: element.span, op: op.base, substitutesVariables: version.substitutesVariables)
          checkValue(v, op: op, path: "\(path()).\(entry.key).\(keyMember.key)")
          values.append(v)
        }
        if raw.isEmpty {
          report(
            .conditionInvalidValue, "`\(keyMember.key)` has no values, so this condition never matches",
            at: keyMember.value.span, path: "\(path()).\(entry.key).\(keyMember.key)", severity: .warning)
        }
        conditions.append(
          Condition(
            op: op, key: keyMember.key, values: values,
            span: SourceSpan(start: keyMember.keySpan.start, end: keyMember.value.span.end), operatorSpan: entry.keySpan))
      }
    }
    return conditions
  }

  mutating func checkValue(_ v: ConditionValue, op: ConditionOperator, path: @autoclosure () -> String) {
    var warning: (message: String, help: String)?
    switch op.base.family {
    case .numeric where v.number == nil:
      warning = ("`\(v.text)` is not a number, so \(op) never matches it", "Numeric operators compare integers or decimals")
    case .date where v.date == nil:
      warning = ("`\(v.text)` is not a date, so \(op) never matches it", "write an ISO 8601 date such as 2030-01-01T00:00:00Z, or epoch seconds")
    case .ipAddress where v.network == nil:
      warning = ("`\(v.text)` is not an IP address or CIDR range", "write 203.0.113.0/24 or 2001:db8::/32")
    case .bool where v.bool == nil, .null where v.bool == nil:
      warning = ("`\(v.text)` is not true or false", "\(op.base.rawValue) takes \"true\" or \"false\"")
    default:
      break
    }
    if let warning {
      report(.conditionInvalidValue, warning.message, help: warning.help, at: v.span, path: path(), severity: .warning)
    }
    if !op.base.allowsVariables && version.substitutesVariables && PolicyParser.containsVariableOpening(v.text) {
      report(
        .conditionVariableNotAllowed, "policy variables are not substituted in \(op.base.rawValue) values",
        help: "variables work only with String and ARN operators", at: v.span, path: path(), severity: .warning)
    }
  }
}

extension PolicyParser {
  /// `text.contains("${")`, on the bytes when the text is ASCII (where each byte is a
  /// Character); other text keeps the Character search.
  static func containsVariableOpening(_ text: String) -> Bool {
    var bytes = text
    let ascii: Bool? = bytes.withUTF8 { b in
      for c in b where c >= 0x80 { return nil }
      return VariableTemplate.hasVariableOpening(b)
    }
    return ascii ?? text.contains("${")
  }
}

extension String {
  /// Replaces the case-insensitive occurrence of `word` with `word` as given.
  func replacingCaseInsensitive(_ word: String) -> String {
    let lower = Array(lowercased().unicodeScalars)
    let target = Array(word.lowercased().unicodeScalars)
    let scalars = Array(unicodeScalars)
    guard lower.count == scalars.count, target.count <= lower.count else { return self }
    for start in 0...(lower.count - target.count) where Array(lower[start..<(start + target.count)]) == target {
      var out = String.UnicodeScalarView()
      out.append(contentsOf: scalars[..<start])
      out.append(contentsOf: word.unicodeScalars)
      out.append(contentsOf: scalars[(start + target.count)...])
      return String(out)
    }
    return self
  }
}
