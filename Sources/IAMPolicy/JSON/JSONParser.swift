/// A recursive-descent JSON reader over UTF-8 bytes that keeps spans and has limits.
///
/// Foundation's JSON cannot say where a value was, and a policy tutor must
/// point at the character a learner got wrong; limits turn hostile input
/// (10,000 nested arrays, a 100 MB string) into a diagnostic, not a crash.
public struct JSONParser {
  public struct Limits: Sendable {
    public var maxDepth: Int
    public var maxBytes: Int
    public var maxStringBytes: Int

    public init(maxDepth: Int = 128, maxBytes: Int = 64 << 20, maxStringBytes: Int = 16 << 20) {
      self.maxDepth = maxDepth
      self.maxBytes = maxBytes
      self.maxStringBytes = maxStringBytes
    }

    public static let `default` = Limits()
  }

  /// Parses a whole document; any syntax error stops parsing and is the one diagnostic.
  /// Duplicate keys are reported and parsing goes on.
  public static func parse(_ file: SourceFile, limits: Limits = .default) -> Parsed<JSONValue> {
    if file.bytes.count > limits.maxBytes {
      let d = Diagnostic(
        code: .jsonTooLarge,
        message: "document is \(file.bytes.count) bytes; the limit is \(limits.maxBytes)",
        help: "IAM policies are at most a few kilobytes; check that this is the right file",
        range: file.range(of: SourceSpan(start: 0, end: 0)))
      return Parsed(value: nil, diagnostics: [d])
    }
    return file.bytes.withUnsafeBufferPointer { buffer in
      var state = State(bytes: buffer, limits: limits)
      do throws(State.Failure) {
        state.skipWhitespace()
        let value = try state.parseValue(depth: 0)
        state.skipWhitespace()
        if state.index < buffer.count {
          throw State.Failure(
            code: .jsonTrailingContent, message: "unexpected content after the JSON value",
            help: "a document holds exactly one JSON value; remove what follows it or wrap both in an array",
            offset: state.index)
        }
        return Parsed(value: value, diagnostics: state.duplicates.map { $0.diagnostic(in: file) })
      } catch {
        var diagnostics = state.duplicates.map { $0.diagnostic(in: file) }
        diagnostics.append(error.diagnostic(in: file))
        return Parsed(value: nil, diagnostics: diagnostics)
      }
    }
  }

  struct State {
    struct Failure: Error {
      var code: DiagnosticCode
      var message: String
      var help: String?
      var offset: Int
      var end: Int? = nil

      func diagnostic(in file: SourceFile) -> Diagnostic {
        Diagnostic(
          code: code, message: message, help: help,
          range: file.range(of: SourceSpan(start: offset, end: end ?? offset + 1)))
      }
    }

    let bytes: UnsafeBufferPointer<UInt8>
    let limits: Limits
    var index = 0
    var duplicates: [Failure] = []

    init(bytes: UnsafeBufferPointer<UInt8>, limits: Limits) {
      self.bytes = bytes
      self.limits = limits
    }

    @inline(__always) mutating func skipWhitespace() {
      while index < bytes.count {
        let b = bytes[index]
        if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { index += 1 } else { return }
      }
    }

    func describe(_ byte: UInt8) -> String {
      if byte >= 0x20 && byte < 0x7F { return "`\(Character(Unicode.Scalar(byte)))`" }
      return "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }

    mutating func parseValue(depth: Int) throws(Failure) -> JSONValue {
      guard index < bytes.count else {
        throw Failure(
          code: .jsonUnexpectedEnd, message: "unexpected end of input; expected a value",
          help: "the document is cut short: check for a missing `}` or `]`", offset: index)
      }
      let start = index
      switch bytes[index] {
      case UInt8(ascii: "{"):
        return try parseObject(depth: depth + 1)
      case UInt8(ascii: "["):
        return try parseArray(depth: depth + 1)
      case UInt8(ascii: "\""):
        let s = try parseString()
        return JSONValue(.string(s), span: SourceSpan(start: start, end: index))
      case UInt8(ascii: "t"):
        try expectLiteral("true")
        return JSONValue(.bool(true), span: SourceSpan(start: start, end: index))
      case UInt8(ascii: "f"):
        try expectLiteral("false")
        return JSONValue(.bool(false), span: SourceSpan(start: start, end: index))
      case UInt8(ascii: "n"):
        try expectLiteral("null")
        return JSONValue(.null, span: SourceSpan(start: start, end: index))
      case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
        return try parseNumber()
      case let b:
        var help = "a JSON value is an object, array, string in double quotes, number, true, false or null"
        if b == UInt8(ascii: "'") { help = "JSON strings use double quotes (\"), not single quotes" }
        if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
          help = "a trailing comma is not allowed in JSON; remove the `,` before this"
        }
        throw Failure(
          code: .jsonUnexpectedCharacter, message: "expected a value, found \(describe(b))",
          help: help, offset: index)
      }
    }

