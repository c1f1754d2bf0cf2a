/// A cursor over a JSON document for readers that know its shape and want to
/// skip work the generic reader must do.
///
/// `simulate --batch` documents are mostly policies given as JSON strings,
/// repeated from line to line. `JSONParser` decodes every string before anyone
/// can look at it; this cursor lets a reader find a string's raw (still
/// escaped) extent first, ask a cache about those bytes, and decode only on a
/// miss. Everything else goes through the same code as `JSONParser`, so the
/// limits and checks are the same. Any failure is just `nil`: callers fall
/// back to `JSONParser` for the located diagnostic.
public struct JSONScanner {
  var state: JSONParser.State

  /// Runs `body` with a cursor at the start of the document; the cursor is only
  /// valid inside `body`. Nil when the document is larger than the limits allow.
  public static func scan<R>(
    _ file: SourceFile, limits: JSONParser.Limits = .default, _ body: (inout JSONScanner) -> R?
  ) -> R? {
    file.bytes.withUnsafeBufferPointer { buffer in scan(buffer, limits: limits, body) }
  }

  /// As `scan(_:limits:_:)`, over bytes the caller keeps alive (a line of a mapped
  /// batch file, read without copying it into a `SourceFile`).
  public static func scan<R>(
    _ bytes: UnsafeBufferPointer<UInt8>, limits: JSONParser.Limits = .default, _ body: (inout JSONScanner) -> R?
  ) -> R? {
    guard bytes.count <= limits.maxBytes else { return nil }
    var scanner = JSONScanner(state: JSONParser.State(bytes: bytes, limits: limits))
    return body(&scanner)
  }

  /// The whole document being scanned.
  public var bytes: UnsafeBufferPointer<UInt8> { state.bytes }

  /// The UTF-8 offset of the cursor.
  public var offset: Int {
    get { state.index }
    set { state.index = max(0, min(newValue, state.bytes.count)) }
  }

  public var isAtEnd: Bool { state.index >= state.bytes.count }

  /// Whether any object had a repeated key so far (the generic reader reports those).
  public var sawDuplicateKey: Bool { !state.duplicates.isEmpty }

  public mutating func skipWhitespace() { state.skipWhitespace() }

  /// The next byte after whitespace, without consuming it.
  public mutating func peek() -> UInt8? {
    state.skipWhitespace()
    return state.index < state.bytes.count ? state.bytes[state.index] : nil
  }

  /// Consumes `byte` (after whitespace) when it is next.
  public mutating func consume(_ byte: UInt8) -> Bool {
    guard peek() == byte else { return false }
    state.index += 1
    return true
  }

  /// A whole value, as `JSONParser` reads it; `depth` is the nesting of its container.
  public mutating func value(depth: Int) -> JSONValue? {
    state.skipWhitespace()
    return try? state.parseValue(depth: depth)
  }

  /// A decoded (and validated) string.
  public mutating func string() -> String? {
    guard peek() == UInt8(ascii: "\"") else { return nil }
    return try? state.parseString()
  }

  /// The span of a string, quotes included, without decoding or validating it.
  ///
  /// Finds the closing quote by skipping each backslash's next byte, which is
  /// where it is for every valid string; callers that need the text (or its
  /// validity) decode it with `string()` from the same offset.
  public mutating func rawString() -> SourceSpan? {
    guard peek() == UInt8(ascii: "\"") else { return nil }
    let bytes = state.bytes
    let start = state.index
    var i = start + 1
    let n = bytes.count
    guard let base = bytes.baseAddress else { return nil }
    let raw = UnsafeRawPointer(base)
    while true {
      i = JSONScanner.skipToQuoteOrBackslash(raw, from: i, count: n)
      guard i < n else { return nil }
      let b = bytes[i]
      if b == 0x22 {
        state.index = i + 1
        return SourceSpan(start: start, end: i + 1)
      }
      i += b == 0x5C ? 2 : 1
    }
  }

