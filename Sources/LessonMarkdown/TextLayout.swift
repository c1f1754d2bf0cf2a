/// The number of terminal columns `text` occupies.
///
/// ANSI escape sequences count as zero, East Asian wide characters and emoji as two, and
/// each grapheme cluster as one otherwise (so `é` written as `e` + U+0301 is one column).
public func displayWidth(_ text: String) -> Int {
  var width = 0
  var scalars = text.unicodeScalars[...]
  var cluster = String.UnicodeScalarView()
  func flush() {
    width += String(cluster).reduce(0) { $0 + columns(of: $1) }
    cluster = String.UnicodeScalarView()
  }
  while let scalar = scalars.first {
    if scalar == "\u{1B}" {
      flush()
      scalars = skipEscape(scalars)
    } else {
      cluster.append(scalar)
      scalars = scalars.dropFirst()
    }
  }
  flush()
  return width
}

/// Word-wraps `text` on spaces so no line is wider than `width` columns.
///
/// Every line starts with `indent` (the first with `firstLineIndent` when given, e.g. a list
/// bullet); widths are measured with `displayWidth`, so painted text wraps like plain text.
/// A word wider than the room left stays whole on its own line rather than being cut.
public func wrap(
  _ text: String, width: Int, indent: String = "", firstLineIndent: String? = nil
) -> [String] {
  let words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
  return wrap(words: words, width: width, indent: indent, firstLineIndent: firstLineIndent)
}

/// Greedy line filling over pre-split words; words may carry their own escape sequences.
func wrap(words: [String], width: Int, indent: String, firstLineIndent: String?) -> [String] {
  var lines: [String] = []
  var line = firstLineIndent ?? indent
  var lineWidth = displayWidth(line)
  var lineHasWord = false
  for word in words {
    let wordWidth = displayWidth(word)
    if lineHasWord && lineWidth + 1 + wordWidth > width {
      lines.append(line)
      line = indent
      lineWidth = displayWidth(indent)
      lineHasWord = false
    }
    if lineHasWord {
      line += " "
      lineWidth += 1
    }
    line += word
    lineWidth += wordWidth
    lineHasWord = true
  }
  lines.append(line)
  return lines
}

/// Pads `text` with spaces to `width` columns, placing it as `alignment` asks.
func pad(_ text: String, to width: Int, alignment: MarkdownTableAlignment = .left) -> String {
  let room = max(0, width - displayWidth(text))
  switch alignment {
  case .none, .left: return text + String(repeating: " ", count: room)
  case .right: return String(repeating: " ", count: room) + text
  case .center:
    return String(repeating: " ", count: room / 2) + text
      + String(repeating: " ", count: room - room / 2)
  }
}

/// Skips one escape sequence starting at ESC: CSI (`ESC [ … final`), OSC (`ESC ] … BEL` or
/// `ESC ] … ESC \`), or a two-character escape.
private func skipEscape(_ scalars: Substring.UnicodeScalarView) -> Substring.UnicodeScalarView {
  var rest = scalars.dropFirst()
  guard let kind = rest.first else { return rest }
  rest = rest.dropFirst()
  switch kind {
  case "[":
    while let scalar = rest.first {
      rest = rest.dropFirst()
      if (0x40...0x7E).contains(scalar.value) { break }
    }
  case "]":
    while let scalar = rest.first {
      rest = rest.dropFirst()
      if scalar == "\u{07}" { break }
      if scalar == "\u{1B}" {
        rest = rest.dropFirst()
        break
      }
    }
  default:
    break
  }
  return rest
}

private func columns(of character: Character) -> Int {
  guard let first = character.unicodeScalars.first else { return 0 }
  if first.properties.generalCategory == .control || first.properties.generalCategory == .format {
    return 0
  }
  if character.unicodeScalars.contains("\u{FE0F}") || first.properties.isEmojiPresentation {
    return 2
  }
  return wideRanges.contains { $0.contains(first.value) } ? 2 : 1
}

/// East Asian Wide and Fullwidth blocks (Hangul, CJK, kana, fullwidth forms).
private let wideRanges: [ClosedRange<UInt32>] = [
  0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
  0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
  0xFFE0...0xFFE6, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
]
