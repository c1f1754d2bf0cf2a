import IAMEvaluator
import IAMPolicy

extension SimulateRequest {
  /// Reads a document that has no problem at all, or returns nil.
  ///
  /// Batches repeat the same policies line after line, and those are most of
  /// the bytes. This reader finds each policy string's raw extent and looks the
  /// bytes up in the cache before decoding anything: a hit means the very same
  /// bytes were decoded and parsed cleanly before, so neither is needed again.
  /// Every other member goes through the generic JSON reader and `Reader.apply`.
  /// The moment anything would produce an error (a syntax error, a repeated key,
  /// a bad value) it gives up, and `parse` reads the document the generic way,
  /// which reports everything exactly as before. Policy warnings come back in
  /// the same order the generic reader gives them.
  static func parseClean(_ file: SourceFile, limits: JSONParser.Limits, cache: PolicyCache) -> Parsed<SimulateRequest>? {
    JSONScanner.scan(file, limits: limits) { scanner -> Parsed<SimulateRequest>? in
      var reader = Reader(file: file, diagnostics: [], limits: limits, cache: cache)
      var request = SimulateRequest()
      var sawPolicies = false
      var sawActions = false
      var keys: [String] = []
      guard scanner.consume(UInt8(ascii: "{")), !scanner.consume(UInt8(ascii: "}")) else { return nil }
      repeat {
        let keyStart = scanner.offset
        guard let key = scanner.string(), !keys.contains(key) else { return nil }
        let keySpan = SourceSpan(start: keyStart, end: scanner.offset)
        keys.append(key)
        guard scanner.consume(UInt8(ascii: ":")) else { return nil }
        let kind: PolicyKind? =
          switch key {
          case "PolicyInputList": .identity
          case "PermissionsBoundaryPolicyInputList": .permissionsBoundary
          case "SessionPolicyInputList": .session
          default: nil
          }
        if let kind {
          guard let list = cleanPolicies(&scanner, key: key, kind: kind, reader: &reader) else { return nil }
          switch kind {
          case .identity:
            sawPolicies = true
            request.identityPolicies = list
          case .permissionsBoundary: request.permissionsBoundaries = list
          default: request.sessionPolicies = list
          }
        } else if key == "ResourcePolicy", scanner.peek() == UInt8(ascii: "\"") {
          guard let policy = cleanPolicy(&scanner, id: "ResourcePolicy", kind: .resource, reader: &reader) else {
            return nil
          }
          request.resourcePolicy = policy
        } else {
          guard let value = scanner.value(depth: 1) else { return nil }
          reader.apply(
            JSONMember(key: key, keySpan: keySpan, value: value), to: &request, sawPolicies: &sawPolicies,
            sawActions: &sawActions)
        }
        guard reader.isClean else { return nil }
      } while scanner.consume(UInt8(ascii: ","))
      guard scanner.consume(UInt8(ascii: "}")) else { return nil }
      scanner.skipWhitespace()
      guard scanner.isAtEnd, !scanner.sawDuplicateKey, sawPolicies, sawActions else { return nil }
      return Parsed(value: request, diagnostics: reader.diagnostics)
    }
  }

  /// `[ "policy", ... ]` as in `Reader.policies`; objects go through the generic reader.
  private static func cleanPolicies(
    _ scanner: inout JSONScanner, key: String, kind: PolicyKind, reader: inout Reader
  ) -> [Policy]? {
    guard scanner.consume(UInt8(ascii: "[")) else { return nil }
    var policies: [Policy] = []
    if scanner.consume(UInt8(ascii: "]")) { return policies }
    repeat {
      let id = "\(key).\(policies.count + 1)"
      if scanner.peek() == UInt8(ascii: "\"") {
        guard let policy = cleanPolicy(&scanner, id: id, kind: kind, reader: &reader) else { return nil }
        policies.append(policy)
      } else {
        guard let value = scanner.value(depth: 2), let policy = reader.policy(value, id: id, kind: kind),
          reader.isClean
        else { return nil }
        policies.append(policy)
      }
    } while scanner.consume(UInt8(ascii: ","))
    guard scanner.consume(UInt8(ascii: "]")) else { return nil }
    return policies
  }

  /// One policy given as a JSON string: from the cache by its raw bytes, or decoded and parsed.
  private static func cleanPolicy(
    _ scanner: inout JSONScanner, id: String, kind: PolicyKind, reader: inout Reader
  ) -> Policy? {
    let start = scanner.offset
    guard let span = scanner.rawString(), span.end - span.start <= SimulateRequest.maxPolicyBytes,
      span.end - span.start - 2 <= reader.limits.maxStringBytes
    else { return nil }
    let cache = reader.cache
    let hit: PolicyCache.Hit? = reader.file.bytes.withUnsafeBufferPointer { all in
      guard span.end <= all.count else { return nil }
      let raw = UnsafeBufferPointer(rebasing: all[span.start..<span.end])
      return cache?.lookup(raw, hash: PolicyCache.hash(raw), kind: kind, id: id)
    }
    if let hit {
      reader.diagnostics.append(contentsOf: hit.warnings)
      return hit.policy
    }
    // A miss: decode (which validates) and parse as the generic reader does.
    scanner.offset = start
    let valueStart = scanner.offset
    guard let text = scanner.string() else { return nil }
    let value = JSONValue(.string(text), span: SourceSpan(start: valueStart, end: scanner.offset))
    guard let policy = reader.policy(value, id: id, kind: kind), reader.isClean else { return nil }
    return policy
  }
}

extension SimulateRequest.Reader {
  /// No errors so far (policy warnings are fine: they are reported with the answer).
  var isClean: Bool { !diagnostics.contains(where: \.isError) }
}
