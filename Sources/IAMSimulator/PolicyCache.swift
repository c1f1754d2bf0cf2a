#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import IAMPolicy

/// Remembers policies already parsed from the same text.
///
/// Scripts that send thousands of requests (`simulate --batch`) repeat the same
/// managed and inline policies on line after line; parsing each distinct text
/// once makes the batch bound by reading, not by re-parsing. Only parses without
/// errors are kept, with their warnings, which every hit reports again under the
/// policy's new name, so a batch line reports exactly what it would alone.
/// A cache may be shared by threads: lookups and stores take a lock (held for a
/// hash-table probe, never while parsing), so every policy text of a batch is
/// parsed about once, not once per worker.
public final class PolicyCache: @unchecked Sendable {
  struct Entry {
    var raw: [UInt8]
    var kind: PolicyKind
    var policy: Policy
    var warnings: [Diagnostic]
  }

  /// A cached policy renamed for its new place, and the warnings its text gives.
  struct Hit {
    var policy: Policy
    var warnings: [Diagnostic]
  }

  // INVARIANT: `buckets` and `count` are only touched with `mutex` held.
  private var buckets: [UInt64: [Entry]] = [:]
  private var count = 0
  private let mutex: UnsafeMutablePointer<pthread_mutex_t>
  /// Bounds memory for hostile batches of all-different policies.
  public let capacity: Int

  public init(capacity: Int = 20_000) {
    self.capacity = capacity
    mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    mutex.initialize(to: pthread_mutex_t())
    pthread_mutex_init(mutex, nil)
  }

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
    guard let entries = locked({ buckets[hash] }) else { return nil }
    for entry in entries where entry.kind == kind && entry.raw.count == raw.count {
      let same = entry.raw.withUnsafeBufferPointer { stored in
        guard let a = stored.baseAddress, let b = raw.baseAddress else { return stored.count == raw.count }
        return memcmp(a, b, raw.count) == 0
      }
      if same {
        var policy = entry.policy
        policy.id = id
        policy.source.name = id
        var warnings = entry.warnings
        for i in warnings.indices { warnings[i].range?.source = id }
        return Hit(policy: policy, warnings: warnings)
      }
    }
    return nil
  }

  func store(_ raw: UnsafeBufferPointer<UInt8>, hash: UInt64, kind: PolicyKind, policy: Policy, warnings: [Diagnostic]) {
    let entry = Entry(raw: Array(raw), kind: kind, policy: policy, warnings: warnings)
    locked {
      guard count < capacity else { return }
      buckets[hash, default: []].append(entry)
      count += 1
    }
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
}
