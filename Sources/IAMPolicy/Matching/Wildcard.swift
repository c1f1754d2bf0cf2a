/// An IAM wildcard pattern: `*` matches any run of characters, `?` exactly one.
///
/// Stored as tokens rather than text so that a `*` that came from a policy
/// variable's value (or from the `${*}` escape) stays a literal character:
/// values 0...255 are literal UTF-8 bytes, `star` and `question` are wildcards.
public struct WildcardPattern: Sendable, Hashable {
  public static let star: UInt16 = 0x100
  public static let question: UInt16 = 0x101

  public private(set) var tokens: [UInt16]
  public let hasWildcards: Bool

  /// A pattern from policy text; `*` and `?` are wildcards when `wildcards` is true.
  /// With `caseFolded`, ASCII letters are lowercased (actions match case-insensitively).
  public init(_ text: String, wildcards: Bool = true, caseFolded: Bool = false) {
    // Filled in place from the contiguous UTF-8: every pattern of every new policy comes
    // through here, and appending token by token cost more than the rest of the parse.
    var text = text
    var hasWildcards = false
    let tokens = text.withUTF8 { bytes in
      [UInt16](unsafeUninitializedCapacity: bytes.count) { buffer, count in
        for i in 0..<bytes.count {
          let t = WildcardPattern.token(bytes[i], wildcards: wildcards, caseFolded: caseFolded)
          if t > 0xFF { hasWildcards = true }
          buffer[i] = t
        }
        count = bytes.count
      }
    }
    self.tokens = tokens
    self.hasWildcards = hasWildcards
  }

  public init(tokens: [UInt16]) {
    self.tokens = tokens
    self.hasWildcards = tokens.contains { $0 > 0xFF }
  }

  @inline(__always) static func token(_ b: UInt8, wildcards: Bool, caseFolded: Bool) -> UInt16 {
    if wildcards {
      if b == UInt8(ascii: "*") { return star }
      if b == UInt8(ascii: "?") { return question }
    }
    if caseFolded && b >= 0x41 && b <= 0x5A { return UInt16(b + 0x20) }
    return UInt16(b)
  }

  /// `PatternSet.hash` of the literal service prefix (`s3` in `s3:Get*`); nil when there
  /// is no colon or the prefix has a wildcard.
  var serviceHash: UInt64? {
    tokens.withUnsafeBufferPointer { WildcardPattern.serviceHash($0) }
  }

  static func serviceHash(_ t: UnsafeBufferPointer<UInt16>) -> UInt64? {
    for i in t.indices {
      if t[i] == UInt16(UInt8(ascii: ":")) {
        return PatternSet.hash(UnsafeBufferPointer(rebasing: t[..<i]).lazy.map { UInt8(truncatingIfNeeded: $0) })
      }
      if t[i] > 0xFF { return nil }
    }
    return nil
  }

  /// Whether the pattern is exactly `*`.
  public var isMatchAll: Bool { tokens.count == 1 && tokens[0] == WildcardPattern.star }

  public func matches(_ value: String) -> Bool {
    var value = value
    return value.withUTF8 { matches($0) }
  }

  public func matches(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
    tokens.withUnsafeBufferPointer { WildcardPattern.glob($0, value) }
  }

  /// Matches a value that is lowercased on the fly (for actions).
  public func matchesCaseFolded(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
    tokens.withUnsafeBufferPointer { WildcardPattern.glob($0, value, foldValue: true) }
  }

  /// Bytes in the UTF-8 sequence that starts with this byte (1 for stray continuation bytes).
  @usableFromInline @inline(__always) static func scalarLength(_ lead: UInt8) -> Int {
    if lead < 0xC0 { return 1 }
    if lead < 0xE0 { return 2 }
    if lead < 0xF0 { return 3 }
    return 4
  }

  /// The classic greedy matcher that remembers only the last `*`.
  ///
  /// Earlier stars never need to be revisited, so the work is at most the input
  /// length times the length of the pattern piece after the last star: linear in
  /// the input for a given pattern, with no backtracking blow-up
  /// (`*a*a*a*a*a*a*a*a*a*b` against 100,000 `a`s is one pass).
  @inlinable @inline(__always)
  public static func glob(
    _ p: UnsafeBufferPointer<UInt16>, _ s: UnsafeBufferPointer<UInt8>, foldValue: Bool = false
  ) -> Bool {
    var pi = 0
    var si = 0
    var starP = -1
    var starS = 0
    let pn = p.count
    let sn = s.count
    while si < sn {
      if pi < pn {
        let t = p[pi]
        if t == star {
          // A final `*` takes whatever is left (`bucket/*` against a long key).
          if pi == pn - 1 { return true }
          starP = pi
          starS = si
          pi += 1
          continue
        }
        var c = s[si]
        if t == question {
          // `?` is one character: a whole UTF-8 sequence, not one byte.
          pi += 1
          si += scalarLength(c)
          continue
        }
        if foldValue && c >= 0x41 && c <= 0x5A { c += 0x20 }
        if t == UInt16(c) {
          pi += 1
          si += 1
          continue
        }
      }
      if starP >= 0 {
        pi = starP + 1
        // Let the star take one more character, keeping to character boundaries.
        starS += scalarLength(s[starS])
        si = starS
        continue
      }
      return false
    }
    if si > sn { return false }
    while pi < pn && p[pi] == star { pi += 1 }
    return pi == pn
  }
}

extension Array where Element == UInt16 {
  /// Appends up to `count` tokens that `body` writes (it returns how many), through a
  /// scratch buffer on the stack: appending one at a time calls into the runtime twice
  /// per token, which was most of the cost of tokenizing a new policy's patterns.
  @inline(__always)
  mutating func appendTokens(count: Int, _ body: (UnsafeMutableBufferPointer<UInt16>) -> Int) {
    withUnsafeTemporaryAllocation(of: UInt16.self, capacity: Swift.max(count, 1)) { scratch in
      let written = body(scratch)
      append(contentsOf: UnsafeBufferPointer(rebasing: scratch[..<written]))
    }
  }
}
