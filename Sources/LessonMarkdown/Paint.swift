/// An SGR text attribute (bold, a foreground colour, …).
public enum ANSIStyle: String, Sendable, CaseIterable {
  case bold = "1"
  case dim = "2"
  case italic = "3"
  case underline = "4"
  case strikethrough = "9"
  case red = "31"
  case green = "32"
  case yellow = "33"
  case blue = "34"
  case magenta = "35"
  case cyan = "36"
}

/// Applies `ANSIStyle`s to text, or returns the text untouched when colour is off.
///
/// Whether colour is on is decided once at the edge (TTY, `NO_COLOR`, `--color`) and passed
/// in as a value; this type never looks at the environment. Each call wraps its text in its
/// own start and reset sequence, so painted pieces can be concatenated, wrapped and padded
/// without a style leaking past a line end.
public struct Paint: Sendable, Equatable {
  public var isEnabled: Bool

  public init(color: Bool) {
    isEnabled = color
  }

  public func callAsFunction(_ text: String, _ styles: ANSIStyle...) -> String {
    apply(styles, to: text)
  }

  public func apply(_ styles: [ANSIStyle], to text: String) -> String {
    guard isEnabled, !styles.isEmpty, !text.isEmpty else { return text }
    return "\u{1B}[" + styles.map(\.rawValue).joined(separator: ";") + "m" + text + "\u{1B}[0m"
  }

  public func bold(_ text: String) -> String { apply([.bold], to: text) }
  public func dim(_ text: String) -> String { apply([.dim], to: text) }
  public func red(_ text: String) -> String { apply([.red], to: text) }
  public func green(_ text: String) -> String { apply([.green], to: text) }
  public func yellow(_ text: String) -> String { apply([.yellow], to: text) }
  public func blue(_ text: String) -> String { apply([.blue], to: text) }
  public func magenta(_ text: String) -> String { apply([.magenta], to: text) }
  public func cyan(_ text: String) -> String { apply([.cyan], to: text) }
}
