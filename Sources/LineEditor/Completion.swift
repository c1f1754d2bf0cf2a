/// What a Tab press does, given the candidates for the word before the cursor.
///
/// Kept apart from libedit so the behaviour is testable without a terminal.
enum CompletionAction: Equatable {
  /// Nothing matches: beep.
  case none
  /// Insert this text at the cursor.
  case insert(String)
  /// Insert the text shared by all candidates (possibly nothing), then list them.
  case list(insert: String, candidates: [String])

  /// The word being completed is the text after the last space before the cursor; only
  /// candidates extending it count. One match is completed and followed by a space, as a
  /// shell does, so the learner can type the next word at once.
  init(lineBeforeCursor: String, candidates: [String]) {
    let word = String(
      lineBeforeCursor.split(separator: " ", omittingEmptySubsequences: false).last ?? "")
    var seen = Set<String>()
    let matches = candidates.filter { $0.hasPrefix(word) && seen.insert($0).inserted }
    switch matches.count {
    case 0:
      self = .none
    case 1:
      self = .insert(String(matches[0].dropFirst(word.count)) + " ")
    default:
      let shared = matches.dropFirst().reduce(matches[0]) { prefix, candidate in
        String(zip(prefix, candidate).prefix { $0 == $1 }.map(\.0))
      }
      self = .list(insert: String(shared.dropFirst(word.count)), candidates: matches)
    }
  }
}

/// Lays out `items` in columns filling `width`, top to bottom then left to right, like `ls`.
func columnLayout(_ items: [String], width: Int) -> [String] {
  guard let widest = items.map(\.count).max() else { return [] }
  let columnWidth = widest + 2
  let columns = max(1, min(items.count, width / columnWidth))
  let rows = (items.count + columns - 1) / columns
  return (0..<rows).map { row in
    stride(from: row, to: items.count, by: rows).map { index in
      let item = items[index]
      return index + rows < items.count ? item.padding(to: columnWidth) : item
    }.joined()
  }
}

/// Brackets ANSI escape sequences in `marker` characters for `EL_PROMPT_ESC`, so libedit
/// does not count them as columns and the cursor lands where the learner sees it.
func markingEscapes(_ prompt: String, marker: Character) -> String {
  var output = ""
  var inEscape = false
  for scalar in prompt.unicodeScalars {
    if scalar == "\u{1B}" && !inEscape {
      output.append(marker)
      inEscape = true
    }
    output.unicodeScalars.append(scalar)
    if inEscape && (0x40...0x7E).contains(scalar.value) && scalar != "[" {
      output.append(marker)
      inEscape = false
    }
  }
  return inEscape ? output + String(marker) : output
}

extension String {
  fileprivate func padding(to width: Int) -> String {
    self + String(repeating: " ", count: max(0, width - count))
  }
}
