/// How to lay out Markdown for a terminal: the column budget and whether to use colour.
public struct RenderStyle: Sendable, Equatable {
  /// Columns available; prose wraps to it, code blocks never do.
  public var width: Int
  /// When false, the output contains no escape sequence at all (NO_COLOR, pipes, tests).
  public var color: Bool

  public init(width: Int = 80, color: Bool = false) {
    self.width = width
    self.color = color
  }
}

/// Renders lesson Markdown as terminal text.
///
/// A pure function of the blocks and the style, so lessons render the same in tests and
/// in a terminal. Choices follow glow/glamour's user complaints: prose wraps to the actual
/// width, code is never wrapped (it must survive copy and paste), links print their URL in
/// full because OSC 8 hyperlinks vanish when output is piped.
public enum TerminalRenderer {
  /// The rendered text, blocks separated by blank lines, without a trailing newline.
  public static func render(_ blocks: [MarkdownBlock], style: RenderStyle) -> String {
    BlockLayout(paint: Paint(color: style.color))
      .lines(for: blocks, width: max(style.width, 20), listDepth: 0, spaced: true)
      .joined(separator: "\n")
  }

  public static func render(_ document: MarkdownDocument, style: RenderStyle) -> String {
    render(document.blocks, style: style)
  }
}

/// The line-by-line layout behind `TerminalRenderer`.
struct BlockLayout {
  let paint: Paint

  func lines(for blocks: [MarkdownBlock], width: Int, listDepth: Int, spaced: Bool) -> [String] {
    var output: [String] = []
    for block in blocks {
      if spaced && !output.isEmpty { output.append("") }
      output += lines(for: block, width: width, listDepth: listDepth)
    }
    return output
  }

  private func lines(for block: MarkdownBlock, width: Int, listDepth: Int) -> [String] {
    switch block {
    case .heading(let level, let content, _):
      return heading(level: level, content: content, width: width)
    case .paragraph(let content, _):
      return InlineLayout(paint: paint).lines(content, width: width)
    case .codeBlock(let info, let code, _):
      return codeBlock(info: info, code: code)
    case .blockQuote(let content, _):
      return blockQuote(content, width: width, listDepth: listDepth)
    case .list(let ordered, let start, let items, _):
      return list(ordered: ordered, start: start, items: items, width: width, depth: listDepth)
    case .table(let header, let rows, let alignments, _):
      return TableLayout(paint: paint, header: header, rows: rows, alignments: alignments)
        .lines(width: width)
    case .thematicBreak:
      return [paint.dim(String(repeating: "─", count: width))]
    case .html(let html, _):
      return html.split(separator: "\n", omittingEmptySubsequences: false)
        .map { paint.dim(String($0)) }.droppingTrailingEmpty
    }
  }

  private func heading(level: Int, content: [MarkdownInline], width: Int) -> [String] {
    let styles: [ANSIStyle] =
      switch level {
      case 1: [.bold, .cyan]
      case 2: [.bold, .blue]
      default: [.bold]
      }
    let text = InlineLayout(paint: paint, baseStyles: styles).lines(content, width: width)
    let underline: String? =
      switch level {
      case 1: "═"
      case 2: "─"
      default: nil
      }
    guard let underline else { return text }
    let length = min(width, text.map(displayWidth).max() ?? 0)
    return text + [
      paint.apply(styles.filter { $0 != .bold }, to: String(repeating: underline, count: length))
    ]
  }

  private func codeBlock(info: String, code: String) -> [String] {
    let language = info.split(separator: " ").first.map { $0.lowercased() } ?? ""
    let isJSON = language == "json" || language == "jsonc"
    let gutter = paint.dim("  ┃ ")
    return code.split(separator: "\n", omittingEmptySubsequences: false).droppingTrailingEmpty
      .map { line in
        let text = String(line)
        return gutter + (isJSON ? JSONHighlighter.highlight(text, paint: paint) : text)
      }
  }

