#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import IAMEvaluator
import IAMPolicy

extension SimulateRequest {
  /// Reads a document that has no problem at all, or returns nil.
  ///
  /// Batches repeat the same policies, callers, actions and context entries line
  /// after line, and the policies are most of the bytes. This reader finds each
  /// member's raw extent and looks the bytes up in the cache before decoding
  /// anything: a hit means the very same bytes were read cleanly before, so
  /// neither decoding nor parsing is needed again. Misses go through the generic
  /// JSON reader and the same `Reader` code as `parse`, and are stored.
  /// The moment anything would produce an error (a syntax error, a repeated key,
  /// a bad value) or the document has a shape this reader does not handle (SCP or
  /// RCP levels, a policy given as an object) it gives up, and `parse` reads the
  /// document the generic way, which reports everything exactly as before.
  /// Policy warnings come back in the same order the generic reader gives them.
  ///
  /// It reads bytes the caller keeps alive, so a batch line needs no `SourceFile`
  /// (no copy) unless it falls back.
  static func parseClean(
    _ bytes: UnsafeBufferPointer<UInt8>, name: String, limits: JSONParser.Limits, cache: PolicyCache.Local
  ) -> Parsed<SimulateRequest>? {
    JSONScanner.scan(bytes, limits: limits) { scanner -> Parsed<SimulateRequest>? in
      // The reader only reads `file` to place errors, and any error sends the
      // document to the generic reader, so it needs no copy of the bytes.
      var reader = Reader(file: SourceFile(name: name, bytes: []), diagnostics: [], limits: limits, cache: nil)
      let clean = CleanReader(cache: cache, limits: limits)
      var request = SimulateRequest()
      var sawPolicies = false
      var sawActions = false
      // The keys read so far, one bit per `CleanKey`: a repeated key goes to the generic reader.
      var seen = 0
      // Which cached lists the request has; any list the cache does not keep (nil) means
      // the request gets its own `ApplicablePolicies`.
      var applicable: PolicyCache.ApplicableKey? = PolicyCache.ApplicableKey()
      guard scanner.consume(UInt8(ascii: "{")), !scanner.consume(UInt8(ascii: "}")) else { return nil }
      repeat {
        // Keys are matched on their raw bytes: an escaped, unknown (SCP and RCP levels
        // included) or repeated key sends the document to the generic reader.
        guard let keySpan = scanner.rawString(),
          let member = CleanKey(UnsafeBufferPointer(rebasing: scanner.bytes[(keySpan.start + 1)..<(keySpan.end - 1)])),
          seen & (1 << member.rawValue) == 0
        else { return nil }
        seen |= 1 << member.rawValue
        let key = member.name
        guard scanner.consume(UInt8(ascii: ":")) else { return nil }
        switch member {
        case .policyInputList:
          guard let list = clean.policies(&scanner, key: key, kind: .identity) else { return nil }
          sawPolicies = true
          request.identityPolicies = list.policies
          if let id = list.id { applicable?.identity = id } else { applicable = nil }
          reader.diagnostics.append(contentsOf: list.warnings)
        case .permissionsBoundaryPolicyInputList:
          guard let list = clean.policies(&scanner, key: key, kind: .permissionsBoundary) else { return nil }
          request.permissionsBoundaries = list.policies
          if let id = list.id { applicable?.permissionsBoundary = id } else { applicable = nil }
          reader.diagnostics.append(contentsOf: list.warnings)
        case .sessionPolicyInputList:
          guard let list = clean.policies(&scanner, key: key, kind: .session) else { return nil }
          request.sessionPolicies = list.policies
          if let id = list.id { applicable?.session = id } else { applicable = nil }
          reader.diagnostics.append(contentsOf: list.warnings)
        case .resourcePolicy:
          guard scanner.peek() == UInt8(ascii: "\""),
            let list = clean.policyList(&scanner, key: key, kind: .resource, single: true),
            let policy = list.policies.first
          else { return nil }
          request.resourcePolicy = policy
          if let id = list.id { applicable?.resource = id } else { applicable = nil }
          reader.diagnostics.append(contentsOf: list.warnings)
        case .callerArn, .actionNames, .resourceArns, .resourceOwner:
          guard clean.member(&scanner, member, keySpan: keySpan, into: &request) else { return nil }
          if member == .actionNames { sawActions = true }
        case .contextEntries:
          guard let context = clean.context(&scanner) else { return nil }
          request.context = context
        case .resourceHandlingOption, .maxItems, .marker:
          guard let value = scanner.value(depth: 1) else { return nil }
          reader.apply(
            JSONMember(key: key, keySpan: keySpan, value: value), to: &request, sawPolicies: &sawPolicies,
            sawActions: &sawActions)
          guard reader.isClean else { return nil }
        }
      } while scanner.consume(UInt8(ascii: ","))
      guard scanner.consume(UInt8(ascii: "}")) else { return nil }
      scanner.skipWhitespace()
      guard scanner.isAtEnd, !scanner.sawDuplicateKey, sawPolicies, sawActions else { return nil }
      if var key = applicable {
        key.resourceOwner = request.resourceOwner
        cache.intern(key, into: &request)
      }
      // Moved out, not copied: a copy retained (and then released) every field.
      var moved = SimulateRequest()
      swap(&moved, &request)
      return Parsed(value: moved, diagnostics: reader.diagnostics)
    }
  }

