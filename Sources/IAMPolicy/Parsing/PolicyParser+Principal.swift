extension PolicyParser.Context {
  static let principalKeys = ["AWS", "Service", "Federated", "CanonicalUser"]

  /// Rules repeated in `DirectPolicyReader`: change both (see `statement`).
  mutating func principalPatterns(_ member: JSONMember, path: @autoclosure () -> String) -> [PrincipalPattern]? {
    if case .string(let s) = member.value.kind {
      if s == "*" { return [PrincipalPattern(value: .anyone, text: "*", span: member.value.span)] }
      report(
        .statementInvalidPrincipal, "`\(member.key)` must be \"*\" or an object such as {\"AWS\": \"...\"}",
        help: #"write "Principal": {"AWS": "\#(s)"} (or {"Service": ...} for an AWS service)"#,
        at: member.value.span, path: path())
      return nil
    }
    guard let members = member.value.members else {
      report(
        .statementWrongType, "`\(member.key)` must be \"*\" or an object, found \(member.value.typeName)",
        at: member.value.span, path: path())
      return nil
    }
    if members.isEmpty {
      report(.statementEmptyList, "`\(member.key)` names no principal", at: member.value.span, path: path())
      return nil
    }
    var out: [PrincipalPattern] = []
    var ok = true
    for entry in members {
      guard PolicyParser.Context.principalKeys.contains(entry.key) else {
        let suggestion = PolicyParser.Context.principalKeys.first { $0.lowercased() == entry.key.lowercased() }
        report(
          .statementInvalidPrincipal, "unknown principal type `\(entry.key)`",
          help: suggestion.map { "principal types are case-sensitive: write `\($0)`" }
            ?? "principal types are AWS, Service, Federated and CanonicalUser",
          at: entry.keySpan, path: "\(path()).\(entry.key)")
        ok = false
        continue
      }
      guard let values = stringList(entry, path: "\(path()).\(entry.key)", what: "principal") else {
        ok = false
        continue
      }
      for i in 0..<values.count {
        let (text, span) = values[i]
        switch entry.key {
        case "AWS":
          guard let value = PrincipalPattern.awsValue(text) else {
            report(
              .statementInvalidPrincipal, "wildcards are not allowed inside a principal ARN: `\(text)`",
              help: #"use "Principal": {"AWS": "*"} with a Condition such as "ArnLike": {"aws:PrincipalArn": "\#(text)"}"#,
              at: span, path: "\(path()).\(entry.key)")
            ok = false
            continue
          }
          out.append(PrincipalPattern(value: value, text: text, span: span))
        case "Service":
          if text == "*" {
            out.append(PrincipalPattern(value: .anyone, text: text, span: span))
          } else {
            if !text.contains(".") {
              report(
                .statementInvalidPrincipal, "`\(text)` is not a service principal",
                help: "service principals look like ec2.amazonaws.com or lambda.amazonaws.com",
                at: span, path: "\(path()).\(entry.key)", severity: .warning)
            }
            out.append(PrincipalPattern(value: .service(text.lowercased()), text: text, span: span))
          }
        case "Federated":
          out.append(PrincipalPattern(value: .federated(text), text: text, span: span))
        default:
          out.append(PrincipalPattern(value: .canonicalUser(text), text: text, span: span))
        }
      }
    }
    return ok ? out : nil
  }
}
