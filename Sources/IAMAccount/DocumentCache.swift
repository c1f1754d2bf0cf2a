import Dispatch
import IAMPolicy

/// Parses each distinct policy document text once.
///
/// Authorization-details dumps repeat documents a lot (the same trust policy on
/// hundreds of service roles, the same AWS managed policy on every admin), so
/// the cache keys on the exact text and the kind, and hands out copies with the
/// caller's id. A bad document is reported where it first appears.
public struct DocumentCache: Sendable {
  struct Key: Hashable {
    var kind: PolicyKind
    var bytes: [UInt8]
    /// The bytes hashed once, when the key is made: a document is looked up in two
    /// tables and rehashed when they grow, and hashing 10,000 documents' bytes each
    /// time shows in loading a 12 MB dump.
    let hashValueOfBytes: Int

    init(kind: PolicyKind, bytes: [UInt8]) {
      self.kind = kind
      self.bytes = bytes
      var hasher = Hasher()
      bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
      hashValueOfBytes = hasher.finalize()
    }

    func hash(into hasher: inout Hasher) {
      hasher.combine(kind)
      hasher.combine(hashValueOfBytes)
    }

    static func == (a: Key, b: Key) -> Bool {
      a.kind == b.kind && a.hashValueOfBytes == b.hashValueOfBytes && a.bytes == b.bytes
    }
  }

  struct Entry {
    var policy: Policy?
    var text: String
  }

  private var parsed: [Key: Entry] = [:]
  /// Documents parsed ahead of time (`prefetch`), not looked up yet: where and under
  /// which id they were parsed, the result and its diagnostics.
  private var pending: [Key: Pending] = [:]

  struct Pending {
    var offset: Int
    var id: String
    var entry: Entry
    var diagnostics: [Diagnostic]
  }
  /// How many documents were parsed (the rest were cache hits).
  public private(set) var parseCount = 0
  public private(set) var lookupCount = 0
  /// How many of the parsed documents had been parsed ahead (`prefetch`).
  public private(set) var parsedAheadCount = 0

  public init() {}

  /// A policy from a JSON value inside `file`; positions point into `file`.
  ///
  /// The document is parsed from its own bytes, numbered from its first line, so that
  /// reporting a position costs the size of the document, not of a 12 MB dump (which
  /// the CLI prints on one line). Diagnostics are shifted back to file columns;
  /// statement positions in traces count columns from the document's first line.
  mutating func policy(
    json value: JSONValue, in file: SourceFile, lines: LineTable, as kind: PolicyKind, id: String,
    diagnostics: inout [Diagnostic]
  ) -> PolicyDocument? {
    lookupCount += 1
    let (lower, upper) = DocumentCache.bounds(of: value, in: file)
    let key = Key(kind: kind, bytes: DocumentCache.compact(file.bytes[lower..<upper]))
    if let cached = parsed[key] {
      guard var policy = cached.policy else { return nil }
      policy.id = id
      return PolicyDocument(text: cached.text, policy: policy)
    }
    parseCount += 1
    var result: (entry: Entry, diagnostics: [Diagnostic])
    if let ahead = pending.removeValue(forKey: key), ahead.offset == lower, ahead.id == id {
      // Parsed ahead from this very occurrence: the same work, done on another core.
      result = (ahead.entry, ahead.diagnostics)
      parsedAheadCount += 1
    } else {
      result = DocumentCache.parse(key, at: lower, upper, in: file, lines: lines, id: id)
    }
    diagnostics.append(contentsOf: result.diagnostics)
    parsed[key] = result.entry
    return result.entry.policy.map { PolicyDocument(text: result.entry.text, policy: $0) }
  }

  static func bounds(of value: JSONValue, in file: SourceFile) -> (Int, Int) {
    let lower = max(0, min(value.span.start, file.bytes.count))
    let upper = max(lower, min(value.span.end, file.bytes.count))
    return (lower, upper)
  }

