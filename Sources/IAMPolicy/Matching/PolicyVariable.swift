/// Text from a policy that may hold `${...}` policy variables.
///
/// IAM substitutes request-context values into `Resource` and into String and
/// ARN condition values when the policy's Version is 2012-10-17; with 2008-10-17
/// or no Version the same characters are literal text (IAM User Guide,
/// "IAM policy elements: Variables and tags").
public struct VariableTemplate: Sendable, Hashable {
  public enum Part: Sendable, Hashable {
    /// Policy text, already tokenized (wildcards as the context allows).
    case text([UInt16])
    /// `${key}` or `${key, 'default'}`; the key is lowercased because names are case-insensitive.
    case variable(key: String, name: String, defaultValue: String?)
  }

  public var parts: [Part]

  /// The variable names used, as written.
  public var variableNames: [String] {
    parts.compactMap { if case .variable(_, let name, _) = $0 { name } else { nil } }
  }

  /// Parses text; returns nil when it has no `${...}` at all (the common case).
  public static func parse(_ text: String, wildcards: Bool) -> VariableTemplate? {
    // Most text has no `${`: looked for in place, before copying the bytes out.
    var text = text
    guard text.utf8.count >= 3, text.withUTF8({ hasVariableOpening($0) }) else { return nil }
    let bytes = Array(text.utf8)
    var parts: [Part] = []
    var pending: [UInt16] = []
    var i = 0
    var sawVariable = false
    while i < bytes.count {
      if bytes[i] == UInt8(ascii: "$"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "{"),
        let close = bytes[(i + 2)...].firstIndex(of: UInt8(ascii: "}"))
      {
        let inner = String(decoding: bytes[(i + 2)..<close], as: UTF8.self)
        i = close + 1
        sawVariable = true
        switch inner {
        case "*": pending.append(UInt16(UInt8(ascii: "*")))
        case "?": pending.append(UInt16(UInt8(ascii: "?")))
        case "$": pending.append(UInt16(UInt8(ascii: "$")))
        default:
          if !pending.isEmpty {
            parts.append(.text(pending))
            pending = []
          }
          let (name, defaultValue) = splitDefault(inner)
          parts.append(.variable(key: name.lowercased(), name: name, defaultValue: defaultValue))
        }
        continue
      }
      pending.append(WildcardPattern.token(bytes[i], wildcards: wildcards, caseFolded: false))
      i += 1
    }
    guard sawVariable else { return nil }
    if !pending.isEmpty { parts.append(.text(pending)) }
    return VariableTemplate(parts: parts)
  }

  static func hasVariableOpening<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes) -> Bool
  where Bytes.Index == Int {
    var i = bytes.startIndex
    while i + 1 < bytes.endIndex {
      if bytes[i] == UInt8(ascii: "$") && bytes[i + 1] == UInt8(ascii: "{") { return true }
      i += 1
    }
    return false
  }

  /// `aws:PrincipalTag/team, 'company-wide'` → (`aws:PrincipalTag/team`, `company-wide`).
  static func splitDefault(_ inner: String) -> (String, String?) {
    guard let comma = inner.firstIndex(of: ",") else {
      return (inner.trimmingSpaces(), nil)
    }
    let name = String(inner[..<comma]).trimmingSpaces()
    var rest = String(inner[inner.index(after: comma)...]).trimmingSpaces()
    if rest.count >= 2, rest.first == "'", rest.last == "'" {
      rest = String(rest.dropFirst().dropLast())
    }
    return (name, rest)
  }

  /// Substitutes values; nil when a variable has no value and no default,
  /// which makes the enclosing resource or condition value match nothing.
  public func resolve(_ lookup: (String) -> String?) -> [UInt16]? {
    var tokens: [UInt16] = []
    for part in parts {
      switch part {
      case .text(let t):
        tokens.append(contentsOf: t)
      case .variable(let key, _, let defaultValue):
        guard let value = lookup(key) ?? defaultValue else { return nil }
        // Substituted characters are always literal, even `*` and `?`.
        for b in value.utf8 { tokens.append(UInt16(b)) }
      }
    }
    return tokens
  }
}

extension String {
  func trimmingSpaces() -> String {
    var s = Substring(self)
    while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
    while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
    return String(s)
  }
}
