import Foundation

/// What one request for a line of input produced.
public enum LineReaderEvent: Sendable, Equatable {
  /// A line, without its trailing newline.
  case line(String)
  /// The learner pressed Ctrl-C: drop the entry in progress and prompt again.
  case interrupted
  /// Input is over: Ctrl-D on an empty line, or the end of piped input.
  case endOfFile
}

/// A source of input lines for the REPL, so the loop runs the same on a terminal, on a
/// pipe and in tests.
///
/// Multi-line entries are the caller's business: it calls `readLine` again with a
/// continuation prompt such as `...> `.
public protocol LineReader {
  mutating func readLine(prompt: String) -> LineReaderEvent
}

/// Lines from a non-terminal stdin (a pipe, a file, a grader's script).
///
/// Prints no prompts: a script's output should hold only the answers.
public struct PipedLines: LineReader {
  public init() {}

  public mutating func readLine(prompt: String) -> LineReaderEvent {
    Swift.readLine(strippingNewline: true).map(LineReaderEvent.line) ?? .endOfFile
  }
}

/// A fixed list of events, for tests of code that reads lines; records the prompts shown.
public struct ScriptedLines: LineReader {
  public var events: [LineReaderEvent]
  public private(set) var prompts: [String] = []

  public init(_ events: [LineReaderEvent]) {
    self.events = events
  }

  public init(lines: [String]) {
    self.init(lines.map(LineReaderEvent.line))
  }

  public mutating func readLine(prompt: String) -> LineReaderEvent {
    prompts.append(prompt)
    return events.isEmpty ? .endOfFile : events.removeFirst()
  }
}

/// The libedit editor when stdin and stdout are both terminals, plain lines otherwise.
///
/// libedit needs both ends to be a TTY: with stdout piped it shows no prompt and inserts Tab
/// literally, so anything else reads plain lines silently.
public func makeLineReader(
  programName: String, historyFile: String?,
  completer: @escaping (_ lineBeforeCursor: String) -> [String] = { _ in [] }
) -> any LineReader {
  if isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1,
    let editor = LineEditor(programName: programName, historyFile: historyFile)
  {
    editor.completer = completer
    return editor
  }
  return PipedLines()
}
