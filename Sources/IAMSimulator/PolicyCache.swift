#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import IAMEvaluator
import IAMPolicy

/// Remembers policies (and other request values) already read from the same text.
///
/// Scripts that send thousands of requests (`simulate --batch`) repeat the same
/// managed and inline policies on line after line; parsing each distinct text
/// once makes the batch bound by reading, not by re-parsing. Only parses without
/// errors are kept, with their warnings, which every hit reports again under the
/// policy's new name, so a batch line reports exactly what it would alone.
/// A cache may be shared by threads: lookups and stores take a lock (held for a
/// hash-table probe, never while parsing), so every policy text of a batch is
/// parsed about once, not once per worker.
///
/// Besides single policies it keeps whole policy lists (the same list of cached
/// policies, already named `PolicyInputList.1`, ...) and the small members that
/// repeat too (`CallerArn`, `ActionNames`, `ResourceArns`, `ResourceOwner`, context
/// entries), each by its raw bytes, so a repeated line costs lookups, not parsing.
public final class PolicyCache: @unchecked Sendable {
  /// One policy text that parsed without errors.
  // INVARIANT: `raw` is a copy the entry owns (freed in `deinit`), never written after
  // `init`: its address is stable, so tables and tries may point at it.
  final class Entry: @unchecked Sendable {
    let raw: UnsafeBufferPointer<UInt8>
    let kind: PolicyKind
    let policy: Policy
    let warnings: [Diagnostic]
    /// Identifies the entry in list keys.
    let serial: Int
    /// `PolicyCache.hash(raw)`.
    let hash: UInt64
    /// The hash `match` finds it by; nil for strings shorter than the shortest tier.
    let prefixHash: UInt64?

    init(
      raw: UnsafeBufferPointer<UInt8>, kind: PolicyKind, policy: Policy, warnings: [Diagnostic], serial: Int,
      hash: UInt64, prefixHash: UInt64?
    ) {
      self.hash = hash
      self.raw = PolicyCache.copy(raw)
      self.kind = kind
      self.policy = policy
      self.warnings = warnings
      self.serial = serial
      self.prefixHash = prefixHash
    }

    deinit { raw.deallocate() }

    /// Whether `rest` starts with this policy's raw string (so holds that very string).
    @inline(__always)
    func starts(_ rest: UnsafeBufferPointer<UInt8>) -> Bool {
      raw.count <= rest.count && PolicyCache.same(raw, UnsafeBufferPointer(rebasing: rest[0..<raw.count]))
    }

    /// The policy and its warnings under the name of its place in a request.
    func renamed(_ id: String) -> Hit {
      var policy = policy
      policy.id = id
      policy.source.name = id
      var warnings = warnings
      for i in warnings.indices { warnings[i].range?.source = id }
      return Hit(policy: policy, warnings: warnings)
    }
  }

  /// A cached policy renamed for its new place, and the warnings its text gives.
  struct Hit {
    var policy: Policy
    var warnings: [Diagnostic]
  }

  /// A list of cached policies, named for their places, with their warnings in order.
  struct PolicyList: @unchecked Sendable {
    var policies: [Policy]
    var warnings: [Diagnostic]
    /// Identifies a list the cache keeps, in `ApplicableKey`s; nil for one it does not.
    var id: Int?

    init(policies: [Policy], warnings: [Diagnostic], id: Int? = nil) {
      self.policies = policies
      self.warnings = warnings
      self.id = id
    }

    /// No policies: the same in every request, whatever the member or its absence.
    static let empty = PolicyList(policies: [], warnings: [], id: PolicyCache.emptyListID)
  }

  /// The `PolicyList.id` of every empty list (and of a missing member).
  static let emptyListID = -1

  /// A request's policy lists by their `PolicyList.id`s, and its resource owner: requests
  /// with the same key have the same `ApplicablePolicies` (the lists hold the very same
  /// policies, already named for their places).
  struct ApplicableKey: Hashable {
    var identity = PolicyCache.emptyListID
    var permissionsBoundary = PolicyCache.emptyListID
    var session = PolicyCache.emptyListID
    var resource = PolicyCache.emptyListID
    var resourceOwner: String?

    var hash: UInt64 {
      var h = Local.listHash([identity, permissionsBoundary, session, resource])
      if let resourceOwner {
        var owner = resourceOwner
        h ^= owner.withUTF8 { PolicyCache.hash($0) } &* 0x9E37_79B9_7F4A_7C15
      }
      return h
    }
  }

  /// One `ApplicablePolicies` kept for its key.
  final class ApplicableBox: @unchecked Sendable {
    let key: ApplicableKey
    let policies: ApplicablePolicies

