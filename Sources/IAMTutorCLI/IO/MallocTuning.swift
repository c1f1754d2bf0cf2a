#if canImport(Glibc)
import Glibc
#endif

/// glibc's allocator and the kernel's paging, set for a batch: a batch allocates
/// tens of megabytes of small objects and reads them back at random.
public enum MallocTuning {
  /// Asks glibc's allocator to grow its heaps 64 MiB at a time. By default a worker
  /// thread's heap grows by the pages each allocation needs, one `mprotect` each (about
  /// 1,800 calls for the 10k batch), and each takes the address-space lock the other
  /// worker's page faults wait for. `mallopt` is not in Swift's Glibc module, so it is
  /// looked up by name and called through a C function pointer; elsewhere this does nothing.
  public static func growHeapsInLargeSteps() {
    #if canImport(Glibc)
    typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    guard let symbol = dlsym(nil, "mallopt") else { return }
    let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
    let topPad: Int32 = -2  // M_TOP_PAD in <malloc.h>
    _ = mallopt(topPad, 64 << 20)
    #endif
  }

  /// Asks the kernel to back the calling thread's malloc heap with 2 MiB pages
  /// (`madvise(MADV_HUGEPAGE)`; this machine's kernel, like most, gives them only
  /// where asked). The batch's objects are spread over tens of megabytes, so with
  /// 4 KiB pages most reads of a request or a policy also miss the TLB, and the
  /// heap is faulted in 4 KiB at a time (about 7,800 faults for the 10k batch).
  /// It is what glibc's `glibc.malloc.hugetlb=1` tunable does, which can only be
  /// set from the environment before the program starts.
  ///
  /// Call after `growHeapsInLargeSteps`, on each thread that allocates. The heap is
  /// found from where a small allocation lands: the main thread's `[heap]` (first
  /// grown by the top pad, since the kernel does not extend the advice to memory
  /// `brk` adds later), or a thread's arena, a 64 MiB-aligned mapping of its own.
  /// Anything unexpected in `/proc/self/maps`, and the heap is left as it is.
  public static func adviseHugePagesForThisThread() {
    #if canImport(Glibc)
    let arenaSize = 64 << 20
    guard let probe = malloc(64) else { return }
    let address = UInt(bitPattern: probe)
    free(probe)
    guard let maps = Mappings.read() else { return }
    guard let home = maps.first(where: { $0.range.contains(address) }) else { return }
    if home.name == "[heap]" {
      // Grow the heap by its top pad now (an allocation the top cannot hold), so
      // the advice covers the memory the batch will use.
      let before = sbrk(0)
      var held: [UnsafeMutableRawPointer] = []
      while sbrk(0) == before && held.count < 64, let block = malloc(96 << 10) { held.append(block) }
      for block in held { free(block) }
      guard let grown = Mappings.read()?.first(where: { $0.name == "[heap]" && $0.range.contains(address) }) else {
        return
      }
      advise(grown.range)
    } else if home.name.isEmpty {
      let base = address & ~UInt(arenaSize - 1)
      let arena = base..<(base + UInt(arenaSize))
      // Only anonymous mappings wholly inside the arena's 64 MiB.
      for m in maps where m.range.overlaps(arena) {
        guard m.name.isEmpty, m.range.lowerBound >= arena.lowerBound, m.range.upperBound <= arena.upperBound else {
          return
        }
      }
      advise(arena)
    }
    #endif
  }

  #if canImport(Glibc)
  private static func advise(_ range: Range<UInt>) {
    let huge: UInt = 2 << 20
    let start = (range.lowerBound + huge - 1) & ~(huge - 1)
    let end = range.upperBound & ~(huge - 1)
    guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
    _ = madvise(pointer, Int(end - start), MADV_HUGEPAGE)
  }

  /// The lines of `/proc/self/maps` this needs: address ranges and path names.
  struct Mappings {
    var range: Range<UInt>
    var name: Substring

    /// nil when the file cannot be read (no /proc) or a line is not as expected.
    static func read() -> [Mappings]? {
      let fd = open("/proc/self/maps", O_RDONLY)
      guard fd >= 0 else { return nil }
      defer { close(fd) }
      var bytes: [UInt8] = []
      var chunk = [UInt8](repeating: 0, count: 16 << 10)
      while bytes.count < 4 << 20 {
        let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        bytes.append(contentsOf: chunk[0..<n])
      }
      var out: [Mappings] = []
      for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
        // start-end perms offset dev inode [name]
        let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
        guard fields.count >= 5 else { return nil }
        let bounds = fields[0].split(separator: "-")
        guard bounds.count == 2, let lo = UInt(bounds[0], radix: 16), let hi = UInt(bounds[1], radix: 16), lo < hi
        else { return nil }
        let name = fields.count == 6 ? fields[5].drop(while: { $0 == " " }) : ""
        out.append(Mappings(range: lo..<hi, name: name))
      }
      return out
    }
  }
  #endif
}
