import CLibEdit
import Foundation

/// An interactive line editor over libedit's native histedit API.
///
/// Emacs key bindings, history kept in memory and in a file, Tab completion through
/// `completer`, UTF-8 input, Ctrl-C to cancel the current entry and Ctrl-D to quit. It is
/// the one class with identity in iam-tutor: it owns the `EditLine` and `History` C objects
/// and frees them in `deinit`. Use it only when stdin and stdout are terminals
/// (`makeLineReader` decides).
public final class LineEditor: LineReader {
  public typealias Event = LineReaderEvent

  /// Candidates for the word before the cursor, given the whole line up to the cursor.
  ///
  /// One candidate is completed and followed by a space; several are narrowed to their
  /// common prefix and listed in columns. Candidates not extending the word are ignored.
  public var completer: (_ lineBeforeCursor: String) -> [String] = { _ in [] }

  private let editLine: OpaquePointer
  private let history: OpaquePointer
  private let historyFile: String?
  private var prompt: UnsafeMutablePointer<CChar>?

  /// Marks the start and end of non-printing prompt text for `EL_PROMPT_ESC` (SOH, 0x01).
  private static let promptEscape: Character = "\u{1}"
  private static let promptEscapeByte: CChar = 1

  /// Sets up libedit; nil only when libedit cannot initialise the terminal.
  ///
  /// - Parameters:
  ///   - programName: the name `~/.editrc` sections refer to; pass a fixed name, not argv[0].
  ///   - historyFile: where history is loaded from and saved to after every entry; parent
  ///     folders are created. When nil or not writable, history lives for the session only.
  public init?(programName: String, historyFile: String?) {
    // Without a UTF-8 locale libedit silently drops multibyte input (é arrives as nothing).
    setlocale(LC_ALL, "")
    guard let editLine = ce_init(programName) else { return nil }
    guard let history = history_init() else {
      el_end(editLine)
      return nil
    }
    self.editLine = editLine
    self.history = history
    self.historyFile = historyFile

    _ = ce_hist_setsize(history, 1000)
    _ = ce_hist_setunique(history, 1)
    if let historyFile {
      let folder = (historyFile as NSString).deletingLastPathComponent
      if !folder.isEmpty {
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      }
      _ = ce_hist_load(history, historyFile)
    }

    _ = ce_set_clientdata(editLine, Unmanaged.passUnretained(self).toOpaque())
    _ = ce_set_editor(editLine, "emacs")
    _ = ce_set_signal(editLine, 1)
    _ = ce_set_prompt(editLine, LineEditor.promptCallback, Self.promptEscapeByte)
    _ = ce_set_hist(editLine, history)
    _ = ce_add_fn(
      editLine, "iam-complete", "complete the word before the cursor", LineEditor.completeCallback)
    _ = ce_bind(editLine, "^I", "iam-complete")
    _ = ce_bind(editLine, "^R", "em-inc-search-prev")
    for (sequence, function) in Self.extraKeys { _ = ce_bind(editLine, sequence, function) }
    // The learner's own ~/.editrc (vi mode, bindings) comes last so it wins.
    _ = el_source(editLine, nil)
  }

  /// Home, End, Delete and Ctrl-arrow sequences of common terminals (xterm, VT220, tmux).
  ///
  /// libedit binds only what the termcap entry of `$TERM` lists, so a terminal whose keys
  /// differ from its entry (tmux under `TERM=xterm`) would insert `~` for End without these.
  private static let extraKeys: [(String, String)] =
    ["\\e[H", "\\e[1~", "\\e[7~", "\\eOH"].map { ($0, "ed-move-to-beg") }
    + ["\\e[F", "\\e[4~", "\\e[8~", "\\eOF"].map { ($0, "ed-move-to-end") }
    + [
      ("\\e[3~", "ed-delete-next-char"), ("\\e[1;5D", "ed-prev-word"), ("\\e[1;5C", "em-next-word"),
    ]

  deinit {
    saveHistory()
    el_end(editLine)
    history_end(history)
    free(prompt)
  }

