import ArgumentParser
import Foundation
import IAMEvaluator
import IAMPolicy
import IAMSimulator

/// `iam-tutor simulate`: AWS's `simulate-custom-policy` document in, its response out.
struct Simulate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Simulate a request as `aws iam simulate-custom-policy --cli-input-json` does, offline.",
    discussion: """
      FILE is the AWS CLI's SimulateCustomPolicy request document (- for stdin). The answer is AWS's
      response document (EvaluationResults with EvalDecision, MatchedStatements, MissingContextValues).
      Bad input prints `source:line:column: error: ...` lines on stderr and exits with status 2.
      """)

  @Option(name: .customLong("cli-input-json"), help: ArgumentHelp("The request document.", valueName: "FILE"))
  var cliInputJSON: String?

  @Option(help: ArgumentHelp("JSON Lines: one request per line, one response per line.", valueName: "FILE"))
  var batch: String?

  @Flag(help: "Explain each result: which layer decided, which statement, which condition failed and why.")
  var explain = false

  @Option(help: "json (the default when stdout is not a terminal) or text.")
  var output: OutputFormat?

  func validate() throws {
    if (cliInputJSON == nil) == (batch == nil) {
      throw ValidationError("give exactly one of --cli-input-json FILE or --batch FILE")
    }
  }

  func run() throws {
    if let batch {
      try Self.runBatch(Self.path(batch))
      return
    }
    let path = Self.path(cliInputJSON ?? "-")
    let file: SourceFile
    do {
      file = try SourceLoader.load(path)
    } catch {
      Terminal.error(DiagnosticRenderer.plain(error.diagnostic))
      throw ExitCode(ExitStatus.badInput.rawValue)
    }
    let simulator = Simulator(recordsTrace: explain)
    switch simulator.run(file) {
    case .badInput(let diagnostics):
      report(diagnostics, files: [file])
      if output == .json { Terminal.writeLine(SimulateResponse.errors(diagnostics).serialized(pretty: true)) }
      throw ExitCode(ExitStatus.badInput.rawValue)
    case .answered(let request, let results, let warnings):
      report(warnings, files: [file])
      let format = output ?? (Terminal.stdoutIsTerminal ? .text : .json)
      if explain && format == .text {
        Terminal.writeLine(results.map { TraceRenderer.text($0.evaluation, for: $0.request) }.joined(separator: "\n\n"))
      } else if explain {
        let doc = SimulateResponse.json(results, request: request)
        guard case .object(var members) = doc else { return }
        members.append(("Explanations", .array(results.map { TraceRenderer.json($0.evaluation, for: $0.request) })))
        Terminal.writeLine(JSONOutput.object(members).serialized(pretty: true))
      } else if format == .json {
        Terminal.writeLine(SimulateResponse.json(results, request: request).serialized(pretty: true))
      } else {
        Terminal.writeLine(textTable(results))
      }
    }
  }

  func report(_ diagnostics: [Diagnostic], files: [SourceFile]) {
    for d in diagnostics {
      let file = files.first { $0.name == d.range?.source }
      Terminal.error(file == nil ? DiagnosticRenderer.plain(d) : DiagnosticRenderer.snippet(d, in: file))
    }
  }

  func textTable(_ results: [SimulationResult]) -> String {
    let decisionWidth = 12
    let actionWidth = min(40, results.map(\.action.count).max() ?? 10)
    return results.map { r in
      let d = r.evaluation.decision.rawValue.padding(toLength: decisionWidth, withPad: " ", startingAt: 0)
      let a = r.action.padding(toLength: max(actionWidth, r.action.count), withPad: " ", startingAt: 0)
      var line = "\(d) \(a)  \(r.resource)"
      if let first = r.evaluation.matchedStatements.first {
        line += "  (\(TraceRenderer.position(first)))"
      }
      return line
    }.joined(separator: "\n")
  }

  /// One document per line in, one response per line out, in order.
  /// A file argument as the AWS CLI spells it (`file://request.json`) or as a plain path.
  static func path(_ argument: String) -> String {
    argument.hasPrefix("file://") ? String(argument.dropFirst("file://".count)) : argument
  }

  static func runBatch(_ path: String) throws {
    let input: SourceLoader.Input
    do {
      input = try SourceLoader.input(path, limit: 4 << 30)
    } catch {
      Terminal.error(DiagnosticRenderer.plain(error.diagnostic))
      throw ExitCode(ExitStatus.badInput.rawValue)
    }
    let simulator = Simulator(recordsTrace: false)
    MallocTuning.growHeapsInLargeSteps()
    let chunks = input.withBytes { bytes in
      BatchRunner.run(bytes, name: input.name, simulator: simulator)
    }
    var bad = false
    for chunk in chunks {
      // Only errors: a batch of thousands of documents would bury them under warnings.
      for d in chunk.errors {
        Terminal.error(DiagnosticRenderer.plain(d))
        bad = true
      }
    }
    BatchRunner.write(chunks.map(\.json))
    if bad { throw ExitCode(ExitStatus.badInput.rawValue) }
  }
}