    init(_ key: ApplicableKey, _ policies: ApplicablePolicies) {
      self.key = key
      self.policies = policies
    }
  }

  struct ListKey: Hashable {
    var kind: PolicyKind
    var serials: [Int]
  }

  /// What a request member's raw bytes read as, when they read without errors.
  enum Value: @unchecked Sendable {
    /// With `Request.derivedEntries(of:)` of it, made once for every line it calls.
    case caller(Principal, derived: [RequestContext.Entry])
    case strings([String])
    case owner(String)
    case contextEntry(RequestContext.Entry)
  }

  /// Which member a value came from; the same bytes mean different things in each.
  enum ValueTag: UInt64 {
    case callerArn = 1, actionNames, resourceArns, resourceOwner, contextEntry
  }

  // INVARIANT: as `Entry.raw`, `raw` is owned, stable and never written after `init`.
  final class ValueEntry: @unchecked Sendable {
    let raw: UnsafeBufferPointer<UInt8>
    let tag: ValueTag
    let value: Value

    init(raw: UnsafeBufferPointer<UInt8>, tag: ValueTag, value: Value) {
      self.raw = PolicyCache.copy(raw)
      self.tag = tag
      self.value = value
    }

    deinit { raw.deallocate() }
  }

  /// A copy of `bytes` in memory of its own (at least one byte, so never a nil base).
  static func copy(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(bytes.count, 1))
    _ = copy.initialize(from: bytes)
    return UnsafeBufferPointer(rebasing: copy[0..<bytes.count])
  }

  /// Policy strings are also found by a hash of their first 64, 128, 256 or 512 bytes
  /// (the largest of these the string covers; see `match(_:kind:)`), so a hit never
  /// scans the string for its end. Several lengths, because policies share long
  /// beginnings (`{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": ...`).
  static let prefixTiers = [64, 128, 256, 512]

  /// The most entries kept under one prefix hash (see `storeEntry`).
  static let maxPrefixChain = 16

  // INVARIANT: every `var` below is only touched with `mutex` held. Hence no dynamic
  // exclusivity checks (`@exclusivity(unchecked)`): the mutex already orders accesses,
  // and the checks were a few percent of a batch's reading.
  @exclusivity(unchecked) private var exact: [UInt64: [Entry]] = [:]
  /// By `prefixHash(_:tier:)` of the largest tier the raw string covers.
  @exclusivity(unchecked) private var prefixed: [UInt64: [Entry]] = [:]
  @exclusivity(unchecked) private var lists: [ListKey: PolicyList] = [:]
  @exclusivity(unchecked) private var applicables: [ApplicableKey: ApplicableBox] = [:]
  @exclusivity(unchecked) private var count = 0
  /// Small members by `PolicyCache.hash` of their whole raw bytes, xor their tag.
  @exclusivity(unchecked) private var values: [UInt64: [ValueEntry]] = [:]
  @exclusivity(unchecked) private var valueCount = 0
  private let mutex: UnsafeMutablePointer<pthread_mutex_t>
  /// Bounds memory for hostile batches of all-different policies.
  public let capacity: Int

  public init(capacity: Int = 20_000) {
    self.capacity = capacity
    mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    mutex.initialize(to: pthread_mutex_t())
    // Held only for a hash-table probe: a waiter spins briefly (glibc's adaptive
    // mutex) instead of going to sleep in the kernel and leaving its core idle.
    var attributes = pthread_mutexattr_t()
    pthread_mutexattr_init(&attributes)
    #if canImport(Glibc)
    pthread_mutexattr_settype(&attributes, PolicyCache.adaptiveMutex)
    #endif
    pthread_mutex_init(mutex, &attributes)
    pthread_mutexattr_destroy(&attributes)
  }

  #if canImport(Glibc)
  /// glibc's `PTHREAD_MUTEX_ADAPTIVE_NP` (a GNU extension the Swift module may not export).
  static let adaptiveMutex: Int32 = 3
  #endif

  deinit {
    pthread_mutex_destroy(mutex)
    mutex.deallocate()
  }

  private func locked<R>(_ body: () -> R) -> R {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return body()
  }

  /// The cached policy parsed from exactly these raw bytes as this kind, renamed to `id`.
  func lookup(_ raw: UnsafeBufferPointer<UInt8>, hash: UInt64, kind: PolicyKind, id: String) -> Hit? {
    entry(raw, hash: hash, kind: kind)?.renamed(id)
  }

  /// The entry parsed from exactly these raw bytes (a whole JSON string, quotes included).
  func entry(_ raw: UnsafeBufferPointer<UInt8>, hash: UInt64, kind: PolicyKind) -> Entry? {
    guard let entries = locked({ exact[hash] }) else { return nil }
    for entry in entries where entry.kind == kind && PolicyCache.same(entry.raw, raw) { return entry }
    return nil
  }

  /// The entry whose raw string starts `rest` (which runs on past the string's end).
  ///
  /// A JSON string ends at its first unescaped quote, so when a cached string's bytes
  /// are a prefix of `rest` the string there is that very string: one `memcmp`,
  /// found by a hash of the first bytes, replaces scanning for the end. The string's
  /// length is unknown, so each tier `rest` covers is tried, longest first.
  func match(_ rest: UnsafeBufferPointer<UInt8>, kind: PolicyKind) -> Entry? {
    let tiers = PolicyCache.prefixTiers
    guard rest.count >= tiers[0] else { return nil }
    return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: tiers.count) { hashes in
      let covered = PolicyCache.prefixHashes(rest, into: hashes)
      return match(rest, kind: kind, hashes: UnsafeBufferPointer(rebasing: hashes[0..<covered]))
    }
  }

  /// `match` with the prefix hashes of `rest` computed.
  func match(_ rest: UnsafeBufferPointer<UInt8>, kind: PolicyKind, hashes: UnsafeBufferPointer<UInt64>) -> Entry? {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return PolicyCache.match(rest, kind: kind, hashes: hashes, in: prefixed)
  }

  static func match(
    _ rest: UnsafeBufferPointer<UInt8>, kind: PolicyKind, hashes: UnsafeBufferPointer<UInt64>,
    in table: [UInt64: [Entry]]
  ) -> Entry? {
    for t in stride(from: hashes.count - 1, through: 0, by: -1) {
      guard let entries = table[hashes[t]] else { continue }
      for entry in entries where entry.kind == kind && entry.raw.count <= rest.count {
        if PolicyCache.same(entry.raw, UnsafeBufferPointer(rebasing: rest[0..<entry.raw.count])) { return entry }
      }
    }
    return nil
  }

  /// The prefix hashes of `bytes` for each tier it covers, in `hashes`; returns how many.
  /// One pass: the hash of a longer prefix continues that of the shorter one. The first
  /// 64 bytes are hashed whole, the rest one word in four: strings that differ there
  /// almost always differ in a sampled word too (JSON text shifts after any change),
  /// and a string found by a hash is compared in full anyway.
  static func prefixHashes(_ bytes: UnsafeBufferPointer<UInt8>, into hashes: UnsafeMutableBufferPointer<UInt64>) -> Int {
    guard let base = bytes.baseAddress else { return 0 }
    let raw = UnsafeRawPointer(base)
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15
    var i = 0
    var covered = 0
    for (t, tier) in prefixTiers.enumerated() {
      guard tier <= bytes.count else { break }
      while i < tier {
        let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        h = (h ^ word) &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 32
        i += i < 64 ? 8 : 32
      }
      hashes[t] = (h ^ (h >> 29)) &+ UInt64(tier)
      covered = t + 1
    }
    return covered
  }

  func store(_ raw: UnsafeBufferPointer<UInt8>, hash: UInt64, kind: PolicyKind, policy: Policy, warnings: [Diagnostic]) {
    _ = storeEntry(raw, hash: hash, kind: kind, policy: policy, warnings: warnings)
  }

  /// Stores a clean parse; nil when the cache is full.
  func storeEntry(
    _ raw: UnsafeBufferPointer<UInt8>, hash: UInt64, kind: PolicyKind, policy: Policy, warnings: [Diagnostic]
  ) -> Entry? {
    let prefixHash = withUnsafeTemporaryAllocation(of: UInt64.self, capacity: PolicyCache.prefixTiers.count) {
      hashes -> UInt64? in
      let covered = PolicyCache.prefixHashes(raw, into: hashes)
      return covered > 0 ? hashes[covered - 1] : nil
    }
    return locked { () -> Entry? in
      // Another worker may have stored the same text meanwhile: keep one entry per text.
      if let entries = exact[hash] {
        for entry in entries where entry.kind == kind && PolicyCache.same(entry.raw, raw) { return entry }
      }
      guard count < capacity else { return nil }
      // Strings that share their first bytes share a prefix hash; past a few, a new one
      // is found by its whole bytes only, so a batch of policies that differ late (or a
      // line of thousands of them) never makes `match` compare against a long chain.
      var prefixHash = prefixHash
      if let p = prefixHash, (prefixed[p]?.count ?? 0) >= PolicyCache.maxPrefixChain { prefixHash = nil }
      let entry = Entry(
        raw: raw, kind: kind, policy: policy, warnings: warnings, serial: count, hash: hash,
        prefixHash: prefixHash)
      exact[hash, default: []].append(entry)
      if let prefixHash { prefixed[prefixHash, default: []].append(entry) }
      count += 1
      return entry
    }
  }

  func list(_ key: ListKey) -> PolicyList? { locked { lists[key] } }

  /// Keeps `list` under `key`, numbered; returns the list kept (another worker's, if it
  /// stored the same key first), or nil when the cache is full.
  func storeList(_ key: ListKey, _ list: PolicyList) -> PolicyList? {
    locked {
      if let kept = lists[key] { return kept }
      guard lists.count < capacity else { return nil }
      var list = list
      list.id = lists.count
      lists[key] = list
      return list
    }
  }

  /// The `ApplicablePolicies` kept for `key`, if any.
  func applicable(_ key: ApplicableKey) -> ApplicableBox? { locked { applicables[key] } }

  /// Keeps `policies` for `key` unless the cache is full; returns the one kept. When two
  /// workers race (each builds outside the lock), both get the first one stored.
  func storeApplicable(_ key: ApplicableKey, _ policies: ApplicablePolicies) -> ApplicableBox {
    locked {
      if let kept = applicables[key] { return kept }
      let box = ApplicableBox(key, policies)
      if applicables.count < capacity { applicables[key] = box }
      return box
    }
  }

  /// The value another worker read from exactly these bytes as `tag`.
  func valueEntry(_ raw: UnsafeBufferPointer<UInt8>, hash: UInt64, tag: ValueTag) -> ValueEntry? {
    guard let entries = locked({ values[hash] }) else { return nil }
    for entry in entries where entry.tag == tag && PolicyCache.same(entry.raw, raw) { return entry }
    return nil
  }

  func storeValue(_ entry: ValueEntry, hash: UInt64) {
    locked {
      guard valueCount < capacity * 4 else { return }
      values[hash, default: []].append(entry)
      valueCount += 1
    }
  }

  static func same(_ stored: UnsafeBufferPointer<UInt8>, _ raw: UnsafeBufferPointer<UInt8>) -> Bool {
    guard stored.count == raw.count else { return false }
    guard let a = stored.baseAddress, let b = raw.baseAddress else { return true }
    return memcmp(a, b, raw.count) == 0
  }

  /// A fast 64-bit hash of bytes, eight at a time.
  static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
    guard let base = bytes.baseAddress else { return h }
    let raw = UnsafeRawPointer(base)
    var i = 0
    while i + 8 <= bytes.count {
      let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
      h = (h ^ word) &* 0xFF51_AFD7_ED55_8CCD
      h ^= h >> 32
      i += 8
    }
    while i < bytes.count {
      h = (h ^ UInt64(bytes[i])) &* 0xC4CE_B9FE_1A85_EC53
      i += 1
    }
    return h ^ (h >> 29)
  }

  /// A worker's own front to a shared cache: what the worker has seen is found
  /// without the lock, so two workers do not queue on it for every member of every
  /// line. Misses go to the shared cache (each text is still parsed about once) and
  /// are remembered here. Not for sharing between threads.
  public final class Local {
    let shared: PolicyCache
    // Flat open-addressing tables keyed by the hashes already computed: one probe
    // touches one slot, where a Dictionary of arrays took a hash, a bucket and an array.
    // A `Local` belongs to one thread, so its fields skip dynamic exclusivity checks.
    @exclusivity(unchecked) private var exact = FlatTable<Entry>()
    @exclusivity(unchecked) private var prefixed = FlatTable<Entry>()
    @exclusivity(unchecked) private var lists = FlatTable<ListBox>()
    @exclusivity(unchecked) private var applicables = FlatTable<ApplicableBox>()
    /// Members by `PolicyCache.hash` of their whole raw bytes, xor their tag.
    @exclusivity(unchecked) private var values = FlatTable<ValueEntry>()
    /// Context entries by the hash of their first bytes (see `prefixedValue`).
    @exclusivity(unchecked) private var prefixedValues = FlatTable<ValueEntry>()
    /// How many prefixed values share each prefix hash, to keep chains short.
    @exclusivity(unchecked) private var prefixChains: [UInt64: Int] = [:]
    /// The trie of context entry lists (see `ContextNode`), and how many nodes it has.
    @exclusivity(unchecked) private(set) var contextRoot = ContextNode(entry: nil, parent: nil)
    @exclusivity(unchecked) private var contextNodes = 0
    /// One trie of policy lists per kind (see `ListNode`), and how many nodes they have.
    @exclusivity(unchecked) private var listRoots: [ListNode?] = Array(repeating: nil, count: PolicyKind.allCases.count)
    @exclusivity(unchecked) private var listNodes = 0
    /// Set once the shared cache refused a policy: lists are then read the plain way.
    @exclusivity(unchecked) private(set) var full = false

    /// A list found by the serials of its entries, compared in place.
    final class ListBox {
      let kind: PolicyKind
      let serials: [Int]
      let list: PolicyList

      init(_ key: ListKey, _ list: PolicyList) {
        kind = key.kind
        serials = key.serials
        self.list = list
      }
    }

    static func listHash<S: Sequence<Int>>(_ serials: S) -> UInt64 {
      var h: UInt64 = 0x9E37_79B9_7F4A_7C15
      for s in serials {
        h = (h ^ UInt64(truncatingIfNeeded: s)) &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 32
      }
      return h
    }

    public init(_ shared: PolicyCache) { self.shared = shared }

    /// A worker's trie of the policy lists it has read, by their cached policies in
    /// order: a list member is read by following, policy by policy, the child whose
    /// raw string starts the rest of the line (one `memcmp`, no hashing, where a node
    /// has a few children), and the node where the list ends holds the named list.
    /// Batches repeat a few hundred lists, so most steps have one or two children.
    final class ListNode {
      let entry: Entry?
      unowned let parent: ListNode?
      let depth: Int
      @exclusivity(unchecked) private var children = TrieChildren<ListNode>()
      /// The list that ends here, once read.
      @exclusivity(unchecked) var list: PolicyList?

      init(entry: Entry?, parent: ListNode?) {
        self.entry = entry
        self.parent = parent
        depth = (parent?.depth ?? -1) + 1
      }

      /// The child whose policy string starts `rest`, among a few children (one
      /// `memcmp` each); nil past a few, where `child(for:)` finds it by its entry.
      func child(startingWith rest: UnsafeBufferPointer<UInt8>) -> ListNode? {
        guard let few = children.few else { return nil }
        for node in few where node.entry?.starts(rest) == true { return node }
        return nil
      }

      /// The child for `entry`, if there is one.
      func child(for entry: Entry) -> ListNode? { children.child(for: ObjectIdentifier(entry)) }

      func add(_ entry: Entry) -> ListNode {
        let node = ListNode(entry: entry, parent: self)
        children.add(node, for: ObjectIdentifier(entry))
        return node
      }

      /// The cached policies from the root to here.
      var entries: [Entry] {
        var out: [Entry] = []
        out.reserveCapacity(depth)
        var node: ListNode? = self
        while let n = node, let entry = n.entry {
          out.append(entry)
          node = n.parent
        }
        return out.reversed()
      }
    }

    func listRoot(_ kind: PolicyKind) -> ListNode {
      let i =
        switch kind {
        case .identity: 0
        case .resource: 1
        case .trust: 2
        case .permissionsBoundary: 3
        case .session: 4
        case .serviceControl: 5
        case .resourceControl: 6
        }
      if let root = listRoots[i] { return root }
      let root = ListNode(entry: nil, parent: nil)
      listRoots[i] = root
      return root
    }

    /// `node`'s child for `entry`, made if need be; nil when the tries are at their size limit.
    func listChild(_ node: ListNode, _ entry: Entry) -> ListNode? {
      if let child = node.child(for: entry) { return child }
      guard listNodes < shared.capacity * 4 else { return nil }
      listNodes += 1
      return node.add(entry)
    }

    private func remember(_ entry: Entry) {
      if exact.first(entry.hash, where: { $0 === entry }) == nil { exact.insert(entry.hash, entry) }
      if let p = entry.prefixHash, prefixed.first(p, where: { $0 === entry }) == nil { prefixed.insert(p, entry) }
    }

    func match(_ rest: UnsafeBufferPointer<UInt8>, kind: PolicyKind) -> Entry? {
      let tiers = PolicyCache.prefixTiers
      guard rest.count >= tiers[0] else { return nil }
      return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: tiers.count) { all in
        let hashes = UnsafeBufferPointer(rebasing: all[0..<PolicyCache.prefixHashes(rest, into: all)])
        for t in stride(from: hashes.count - 1, through: 0, by: -1) {
          let found = prefixed.first(hashes[t]) { entry in
            entry.kind == kind && entry.raw.count <= rest.count
              && PolicyCache.same(entry.raw, UnsafeBufferPointer(rebasing: rest[0..<entry.raw.count]))
          }
          if let found { return found }
        }
        guard let entry = shared.match(rest, kind: kind, hashes: hashes) else { return nil }
        remember(entry)
        return entry
      }
    }

    func entry(_ raw: UnsafeBufferPointer<UInt8>, hash: UInt64, kind: PolicyKind) -> Entry? {
      if let entry = exact.first(hash, where: { $0.kind == kind && PolicyCache.same($0.raw, raw) }) { return entry }
      guard let entry = shared.entry(raw, hash: hash, kind: kind) else { return nil }
      remember(entry)
      return entry
    }

    func storeEntry(
      _ raw: UnsafeBufferPointer<UInt8>, hash: UInt64, kind: PolicyKind, policy: Policy, warnings: [Diagnostic]
    ) -> Entry? {
      guard let entry = shared.storeEntry(raw, hash: hash, kind: kind, policy: policy, warnings: warnings) else {
        full = true
        return nil
      }
      remember(entry)
      return entry
    }

    /// The list of exactly these cached entries, in order, as this kind.
    func list(_ kind: PolicyKind, _ entries: [Entry]) -> PolicyList? {
      let h = Local.listHash(entries.lazy.map(\.serial))
      let box = lists.first(h) { box in
        guard box.kind == kind, box.serials.count == entries.count else { return false }
        for i in entries.indices where box.serials[i] != entries[i].serial { return false }
        return true
      }
      if let box { return box.list }
      let key = ListKey(kind: kind, serials: entries.map(\.serial))
      guard let list = shared.list(key) else { return nil }
      lists.insert(h, ListBox(key, list))
      return list
    }

    /// Keeps `list` in the shared cache; returns it numbered (or as given when the cache is full).
    func storeList(_ key: ListKey, _ list: PolicyList) -> PolicyList {
      guard let kept = shared.storeList(key, list) else { return list }
      if lists.count < shared.capacity { lists.insert(Local.listHash(key.serials), ListBox(key, kept)) }
      return kept
    }

    /// Sets `request.interned` to the shared `ApplicablePolicies` for `key` (see
    /// `PolicyCache.storeApplicable`), built from the request if need be. The request is
    /// `inout`, neither captured by a closure nor passed by value: either made the
    /// reader copy (retain) every field of it.
    func intern(_ key: ApplicableKey, into request: inout SimulateRequest) {
      let h = key.hash
      if let box = applicables.first(h, where: { $0.key == key }) {
        request.interned = box.policies
        return
      }
      let box = shared.applicable(key) ?? shared.storeApplicable(key, request.built)
      if applicables.count < shared.capacity { applicables.insert(h, box) }
      request.interned = box.policies
    }

    /// Prefix lengths prefixed values are found by: the longest one a value covers is its
    /// key. Up to 256 bytes: context entries often differ only in their values, late.
    static let valueTiers = [8, 16, 24, 32, 48, 64, 96, 128, 192, 256]

    /// What this worker or another read from exactly `raw` (a whole member) as `tag`.
    func value(_ raw: UnsafeBufferPointer<UInt8>, tag: ValueTag) -> Value? {
      let h = PolicyCache.hash(raw) ^ tag.rawValue
      if let entry = values.first(h, where: { $0.tag == tag && PolicyCache.same($0.raw, raw) }) { return entry.value }
      guard let entry = shared.valueEntry(raw, hash: h, tag: tag) else { return nil }
      if values.count < shared.capacity * 4 { values.insert(h, entry) }
      return entry.value
    }

    /// Keeps a member read cleanly from `raw`, for this worker and the others.
    func storeValue(_ raw: UnsafeBufferPointer<UInt8>, tag: ValueTag, _ value: Value) {
      let h = PolicyCache.hash(raw) ^ tag.rawValue
      let entry = ValueEntry(raw: raw, tag: tag, value: value)
      shared.storeValue(entry, hash: h)
      if values.count < shared.capacity * 4 { values.insert(h, entry) }
    }

    /// The hash `prefixedValue` and `storePrefixedValue` use for `bytes`' first `tier` bytes,
    /// continued from `h`, the hash of its first `from` bytes (0x9E37... for none).
    @inline(__always)
    static func continueHash(_ h: UInt64, _ raw: UnsafeRawPointer, from: Int, to tier: Int) -> UInt64 {
      var h = h
      var i = from
      while i < tier {
        h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 32
        i += 8
      }
      return h
    }

    @inline(__always)
    static func prefixKey(_ h: UInt64, tier: Int) -> UInt64 { (h ^ (h >> 29)) &+ UInt64(tier) }

    /// The value this worker read before whose raw bytes start `rest`, as `tag`.
    ///
    /// Strings, arrays and objects end where their own bytes say, so a stored value
    /// whose bytes begin `rest` is the very value there, and no other stored value
    /// can also begin it: one `memcmp` instead of scanning for the end, and the
    /// first match found is the answer. A value is kept under the hash of its first
    /// `tier` bytes, the longest of `valueTiers` it covers; tiers are tried shortest
    /// first, so a short value costs a short hash. Used for context entries: objects
    /// of many short strings, slow to scan for their end.
    func prefixedValue(startingAt rest: UnsafeBufferPointer<UInt8>, tag: ValueTag) -> ValueEntry? {
      guard let base = rest.baseAddress else { return nil }
      let raw = UnsafeRawPointer(base)
      // One copy of the table for all the probes (reading the property per probe
      // retained and released its arrays each time).
      let table = prefixedValues
      var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ tag.rawValue
      var hashed = 0
      for tier in Local.valueTiers {
        guard tier <= rest.count else { break }
        h = Local.continueHash(h, raw, from: hashed, to: tier)
        hashed = tier
        let found = table.first(Local.prefixKey(h, tier: tier)) { entry in
          entry.tag == tag && entry.raw.count <= rest.count
            && PolicyCache.same(entry.raw, UnsafeBufferPointer(rebasing: rest[0..<entry.raw.count]))
        }
        if let found { return found }
      }
      return nil
    }

    /// Keeps a value read cleanly from `raw` (a whole value) for `prefixedValue` and, by
    /// its whole bytes, for the other workers; returns it, or nil when `prefixedValue`
    /// cannot find it (see `keep`).
    @discardableResult
    func storePrefixedValue(_ raw: UnsafeBufferPointer<UInt8>, tag: ValueTag, _ value: Value) -> ValueEntry? {
      let entry = ValueEntry(raw: raw, tag: tag, value: value)
      shared.storeValue(entry, hash: PolicyCache.hash(raw) ^ tag.rawValue)
      return keep(entry) ? entry : nil
    }

    /// What another worker (or an earlier `Local` of the same cache) read from exactly
    /// `raw`, a whole value, as `tag`; kept here too when `keep` takes it (`kept`).
    func sharedPrefixedValue(_ raw: UnsafeBufferPointer<UInt8>, tag: ValueTag) -> (entry: ValueEntry, kept: Bool)? {
      guard let entry = shared.valueEntry(raw, hash: PolicyCache.hash(raw) ^ tag.rawValue, tag: tag) else { return nil }
      return (entry, keep(entry))
    }

    /// Adds `entry` to the table `prefixedValue` reads, unless it cannot be found there
    /// (not a string, array or object, or too short), too many alike are kept, or
    /// the table is full.
    private func keep(_ entry: ValueEntry) -> Bool {
      let raw = entry.raw
      guard let first = raw.first, first == UInt8(ascii: "\"") || first == UInt8(ascii: "[") || first == UInt8(ascii: "{"),
        raw.count >= Local.valueTiers[0], prefixedValues.count < shared.capacity * 4
      else { return false }
      guard let base = raw.baseAddress else { return false }
      let tier = Local.valueTiers.last { $0 <= raw.count } ?? Local.valueTiers[0]
      let key = Local.prefixKey(
        Local.continueHash(0x9E37_79B9_7F4A_7C15 ^ entry.tag.rawValue, UnsafeRawPointer(base), from: 0, to: tier), tier: tier)
      // Values alike in their first 256 bytes share a key; past a few, new ones are not
      // kept, so a lookup never compares against a long chain.
      let chain = prefixChains[key, default: 0]
      guard chain < PolicyCache.maxPrefixChain else { return false }
      prefixChains[key] = chain + 1
      prefixedValues.insert(key, entry)
      return true
    }

    /// A worker's trie of context entry lists: each node is the list of entries on the
    /// path to it, and holds that list's `RequestContext` once made. Batches repeat a
    /// few hundred entries in a few thousand combinations.
    final class ContextNode {
      let entry: ValueEntry?
      unowned let parent: ContextNode?
      @exclusivity(unchecked) private var children = TrieChildren<ContextNode>()
      @exclusivity(unchecked) var context: RequestContext?

      init(entry: ValueEntry?, parent: ContextNode?) {
        self.entry = entry
        self.parent = parent
      }

      func child(for entry: ValueEntry) -> ContextNode? { children.child(for: ObjectIdentifier(entry)) }

      func add(_ entry: ValueEntry) -> ContextNode {
        let node = ContextNode(entry: entry, parent: self)
        children.add(node, for: ObjectIdentifier(entry))
        return node
      }
    }

    /// Made from the nearest node above that has its context (a list that ended
    /// there), and kept on this node only: keeping one on every node of a line of
    /// thousands of entries would copy the list once per entry. (A loop, not
    /// recursion, for the same lines.)
    static func context(of node: ContextNode) -> RequestContext {
      if let made = node.context { return made }
      var path: [ContextNode] = []
      var top: ContextNode? = node
      while let n = top, n.context == nil {
        path.append(n)
        top = n.parent
      }
      var context = top?.context ?? RequestContext()
      context.reserveCapacity(context.entries.count + path.count)
      for n in path.reversed() {
        if let entry = n.entry, case .contextEntry(let e) = entry.value { context.set(e) }
      }
      node.context = context
      return context
    }

    /// `node`'s child for `entry`, made if need be; nil when the trie is at its size limit.
    func contextChild(_ node: ContextNode, _ entry: ValueEntry) -> ContextNode? {
      if let child = node.child(for: entry) { return child }
      guard contextNodes < shared.capacity * 4 else { return nil }
      contextNodes += 1
      return node.add(entry)
    }
  }
}