    mutating func expectLiteral(_ word: String) throws(Failure) {
      let start = index
      let expected = Array(word.utf8)
      let count = expected.count
      var ok = index + count <= bytes.count
      if ok {
        for i in 0..<count where bytes[index + i] != expected[i] {
          ok = false
          break
        }
      }
      guard ok else {
        throw Failure(
          code: .jsonInvalidLiteral, message: "invalid literal; expected `\(word)`",
          help: "strings need double quotes; the only bare words in JSON are true, false and null",
          offset: start)
      }
      index += count
    }

    mutating func parseObject(depth: Int) throws(Failure) -> JSONValue {
      let start = index
      if depth > limits.maxDepth {
        throw Failure(
          code: .jsonTooDeep, message: "nesting is deeper than \(limits.maxDepth) levels",
          help: "IAM documents nest only a few levels; this input is not a policy", offset: index)
      }
      index += 1  // {
      var members: [JSONMember] = []
      skipWhitespace()
      // Room for a statement's usual members at once, not 1, 2, then 4 (each a new buffer).
      if index < bytes.count && bytes[index] != UInt8(ascii: "}") { members.reserveCapacity(4) }
      if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
        index += 1
        return JSONValue(.object(members), span: SourceSpan(start: start, end: index))
      }
      while true {
        skipWhitespace()
        guard index < bytes.count else {
          throw Failure(
            code: .jsonUnexpectedEnd, message: "unexpected end of input inside an object",
            help: "add the missing `}`", offset: index)
        }
        guard bytes[index] == UInt8(ascii: "\"") else {
          var help = "object keys are strings in double quotes"
          if bytes[index] == UInt8(ascii: "}") { help = "a trailing comma is not allowed in JSON; remove the `,` before this" }
          throw Failure(
            code: .jsonUnexpectedCharacter,
            message: "expected a member name in double quotes, found \(describe(bytes[index]))",
            help: help, offset: index)
        }
        let keyStart = index
        let key = try parseString()
        let keySpan = SourceSpan(start: keyStart, end: index)
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
          if index >= bytes.count {
            throw Failure(
              code: .jsonUnexpectedEnd, message: "unexpected end of input after a member name",
              offset: index)
          }
          throw Failure(
            code: .jsonUnexpectedCharacter,
            message: "expected `:` after member name, found \(describe(bytes[index]))",
            help: "write members as \"Name\": value", offset: index)
        }
        index += 1
        skipWhitespace()
        let value = try parseValue(depth: depth)
        if members.count < 32 {
          if let earlier = members.first(where: { $0.key == key }) {
            noteDuplicate(key, at: keySpan, earlier: earlier.keySpan)
          }
        } else if members.contains(where: { $0.key == key }) {
          noteDuplicate(key, at: keySpan, earlier: nil)
        }
        members.append(JSONMember(key: key, keySpan: keySpan, value: value))
        skipWhitespace()
        guard index < bytes.count else {
          throw Failure(
            code: .jsonUnexpectedEnd, message: "unexpected end of input inside an object",
            help: "add the missing `}`", offset: index)
        }
        let b = bytes[index]
        if b == UInt8(ascii: ",") {
          index += 1
          continue
        }
        if b == UInt8(ascii: "}") {
          index += 1
          return JSONValue(.object(members), span: SourceSpan(start: start, end: index))
        }
        throw Failure(
          code: .jsonUnexpectedCharacter, message: "expected ',' or '}' after member, found \(describe(b))",
          help: "separate members with commas", offset: index)
      }
    }

    mutating func noteDuplicate(_ key: String, at span: SourceSpan, earlier: SourceSpan?) {
      duplicates.append(
        Failure(
          code: .jsonDuplicateKey, message: "duplicate key `\(key)`",
          help: "each key may appear once in an object; AWS rejects a policy with repeated keys, merge the two",
          offset: span.start, end: span.end))
    }

    mutating func parseArray(depth: Int) throws(Failure) -> JSONValue {
      let start = index
      if depth > limits.maxDepth {
        throw Failure(
          code: .jsonTooDeep, message: "nesting is deeper than \(limits.maxDepth) levels",
          help: "IAM documents nest only a few levels; this input is not a policy", offset: index)
      }
      index += 1  // [
      var elements: [JSONValue] = []
      skipWhitespace()
      if index < bytes.count && bytes[index] != UInt8(ascii: "]") { elements.reserveCapacity(4) }
      if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
        index += 1
        return JSONValue(.array(elements), span: SourceSpan(start: start, end: index))
      }
      while true {
        skipWhitespace()
        elements.append(try parseValue(depth: depth))
        skipWhitespace()
        guard index < bytes.count else {
          throw Failure(
            code: .jsonUnexpectedEnd, message: "unexpected end of input inside an array",
            help: "add the missing `]`", offset: index)
        }
        let b = bytes[index]
        if b == UInt8(ascii: ",") {
          index += 1
          continue
        }
        if b == UInt8(ascii: "]") {
          index += 1
          return JSONValue(.array(elements), span: SourceSpan(start: start, end: index))
        }
        throw Failure(
          code: .jsonUnexpectedCharacter, message: "expected ',' or ']' after element, found \(describe(b))",
          help: "separate elements with commas", offset: index)
      }
    }

    mutating func parseNumber() throws(Failure) -> JSONValue {
      let start = index
      if bytes[index] == UInt8(ascii: "-") { index += 1 }
      func digits(_ s: inout State) -> Int {
        let from = s.index
        while s.index < s.bytes.count, s.bytes[s.index] >= 0x30, s.bytes[s.index] <= 0x39 { s.index += 1 }
        return s.index - from
      }
      let intStart = index
      let intDigits = digits(&self)
      if intDigits == 0 || (intDigits > 1 && bytes[intStart] == UInt8(ascii: "0")) {
        throw Failure(
          code: .jsonInvalidNumber, message: "invalid number",
          help: "JSON numbers have no leading zeros or bare signs; quote the value if it is text",
          offset: start)
      }
      if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
        index += 1
        if digits(&self) == 0 {
          throw Failure(code: .jsonInvalidNumber, message: "invalid number: digits must follow `.`", offset: start)
        }
      }
      if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
        index += 1
        if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
          index += 1
        }
        if digits(&self) == 0 {
          throw Failure(code: .jsonInvalidNumber, message: "invalid number: digits must follow the exponent", offset: start)
        }
      }
      let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
      return JSONValue(.number(text), span: SourceSpan(start: start, end: index))
    }

    /// Reads a string starting at its opening quote; leaves `index` after the closing quote.
    /// The offset of the first byte at or after `i` that a string reader must look at
    /// (a quote, a backslash, a control byte or a non-ASCII byte), or of the last few
    /// bytes; eight bytes at a time, as most string bytes are plain ASCII.
    @inline(__always)
    static func plainRun(_ bytes: UnsafeBufferPointer<UInt8>, from i: Int) -> Int {
      guard let base = bytes.baseAddress else { return i }
      let raw = UnsafeRawPointer(base)
      var i = i
      while i + 8 <= bytes.count {
        let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
        // High bits: non-ASCII bytes, bytes below 0x20 (the classic "has less than" test,
        // exact for the lowest such byte), quotes and backslashes.
        let special =
          (word | ((word &- 0x2020_2020_2020_2020) & ~word) | JSONScanner.byteMask(word, 0x22)
            | JSONScanner.byteMask(word, 0x5C)) & 0x8080_8080_8080_8080
        if special != 0 { return i + (special.trailingZeroBitCount >> 3) }
        i += 8
      }
      return i
    }

    mutating func parseString() throws(Failure) -> String {
      let open = index
      index += 1
      let contentStart = index
      var ascii = true
      // Fast path: no escapes.
      while index < bytes.count {
        index = State.plainRun(bytes, from: index)
        guard index < bytes.count else { break }
        let b = bytes[index]
        if b == UInt8(ascii: "\"") {
          let length = index - contentStart
          if length > limits.maxStringBytes { throw tooLong(open) }
          let slice = UnsafeBufferPointer(rebasing: bytes[contentStart..<index])
          index += 1
          if ascii { return String(decoding: slice, as: UTF8.self) }
          guard let s = String(validating: slice, as: UTF8.self) else { throw invalidUTF8(in: slice, base: contentStart) }
          return s
        }
        if b == UInt8(ascii: "\\") { break }
        if b < 0x20 { throw controlCharacter(at: index) }
        if b >= 0x80 { ascii = false }
        index += 1
      }
      guard index < bytes.count else {
        throw Failure(
          code: .jsonUnexpectedEnd, message: "unterminated string",
          help: "add the closing `\"`", offset: open)
      }
      // Slow path: copy with escapes decoded, into one buffer sized by the raw text up
      // to the closing quote (found first; a backslash always takes the next byte, and
      // the decoded text is never longer than the raw). Errors are found by the loop
      // below in the order it meets them, as before.
      var close = index
      while close < bytes.count && bytes[close] != UInt8(ascii: "\"") {
        close = State.quoteOrBackslash(bytes, from: close)
        if close < bytes.count && bytes[close] == UInt8(ascii: "\\") { close += 2 }
      }
      let capacity = max(1, min(close, bytes.count) - contentStart)
      let out = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
      defer { out.deallocate() }
      var count = index - contentStart
      out.initialize(from: bytes.baseAddress! + contentStart, count: count)
      while index < bytes.count {
        let b = bytes[index]
        if b == UInt8(ascii: "\"") {
          index += 1
          if count > limits.maxStringBytes { throw tooLong(open) }
          let decoded = UnsafeBufferPointer(start: out, count: count)
          if ascii { return String(decoding: decoded, as: UTF8.self) }
          guard let s = String(validating: decoded, as: UTF8.self) else {
            throw Failure(
              code: .jsonInvalidUTF8, message: "string is not valid UTF-8",
              help: "save the file as UTF-8", offset: open)
          }
          return s
        }
        if b != UInt8(ascii: "\\") {
          // Copy the run up to the next quote or backslash in one go.
          let runStart = index
          while index < bytes.count {
            index = State.plainRun(bytes, from: index)
            guard index < bytes.count else { break }
            let c = bytes[index]
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw controlCharacter(at: index) }
            if c >= 0x80 { ascii = false }
            index += 1
          }
          guard index < bytes.count, count + (index - runStart) <= capacity else { break }
          (out + count).initialize(from: bytes.baseAddress! + runStart, count: index - runStart)
          count += index - runStart
          continue
        }
        let escapeStart = index
        index += 1
        guard index < bytes.count, count < capacity else { break }
        switch bytes[index] {
        case UInt8(ascii: "\""): out[count] = 0x22
        case UInt8(ascii: "\\"): out[count] = 0x5C
        case UInt8(ascii: "/"): out[count] = 0x2F
        case UInt8(ascii: "b"): out[count] = 0x08
        case UInt8(ascii: "f"): out[count] = 0x0C
        case UInt8(ascii: "n"): out[count] = 0x0A
        case UInt8(ascii: "r"): out[count] = 0x0D
        case UInt8(ascii: "t"): out[count] = 0x09
        case UInt8(ascii: "u"):
          var scalar = try hex4(escapeStart)
          if scalar >= 0xD800 && scalar < 0xDC00 {
            // A high surrogate must be followed by \u and a low surrogate.
            guard index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "\\"),
              bytes[index + 2] == UInt8(ascii: "u")
            else { throw badSurrogate(escapeStart) }
            index += 2
            let low = try hex4(escapeStart)
            guard low >= 0xDC00 && low < 0xE000 else { throw badSurrogate(escapeStart) }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
          } else if scalar >= 0xDC00 && scalar < 0xE000 {
            throw badSurrogate(escapeStart)
          }
          guard let u = Unicode.Scalar(scalar) else { throw badSurrogate(escapeStart) }
          if scalar >= 0x80 { ascii = false }
          // At most 4 UTF-8 bytes for at least 6 raw ones: it fits.
          var written = 0
          UTF8.encode(u) { byte in
            out[count + written] = byte
            written += 1
          }
          count += written - 1
        default:
          throw Failure(
            code: .jsonInvalidEscape, message: "invalid escape `\\\(Character(Unicode.Scalar(bytes[index])))`",
            help: "JSON escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX", offset: escapeStart,
            end: index + 1)
        }
        count += 1
        index += 1
        if count > limits.maxStringBytes { throw tooLong(open) }
      }
      throw Failure(
        code: .jsonUnexpectedEnd, message: "unterminated string", help: "add the closing `\"`",
        offset: open)
    }

    /// The offset of the first quote or backslash at or after `i` (or the end).
    @inline(__always)
    static func quoteOrBackslash(_ bytes: UnsafeBufferPointer<UInt8>, from i: Int) -> Int {
      guard let base = bytes.baseAddress else { return bytes.count }
      let raw = UnsafeRawPointer(base)
      var i = i
      while i + 8 <= bytes.count {
        let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
        let special = JSONScanner.byteMask(word, 0x22) | JSONScanner.byteMask(word, 0x5C)
        if special != 0 { return i + (special.trailingZeroBitCount >> 3) }
        i += 8
      }
      while i < bytes.count && bytes[i] != 0x22 && bytes[i] != 0x5C { i += 1 }
      return i
    }

    /// Reads the four hex digits after `\u`; leaves `index` on the last digit.
    mutating func hex4(_ escapeStart: Int) throws(Failure) -> UInt32 {
      var value: UInt32 = 0
      for _ in 0..<4 {
        index += 1
        guard index < bytes.count else {
          throw Failure(code: .jsonUnexpectedEnd, message: "unexpected end of input in `\\u` escape", offset: escapeStart)
        }
        let b = bytes[index]
        let digit: UInt32
        switch b {
        case 0x30...0x39: digit = UInt32(b - 0x30)
        case 0x41...0x46: digit = UInt32(b - 0x41 + 10)
        case 0x61...0x66: digit = UInt32(b - 0x61 + 10)
        default:
          throw Failure(
            code: .jsonInvalidEscape, message: "invalid `\\u` escape: expected four hex digits",
            offset: escapeStart, end: index + 1)
        }
        value = value * 16 + digit
      }
      return value
    }

    func badSurrogate(_ at: Int) -> Failure {
      Failure(
        code: .jsonInvalidEscape, message: "invalid UTF-16 surrogate pair in `\\u` escape",
        offset: at, end: index + 1)
    }

    func tooLong(_ open: Int) -> Failure {
      Failure(
        code: .jsonStringTooLong, message: "string is longer than \(limits.maxStringBytes) bytes",
        help: "no IAM value is this long; check the input", offset: open)
    }

    func controlCharacter(at offset: Int) -> Failure {
      let help = bytes[offset] == 0x0A
        ? "a string cannot span lines; close it with `\"` or write \\n"
        : "control characters must be escaped inside strings"
      return Failure(
        code: .jsonControlCharacter, message: "control character \(describe(bytes[offset])) in string",
        help: help, offset: offset)
    }

    func invalidUTF8(in slice: UnsafeBufferPointer<UInt8>, base: Int) -> Failure {
      // Find the first bad byte for the position.
      var offset = base
      var iterator = slice.makeIterator()
      var decoder = UTF8()
      var consumed = 0
      loop: while true {
        switch decoder.decode(&iterator) {
        case .scalarValue(let s):
          consumed += UTF8.width(s)
        case .emptyInput:
          break loop
        case .error:
          offset = base + consumed
          break loop
        }
      }
      return Failure(
        code: .jsonInvalidUTF8, message: "invalid UTF-8 in string",
        help: "save the file as UTF-8", offset: offset)
    }
  }
}
