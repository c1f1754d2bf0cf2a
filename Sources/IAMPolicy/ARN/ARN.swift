/// An Amazon Resource Name split into its six parts.
///
/// `arn:partition:service:region:account-id:resource`; the resource part keeps
/// any further colons (`arn:aws:sns:us-east-2:111122223333:topic:sub`).
public struct ARN: Sendable, Hashable, CustomStringConvertible {
  public var partition: String
  public var service: String
  public var region: String
  public var account: String
  public var resource: String

  public init(partition: String, service: String, region: String, account: String, resource: String) {
    self.partition = partition
    self.service = service
    self.region = region
    self.account = account
    self.resource = resource
  }

  /// Parses `arn:...`; nil when the text does not have six colon-separated parts.
  public init?(_ text: String) {
    if let fast = ARN(ascii: text) {
      self = fast
      return
    }
    let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
    guard parts.count == 6, parts[0] == "arn" else { return nil }
    partition = String(parts[1])
    service = String(parts[2])
    region = String(parts[3])
    account = String(parts[4])
    resource = String(parts[5])
  }

  /// The same split over UTF-8 bytes, for ASCII text (where every byte is a character);
  /// nil for anything else, which the general path then decides. Offsets, not string
  /// indices: callers and policies are read by the thousand.
  init?(ascii text: String) {
    var text = text
    let parts: (String, String, String, String, String)? = text.withUTF8 { b in
      guard let arn = ARNBytes(b), ARNBytes.isPlainASCII(b) else { return nil }
      return (
        arn.string(arn.partition), arn.string(arn.service), arn.string(arn.region), arn.string(arn.account),
        arn.string(arn.resource)
      )
    }
    guard let parts else { return nil }
    (partition, service, region, account, resource) = parts
  }

  public var description: String { "arn:\(partition):\(service):\(region):\(account):\(resource)" }

  /// The resource type prefix: `role` in `role/Admin`, `table` in `table/Events`.
  public var resourceType: String {
    if let i = resource.firstIndex(where: { $0 == "/" || $0 == ":" }) { return String(resource[..<i]) }
    return resource
  }
}

/// An ARN's parts as ranges of its UTF-8 bytes: the split `ARN.init` makes, without
/// making a string for each part. The readers of callers, principals and resources
/// that use it take only ASCII text without CR (`isPlainASCII`), where each byte is a
/// character of its own, and leave other text to their Character readings.
package struct ARNBytes {
  package let bytes: UnsafeBufferPointer<UInt8>
  /// The first five colons (the first is at 3, after `arn`).
  let colons: (Int, Int, Int, Int, Int)

  /// nil unless `bytes` start with `arn:` and hold at least five colons.
  package init?(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard bytes.count >= 9, bytes[0] == 0x61, bytes[1] == 0x72, bytes[2] == 0x6E, bytes[3] == 0x3A else { return nil }
    var colons = (3, 0, 0, 0, 0)
    var count = 1
    var i = 4
    while i < bytes.count && count < 5 {
      if bytes[i] == UInt8(ascii: ":") {
        switch count {
        case 1: colons.1 = i
        case 2: colons.2 = i
        case 3: colons.3 = i
        default: colons.4 = i
        }
        count += 1
      }
      i += 1
    }
    guard count == 5 else { return nil }
    self.bytes = bytes
    self.colons = colons
  }

  package var partition: Range<Int> { (colons.0 + 1)..<colons.1 }
  package var service: Range<Int> { (colons.1 + 1)..<colons.2 }
  package var region: Range<Int> { (colons.2 + 1)..<colons.3 }
  package var account: Range<Int> { (colons.3 + 1)..<colons.4 }
  package var resource: Range<Int> { (colons.4 + 1)..<bytes.count }

  /// The resource type, as `ARN.resourceType`: the resource up to its first `/` or `:`.
  package var resourceType: Range<Int> {
    var end = colons.4 + 1
    while end < bytes.count && bytes[end] != UInt8(ascii: "/") && bytes[end] != UInt8(ascii: ":") { end += 1 }
    return (colons.4 + 1)..<end
  }

  package func string(_ range: Range<Int>) -> String {
    String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
  }

  /// Whether the bytes in `range` are exactly the ASCII literal.
  package func isText(_ range: Range<Int>, _ literal: StaticString) -> Bool {
    guard range.count == literal.utf8CodeUnitCount else { return false }
    let l = literal.utf8Start
    for (k, i) in range.enumerated() where bytes[i] != l[k] { return false }
    return true
  }

  /// ASCII without CR: every byte is a character of its own (CR joins a following LF
  /// into one). Eight bytes at a time: requests check every resource.
  package static func isPlainASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    JSONScanner.noByte(
      in: bytes, flaggedIn: { $0 & 0x8080_8080_8080_8080 | JSONScanner.byteMask($0, 0x0D) },
      flagged: { $0 >= 0x80 || $0 == 0x0D })
  }

}

/// IAM's ARN-aware resource matching.
///
/// Each of the first five colon-separated parts of the pattern is matched
/// against the same part of the ARN, so `*` in the region cannot swallow the
/// account; the resource part may span `/` and `:`. A `*` that ends a
/// pattern with fewer parts may expand past colons, so
/// `arn:aws:dynamodb:us-east-1:*` covers every table (IAM User Guide,
/// "IAM JSON policy elements: Resource", wildcards).
public enum ARNMatcher {
  /// Splits pattern tokens at literal colons into at most six segments.
  public static func segments(_ tokens: [UInt16]) -> [[UInt16]] {
    var segments: [[UInt16]] = []
    var current: [UInt16] = []
    for t in tokens {
      if t == UInt16(UInt8(ascii: ":")) && segments.count < 5 {
        segments.append(current)
        current = []
      } else {
        current.append(t)
      }
    }
    segments.append(current)
    return segments
  }