  private func blockQuote(_ content: [MarkdownBlock], width: Int, listDepth: Int) -> [String] {
    var content = content
    var barStyle: [ANSIStyle] = [.dim]
    if case .paragraph(let inlines, let line)? = content.first,
      let (callout, rest) = Callout.detect(inlines)
    {
      barStyle = [callout.color]
      if rest.isEmpty {
        content.removeFirst()
      } else {
        content[0] = .paragraph(rest, line: line)
      }
      let label = InlineLayout(paint: paint).word(callout.title, styles: [.bold, callout.color])
      let body = lines(for: content, width: width - 2, listDepth: listDepth, spaced: true)
      let bar = paint.apply(barStyle, to: "│")
      return ([label] + body).map { $0.isEmpty ? bar : bar + " " + $0 }
    }
    let bar = paint.apply(barStyle, to: "│")
    return lines(for: content, width: width - 2, listDepth: listDepth, spaced: true)
      .map { $0.isEmpty ? bar : bar + " " + $0 }
  }

  private func list(
    ordered: Bool, start: Int, items: [MarkdownListItem], width: Int, depth: Int
  ) -> [String] {
    let bullets = ["•", "◦", "▪"]
    let numberWidth = ordered ? "\(start + items.count - 1).".count : 0
    var output: [String] = []
    for (offset, item) in items.enumerated() {
      var marker =
        ordered
        ? pad("\(start + offset).", to: numberWidth, alignment: .right)
        : paint.dim(bullets[depth % bullets.count])
      if let checked = item.checked {
        marker = ordered ? marker + " " : ""
        marker += checked ? paint.green("[x]") : "[ ]"
      }
      let hang = String(repeating: " ", count: displayWidth(marker) + 1)
      let body = lines(
        for: item.blocks, width: width - hang.count, listDepth: depth + 1, spaced: false)
      for (index, line) in body.enumerated() {
        let prefix = index == 0 ? marker + " " : hang
        output.append(line.isEmpty ? "" : prefix + line)
      }
      if body.isEmpty { output.append(marker) }
    }
    return output
  }
}

/// A GitHub-style callout: a block quote opening with `**Note**` (or `[!NOTE]`).
struct Callout {
  let title: String
  let color: ANSIStyle

  private static let kinds: [String: ANSIStyle] = [
    "note": .blue, "tip": .green, "important": .magenta, "warning": .yellow, "caution": .red,
  ]

  /// The callout a paragraph opens with, and the paragraph without its label.
  static func detect(_ inlines: [MarkdownInline]) -> (Callout, [MarkdownInline])? {
    var label: String
    switch inlines.first {
    case .strong(let content)?:
      label = content.plainText.trimmingCharacters(in: ":")
    case .text(let text)? where text.hasPrefix("[!") && text.hasSuffix("]"):
      label = String(text.dropFirst(2).dropLast())
    default:
      return nil
    }
    label = label.lowercased()
    guard let color = kinds[label] else { return nil }
    var rest = Array(inlines.dropFirst())
    while let first = rest.first,
      first == .softBreak || first == .lineBreak || first == .text(" ")
        || first == .text(":")
    {
      rest.removeFirst()
    }
    if case .text(let text)? = rest.first, text.hasPrefix(" ") || text.hasPrefix(": ") {
      rest[0] = .text(String(text.drop { $0 == " " || $0 == ":" }))
    }
    return (Callout(title: label.prefix(1).uppercased() + label.dropFirst(), color: color), rest)
  }
}

extension String {
  fileprivate func trimmingCharacters(in set: Character) -> String {
    var result = Substring(self)
    while result.last == set || result.last == " " { result.removeLast() }
    return String(result)
  }
}

extension Array where Element == String {
  fileprivate var droppingTrailingEmpty: [String] {
    var result = self
    while result.last?.isEmpty == true { result.removeLast() }
    return result
  }
}

extension Array where Element == Substring {
  fileprivate var droppingTrailingEmpty: [Substring] {
    var result = self
    while result.last?.isEmpty == true { result.removeLast() }
    return result
  }
}
