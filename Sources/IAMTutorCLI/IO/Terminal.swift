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
    var text = text
    text.withUTF8 { writeAll(STDOUT_FILENO, $0) }
  }

  public static func write(bytes: [UInt8]) {
    bytes.withUnsafeBufferPointer { writeAll(STDOUT_FILENO, $0) }
  }

  public static func writeLine(_ text: String) { write(text + "\n") }

  public static func error(_ text: String) {
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