  /// The span of the next value, without decoding or validating it: strings as in
  /// `rawString()`, arrays and objects to their matching bracket, other tokens to
  /// the next delimiter. Nil when the document ends first or nesting passes the
  /// depth limit. Callers use it to find bytes to look up; on a miss they read the
  /// value with `value(depth:)` from the same offset, which validates.
  public mutating func rawValue() -> SourceSpan? {
    guard let first = peek() else { return nil }
    let start = state.index
    if first == UInt8(ascii: "\"") { return rawString() }
    let bytes = state.bytes
    if first != UInt8(ascii: "[") && first != UInt8(ascii: "{") {
      var i = start
      while i < bytes.count {
        let b = bytes[i]
        if b == UInt8(ascii: ",") || b == UInt8(ascii: "]") || b == UInt8(ascii: "}") || b == 0x20 || b == 0x0A
          || b == 0x0D || b == 0x09 || b == UInt8(ascii: ":")
        {
          break
        }
        i += 1
      }
      guard i > start else { return nil }
      state.index = i
      return SourceSpan(start: start, end: i)
    }
    guard let base = bytes.baseAddress else { return nil }
    let raw = UnsafeRawPointer(base)
    let n = bytes.count
    let maxDepth = state.limits.maxDepth
    var depth = 0
    var i = start
    // One loop over the whole value, eight bytes at a time between the bytes that
    // matter: brackets and quotes outside strings, quotes and backslashes inside.
    while i < n {
      while i + 8 <= n {
        let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
        // `[` and `{` (and `]` and `}`) differ only in bit 0x20.
        let folded = word | 0x2020_2020_2020_2020
        let special =
          JSONScanner.byteMask(word, 0x22) | JSONScanner.byteMask(folded, 0x7B) | JSONScanner.byteMask(folded, 0x7D)
        if special == 0 {
          i += 8
          continue
        }
        i += special.trailingZeroBitCount >> 3
        break
      }
      guard i < n else { return nil }
      switch bytes[i] {
      case UInt8(ascii: "\""):
        i += 1
        while true {
          i = JSONScanner.skipToQuoteOrBackslash(raw, from: i, count: n)
          guard i < n else { return nil }
          if bytes[i] == 0x22 { break }
          i += bytes[i] == 0x5C ? 2 : 1
        }
      case UInt8(ascii: "["), UInt8(ascii: "{"):
        depth += 1
        if depth > maxDepth { return nil }
      case UInt8(ascii: "]"), UInt8(ascii: "}"):
        depth -= 1
        if depth == 0 {
          state.index = i + 1
          return SourceSpan(start: start, end: i + 1)
        }
      default: break
      }
      i += 1
    }
    return nil
  }

  /// Eight bytes at a time from `start` to the first quote or backslash; stops within the last
  /// eight bytes of `count` (the caller reads those one by one).
  @inline(__always)
  static func skipToQuoteOrBackslash(_ raw: UnsafeRawPointer, from start: Int, count n: Int) -> Int {
    var i = start
    while i + 8 <= n {
      let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
      let special = JSONScanner.byteMask(word, 0x22) | JSONScanner.byteMask(word, 0x5C)
      if special == 0 {
        i += 8
        continue
      }
      // The lowest flagged byte is exact (only bytes above a match can be false alarms).
      return i + special.trailingZeroBitCount >> 3
    }
    return i
  }

  /// The high bit of each byte of `word` that equals `byte`, plus possibly some above
  /// the lowest match (the classic SWAR zero-byte test); zero when none does.
  @inline(__always)
  /// Whether `bytes` go into a JSON string as they are: no control character, quote
  /// or backslash. Eight bytes at a time (writers check every name and ARN they put).
  public static func needsNoEscape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    noByte(
      in: bytes,
      // Bytes below 0x20: the classic "has a byte less than n" test (exact for n <= 128).
      flaggedIn: { ($0 &- 0x2020_2020_2020_2020) & ~$0 & 0x8080_8080_8080_8080 | byteMask($0, 0x22) | byteMask($0, 0x5C) },
      flagged: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C })
  }

  /// Whether no byte of `bytes` is `flagged`; `flaggedIn` asks the same of eight bytes at
  /// once (non-zero when any is). The loop shared by the byte checks that run on every
  /// name, ARN and resource.
  @inline(__always)
  package static func noByte(
    in bytes: UnsafeBufferPointer<UInt8>, flaggedIn: (UInt64) -> UInt64, flagged: (UInt8) -> Bool
  ) -> Bool {
    guard let base = bytes.baseAddress else { return true }
    let raw = UnsafeRawPointer(base)
    var i = 0
    while i + 8 <= bytes.count {
      if flaggedIn(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) != 0 { return false }
      i += 8
    }
    while i < bytes.count {
      if flagged(bytes[i]) { return false }
      i += 1
    }
    return true
  }


  static func byteMask(_ word: UInt64, _ byte: UInt8) -> UInt64 {
    let x = word ^ (0x0101_0101_0101_0101 &* UInt64(byte))
    return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
  }
}
