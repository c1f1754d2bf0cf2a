import Foundation

/// The process's standard streams and what they are connected to.
public enum Terminal {
  public static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
  public static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }

  /// Colour only on a terminal, never with NO_COLOR or TERM=dumb (no-color.org).
  public static var usesColor: Bool {
    let env = ProcessInfo.processInfo.environment
    if let v = env["NO_COLOR"], !v.isEmpty { return false }
    if env["TERM"] == "dumb" { return false }
    return stdoutIsTerminal
  }

  /// Columns of the terminal, or $COLUMNS, or 80.
  public static var width: Int {
    var size = winsize()
    if stdoutIsTerminal, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    if let c = ProcessInfo.processInfo.environment["COLUMNS"], let n = Int(c), n > 0 { return n }
    return 80
  }

  public static func write(_ text: String) {
    if Capture.shared.append(text) { return }
    var text = text
    text.withUTF8 { writeAll(STDOUT_FILENO, $0) }
  }

  public static func write(bytes: [UInt8]) {
    if Capture.shared.append(String(decoding: bytes, as: UTF8.self)) { return }
    bytes.withUnsafeBufferPointer { writeAll(STDOUT_FILENO, $0) }
  }

  /// Runs `body` with stdout and stderr collected instead of written: the tutor runs
  /// the `can`, `who-can` and `graph` commands in-process and shows their answers.
  public static func capturing(_ body: () throws -> Void) -> (output: String, error: Error?) {
    Capture.shared.start()
    var failure: Error?
    do { try body() } catch { failure = error }
    return (Capture.shared.stop(), failure)
  }

  final class Capture: @unchecked Sendable {
    static let shared = Capture()
    private let lock = NSLock()
    private var buffer: String?

    func start() {
      lock.lock()
      buffer = ""
      lock.unlock()
    }

    func stop() -> String {
      lock.lock()
      defer { lock.unlock() }
      let out = buffer ?? ""
      buffer = nil
      return out
    }

    /// Appends when capturing; false means write as usual.
    func append(_ text: String) -> Bool {
      lock.lock()
      defer { lock.unlock() }
      guard buffer != nil else { return false }
      buffer? += text
      return true
    }
  }

  public static func writeLine(_ text: String) { write(text + "\n") }

  public static func error(_ text: String) {
    if Capture.shared.append(text + "\n") { return }
    var text = text + "\n"
    text.withUTF8 { writeAll(STDERR_FILENO, $0) }
  }

  /// Writes everything, retrying short writes and EINTR.
  static func writeAll(_ fd: Int32, _ bytes: UnsafeBufferPointer<UInt8>) {
    guard var base = bytes.baseAddress else { return }
    var remaining = bytes.count
    while remaining > 0 {
      let n = Foundation.write(fd, base, remaining)
      if n < 0 {
        if errno == EINTR { continue }
        return
      }
      remaining -= n
      base += n
    }
  }

  /// Nothing is buffered: writes go straight to the file descriptor.
  public static func flush() {}
}

/// Exit statuses shared by every command: 0 yes/ok, 1 no/failed, 2 bad input.
public enum ExitStatus: Int32 {
  case ok = 0
  case failure = 1
  case badInput = 2
}