  static func parseClean(_ file: SourceFile, limits: JSONParser.Limits, cache: PolicyCache) -> Parsed<SimulateRequest>? {
    let local = PolicyCache.Local(cache)
    return file.bytes.withUnsafeBufferPointer { parseClean($0, name: file.name, limits: limits, cache: local) }
  }
}

/// The top-level keys `SimulateRequest.parseClean` reads, recognised by their raw bytes
/// (no decoding, no `String` per key). The rest (SCP and RCP levels, unknown keys) are
/// the generic reader's.
enum CleanKey: Int, CaseIterable {
  case policyInputList, permissionsBoundaryPolicyInputList, sessionPolicyInputList, resourcePolicy
  case callerArn, actionNames, resourceArns, resourceOwner, contextEntries
  case resourceHandlingOption, maxItems, marker

  /// The key whose name is exactly `raw` (a key's bytes between its quotes).
  init?(_ raw: UnsafeBufferPointer<UInt8>) {
    guard let base = raw.baseAddress, raw.count >= 6 else { return nil }
    // The candidates by length and first letter, then one comparison.
    let candidate: CleanKey
    switch (raw.count, raw[0]) {
    case (15, UInt8(ascii: "P")): candidate = .policyInputList
    case (34, _): candidate = .permissionsBoundaryPolicyInputList
    case (22, UInt8(ascii: "S")): candidate = .sessionPolicyInputList
    case (14, UInt8(ascii: "R")): candidate = .resourcePolicy
    case (9, _): candidate = .callerArn
    case (11, _): candidate = .actionNames
    case (12, _): candidate = .resourceArns
    case (13, _): candidate = .resourceOwner
    case (14, UInt8(ascii: "C")): candidate = .contextEntries
    case (22, UInt8(ascii: "R")): candidate = .resourceHandlingOption
    case (8, _): candidate = .maxItems
    case (6, _): candidate = .marker
    default: return nil
    }
    let text = candidate.text
    guard text.utf8CodeUnitCount == raw.count, memcmp(text.utf8Start, base, raw.count) == 0 else { return nil }
    self = candidate
  }

  var text: StaticString {
    switch self {
    case .policyInputList: "PolicyInputList"
    case .permissionsBoundaryPolicyInputList: "PermissionsBoundaryPolicyInputList"
    case .sessionPolicyInputList: "SessionPolicyInputList"
    case .resourcePolicy: "ResourcePolicy"
    case .callerArn: "CallerArn"
    case .actionNames: "ActionNames"
    case .resourceArns: "ResourceArns"
    case .resourceOwner: "ResourceOwner"
    case .contextEntries: "ContextEntries"
    case .resourceHandlingOption: "ResourceHandlingOption"
    case .maxItems: "MaxItems"
    case .marker: "Marker"
    }
  }

  /// The key as the generic reader names it (`PolicyInputList.1`, paths in diagnostics).
  var name: String { CleanKey.names[rawValue] }

  /// Made once: a `String` from a `StaticString` is a new allocation each time.
  private static let names = allCases.map(\.text.description)
}

/// The cache-backed member readers of `SimulateRequest.parseClean`; nil means "fall back".
struct CleanReader {
  let cache: PolicyCache.Local
  let limits: JSONParser.Limits

  /// `[ "policy", ... ]`: each string found in the cache by its first bytes, then
  /// the whole list (already named) by which cached policies it holds.
  func policies(_ scanner: inout JSONScanner, key: String, kind: PolicyKind) -> PolicyCache.PolicyList? {
    guard scanner.consume(UInt8(ascii: "[")) else { return nil }
    if scanner.consume(UInt8(ascii: "]")) { return .empty }
    return policyList(&scanner, key: key, kind: kind, single: false)
  }