  /// Parses one document of `file` (a miss of `policy(json:...)`); pure, so that
  /// `prefetch` can run it on several threads.
  static func parse(
    _ key: Key, at lower: Int, _ upper: Int, in file: SourceFile, lines: LineTable, id: String
  ) -> (entry: Entry, diagnostics: [Diagnostic]) {
    let (line, column) = lines.position(of: lower)
    let sub = SourceFile(name: file.name, bytes: Array(file.bytes[lower..<upper]), firstLine: line)
    let result = PolicyParser.parse(sub, as: key.kind, id: id)
    // The document's first line starts at `column` in the file, not at 1.
    var diagnostics: [Diagnostic] = []
    for var d in result.diagnostics {
      if var r = d.range {
        if r.start.line == line { r.start.column += column - 1 }
        if r.end.line == line { r.end.column += column - 1 }
        d.range = r
      }
      diagnostics.append(d)
    }
    let policy = result.hasErrors ? nil : result.value
    return (Entry(policy: policy, text: String(decoding: key.bytes, as: UTF8.self)), diagnostics)
  }

  /// One document that `policy(json:...)` will be asked for.
  struct Ahead: Sendable {
    var value: JSONValue
    var kind: PolicyKind
    var id: String
  }

  /// Parses, on every core, the distinct documents among `documents` that are not
  /// cached yet, so that the lookups that follow find them ready.
  ///
  /// Nothing is reported or counted here: a document parsed ahead is used only when
  /// `policy(json:...)` first meets it at the same offset with the same id (the result
  /// is then exactly what parsing it there would give, diagnostics included); any
  /// other first lookup parses it again.
  mutating func prefetch(_ documents: [Ahead], in file: SourceFile, lines: LineTable) {
    struct Job {
      var key: Key
      var lower: Int
      var upper: Int
      var id: String
    }
    var jobs: [Job] = []
    var queued = Set<Key>()
    for d in documents {
      let (lower, upper) = DocumentCache.bounds(of: d.value, in: file)
      let key = Key(kind: d.kind, bytes: DocumentCache.compact(file.bytes[lower..<upper]))
      guard parsed[key] == nil, pending[key] == nil, queued.insert(key).inserted else { continue }
      jobs.append(Job(key: key, lower: lower, upper: upper, id: d.id))
    }
    guard !jobs.isEmpty else { return }
    let chunks = max(1, min(32, jobs.count / 64))
    let slots = Slots<[Pending]>(count: chunks)
    let work = jobs
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
      var done: [Pending] = []
      for i in stride(from: chunk, to: work.count, by: chunks) {
        let job = work[i]
        let result = DocumentCache.parse(
          job.key, at: job.lower, job.upper, in: file, lines: lines, id: job.id)
        done.append(
          Pending(
            offset: job.lower, id: job.id, entry: result.entry, diagnostics: result.diagnostics))
      }
      slots.set(chunk, done)
    }
    for (chunk, done) in slots.values().enumerated() {
      for (n, ahead) in (done ?? []).enumerated() { pending[jobs[chunk + n * chunks].key] = ahead }
    }
  }

  /// The bytes without whitespace outside strings: the same document indented
  /// differently is the same document.
  static func compact(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var inString = false
    var escaped = false
    for b in bytes {
      if inString {
        out.append(b)
        if escaped {
          escaped = false
        } else if b == UInt8(ascii: "\\") {
          escaped = true
        } else if b == UInt8(ascii: "\"") {
          inString = false
        }
        continue
      }
      switch b {
      case 0x20, 0x0A, 0x0D, 0x09: continue
      case UInt8(ascii: "\""):
        inString = true
        out.append(b)
      default: out.append(b)
      }
    }
    return out
  }

  /// A policy given as text (a JSON string in a dump, a block in a world file, a
  /// catalog document); `origin` names it in positions.
  mutating func policy(
    text: String, origin: SourceFile, as kind: PolicyKind, id: String,
    diagnostics: inout [Diagnostic]
  ) -> PolicyDocument? {
    lookupCount += 1
    let key = Key(kind: kind, bytes: Array(text.utf8))
    if let cached = parsed[key] {
      guard var policy = cached.policy else { return nil }
      policy.id = id
      return PolicyDocument(text: text, policy: policy)
    }
    parseCount += 1
    let file = SourceFile(name: origin.name, bytes: key.bytes, firstLine: origin.firstLine)
    let result = PolicyParser.parse(file, as: kind, id: id)
    diagnostics.append(contentsOf: result.diagnostics)
    let policy = result.hasErrors ? nil : result.value
    parsed[key] = Entry(policy: policy, text: text)
    return policy.map { PolicyDocument(text: text, policy: $0) }
  }
}

