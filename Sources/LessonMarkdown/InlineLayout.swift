/// Turns inline Markdown into painted words and wraps them.
///
/// Each word is painted on its own (start … reset), so a style never runs across a line end
/// into a gutter, bar or bullet, and `displayWidth` measures painted words correctly.
struct InlineLayout {
  let paint: Paint
  var baseStyles: [ANSIStyle] = []

  /// A styled piece of inline text; `breakable` is false for code spans, kept whole.
  private enum Run {
    case text(String, [ANSIStyle], breakable: Bool)
    case hardBreak
  }

  /// The inlines wrapped to `width`; a hard line break always starts a new line.
  func lines(_ inlines: [MarkdownInline], width: Int) -> [String] {
    var segments: [[String]] = [[]]
    var word = ""
    func endWord() {
      if !word.isEmpty { segments[segments.count - 1].append(word) }
      word = ""
    }
    for run in runs(inlines, styles: baseStyles) {
      switch run {
      case .hardBreak:
        endWord()
        segments.append([])
      case .text(let text, let styles, breakable: false):
        word += paint.apply(styles, to: text)
      case .text(let text, let styles, breakable: true):
        for (index, part) in text.split(separator: " ", omittingEmptySubsequences: false)
          .enumerated()
        {
          if index > 0 { endWord() }
          word += paint.apply(styles, to: String(part))
        }
      }
    }
    endWord()
    return segments.flatMap { wrap(words: $0, width: width, indent: "", firstLineIndent: nil) }
  }

  /// The inlines on one line, for table cells.
  func singleLine(_ inlines: [MarkdownInline]) -> String {
    lines(inlines, width: .max).joined(separator: " ")
  }

  /// One painted word, e.g. a callout label.
  func word(_ text: String, styles: [ANSIStyle]) -> String {
    paint.apply(styles, to: text)
  }

  private func runs(_ inlines: [MarkdownInline], styles: [ANSIStyle]) -> [Run] {
    inlines.flatMap { inline -> [Run] in
      switch inline {
      case .text(let text):
        return [.text(text, styles, breakable: true)]
      case .code(let code):
        // Without colour the backticks are the only sign that this is literal text.
        let shown = paint.isEnabled ? code : "`\(code)`"
        return [.text(shown, styles + [.cyan], breakable: false)]
      case .emphasis(let content):
        return runs(content, styles: styles + [.italic])
      case .strong(let content):
        return runs(content, styles: styles + [.bold])
      case .strikethrough(let content):
        let struck = runs(content, styles: styles + [.strikethrough])
        guard !paint.isEnabled else { return struck }
        return [.text("~~", styles, breakable: false)] + struck + [
          .text("~~", styles, breakable: false)
        ]
      case .link(let text, let url):
        let label = runs(text, styles: styles + [.underline, .blue])
        guard !url.isEmpty, url != text.plainText, "mailto:" + text.plainText != url else {
          return label
        }
        return label + [
          .text(" ", styles, breakable: true), .text("(\(url))", [.dim], breakable: false),
        ]
      case .softBreak:
        return [.text(" ", styles, breakable: true)]
      case .lineBreak:
        return [.hardBreak]
      }
    }
  }
}
