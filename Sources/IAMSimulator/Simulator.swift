import IAMEvaluator
import IAMPolicy

/// One result of a simulation: an action on a resource and how it was decided.
public struct SimulationResult: Sendable {
  public var action: String
  public var resource: String
  public var request: Request
  public var evaluation: Evaluation

  public init(action: String, resource: String, request: Request, evaluation: Evaluation) {
    self.action = action
    self.resource = resource
    self.request = request
    self.evaluation = evaluation
  }
}

/// Runs `simulate-custom-policy` documents through the evaluator.
public struct Simulator: Sendable {
  public var evaluator: Evaluator

  public init(recordsTrace: Bool = false) {
    evaluator = Evaluator(options: .init(recordsTrace: recordsTrace))
  }

  /// Every action × resource pair, in input order (actions outer, as AWS lists them).
  public func results(for request: SimulateRequest) -> [SimulationResult] {
    let policies = request.applicablePolicies
    let derived = request.derivedEntries
    var results: [SimulationResult] = []
    results.reserveCapacity(request.actionNames.count * request.resourceArns.count)
    for action in request.actionNames {
      for resource in request.resourceArns {
        let r = Request(
          principal: request.caller, derived: derived, action: action, resource: resource, context: request.context)
        results.append(SimulationResult(action: action, resource: resource, request: r, evaluation: evaluator.evaluate(r, against: policies)))
      }
    }
    return results
  }

  /// Parses and answers one document: the AWS response shape, or the errors.
  public func run(_ file: SourceFile, cache: PolicyCache? = nil) -> SimulateOutcome {
    let parsed = SimulateRequest.parse(file, cache: cache)
    guard let request = parsed.value else { return .badInput(parsed.diagnostics) }
    return .answered(request, results(for: request), warnings: parsed.diagnostics)
  }
}

extension Simulator {
  /// Answers one line of a batch read from bytes the caller keeps alive (a mapped
  /// file): the cache-backed reader reads it in place, and only a line it gives up
  /// on is copied into a `SourceFile` (named `name`, starting at `firstLine`) for
  /// the generic reader, whose diagnostics carry the line's own line number.
  /// `cache` is the calling worker's own front to the batch's shared cache.
  public func run(
    _ bytes: UnsafeBufferPointer<UInt8>, name: String, firstLine: Int, cache: PolicyCache.Local
  ) -> SimulateOutcome {
    if let clean = SimulateRequest.parseClean(bytes, name: name, limits: .default, cache: cache),
      let request = clean.value
    {
      return .answered(request, results(for: request), warnings: clean.diagnostics)
    }
    return run(SourceFile(name: name, bytes: Array(bytes), firstLine: firstLine), cache: cache.shared)
  }
}

extension Simulator {
  /// Answers one batch line as `run(_:name:firstLine:cache:)` and then
  /// `SimulateResponse.writeCompact` (or `SimulateResponse.errors` for bad input) would,
  /// writing each result as soon as it is decided instead of collecting them, and
  /// deciding only those on the requested page. Returns the line's errors (for stderr).
  /// `firstLine` is asked for only when the line goes to the generic reader.
  public func answerCompact(
    _ bytes: UnsafeBufferPointer<UInt8>, name: String, firstLine: @autoclosure () -> Int, cache: PolicyCache.Local,
    positions: StatementPositions, into out: inout [UInt8]
  ) -> [Diagnostic] {
    // Moved out of the parse, not copied: a copy retains every field of the request.
    if var clean = SimulateRequest.parseClean(bytes, name: name, limits: .default, cache: cache),
      let request = clean.value.take()
    {
      let policies = request.applicablePolicies
      let derived = request.derivedEntries
      let resources = request.resourceArns
      let perAction = resources.count
      SimulateResponse.writeCompact(count: request.actionNames.count * perAction, request: request, into: &out) {
        i, out in
        let action = request.actionNames[i / perAction]
        let resource = resources[i % perAction]
        let r = Request(
          principal: request.caller, derived: derived, action: action, resource: resource, context: request.context)
        SimulateResponse.writeCompact(
          action, resource, evaluator.evaluate(r, against: policies), positions: positions, into: &out)
      }
      return clean.diagnostics.filter(\.isError)
    }
    switch run(SourceFile(name: name, bytes: Array(bytes), firstLine: firstLine()), cache: cache.shared) {
    case .badInput(let diagnostics):
      SimulateResponse.errors(diagnostics).write(into: &out, pretty: false, indent: 0)
      return diagnostics.filter(\.isError)
    case .answered(let request, let results, let warnings):
      SimulateResponse.writeCompact(count: results.count, request: request, into: &out) { i, out in
        SimulateResponse.writeCompact(
          results[i].action, results[i].resource, results[i].evaluation, positions: positions, into: &out)
      }
      return warnings.filter(\.isError)
    }
  }
}