/// Policy documents as the IAM API returns them: URL-encoded JSON
/// (RFC 3986 percent-encoding, as `GetAccountAuthorizationDetails` documents).
enum PercentDecoding {
  /// Decodes `%7B%22Version%22...` (and `+` as space); nil when it is not percent-encoded.
  static func decode(_ text: String) -> String? {
    let bytes = Array(text.utf8)
    guard let first = bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }),
      first == UInt8(ascii: "%")
    else { return nil }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var i = 0
    while i < bytes.count {
      let b = bytes[i]
      if b == UInt8(ascii: "%"), i + 2 < bytes.count, let hi = hex(bytes[i + 1]),
        let lo = hex(bytes[i + 2])
      {
        out.append(hi << 4 | lo)
        i += 3
      } else if b == UInt8(ascii: "+") {
        out.append(0x20)
        i += 1
      } else {
        out.append(b)
        i += 1
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  static func hex(_ b: UInt8) -> UInt8? {
    switch b {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
    default: nil
    }
  }
}

/// Where lines start in a file, for turning offsets into line:column in O(log n).
public struct LineTable: Sendable {
  private var starts: [Int] = [0]
  /// Whether each line is pure ASCII, where a column is a byte count.
  private var ascii: [Bool] = []
  private let firstLine: Int
  private let bytes: [UInt8]

  public init(_ file: SourceFile) {
    firstLine = file.firstLine
    bytes = file.bytes
    var lineIsASCII = true
    file.bytes.withUnsafeBufferPointer { b in
      for i in 0..<b.count {
        if b[i] == 0x0A {
          starts.append(i + 1)
          ascii.append(lineIsASCII)
          lineIsASCII = true
        } else if b[i] >= 0x80 {
          lineIsASCII = false
        }
      }
    }
    ascii.append(lineIsASCII)
  }

  /// 1-based line and column (Unicode scalars) of a UTF-8 offset.
  public func position(of offset: Int) -> (line: Int, column: Int) {
    var lo = 0
    var hi = starts.count - 1
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if starts[mid] <= offset { lo = mid } else { hi = mid - 1 }
    }
    if ascii[lo] { return (firstLine + lo, offset - starts[lo] + 1) }
    var column = 1
    var i = starts[lo]
    while i < offset && i < bytes.count {
      if bytes[i] & 0xC0 != 0x80 { column += 1 }
      i += 1
    }
    return (firstLine + lo, column)
  }

  /// The offsets of a line's first byte and of its end (its newline or the end of the file).
  func lineBounds(_ line: Int) -> (Int, Int) {
    let i = max(0, min(line - firstLine, starts.count - 1))
    let end = i + 1 < starts.count ? starts[i + 1] - 1 : bytes.count
    return (starts[i], end)
  }

  func byte(at i: Int) -> UInt8 { i < bytes.count ? bytes[i] : 0 }

  public func range(of span: SourceSpan, in source: String) -> SourceRange {
    let s = position(of: span.start)
    let e = position(of: span.end)
    return SourceRange(
      source: source, start: SourceLocation(line: s.line, column: s.column),
      end: SourceLocation(line: e.line, column: e.column))
  }
}
