/// Matching concrete ARNs against the ARN formats of the Service Authorization Reference.
///
/// A format such as `arn:${Partition}:s3:::${BucketName}/${ObjectName}` is literal text with
/// `${Name}` placeholders and, in a few formats, a literal `*` (`…:instance/${InstanceId}/queue/*`).
/// The rules, chosen so that each ARN fits the resource type a learner would expect:
///
/// - A placeholder matches one non-empty segment: no `:` and no `/`.
/// - The last placeholder, when it ends the format and is not the whole resource part, may
///   also contain `/`. This is how object keys (`${BucketName}/${ObjectName}`), IAM paths
///   (`user/${UserNameWithPath}`) and log groups (`log-group:${LogGroupName}`, whose names
///   are often `/aws/lambda/…`) are written. A resource part that is only a placeholder
///   (`${BucketName}`, `${QueueName}`) stays one segment, so `arn:aws:s3:::b/k` fits `object`
///   but not `bucket`.
/// - A literal `*` matches any text, including none.
/// - Literal text is compared exactly: ARNs are case-sensitive.
///
/// Because of the second rule `table/t/index/i` also fits DynamoDB's `table/${TableName}`;
/// `ServiceCatalog.resourceTypes(forARN:)` therefore lists the most specific format first.
public enum ARNFormat {
  /// Whether `arn` fits `format` under the rules above.
  public static func matches(_ arn: String, format: String) -> Bool {
    let pattern = Pattern(format)
    return pattern.matches(Array(arn.utf8))
  }

  /// How many literal bytes the format has: more literal text means a more specific format.
  static func specificity(of format: String) -> Int {
    Pattern(format).literalCount
  }

  enum Token: Equatable {
    case literal(UInt8)
    case placeholder(spansSlash: Bool)
    case anything
  }

  struct Pattern {
    var tokens: [Token] = []
    var literalCount = 0

    init(_ format: String) {
      let bytes = Array(format.utf8)
      var index = 0
      var colons = 0
      var resourceStart: Int?  // token index where the resource part (after the 5th `:`) begins
      while index < bytes.count {
        let byte = bytes[index]
        if byte == UInt8(ascii: "$"), index + 1 < bytes.count,
          bytes[index + 1] == UInt8(ascii: "{"),
          let close = bytes[(index + 2)...].firstIndex(of: UInt8(ascii: "}"))
        {
          tokens.append(.placeholder(spansSlash: false))
          index = close + 1
          continue
        }
        if byte == UInt8(ascii: "*") {
          tokens.append(.anything)
        } else {
          tokens.append(.literal(byte))
          literalCount += 1
          if byte == UInt8(ascii: ":") {
            colons += 1
            if colons == 5 { resourceStart = tokens.count }
          }
        }
        index += 1
      }
      if let start = resourceStart, let last = tokens.indices.last, last > start,
        tokens[last] == .placeholder(spansSlash: false)
      {
        tokens[last] = .placeholder(spansSlash: true)
      }
    }

    func matches(_ arn: [UInt8]) -> Bool {
      match(token: 0, at: 0, in: arn)
    }

    // Backtracking is cheap here: formats have a handful of placeholders and at most one `*`.
    private func match(token start: Int, at offset: Int, in arn: [UInt8]) -> Bool {
      var token = start
      var position = offset
      while token < tokens.count {
        switch tokens[token] {
        case .literal(let byte):
          guard position < arn.count, arn[position] == byte else { return false }
          token += 1
          position += 1
        case .placeholder(let spansSlash):
          var end = position
          while end < arn.count, arn[end] != UInt8(ascii: ":"),
            spansSlash || arn[end] != UInt8(ascii: "/")
          {
            end += 1
            if match(token: token + 1, at: end, in: arn) { return true }
          }
          return false
        case .anything:
          var end = position
          while true {
            if match(token: token + 1, at: end, in: arn) { return true }
            if end == arn.count { return false }
            end += 1
          }
        }
      }
      return position == arn.count
    }
  }
}
