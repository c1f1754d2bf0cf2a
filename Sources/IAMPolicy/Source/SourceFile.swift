#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A document as the user gave it: a name to show in messages and its UTF-8 bytes.
///
/// Positions are kept as UTF-8 offsets everywhere and turned into 1-based
/// line:column only when shown, so parsing never pays for line bookkeeping.
public struct SourceFile: Sendable, Hashable {
  /// What messages call this document: a path, `-`, or `PolicyInputList.1`.
  public var name: String
  public var bytes: [UInt8]
  /// The line number of the first byte: a line of a JSON Lines file starts at its own line.
  public var firstLine: Int

  public init(name: String, bytes: [UInt8], firstLine: Int = 1) {
    self.name = name
    self.bytes = bytes
    self.firstLine = firstLine
  }

  public init(name: String, text: String, firstLine: Int = 1) {
    self.init(name: name, bytes: Array(text.utf8), firstLine: firstLine)
  }

  /// The text of a span, decoded leniently (invalid UTF-8 becomes U+FFFD).
  public func text(of span: SourceSpan) -> String {
    let lower = max(0, min(span.start, bytes.count))
    let upper = max(lower, min(span.end, bytes.count))
    return String(decoding: bytes[lower..<upper], as: UTF8.self)
  }

  /// The 1-based line and column of a UTF-8 offset; columns count Unicode scalars.
  public func location(at offset: Int) -> SourceLocation {
    let offset = max(0, min(offset, bytes.count))
    return bytes.withUnsafeBufferPointer { bytes in
      guard let base = bytes.baseAddress else { return SourceLocation(line: firstLine, column: 1) }
      var line = firstLine
      var lineStart = 0
      // Newlines with memchr, which is vectorised: most documents have few.
      while lineStart < offset, let hit = memchr(base + lineStart, 0x0A, offset - lineStart) {
        line += 1
        lineStart = base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) + 1
      }
      // Columns count every byte but UTF-8 continuation bytes (10xxxxxx), eight at a time.
      var continuations = 0
      var i = lineStart
      let raw = UnsafeRawPointer(base)
      while i + 8 <= offset {
        let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        continuations += (word & ~(word << 1) & 0x8080_8080_8080_8080).nonzeroBitCount
        i += 8
      }
      while i < offset {
        if bytes[i] & 0xC0 == 0x80 { continuations += 1 }
        i += 1
      }
      return SourceLocation(line: line, column: 1 + (offset - lineStart) - continuations)
    }
  }

  /// Both ends of a span as line:column positions in this file.
  public func range(of span: SourceSpan) -> SourceRange {
    let start = location(at: span.start)
    // One pass is enough for the end when it is on a later line, but spans are short.
    let end = location(at: span.end)
    return SourceRange(source: name, start: start, end: end)
  }

  /// The text of one line (1-based), without its newline, for caret snippets.
  public func lineText(_ line: Int) -> String {
    var current = firstLine
    var start = 0
    var index = 0
    while index < bytes.count && current < line {
      if bytes[index] == 0x0A {
        current += 1
        start = index + 1
      }
      index += 1
    }
    guard current == line else { return "" }
    var end = start
    while end < bytes.count && bytes[end] != 0x0A { end += 1 }
    var text = String(decoding: bytes[start..<end], as: UTF8.self)
    if text.hasSuffix("\r") { text.removeLast() }
    return text
  }
}

/// A half-open range of UTF-8 offsets into a `SourceFile`.
public struct SourceSpan: Sendable, Hashable {
  public var start: Int
  public var end: Int

  public init(start: Int, end: Int) {
    self.start = start
    self.end = end
  }

  public static let none = SourceSpan(start: 0, end: 0)
}

/// A 1-based line and column (Unicode scalars from the start of the line).
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var line: Int
  public var column: Int

  public init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }

  public static func < (a: Self, b: Self) -> Bool {
    (a.line, a.column) < (b.line, b.column)
  }

  public var description: String { "\(line):\(column)" }
}

/// Where something is, ready to show: `PolicyInputList.1:3:17`.
public struct SourceRange: Sendable, Hashable, CustomStringConvertible {
  public var source: String
  public var start: SourceLocation
  public var end: SourceLocation

  public init(source: String, start: SourceLocation, end: SourceLocation) {
    self.source = source
    self.start = start
    self.end = end
  }

  public var description: String { "\(source):\(start.line):\(start.column)" }
}

/// A value with the span it came from; equality ignores the span so parsed
/// models compare with hand-written ones in tests.
public struct Located<Value: Sendable & Equatable>: Sendable, Equatable {
  public var value: Value
  public var span: SourceSpan

  public init(_ value: Value, span: SourceSpan) {
    self.value = value
    self.span = span
  }

  public static func == (a: Self, b: Self) -> Bool { a.value == b.value }
}