/// `iam-tutor simulate --batch FILE`, recognised before ArgumentParser sees it.
///
/// Scripts run the batch over and over; building ArgumentParser's command tree
/// (reflection over every command's properties) is a few milliseconds of each
/// run. Only this exact shape is taken, with a FILE that cannot be read as an
/// option (no leading `-`), so any other command line, help and every usage
/// error still go through ArgumentParser and read exactly as before.
public enum BatchFastPath {
  /// The exit status of the batch when `arguments` (without the program name) are
  /// exactly `simulate --batch FILE`; nil, having done nothing, otherwise.
  public static func run(_ arguments: [String]) -> Int32? {
    guard arguments.count == 3, arguments[0] == "simulate", arguments[1] == "--batch",
      let first = arguments[2].utf8.first, first != UInt8(ascii: "-")
    else { return nil }
    do {
      try Simulate.runBatch(Simulate.path(arguments[2]))
      return 0
    } catch let code as ExitCode {
      return code.rawValue
    } catch {
      // runBatch throws only ExitCode; keep ArgumentParser's way out for anything else.
      Simulate.exit(withError: error)
    }
  }
}

/// The non-empty lines of a JSON Lines file: where each is and its line number.
enum BatchLines {
  /// Calls `body(start, end, newlines)` for each line in `range` (which starts at a
  /// line's start) that is not blank, without its newline or carriage return;
  /// `newlines` counts the newlines between the range's start and the line's.
  static func forEach(
    in bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ body: (Int, Int, Int) -> Void
  ) {
    guard let base = bytes.baseAddress else { return }
    var start = range.lowerBound
    var newlines = 0
    while start < range.upperBound {
      var end = range.upperBound
      if let newline = memchr(base + start, 0x0A, range.upperBound - start) {
        end = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
      }
      var last = end
      if last > start && bytes[last - 1] == 0x0D { last -= 1 }
      var blank = true
      for i in start..<last where bytes[i] != 0x20 && bytes[i] != 0x09 {
        blank = false
        break
      }
      if !blank { body(start, last, newlines) }
      start = end + 1
      newlines += 1
    }
  }

  /// The start of the line that holds `offset` or, when `offset` is a line's first
  /// byte, that line: chunk boundaries of a batch.
  static func lineStart(atOrAfter offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
    guard offset > 0, offset < bytes.count, let base = bytes.baseAddress else { return min(max(offset, 0), bytes.count) }
    guard let newline = memchr(base + offset - 1, 0x0A, bytes.count - offset + 1) else { return bytes.count }
    return base.distance(to: newline.assumingMemoryBound(to: UInt8.self)) + 1
  }