/// A trie node's children, by the identity of the cached object each one adds (the
/// cache keeps those objects alive, so identities are not reused): a short list scanned
/// first, a dictionary past `fewLimit`. Batches repeat a few hundred lists, so most nodes
/// have one or two children.
struct TrieChildren<Node: AnyObject> {
  static var fewLimit: Int { 8 }
  private var fewNodes: [Node] = []
  /// The keys of `fewNodes`, compared without touching (retaining) the nodes.
  private var fewKeys: [ObjectIdentifier] = []
  private var many: [ObjectIdentifier: Node] = [:]

  /// The children while they are few; nil once they are kept by key.
  var few: [Node]? { many.isEmpty ? fewNodes : nil }

  func child(for key: ObjectIdentifier) -> Node? {
    if many.isEmpty {
      guard let i = fewKeys.firstIndex(of: key) else { return nil }
      return fewNodes[i]
    }
    return many[key]
  }

  mutating func add(_ node: Node, for key: ObjectIdentifier) {
    if many.isEmpty && fewNodes.count < Self.fewLimit {
      fewNodes.append(node)
      fewKeys.append(key)
    } else {
      for (k, old) in zip(fewKeys, fewNodes) { many[k] = old }
      fewNodes = []
      fewKeys = []
      many[key] = node
    }
  }
}

