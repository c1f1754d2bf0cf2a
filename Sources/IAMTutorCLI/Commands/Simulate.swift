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
      try runBatch(batch)
      return
    }
    let path = cliInputJSON ?? "-"
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
  func runBatch(_ path: String) throws {
    let file: SourceFile
    do {
      file = try SourceLoader.load(path, limit: 4 << 30)
    } catch {
      Terminal.error(DiagnosticRenderer.plain(error.diagnostic))
      throw ExitCode(ExitStatus.badInput.rawValue)
    }
    let lines = BatchLines.split(file)
    let simulator = Simulator(recordsTrace: false)
    let outputs = BatchRunner.run(lines, simulator: simulator)
    var out: [UInt8] = []
    out.reserveCapacity(lines.count * 512)
    var bad = false
    for (line, result) in zip(lines, outputs) {
      out.append(contentsOf: result.json)
      out.append(0x0A)
      // Only errors: a batch of thousands of documents would bury them under warnings.
      for d in result.diagnostics where d.isError {
        Terminal.error(DiagnosticRenderer.plain(d))
        bad = true
      }
      _ = line
    }
    Terminal.write(bytes: out)
    Terminal.flush()
    if bad { throw ExitCode(ExitStatus.badInput.rawValue) }
  }
}

/// The non-empty lines of a JSON Lines file, each a `SourceFile` that knows its line number.
enum BatchLines {
  static func split(_ file: SourceFile) -> [SourceFile] {
    var lines: [SourceFile] = []
    file.bytes.withUnsafeBufferPointer { bytes in
      var start = 0
      var lineNumber = 1
      while start < bytes.count {
        var end = bytes.count
        if let base = bytes.baseAddress, let newline = memchr(base + start, 0x0A, bytes.count - start) {
          end = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
        }
        var last = end
        if last > start && bytes[last - 1] == 0x0D { last -= 1 }
        var blank = true
        for i in start..<last where bytes[i] != 0x20 && bytes[i] != 0x09 {
          blank = false
          break
        }
        if !blank {
          lines.append(SourceFile(name: file.name, bytes: Array(bytes[start..<last]), firstLine: lineNumber))
        }
        start = end + 1
        lineNumber += 1
      }
    }
    return lines
  }
}

/// Answers batch lines on every core, keeping their order.
enum BatchRunner {
  struct Output: Sendable {
    var json: [UInt8]
    var diagnostics: [Diagnostic]
  }

  static func run(_ lines: [SourceFile], simulator: Simulator) -> [Output] {
    let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
    let chunks = max(1, min(cores * 4, lines.count / 64))
    let results = ResultSlots(count: lines.count)
    // One cache for all workers: each distinct policy text is parsed about once.
    let cache = PolicyCache()
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
      let lower = lines.count * chunk / chunks
      let upper = lines.count * (chunk + 1) / chunks
      for i in lower..<upper {
        results.set(i, answer(lines[i], simulator: simulator, cache: cache))
      }
    }
    return results.values()
  }

  static func answer(_ line: SourceFile, simulator: Simulator, cache: PolicyCache) -> Output {
    switch simulator.run(line, cache: cache) {
    case .badInput(let diagnostics):
      var out: [UInt8] = []
      SimulateResponse.errors(diagnostics).write(into: &out, pretty: false, indent: 0)
      return Output(json: out, diagnostics: diagnostics)
    case .answered(let request, let results, let warnings):
      var out: [UInt8] = []
      out.reserveCapacity(512)
      SimulateResponse.writeCompact(results, request: request, into: &out)
      return Output(json: out, diagnostics: warnings)
    }
  }

  /// Fixed slots written by index from several threads; each slot is written once.
  final class ResultSlots: @unchecked Sendable {
    private var storage: [Output?]
    private let lock = NSLock()

    init(count: Int) {
      storage = Array(repeating: nil, count: count)
    }

    func set(_ index: Int, _ value: Output) {
      lock.lock()
      storage[index] = value
      lock.unlock()
    }

    func values() -> [Output] { storage.map { $0 ?? Output(json: [], diagnostics: []) } }
  }
}