  /// Newlines in `range`.
  static func count(in bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
    guard let base = bytes.baseAddress else { return 0 }
    var n = 0
    var i = range.lowerBound
    while i < range.upperBound, let hit = memchr(base + i, 0x0A, range.upperBound - i) {
      n += 1
      i = base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) + 1
    }
    return n
  }
}

/// Answers batch lines on every core, keeping their order.
enum BatchRunner {
  /// The responses of a run of consecutive lines, and their errors in order.
  struct Chunk: Sendable {
    var json: [UInt8] = []
    var errors: [Diagnostic] = []
  }

  /// The line numbers of chunk starts, each counted when first asked for: only a line
  /// that falls back to the generic reader (whose messages carry line numbers) needs
  /// one, so a clean batch never counts its newlines. Shared by the workers.
  final class LineNumbers: @unchecked Sendable {
    let base: UInt
    let size: Int
    let starts: [Int]
    // INVARIANT: `counts` is only touched with `lock` held.
    private var counts: [Int?]
    private let lock = NSLock()

    init(_ bytes: UnsafeBufferPointer<UInt8>, starts: [Int]) {
      base = UInt(bitPattern: bytes.baseAddress)
      size = bytes.count
      self.starts = starts
      counts = Array(repeating: nil, count: starts.count - 1)
    }

    /// The line number of the first line of chunk `chunk`.
    func first(of chunk: Int) -> Int {
      let bytes = UnsafeBufferPointer(start: UnsafePointer<UInt8>(bitPattern: base), count: size)
      lock.lock()
      defer { lock.unlock() }
      var line = 1
      for j in 0..<chunk {
        if counts[j] == nil { counts[j] = BatchLines.count(in: bytes, starts[j]..<starts[j + 1]) }
        line += counts[j] ?? 0
      }
      return line
    }
  }

  static func run(_ bytes: UnsafeBufferPointer<UInt8>, name: String, simulator: Simulator) -> [Chunk] {
    // sysconf, not `ProcessInfo.activeProcessorCount`: that reads cgroup files through
    // Foundation, a noticeable part of a short batch's start-up.
    let cores = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    // Small chunks, handed out as workers free up, keep every core busy to the end;
    // each worker finds the lines of its own chunks, so no core waits for a split of
    // the whole file first.
    let count = max(1, min(bytes.count / (64 << 10), cores * 64))
    let starts = (0..<count).map { BatchLines.lineStart(atOrAfter: bytes.count / count * $0, in: bytes) } + [bytes.count]
    let lineNumbers = LineNumbers(bytes, starts: starts)
    let slots = ChunkSlots(count: count)
    // One cache for all workers: each distinct policy text is parsed about once.
    let cache = PolicyCache()
    let base = UInt(bitPattern: bytes.baseAddress)
    let size = bytes.count
    Workers.run(min(cores, count)) { _ in
      MallocTuning.adviseHugePagesForThisThread()
      let bytes = UnsafeBufferPointer(start: UnsafePointer<UInt8>(bitPattern: base), count: size)
      // The worker's own front to the cache: no lock for what it has seen.
      let local = PolicyCache.Local(cache)
      let positions = StatementPositions()
      while let chunk = slots.next() {
        var out = Chunk()
        out.json.reserveCapacity(64 << 10)
        BatchLines.forEach(in: bytes, starts[chunk]..<starts[chunk + 1]) { start, end, newlines in
          let errors = simulator.answerCompact(
            UnsafeBufferPointer(rebasing: bytes[start..<end]), name: name,
            firstLine: lineNumbers.first(of: chunk) + newlines, cache: local, positions: positions, into: &out.json)
          out.errors.append(contentsOf: errors)
          out.json.append(0x0A)
        }
        slots.set(chunk, out)
      }
      // Freed by the process's exit, as the shared cache below.
      _ = Unmanaged.passRetained(local)
      _ = Unmanaged.passRetained(positions)
    }
    // Freed by the process's exit: releasing thousands of cached policies one by
    // one took longer than some of the work above.
    _ = Unmanaged.passRetained(cache)

    return slots.values()
  }