  /// Reads one line, showing `prompt` (which may contain ANSI colours).
  public func readLine(prompt text: String) -> Event {
    free(prompt)
    prompt = strdup(markingEscapes(text, marker: Self.promptEscape))
    while true {
      let previous = SigintFlag.install()
      var count: Int32 = 0
      let raw = el_gets(editLine, &count)
      let savedErrno = errno
      SigintFlag.restore(previous)
      if let raw {
        var line = String(cString: raw)
        if line.hasSuffix("\n") { line.removeLast() }
        record(line)
        return .line(line)
      }
      if SigintFlag.received {
        // The cursor still sits after the cancelled text; start the next prompt on a new line.
        ce_print("\n")
        return .interrupted
      }
      // Another signal (a resumed suspend, say) interrupted the read: keep reading.
      if count == -1 && savedErrno == EINTR { continue }
      // Ctrl-D leaves the cursor after the prompt; end the line as a shell does.
      ce_print("\n")
      return .endOfFile
    }
  }

  private func record(_ line: String) {
    guard line.contains(where: { !$0.isWhitespace }) else { return }
    _ = ce_hist_enter(history, line)
    saveHistory()
  }

  private func saveHistory() {
    guard let historyFile else { return }
    _ = ce_hist_save(history, historyFile)
  }

  private static func from(_ editLine: OpaquePointer?) -> LineEditor? {
    guard let editLine, let raw = ce_get_clientdata(editLine) else { return nil }
    return Unmanaged<LineEditor>.fromOpaque(raw).takeUnretainedValue()
  }

  // C callbacks cannot capture context: both find the editor through EL_CLIENTDATA.

  private static let promptCallback: ce_prompt_fn = { editLine in
    LineEditor.from(editLine)?.prompt
  }

  private static let completeCallback: ce_cmd_fn = { editLine, _ in
    guard let editLine, let editor = LineEditor.from(editLine), let info = el_line(editLine) else {
      return UInt8(CC_ERROR)
    }
    let buffer = UnsafeRawPointer(info.pointee.buffer)
    let length = info.pointee.buffer.distance(to: info.pointee.cursor)
    let before =
      buffer.map {
        String(decoding: UnsafeRawBufferPointer(start: $0, count: length), as: UTF8.self)
      } ?? ""
    switch CompletionAction(lineBeforeCursor: before, candidates: editor.completer(before)) {
    case .none:
      return UInt8(CC_REFRESH_BEEP)
    case .insert(let text):
      _ = el_insertstr(editLine, text)
      return UInt8(CC_REFRESH)
    case .list(let text, let candidates):
      if !text.isEmpty { _ = el_insertstr(editLine, text) }
      let rows = columnLayout(candidates, width: Int(ce_columns(editLine)))
      ce_print("\n" + rows.joined(separator: "\n") + "\n")
      return UInt8(CC_REDISPLAY)
    }
  }
}

/// The SIGINT handler active while `el_gets` waits for input.
///
/// It is installed without `SA_RESTART`, so the pending read fails with EINTR and `el_gets`
/// returns NULL (libedit, with `EL_SIGNAL` on, first restores the terminal and then calls
/// this handler). Outside `readLine` the previous handler is back, so Ctrl-C still stops a
/// long evaluation.
private enum SigintFlag {
  nonisolated(unsafe) static var flag: sig_atomic_t = 0

  static var received: Bool { flag != 0 }

  static func install() -> sigaction {
    flag = 0
    var action = sigaction()
    let handler: @convention(c) (Int32) -> Void = { _ in SigintFlag.flag = 1 }
    #if canImport(Glibc)
      action.__sigaction_handler.sa_handler = handler
    #else
      action.__sigaction_u.__sa_handler = handler
    #endif
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    var previous = sigaction()
    sigaction(SIGINT, &action, &previous)
    // A parent (a test runner, a service manager) may have left SIGINT blocked; Ctrl-C must work here.
    var unblock = sigset_t()
    sigemptyset(&unblock)
    sigaddset(&unblock, SIGINT)
    pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    return previous
  }

  static func restore(_ previous: sigaction) {
    var previous = previous
    sigaction(SIGINT, &previous, nil)
  }
}