/// A hash table of objects keyed by a well-mixed 64-bit hash the caller already has:
/// open addressing with linear probing in one flat array of (key, object) slots.
/// Several objects may share a key; `first(_:where:)` tries each in turn.
/// Slots hold unretained references (the table keeps its objects alive in `owners`),
/// so a probe does not retain and release every object it looks at.
struct FlatTable<Element: AnyObject> {
  struct Slot {
    var key: UInt64
    var value: Unmanaged<Element>?
  }

  private var slots: [Slot] = Array(repeating: Slot(key: 0, value: nil), count: 256)
  private var owners: [Element] = []
  var count: Int { owners.count }

  /// The first object stored under `key` that `accept` takes.
  func first(_ key: UInt64, where accept: (Element) -> Bool) -> Element? {
    slots.withUnsafeBufferPointer { slots in
      let mask = slots.count - 1
      var i = Int(truncatingIfNeeded: key) & mask
      while let value = slots[i].value {
        if slots[i].key == key && value._withUnsafeGuaranteedRef(accept) { return value.takeUnretainedValue() }
        i = (i + 1) & mask
      }
      return nil
    }
  }

  mutating func insert(_ key: UInt64, _ value: Element) {
    owners.append(value)
    place(key, Unmanaged.passUnretained(value))
  }

  private mutating func place(_ key: UInt64, _ value: Unmanaged<Element>) {
    if owners.count * 2 > slots.count { grow() }
    slots.withUnsafeMutableBufferPointer { slots in
      let mask = slots.count - 1
      var i = Int(truncatingIfNeeded: key) & mask
      while slots[i].value != nil { i = (i + 1) & mask }
      slots[i] = Slot(key: key, value: value)
    }
  }

  private mutating func grow() {
    let old = slots
    slots = Array(repeating: Slot(key: 0, value: nil), count: old.count * 2)
    for slot in old { if let value = slot.value { place(slot.key, value) } }
  }
}
