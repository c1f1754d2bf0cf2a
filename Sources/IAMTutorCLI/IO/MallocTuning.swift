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
  /// found from where a small allocation lands: below the program break, the main
  /// heap (first grown by its top pad, since the kernel does not extend the advice
  /// to memory `brk` adds later); elsewhere, a thread's arena, which glibc maps
  /// 64 MiB-aligned and 64 MiB long. Advice is only ever a hint: on memory that is
  /// not what this expects it changes nothing but page sizes.
  public static func adviseHugePagesForThisThread() {
    #if canImport(Glibc)
    let arenaSize: UInt = 64 << 20
    guard let probe = malloc(64) else { return }
    let address = UInt(bitPattern: probe)
    free(probe)
    let brk = UInt(bitPattern: sbrk(0))
    if address < brk && brk - address < 1 << 30 {
      // Grow the heap by its top pad now (an allocation the top cannot hold), so
      // the advice covers the memory the batch will use.
      var held: [UnsafeMutableRawPointer] = []
      while UInt(bitPattern: sbrk(0)) == brk && held.count < 64, let block = malloc(96 << 10) { held.append(block) }
      for block in held { free(block) }
      advise(address..<UInt(bitPattern: sbrk(0)))
    } else {
      let base = address & ~(arenaSize - 1)
      advise(base..<(base + arenaSize))
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
  #endif
}