/// Statements' line:column positions, remembered: a batch reports the same few hundred
/// statements of cached policies thousands of times, and finding a position scans the
/// policy's text up to it. Not for sharing between threads.
public final class StatementPositions {
  // INVARIANT: each slot keeps its source's bytes alive, so no other live array can have
  // the storage address a slot is found by.
  final class Slot {
    let bytes: [UInt8]
    let address: UInt
    let firstLine: Int
    let span: SourceSpan
    let start: SourceLocation
    let end: SourceLocation

    init(_ source: SourceFile, address: UInt, span: SourceSpan) {
      bytes = source.bytes
      self.address = address
      firstLine = source.firstLine
      self.span = span
      start = source.location(at: span.start)
      end = source.location(at: span.end)
    }
  }

  @exclusivity(unchecked) private var slots = FlatTable<Slot>()
  /// Bounds the bytes kept alive for batches of all-different policies.
  static let capacity = 1 << 15

  public init() {}

  /// Where the statement at `position` of `origin` starts and ends. Found by its text
  /// (the address of the source's bytes, and its span): renamed copies of a policy
  /// share their bytes, so a batch's repeated statements cost one probe.
  func range(of origin: PolicyOrigin, position: Int) -> (SourceLocation, SourceLocation) {
    let address = origin.source.bytes.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
    let span = origin.statements[position].span
    let firstLine = origin.source.firstLine
    var h = UInt64(address) &* 0x9E37_79B9_7F4A_7C15
    h = (h ^ UInt64(truncatingIfNeeded: span.start)) &* 0xFF51_AFD7_ED55_8CCD
    h = (h ^ UInt64(truncatingIfNeeded: span.end)) &* 0xC4CE_B9FE_1A85_EC53
    h ^= h >> 29
    let found = slots.first(h) { $0.address == address && $0.span == span && $0.firstLine == firstLine }
    if let found { return (found.start, found.end) }
    let slot = Slot(origin.source, address: address, span: span)
    if slots.count < StatementPositions.capacity { slots.insert(h, slot) }
    return (slot.start, slot.end)
  }
}

/// Where the compact response writer puts bytes: an array, or a fixed buffer.
protocol JSONSink {
  mutating func put(_ byte: UInt8)
  mutating func put(_ bytes: UnsafeBufferPointer<UInt8>)
}

extension Array: JSONSink where Element == UInt8 {
  @inline(__always) mutating func put(_ byte: UInt8) { append(byte) }
  @inline(__always) mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) { append(contentsOf: bytes) }
}

/// A buffer the caller owns, filled from its start; past its end it only notes the overflow.
struct FixedSink: JSONSink {
  let base: UnsafeMutablePointer<UInt8>
  let capacity: Int
  private(set) var count = 0
  private(set) var overflowed = false

  init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
    // A temporary allocation of a non-zero capacity always has an address.
    base = buffer.baseAddress!
    capacity = buffer.count
  }

  @inline(__always) mutating func put(_ byte: UInt8) {
    guard count < capacity else {
      overflowed = true
      return
    }
    base[count] = byte
    count += 1
  }

  @inline(__always) mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let source = bytes.baseAddress else { return }
    guard count + bytes.count <= capacity else {
      overflowed = true
      return
    }
    (base + count).update(from: source, count: bytes.count)
    count += bytes.count
  }
}