  /// Writes the chunks to stdout in order, with as few system calls as it takes.
  static func write(_ buffers: [[UInt8]]) {
    if Terminal.Capture.shared.append("") {
      for b in buffers { _ = Terminal.Capture.shared.append(String(decoding: b, as: UTF8.self)) }
      return
    }
    var index = 0
    while index < buffers.count {
      let group = buffers[index..<min(buffers.count, index + 512)]
      index += group.count
      var iov: [iovec] = []
      iov.reserveCapacity(group.count)
      withExtendedLifetime(group) {
        for b in group where !b.isEmpty {
          b.withUnsafeBufferPointer { p in
            iov.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: p.baseAddress), iov_len: p.count))
          }
        }
        var written = iov.isEmpty ? 0 : writev(STDOUT_FILENO, iov, Int32(iov.count))
        while written < 0 && errno == EINTR { written = writev(STDOUT_FILENO, iov, Int32(iov.count)) }
        if written < 0 { return }
        // Finish a short write buffer by buffer.
        var skip = written
        for b in group where !b.isEmpty {
          if skip >= b.count {
            skip -= b.count
            continue
          }
          b.withUnsafeBufferPointer { Terminal.writeAll(STDOUT_FILENO, UnsafeBufferPointer(rebasing: $0[skip...])) }
          skip = 0
        }
      }
    }
  }

  /// Fixed slots written by index from several threads; each slot is written once.
  /// It also hands out the chunk indices to whichever worker asks.
  final class ChunkSlots: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<Chunk>
    private let count: Int
    private var handedOut = 0
    private let lock = NSLock()

    init(count: Int) {
      self.count = count
      storage = UnsafeMutablePointer<Chunk>.allocate(capacity: count)
      storage.initialize(repeating: Chunk(), count: count)
    }

    deinit {
      storage.deinitialize(count: count)
      storage.deallocate()
    }

    /// The next chunk nobody has taken yet, in order.
    func next() -> Int? {
      lock.lock()
      defer { lock.unlock() }
      guard handedOut < count else { return nil }
      handedOut += 1
      return handedOut - 1
    }

    // INVARIANT: each index is set by exactly one worker, and read only after all finished.
    func set(_ index: Int, _ value: Chunk) { storage[index] = value }

    func values() -> [Chunk] { Array(UnsafeBufferPointer(start: storage, count: count)) }
  }
}

/// Runs `body` on `count` threads (this one and `count - 1` new ones) and waits for all.
///
/// Plain threads rather than `DispatchQueue.concurrentPerform`: on Linux libdispatch's
/// pool sometimes left the second core idle for a whole batch (1.0 CPUs used instead
/// of 1.7, run after run). Bodies must share out the work themselves (a chunk queue),
/// so a thread that fails to start only makes the batch slower.
enum Workers {
  final class Start: @unchecked Sendable {
    let body: @Sendable (Int) -> Void
    let index: Int

    init(_ body: @escaping @Sendable (Int) -> Void, _ index: Int) {
      self.body = body
      self.index = index
    }
  }

  static func run(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    var threads: [pthread_t] = []
    for i in 1..<max(1, count) {
      let start = Unmanaged.passRetained(Start(body, i)).toOpaque()
      var thread = pthread_t()
      let made = pthread_create(
        &thread, nil,
        { raw in
          guard let raw else { return nil }
          let start = Unmanaged<Start>.fromOpaque(raw).takeRetainedValue()
          start.body(start.index)
          return nil
        }, start)
      if made == 0 {
        threads.append(thread)
      } else {
        Unmanaged<Start>.fromOpaque(start).release()
      }
    }
    body(0)
    for thread in threads { pthread_join(thread, nil) }
  }
}