  /// The elements of a policy list after its `[` (through its `]`), or the one string
  /// of `ResourcePolicy` when `single`.
  func policyList(
    _ scanner: inout JSONScanner, key: String, kind: PolicyKind, single: Bool
  ) -> PolicyCache.PolicyList? {
    if !cache.full {
      let start = scanner.offset
      if let list = trieList(&scanner, key: key, kind: kind, single: single) { return list }
      scanner.offset = start
    }
    var entries: [PolicyCache.Entry] = []
    // Policies the cache was too full to keep, by position.
    var uncached: [Int: PolicyCache.Hit] = [:]
    repeat {
      guard scanner.peek() == UInt8(ascii: "\"") else { return nil }
      // The name is spelled out only for a policy the cache does not have.
      let position = entries.count + uncached.count + 1
      switch policy(&scanner, id: single ? key : "\(key).\(position)", kind: kind) {
      case .none: return nil
      case .some(.entry(let entry)): entries.append(entry)
      case .some(.uncached(let hit)): uncached[entries.count + uncached.count] = hit
      }
    } while !single && scanner.consume(UInt8(ascii: ","))
    guard single || scanner.consume(UInt8(ascii: "]")) else { return nil }
    if uncached.isEmpty {
      if let list = cache.list(kind, entries) { return list }
      var list = PolicyCache.PolicyList(policies: [], warnings: [])
      for (i, entry) in entries.enumerated() {
        let hit = entry.renamed(single ? key : "\(key).\(i + 1)")
        list.policies.append(hit.policy)
        list.warnings.append(contentsOf: hit.warnings)
      }
      return cache.storeList(PolicyCache.ListKey(kind: kind, serials: entries.map(\.serial)), list)
    }
    var list = PolicyCache.PolicyList(policies: [], warnings: [])
    var next = entries.makeIterator()
    for i in 0..<(entries.count + uncached.count) {
      let id = single ? key : "\(key).\(i + 1)"
      let hit: PolicyCache.Hit
      if let h = uncached[i] {
        hit = h
      } else if let entry = next.next() {
        hit = entry.renamed(id)
      } else {
        return nil
      }
      list.policies.append(hit.policy)
      list.warnings.append(contentsOf: hit.warnings)
    }
    return list
  }

  /// `policyList` through the worker's trie of lists (`PolicyCache.Local.ListNode`);
  /// nil (the scanner anywhere) sends the list to the plain reading.
  func trieList(
    _ scanner: inout JSONScanner, key: String, kind: PolicyKind, single: Bool
  ) -> PolicyCache.PolicyList? {
    var node = cache.listRoot(kind)
    repeat {
      guard scanner.peek() == UInt8(ascii: "\"") else { return nil }
      let start = scanner.offset
      if let child = node.child(startingWith: UnsafeBufferPointer(rebasing: scanner.bytes[start...])),
        let entry = child.entry
      {
        scanner.offset = start + entry.raw.count
        node = child
        continue
      }
      let position = node.depth + 1
      guard case .entry(let entry)? = policy(&scanner, id: single ? key : "\(key).\(position)", kind: kind),
        let child = cache.listChild(node, entry)
      else { return nil }
      node = child
    } while !single && scanner.consume(UInt8(ascii: ","))
    guard single || scanner.consume(UInt8(ascii: "]")) else { return nil }
    if let list = node.list { return list }
    let entries = node.entries
    let list: PolicyCache.PolicyList
    if let known = cache.list(kind, entries) {
      list = known
    } else {
      var built = PolicyCache.PolicyList(policies: [], warnings: [])
      for (i, entry) in entries.enumerated() {
        let hit = entry.renamed(single ? key : "\(key).\(i + 1)")
        built.policies.append(hit.policy)
        built.warnings.append(contentsOf: hit.warnings)
      }
      list = cache.storeList(PolicyCache.ListKey(kind: kind, serials: entries.map(\.serial)), built)
    }
    if list.id != nil { node.list = list }
    return list
  }

  enum PolicyRead {
    case entry(PolicyCache.Entry)
    /// Parsed cleanly but not kept (the cache is full), already named.
    case uncached(PolicyCache.Hit)
  }