extension JSONSink {
  @inline(__always) mutating func put(_ text: StaticString) {
    put(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
  }

  /// A JSON string literal of `text`, as `JSONOutput.writeString` writes it.
  mutating func putString(_ text: String) {
    var text = text
    let plain = text.withUTF8 { bytes -> Bool in
      guard JSONScanner.needsNoEscape(bytes) else { return false }
      put(UInt8(ascii: "\""))
      put(bytes)
      put(UInt8(ascii: "\""))
      return true
    }
    if plain { return }
    var escaped: [UInt8] = []
    JSONOutput.writeString(text, into: &escaped)
    escaped.withUnsafeBufferPointer { put($0) }
  }

  /// `String(n).utf8` without the `String`.
  mutating func putDecimal(_ n: Int) {
    guard n >= 0 else {
      var text = String(n)
      text.withUTF8 { put($0) }
      return
    }
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
    withUnsafeMutableBytes(of: &digits) { buffer in
      var i = buffer.count
      var v = n
      repeat {
        i -= 1
        buffer[i] = UInt8(ascii: "0") + UInt8(v % 10)
        v /= 10
      } while v > 0
      put(UnsafeBufferPointer(rebasing: buffer.bindMemory(to: UInt8.self)[i...]))
    }
  }
}

public enum SimulateOutcome: Sendable {
  case answered(SimulateRequest, [SimulationResult], warnings: [Diagnostic])
  case badInput([Diagnostic])
}

/// The `SimulateCustomPolicy` response document.
public enum SimulateResponse {
  public static func json(_ results: [SimulationResult], request: SimulateRequest) -> JSONOutput {
    let start = min(request.marker ?? 0, results.count)
    let end = request.maxItems.map { min(results.count, start + $0) } ?? results.count
    var members: [(String, JSONOutput)] = [
      ("EvaluationResults", .array(results[start..<end].map { result(of: $0, request: request) })),
      ("IsTruncated", .bool(end < results.count)),
    ]
    if end < results.count { members.append(("Marker", .string(String(end)))) }
    return .object(members)
  }

  public static func result(of result: SimulationResult, request: SimulateRequest) -> JSONOutput {
    let e = result.evaluation
    var members: [(String, JSONOutput)] = [
      ("EvalActionName", .string(result.action)),
      ("EvalResourceName", .string(result.resource)),
      ("EvalDecision", .string(e.decision.rawValue)),
      ("MatchedStatements", .array(e.matchedStatements.map(statement))),
      ("MissingContextValues", .array(e.missingContextKeys.map { .string($0) })),
      ("EvalDecisionDetails", .object([])),
    ]
    if let b = e.allowedByPermissionsBoundary {
      members.append(("PermissionsBoundaryDecisionDetail", .object([("AllowedByPermissionsBoundary", .bool(b))])))
    }
    if let o = e.allowedByOrganizations {
      members.append(("OrganizationsDecisionDetail", .object([("AllowedByOrganizations", .bool(o))])))
    }
    return .object(members)
  }

  static func statement(_ ref: StatementRef) -> JSONOutput {
    let start = ref.source.location(at: ref.span.start)
    let end = ref.source.location(at: ref.span.end)
    return .object([
      ("SourcePolicyId", .string(ref.policyID)),
      ("SourcePolicyType", .string(ref.kind.awsSourcePolicyType)),
      ("StartPosition", .object([("Line", .integer(start.line)), ("Column", .integer(start.column))])),
      ("EndPosition", .object([("Line", .integer(end.line)), ("Column", .integer(end.column))])),
    ])
  }

  /// Writes `json(results, request:)` compactly without building the `JSONOutput` tree
  /// first: `simulate --batch` writes one of these per line, and the tree (an array
  /// and several strings per member) cost more than the evaluation. The bytes are
  /// the same as `json(...).write(into:pretty: false, indent: 0)`.
  public static func writeCompact(_ results: [SimulationResult], request: SimulateRequest, into out: inout [UInt8]) {
    writeCompact(count: results.count, request: request, into: &out) { i, out in
      writeCompact(results[i].action, results[i].resource, results[i].evaluation, positions: nil, into: &out)
    }
  }

