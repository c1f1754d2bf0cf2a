/// Matching a concrete condition key such as `aws:RequestTag/team` against a declared
/// template such as `aws:RequestTag/${TagKey}` or `s3:ExistingObjectTag/<key>`.
///
/// Condition key names are case-insensitive in IAM, and tag keys may contain `/` and `:`,
/// so a placeholder here matches any non-empty text and literals are compared ignoring case.
struct ConditionKeyTemplate {
  private enum Token: Equatable {
    case literal(UInt8)
    case placeholder
  }

  private var tokens: [Token] = []
  /// Literal bytes in the template; more means a more specific template.
  private(set) var literalCount = 0

  init(_ template: String) {
    let bytes = Array(template.utf8)
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      let closing: UInt8? =
        byte == UInt8(ascii: "<")
        ? UInt8(ascii: ">")
        : (byte == UInt8(ascii: "$") && index + 1 < bytes.count
          && bytes[index + 1] == UInt8(ascii: "{") ? UInt8(ascii: "}") : nil)
      if let closing, let close = bytes[(index + 1)...].firstIndex(of: closing) {
        tokens.append(.placeholder)
        index = close + 1
        continue
      }
      tokens.append(.literal(asciiLowercased(byte)))
      literalCount += 1
      index += 1
    }
  }

  func matches(_ key: String) -> Bool {
    match(token: 0, at: 0, in: Array(key.utf8))
  }

  private func match(token start: Int, at offset: Int, in key: [UInt8]) -> Bool {
    var token = start
    var position = offset
    while token < tokens.count {
      switch tokens[token] {
      case .literal(let byte):
        guard position < key.count, asciiLowercased(key[position]) == byte else { return false }
        token += 1
        position += 1
      case .placeholder:
        var end = position + 1
        while end <= key.count {
          if match(token: token + 1, at: end, in: key) { return true }
          end += 1
        }
        return false
      }
    }
    return position == key.count
  }
}