  /// One policy given as a JSON string: from the cache by its raw bytes, or decoded and parsed.
  func policy(_ scanner: inout JSONScanner, id: @autoclosure () -> String, kind: PolicyKind) -> PolicyRead? {
    let start = scanner.offset
    let all = scanner.bytes
    if let entry = cache.match(UnsafeBufferPointer(rebasing: all[start...]), kind: kind) {
      scanner.offset = start + entry.raw.count
      return .entry(entry)
    }
    guard let span = scanner.rawString(), span.end - span.start <= SimulateRequest.maxPolicyBytes,
      span.end - span.start - 2 <= limits.maxStringBytes
    else { return nil }
    let raw = UnsafeBufferPointer(rebasing: all[span.start..<span.end])
    let hash = PolicyCache.hash(raw)
    if let entry = cache.entry(raw, hash: hash, kind: kind) { return .entry(entry) }
    // A miss: decode (which validates) and parse as the generic reader does.
    scanner.offset = start
    guard let text = scanner.string() else { return nil }
    let id = id()
    let parsed = PolicyParser.parse(SourceFile(name: id, text: text), as: kind, id: id, limits: limits)
    guard !parsed.hasErrors, let policy = parsed.value else { return nil }
    if let entry = cache.storeEntry(raw, hash: hash, kind: kind, policy: policy, warnings: parsed.diagnostics) {
      return .entry(entry)
    }
    return .uncached(PolicyCache.Hit(policy: policy, warnings: parsed.diagnostics))
  }

  /// A JSON string of printable ASCII without escapes (what ARNs and action names
  /// are), decoded in place; nil for anything else, which the generic reader reads.
  func plainString(_ scanner: inout JSONScanner) -> String? {
    guard let span = scanner.rawString(), span.end - span.start - 2 <= limits.maxStringBytes else { return nil }
    let text = UnsafeBufferPointer(rebasing: scanner.bytes[(span.start + 1)..<(span.end - 1)])
    for b in text where b < 0x20 || b >= 0x80 || b == UInt8(ascii: "\\") { return nil }
    return String(decoding: text, as: UTF8.self)
  }

  /// `[ "plain string", ... ]`, as `plainString`.
  func plainStrings(_ scanner: inout JSONScanner) -> [String]? {
    guard scanner.consume(UInt8(ascii: "[")) else { return nil }
    var out: [String] = []
    if scanner.consume(UInt8(ascii: "]")) { return out }
    repeat {
      guard let s = plainString(&scanner) else { return nil }
      out.append(s)
    } while scanner.consume(UInt8(ascii: ","))
    guard scanner.consume(UInt8(ascii: "]")) else { return nil }
    return out
  }

  /// `CallerArn`, `ActionNames`, `ResourceArns` or `ResourceOwner`: through the cache
  /// (a batch repeats them: one lookup, no new strings), else read directly when they
  /// are plain strings, else by `Reader.apply`.
  func member(
    _ scanner: inout JSONScanner, _ member: CleanKey, keySpan: SourceSpan, into request: inout SimulateRequest
  ) -> Bool {
    let tag: PolicyCache.ValueTag =
      switch member {
      case .callerArn: .callerArn
      case .actionNames: .actionNames
      case .resourceArns: .resourceArns
      default: .resourceOwner
      }
    return cachedMember(&scanner, tag: tag, key: member.name, keySpan: keySpan, into: &request)
  }

  /// A member of plain strings read as `Reader.apply` reads it, when that gives no
  /// error; the scanner is then after the value.
  func directValue(_ scanner: inout JSONScanner, from start: Int, tag: PolicyCache.ValueTag) -> PolicyCache.Value? {
    scanner.offset = start
    switch tag {
    case .callerArn:
      guard let text = plainString(&scanner) else { return nil }
      return Principal(text).map { .caller($0, derived: Request.derivedEntries(of: $0)) }
    case .resourceOwner:
      guard let text = plainString(&scanner) else { return nil }
      return SimulateRequest.account(of: text).map { .owner($0) }
    case .actionNames:
      guard let list = plainStrings(&scanner), !list.isEmpty else { return nil }
      for name in list where name != "*" && !name.utf8.contains(UInt8(ascii: ":")) { return nil }
      return .strings(list)
    case .resourceArns:
      guard let list = plainStrings(&scanner) else { return nil }
      return .strings(list.isEmpty ? ["*"] : list)
    default:
      return nil
    }
  }