  /// The response around `count` results, paged as `request` asks; `result(i, &out)`
  /// writes result `i`, and is called only for those on the page, in order.
  static func writeCompact(
    count: Int, request: SimulateRequest, into out: inout [UInt8], result: (Int, inout [UInt8]) -> Void
  ) {
    let start = min(request.marker ?? 0, count)
    let end = request.maxItems.map { min(count, start + $0) } ?? count
    append(#"{"EvaluationResults":"#, to: &out)
    if start == end { append("[]", to: &out) } else {
      out.append(UInt8(ascii: "["))
      for i in start..<end {
        if i > start { out.append(UInt8(ascii: ",")) }
        result(i, &out)
      }
      out.append(UInt8(ascii: "]"))
    }
    append(end < count ? #","IsTruncated":true"# : #","IsTruncated":false"#, to: &out)
    if end < count {
      append(#","Marker":"#, to: &out)
      JSONOutput.writeString(String(end), into: &out)
    }
    out.append(UInt8(ascii: "}"))
  }

  /// One result; statement positions come from `positions` when given (a batch asks
  /// for the same statements' positions over and over). Written into a fixed buffer
  /// first (no capacity checks and reallocation per piece); a result too long for it
  /// is written again straight into `out`.
  static func writeCompact(
    _ action: String, _ resource: String, _ e: Evaluation, positions: StatementPositions?, into out: inout [UInt8]
  ) {
    let done = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2048) { buffer -> Bool in
      var sink = FixedSink(buffer)
      writeResult(action, resource, e, positions: positions, into: &sink)
      guard !sink.overflowed else { return false }
      out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[0..<sink.count]))
      return true
    }
    if !done { writeResult(action, resource, e, positions: positions, into: &out) }
  }

  static func writeResult<Sink: JSONSink>(
    _ action: String, _ resource: String, _ e: Evaluation, positions: StatementPositions?, into out: inout Sink
  ) {
    out.put(#"{"EvalActionName":"#)
    out.putString(action)
    out.put(#","EvalResourceName":"#)
    out.putString(resource)
    out.put(#","EvalDecision":"#)
    out.putString(e.decision.rawValue)
    out.put(#","MatchedStatements":"#)
    if e.matchedStatements.isEmpty { out.put("[]") } else {
      out.put(UInt8(ascii: "["))
      for (i, ref) in e.matchedStatements.enumerated() {
        if i > 0 { out.put(UInt8(ascii: ",")) }
        let origin = ref.origin
        let (from, to) =
          positions?.range(of: origin, position: ref.statementPosition)
          ?? (origin.source.location(at: ref.span.start), origin.source.location(at: ref.span.end))
        out.put(#"{"SourcePolicyId":"#)
        out.putString(origin.id)
        out.put(#","SourcePolicyType":"#)
        out.putString(origin.kind.awsSourcePolicyType)
        out.put(#","StartPosition":{"Line":"#)
        out.putDecimal(from.line)
        out.put(#","Column":"#)
        out.putDecimal(from.column)
        out.put(#"},"EndPosition":{"Line":"#)
        out.putDecimal(to.line)
        out.put(#","Column":"#)
        out.putDecimal(to.column)
        out.put("}}")
      }
      out.put(UInt8(ascii: "]"))
    }
    out.put(#","MissingContextValues":"#)
    let missing = e.missingContextKeys
    if missing.isEmpty { out.put("[]") } else {
      out.put(UInt8(ascii: "["))
      for (i, key) in missing.enumerated() {
        if i > 0 { out.put(UInt8(ascii: ",")) }
        out.putString(key)
      }
      out.put(UInt8(ascii: "]"))
    }
    out.put(#","EvalDecisionDetails":{}"#)
    if let b = e.allowedByPermissionsBoundary {
      out.put(#","PermissionsBoundaryDecisionDetail":{"AllowedByPermissionsBoundary":"#)
      out.put(b ? "true}" : "false}")
    }
    if let o = e.allowedByOrganizations {
      out.put(#","OrganizationsDecisionDetail":{"AllowedByOrganizations":"#)
      out.put(o ? "true}" : "false}")
    }
    out.put(UInt8(ascii: "}"))
  }

  /// A literal's bytes in one copy (appending a `String`'s UTF-8 view goes byte by byte).
  @inline(__always)
  static func append(_ text: StaticString, to out: inout [UInt8]) {
    out.put(text)
  }

  /// `{"Errors": [...]}` for bad input.
  public static func errors(_ diagnostics: [Diagnostic]) -> JSONOutput {
    .object([("Errors", .array(diagnostics.filter(\.isError).map(DiagnosticRenderer.jsonObject)))])
  }
}
