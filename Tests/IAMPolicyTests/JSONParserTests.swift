import IAMPolicy
import IAMTestSupport
import Testing

/// The JSON reader: values, spans, escapes, numbers, duplicate keys and every limit.
@Suite struct JSONParserTests {
  func parse(_ text: String, limits: JSONParser.Limits = .default) -> Parsed<JSONValue> {
    JSONParser.parse(SourceFile(name: "t.json", text: text), limits: limits)
  }

  func string(_ json: String) throws -> String {
    let parsed = parse(json)
    #expect(parsed.diagnostics.isEmpty, "\(parsed.diagnostics.map(\.message))")
    return try #require(parsed.value?.stringValue)
  }

  @Test func spansCoverEachValue() throws {
    let marked = MarkedText(#"{1️⃣"a"2️⃣: 3️⃣[4️⃣1, 5️⃣"x"6️⃣]7️⃣, "b": 8️⃣{}9️⃣}"#)
    let file = marked.file()
    let root = try #require(JSONParser.parse(file).value)
    #expect(file.range(of: root.span).start == SourceLocation(line: 1, column: 1))
    #expect(file.range(of: root.span).end.column == marked.text.unicodeScalars.count + 1)
    let a = try #require(root.member("a"))
    #expect(file.range(of: a.keySpan).start == marked.marks["1️⃣"])
    #expect(file.range(of: a.keySpan).end == marked.marks["2️⃣"])
    #expect(file.range(of: a.value.span).start == marked.marks["3️⃣"])
    #expect(file.range(of: a.value.span).end == marked.marks["7️⃣"])
    let elements = try #require(a.value.elements)
    #expect(file.range(of: elements[0].span).start == marked.marks["4️⃣"])
    #expect(file.range(of: elements[1].span).start == marked.marks["5️⃣"])
    #expect(file.range(of: elements[1].span).end == marked.marks["6️⃣"])
    let b = try #require(root.member("b"))
    #expect(file.range(of: b.value.span).start == marked.marks["8️⃣"])
    #expect(file.range(of: b.value.span).end == marked.marks["9️⃣"])
  }

  /// Columns count Unicode scalars, lines count from 1; multi-byte text before a value shifts bytes, not columns.
  @Test func linesAndColumnsAfterMultibyteText() throws {
    let marked = MarkedText("{\"é😀\": 1,\n  \"k\": 1️⃣true}")
    let file = marked.file()
    let root = try #require(JSONParser.parse(file).value)
    let k = try #require(root.member("k"))
    #expect(file.range(of: k.value.span).start == marked.marks["1️⃣"])
    #expect(marked.marks["1️⃣"] == SourceLocation(line: 2, column: 8))
    #expect(root.member("é😀") != nil)
  }

  @Test(arguments: [
    (#""plain""#, "plain"),
    (#""q\"b\\s\/""#, "q\"b\\s/"),
    (#""\b\f\n\r\t""#, "\u{08}\u{0C}\n\r\t"),
    (#""\u0041\u00e9\u20AC""#, "Aé€"),
    (#""\ud83d\ude00""#, "😀"),
    (#""\uD83D\uDE00 and text""#, "😀 and text"),
    (#""naïve 😀""#, "naïve 😀"),
    (#""""#, ""),
  ])
  func escapes(_ json: String, _ expected: String) throws {
    #expect(try string(json) == expected)
  }

  @Test(arguments: [
    (#""\ud83d""#, DiagnosticCode.jsonInvalidEscape),
    (#""\ud83dx""#, .jsonInvalidEscape),
    (#""\ud83d\u0041""#, .jsonInvalidEscape),
    (#""\ude00""#, .jsonInvalidEscape),
    (#""\u12G4""#, .jsonInvalidEscape),
    (#""\x""#, .jsonInvalidEscape),
    (#""\u12"#, .jsonUnexpectedEnd),
    (#""abc"#, .jsonUnexpectedEnd),
    ("\"a\u{01}b\"", .jsonControlCharacter),
    ("\"line\nbreak\"", .jsonControlCharacter),
  ])
  func badStrings(_ json: String, _ code: DiagnosticCode) {
    let parsed = parse(json)
    #expect(parsed.value == nil)
    #expect(parsed.diagnostics.map(\.code) == [code])
  }

  @Test(arguments: ["0", "-0", "12", "-12", "1.5", "1.50", "1e10", "1E+2", "-1.5e-3", "0.0001"])
  func validNumbers(_ text: String) throws {
    let value = try #require(parse(text).value)
    guard case .number(let n) = value.kind else { Issue.record("not a number"); return }
    #expect(n == text, "numbers keep their spelling")
  }

  @Test(arguments: ["01", "-", "1.", ".5", "1e", "1e+", "+1", "-a", "00"])
  func invalidNumbers(_ text: String) {
    let parsed = parse(text)
    #expect(parsed.value == nil)
    #expect(
      parsed.diagnostics.first.map {
        [.jsonInvalidNumber, .jsonUnexpectedCharacter, .jsonTrailingContent].contains($0.code)
      } == true,
      "\(text): \(parsed.diagnostics.map(\.code))")
  }

  @Test func literals() throws {
    let root = try #require(parse(#"[true,false,null]"#).value?.elements)
    #expect(root.map(\.typeName) == ["boolean", "boolean", "null"])
    #expect(parse("nul").diagnostics.map(\.code) == [.jsonInvalidLiteral])
    #expect(parse("True").diagnostics.map(\.code) == [.jsonUnexpectedCharacter])
  }

  @Test func duplicateKeysAreReportedAndParsingGoesOn() throws {
    let marked = MarkedText(#"{"a":1,1️⃣"a":2,"b":{"c":1,2️⃣"c":2}}"#)
    let parsed = JSONParser.parse(marked.file())
    let root = try #require(parsed.value)
    #expect(root.members?.count == 3, "both members are kept, in order")
    #expect(parsed.diagnostics.map(\.code) == [.jsonDuplicateKey, .jsonDuplicateKey])
    #expect(parsed.diagnostics.map { $0.range?.start } == [marked.marks["1️⃣"], marked.marks["2️⃣"]])
    #expect(parsed.diagnostics.allSatisfy { $0.help?.isEmpty == false })
  }

  @Test func duplicateKeyInALargeObject() {
    let members = (0..<100).map { #""k\#($0)":\#($0)"# }.joined(separator: ",")
    let parsed = parse("{" + members + #","k7":0}"#)
    #expect(parsed.value != nil)
    #expect(parsed.diagnostics.map(\.code) == [.jsonDuplicateKey])
  }

  @Test func keysDifferingOnlyInCaseAreNotDuplicates() {
    #expect(parse(#"{"Action":1,"action":2}"#).diagnostics.isEmpty)
  }

  @Test func depthLimitIsExact() {
    let limits = JSONParser.Limits(maxDepth: 3)
    #expect(parse("[[[1]]]", limits: limits).diagnostics.isEmpty)
    #expect(parse(#"{"a":{"b":[1]}}"#, limits: limits).diagnostics.isEmpty)
    let deep = parse("[[[[1]]]]", limits: limits)
    #expect(deep.value == nil)
    #expect(deep.diagnostics.map(\.code) == [.jsonTooDeep])
    #expect(deep.diagnostics.first?.range?.start == SourceLocation(line: 1, column: 4))
  }

  /// Far past the limit, hostile nesting is a diagnostic, not a stack overflow.
  @Test(arguments: [10_000, 100_000])
  func hostileNesting(_ depth: Int) {
    let parsed = parse(String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
    #expect(parsed.diagnostics.map(\.code) == [.jsonTooDeep])
    let objects = parse(String(repeating: #"{"a":"#, count: depth))
    #expect(objects.diagnostics.map(\.code) == [.jsonTooDeep])
  }

  @Test func documentSizeLimit() {
    let limits = JSONParser.Limits(maxBytes: 16)
    #expect(parse(#"{"a":"12345678"}"#, limits: limits).diagnostics.isEmpty)
    let big = parse(#"{"a":"123456789"}"#, limits: limits)
    #expect(big.value == nil)
    #expect(big.diagnostics.map(\.code) == [.jsonTooLarge])
    #expect(big.diagnostics.first?.range?.start == SourceLocation(line: 1, column: 1))
  }

  @Test func stringLengthLimit() {
    let limits = JSONParser.Limits(maxStringBytes: 4)
    #expect(parse(#"["abcd"]"#, limits: limits).diagnostics.isEmpty)
    #expect(parse(#"["abcde"]"#, limits: limits).diagnostics.map(\.code) == [.jsonStringTooLong])
    // The escape path counts decoded bytes too.
    #expect(parse(#"["ab\ncde"]"#, limits: limits).diagnostics.map(\.code) == [.jsonStringTooLong])
    #expect(parse(#"{"abcdef":1}"#, limits: limits).diagnostics.map(\.code) == [.jsonStringTooLong])
  }

  @Test func invalidUTF8InAStringIsLocated() throws {
    // `{"a":"xy<FF>z"}`: the bad byte is the 9th character of line 1.
    let bytes: [UInt8] = Array(#"{"a":"xy"#.utf8) + [0xFF] + Array(#"z"}"#.utf8)
    let parsed = JSONParser.parse(SourceFile(name: "t.json", bytes: bytes))
    #expect(parsed.value == nil)
    let d = try #require(parsed.diagnostics.first)
    #expect(d.code == .jsonInvalidUTF8)
    #expect(d.range?.start == SourceLocation(line: 1, column: 9))
    #expect(d.help?.isEmpty == false)
  }

  @Test func invalidUTF8AfterAnEscapeIsReported() {
    let bytes: [UInt8] = Array(#"["\n"#.utf8) + [0xC3, 0x28] + Array(#""]"#.utf8)
    #expect(
      JSONParser.parse(SourceFile(name: "t", bytes: bytes)).diagnostics.map(\.code) == [
        .jsonInvalidUTF8
      ])
  }

  @Test func invalidUTF8OutsideStrings() {
    let bytes: [UInt8] = [0x7B, 0xFF, 0x7D]
    let parsed = JSONParser.parse(SourceFile(name: "t", bytes: bytes))
    #expect(parsed.value == nil)
    #expect(parsed.diagnostics.count == 1)
  }

  @Test(arguments: ["", "   ", "{", "[1,", #"{"a""#, #"{"a":"#, #"{"a":1"#])
  func truncatedDocuments(_ text: String) {
    let parsed = parse(text)
    #expect(parsed.value == nil)
    #expect(parsed.diagnostics.map(\.code) == [.jsonUnexpectedEnd], "\(text)")
  }

  @Test func firstLineOffsetForJSONLines() throws {
    let file = SourceFile(name: "batch.jsonl", text: #"{"a":}"#, firstLine: 7)
    let d = try #require(JSONParser.parse(file).diagnostics.first)
    #expect(d.range?.start == SourceLocation(line: 7, column: 6))
    #expect(d.range?.description == "batch.jsonl:7:6")
  }
}

/// The eight-bytes-at-a-time check response writers use before copying a string as is.
@Suite struct NeedsNoEscape {
  static let special: [UInt8] = [0x00, 0x0A, 0x1F, 0x22, 0x5C]
  static let plain: [UInt8] = (0x20...0xFF).map(UInt8.init).filter { $0 != 0x22 && $0 != 0x5C }

  static func naive(_ bytes: [UInt8]) -> Bool { !bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C } }

  @Test("Every special byte is found at every position of every length up to 17; other bytes are not")
  func eachByteEachPosition() {
    let probes: [UInt8] = [0x00, 0x01, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7F, 0x80, 0xA2, 0xDC, 0xFF]
    for length in 1...17 {
      for position in 0..<length {
        for probe in probes {
          var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
          bytes[position] = probe
          let fast = bytes.withUnsafeBufferPointer { JSONScanner.needsNoEscape($0) }
          #expect(fast == Self.naive(bytes), "byte \(probe) at \(position) of \(length)")
        }
      }
    }
    #expect([UInt8]().withUnsafeBufferPointer { JSONScanner.needsNoEscape($0) })
  }

  @Test("Agrees with the byte-by-byte check on UTF-8 text and on random bytes")
  func randomText() {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<2000 {
      // Mostly bytes that need no escape, so both answers come up.
      let bytes = (0..<Int.random(in: 0..<40, using: &generator)).map { _ in
        Int.random(in: 0..<60, using: &generator) == 0
          ? Self.special.randomElement(using: &generator)! : Self.plain.randomElement(using: &generator)!
      }
      #expect(bytes.withUnsafeBufferPointer { JSONScanner.needsNoEscape($0) } == Self.naive(bytes))
    }
    let text = Array("arn:aws:s3:::bücket/ключ/🔑".utf8)
    #expect(text.withUnsafeBufferPointer { JSONScanner.needsNoEscape($0) })
  }
}
