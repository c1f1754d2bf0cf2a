/// Several wildcard patterns packed into one buffer, for the evaluator's inner loop.
///
/// A statement's `Action` list is matched on every request; keeping its
/// patterns contiguous avoids touching (and reference-counting) one array per
/// pattern, and a per-service filter skips statements about other services
/// without matching at all.
public struct PatternSet: Sendable {
  /// All patterns' tokens back to back.
  public let tokens: [UInt16]
  /// Pattern i is `tokens[bounds[i]..<bounds[i + 1]]`.
  public let bounds: [Int]
  /// Hashes of the literal service prefixes (`s3` in `s3:Get*`); nil when some
  /// pattern's service part has a wildcard (`*`, `s*:Get`), so any service may match.
  public let serviceHashes: [UInt64]?
  /// Per pattern: the length of a pattern without wildcards (such as `s3:getobject`),
  /// or -1. Most action patterns are literal, and a value of another length cannot
  /// match them, which rules most of them out without running the matcher.
  let literalLengths: [Int]

  public init(_ patterns: [WildcardPattern]) {
    self.init(patterns: patterns)
  }

  /// What both initialisers fill, sized up front (every statement of every new policy
  /// builds a set): the tokens, where each pattern ends, its literal length, and the
  /// services the patterns name.
  private struct Builder {
    var tokens: [UInt16] = []
    var bounds: [Int] = []
    var literalLengths: [Int] = []
    var services: [UInt64] = []
    /// A pattern names no service (or starts with a wildcard): every service is possible.
    var anyService = false

    init(patterns: Int, tokens: Int) {
      self.tokens.reserveCapacity(tokens)
      // Empty, then reserved: a literal `[0]` is one buffer more.
      bounds.reserveCapacity(patterns + 1)
      bounds.append(0)
      literalLengths.reserveCapacity(patterns)
    }

    /// Closes the pattern whose tokens start at `start`.
    mutating func endPattern(from start: Int, hasWildcards: Bool, serviceHash: UInt64?) {
      literalLengths.append(hasWildcards ? -1 : tokens.count - start)
      bounds.append(tokens.count)
      if anyService { return }
      if let serviceHash {
        if !services.contains(serviceHash) { services.append(serviceHash) }
      } else {
        anyService = true
      }
    }
  }

  private init(_ built: Builder) {
    tokens = built.tokens
    bounds = built.bounds
    serviceHashes = built.anyService ? nil : built.services
    literalLengths = built.literalLengths
  }

  init<C: Collection<WildcardPattern>>(patterns: C) {
    var total = 0
    for p in patterns { total += p.tokens.count }
    var built = Builder(patterns: patterns.count, tokens: total)
    for p in patterns {
      let start = built.tokens.count
      built.tokens.append(contentsOf: p.tokens)
      built.endPattern(from: start, hasWildcards: p.hasWildcards, serviceHash: p.serviceHash)
    }
    self.init(built)
  }

  /// The patterns of a statement's `Action` or `NotAction`, tokenized from their text
  /// straight into the set (as `WildcardPattern(text, wildcards: true, caseFolded: true)`):
  /// a token array per action, then copied here, was most of the cost.
  init(actions: [ActionPattern]) {
    var total = 0
    for action in actions { total += action.text.utf8.count }
    var built = Builder(patterns: actions.count, tokens: total)
    for action in actions {
      var text = action.text
      let start = built.tokens.count
      var hasWildcards = false
      // The hash of the lowercased service prefix, nil without a colon or when a wildcard
      // comes before it (`WildcardPattern.serviceHash`).
      var serviceHash: UInt64?
      text.withUTF8 { bytes in
        built.tokens.appendTokens(count: bytes.count) { out in
          var hash: UInt64 = 0xcbf2_9ce4_8422_2325
          var open = true
          for i in 0..<bytes.count {
            let t = WildcardPattern.token(bytes[i], wildcards: true, caseFolded: true)
            out[i] = t
            if t > 0xFF {
              hasWildcards = true
              open = false
            } else if open {
              if t == UInt16(UInt8(ascii: ":")) {
                serviceHash = hash
                open = false
              } else {
                hash ^= UInt64(t)
                hash = hash &* 0x100_0000_01b3
              }
            }
          }
          return bytes.count
        }
      }
      built.endPattern(from: start, hasWildcards: hasWildcards, serviceHash: serviceHash)
    }
    self.init(built)
  }

  public var count: Int { bounds.count - 1 }

  /// FNV-1a over bytes: stable, cheap, good enough for a prefilter.
  public static func hash<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes {
      h ^= UInt64(b)
      h = h &* 0x100_0000_01b3
    }
    return h
  }

  /// The service-prefix hash of an action name (already lowercased).
  public static func serviceHash(ofAction action: [UInt8]) -> UInt64 {
    let colon = action.firstIndex(of: UInt8(ascii: ":")) ?? action.count
    return hash(action[..<colon])
  }

  /// Index of the first pattern matching the value, or nil.
  @inline(__always)
  public func firstMatch(_ value: UnsafeBufferPointer<UInt8>, serviceHash: UInt64?) -> Int? {
    if let serviceHash, let services = serviceHashes, !services.contains(serviceHash) { return nil }
    return tokens.withUnsafeBufferPointer { all in
      bounds.withUnsafeBufferPointer { b in
        for i in 0..<(b.count - 1) {
          let literal = literalLengths[i]
          if literal >= 0 && literal != value.count { continue }
          let slice = UnsafeBufferPointer(rebasing: all[b[i]..<b[i + 1]])
          if WildcardPattern.glob(slice, value) { return i }
        }
        return nil
      }
    }
  }
}