  /// Whether tokens begin with the literal `arn:`.
  public static func isARNPattern(_ tokens: [UInt16]) -> Bool {
    tokens.count >= 4 && tokens[0] == 0x61 && tokens[1] == 0x72 && tokens[2] == 0x6E && tokens[3] == 0x3A
  }

  public static func match(segments: [[UInt16]], _ s: UnsafeBufferPointer<UInt8>) -> Bool {
    match(SegmentedPattern(segments), s)
  }

  /// Matches the segments of a pattern, packed in one buffer, against an ARN.
  public static func match(_ pattern: SegmentedPattern, _ s: UnsafeBufferPointer<UInt8>) -> Bool {
    pattern.tokens.withUnsafeBufferPointer { tokens in
      pattern.bounds.withUnsafeBufferPointer { bounds in
        var start = 0
        let last = bounds.count - 2
        for i in 0...last {
          let seg = UnsafeBufferPointer(rebasing: tokens[bounds[i]..<bounds[i + 1]])
          if i == last {
            let rest = UnsafeBufferPointer(rebasing: s[start...])
            if i == 5 || seg.last == WildcardPattern.star { return WildcardPattern.glob(seg, rest) }
            if rest.contains(UInt8(ascii: ":")) { return false }
            return WildcardPattern.glob(seg, rest)
          }
          var colon = start
          while colon < s.count && s[colon] != UInt8(ascii: ":") { colon += 1 }
          guard colon < s.count else { return false }
          if !WildcardPattern.glob(seg, UnsafeBufferPointer(rebasing: s[start..<colon])) { return false }
          start = colon + 1
        }
        return false
      }
    }
  }

  /// Matches resource tokens (possibly from a variable substitution) against an ARN.
  public static func match(tokens: [UInt16], _ s: UnsafeBufferPointer<UInt8>) -> Bool {
    if isARNPattern(tokens) { return match(segments: segments(tokens), s) }
    return tokens.withUnsafeBufferPointer { WildcardPattern.glob($0, s) }
  }

  /// ArnLike/ArnEquals: all six parts compared separately; `*` never crosses a colon
  /// in the first five, and a value that is not an ARN never matches
  /// (IAM User Guide, "Amazon Resource Name (ARN) condition operators").
  public static func conditionMatch(tokens: [UInt16], _ s: UnsafeBufferPointer<UInt8>) -> Bool {
    let segs = segments(tokens)
    guard segs.count == 6 else { return false }
    var start = 0
    for i in 0..<6 {
      let seg = segs[i]
      if i == 5 {
        let rest = UnsafeBufferPointer(rebasing: s[start...])
        return seg.withUnsafeBufferPointer { WildcardPattern.glob($0, rest) }
      }
      var colon = start
      while colon < s.count && s[colon] != UInt8(ascii: ":") { colon += 1 }
      guard colon < s.count else { return false }
      let part = UnsafeBufferPointer(rebasing: s[start..<colon])
      if !seg.withUnsafeBufferPointer({ WildcardPattern.glob($0, part) }) { return false }
      start = colon + 1
    }
    return false
  }
}

/// The colon-separated segments of an ARN pattern, packed into one buffer.
public struct SegmentedPattern: Sendable {
  public let tokens: [UInt16]
  /// Segment i is `tokens[bounds[i]..<bounds[i + 1]]`.
  public let bounds: [Int]

  public init(_ segments: [[UInt16]]) {
    var tokens: [UInt16] = []
    var bounds = [0]
    for segment in segments {
      tokens.append(contentsOf: segment)
      bounds.append(tokens.count)
    }
    self.tokens = tokens
    self.bounds = bounds
  }

  /// Pattern tokens split at literal colons into at most six segments, as
  /// `init(ARNMatcher.segments(tokens))` does, without an array per segment.
  public init(splitting pattern: [UInt16]) {
    var tokens: [UInt16] = []
    tokens.reserveCapacity(pattern.count)
    var bounds = [0]
    bounds.reserveCapacity(7)
    for t in pattern {
      if t == UInt16(UInt8(ascii: ":")) && bounds.count < 6 {
        bounds.append(tokens.count)
      } else {
        tokens.append(t)
      }
    }
    bounds.append(tokens.count)
    self.tokens = tokens
    self.bounds = bounds
  }

  /// `init(splitting: WildcardPattern(text).tokens)`, read from the text's bytes: every
  /// ARN pattern of every new policy comes through here, and the tokens in between
  /// were an array made only to be split.
  init(splittingText text: String) {
    var text = text
    var tokens: [UInt16] = []
    // Empty, then reserved: a literal `[0]` is one buffer more.
    var bounds: [Int] = []
    bounds.reserveCapacity(7)
    bounds.append(0)
    text.withUTF8 { bytes in
      tokens.reserveCapacity(bytes.count)
      tokens.appendTokens(count: bytes.count) { out in
        var count = 0
        for b in bytes {
          if b == UInt8(ascii: ":") && bounds.count < 6 {
            bounds.append(count)
          } else {
            out[count] = WildcardPattern.token(b, wildcards: true, caseFolded: false)
            count += 1
          }
        }
        return count
      }
    }
    bounds.append(tokens.count)
    self.tokens = tokens
    self.bounds = bounds
  }
}