  func cachedMember(
    _ scanner: inout JSONScanner, tag: PolicyCache.ValueTag, key: @autoclosure () -> String, keySpan: SourceSpan,
    into request: inout SimulateRequest
  ) -> Bool {
    let start = scanner.offset
    let value: PolicyCache.Value
    // Strings and short lists: scanning for the end and hashing the whole value is
    // cheaper than `prefixedValue`'s probes, which pay off for context entries.
    guard let span = scanner.rawValue() else { return false }
    let raw = UnsafeBufferPointer(rebasing: scanner.bytes[span.start..<span.end])
    if let known = cache.value(raw, tag: tag) {
      value = known
    } else if let direct = directValue(&scanner, from: start, tag: tag) {
      value = direct
      cache.storeValue(raw, tag: tag, value)
    } else {
      scanner.offset = start
      guard let json = scanner.value(depth: 1), !scanner.sawDuplicateKey else { return false }
      var reader = SimulateRequest.Reader(
        file: SourceFile(name: "", bytes: []), diagnostics: [], limits: limits, cache: nil)
      var scratch = SimulateRequest()
      var sawPolicies = false
      var sawActions = false
      reader.apply(
        JSONMember(key: key(), keySpan: keySpan, value: json), to: &scratch, sawPolicies: &sawPolicies,
        sawActions: &sawActions)
      guard reader.diagnostics.isEmpty else { return false }
      switch tag {
      case .callerArn: value = .caller(scratch.caller, derived: Request.derivedEntries(of: scratch.caller))
      case .actionNames: value = .strings(scratch.actionNames)
      case .resourceArns: value = .strings(scratch.resourceArns)
      default:
        guard let owner = scratch.resourceOwner else { return false }
        value = .owner(owner)
      }
      cache.storeValue(raw, tag: tag, value)
    }
    switch (tag, value) {
    case (.callerArn, .caller(let p, let derived)):
      request.caller = p
      request.callerEntries = derived
    case (.actionNames, .strings(let s)): request.actionNames = s
    case (.resourceArns, .strings(let s)): request.resourceArns = s
    case (.resourceOwner, .owner(let o)): request.resourceOwner = o
    default: return false
    }
    return true
  }

  /// `ContextEntries`: each entry found by its first bytes (`prefixedValue`), else read
  /// by `Reader.contextEntries` once; the list of entries then by the worker's trie
  /// of entry lists, whose node holds the context made by setting them in order.
  func context(_ scanner: inout JSONScanner) -> RequestContext? {
    guard scanner.consume(UInt8(ascii: "[")) else { return nil }
    if scanner.consume(UInt8(ascii: "]")) { return RequestContext() }
    let all = scanner.bytes
    var node: PolicyCache.Local.ContextNode? = cache.contextRoot
    // Entries past the trie's size limit, set on top of the node's context.
    var context = RequestContext()
    repeat {
      guard scanner.peek() == UInt8(ascii: "{") else { return nil }
      let entryStart = scanner.offset
      var found = cache.prefixedValue(startingAt: UnsafeBufferPointer(rebasing: all[entryStart...]), tag: .contextEntry)
      let entry: RequestContext.Entry
      if let hit = found, case .contextEntry(let e) = hit.value {
        scanner.offset = entryStart + hit.raw.count
        entry = e
      } else {
        // Not seen by this worker: another may have read the very same bytes.
        guard let span = scanner.rawValue(), span.start == entryStart else { return nil }
        let raw = UnsafeBufferPointer(rebasing: all[span.start..<span.end])
        if let (shared, kept) = cache.sharedPrefixedValue(raw, tag: .contextEntry), case .contextEntry(let e) = shared.value {
          entry = e
          found = kept ? shared : nil
        } else {
          scanner.offset = entryStart
          guard let json = scanner.value(depth: 2), !scanner.sawDuplicateKey, json.span.end == span.end else { return nil }
          var reader = SimulateRequest.Reader(
            file: SourceFile(name: "", bytes: []), diagnostics: [], limits: limits, cache: nil)
          let one = reader.contextEntries(
            JSONMember(key: "ContextEntries", keySpan: .none, value: JSONValue(.array([json]), span: json.span)))
          guard reader.diagnostics.isEmpty, one.entries.count == 1 else { return nil }
          entry = RequestContext.Entry(name: one.entries[0].name, value: one.entries[0].value)
          found = cache.storePrefixedValue(raw, tag: .contextEntry, .contextEntry(entry))
        }
      }
      if let current = node {
        if let kept = found, let child = cache.contextChild(current, kept) {
          node = child
        } else {
          context = PolicyCache.Local.context(of: current)
          node = nil
        }
      }
      if node == nil { context.set(entry) }
    } while scanner.consume(UInt8(ascii: ","))
    guard scanner.consume(UInt8(ascii: "]")) else { return nil }
    guard let node else { return context }
    return PolicyCache.Local.context(of: node)
  }
}

extension SimulateRequest.Reader {
  /// No errors so far (policy warnings are fine: they are reported with the answer).
  var isClean: Bool { !diagnostics.contains(where: \.isError) }
}
