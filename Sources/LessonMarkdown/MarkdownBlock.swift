/// A block of a lesson, converted once from cmark-gfm's C tree.
///
/// Every case carries the 1-based `line` where the block starts in the parsed text (plus
/// the offset given to `MarkdownDocument.parse`), so lesson errors can point into the file.
public indirect enum MarkdownBlock: Sendable, Equatable {
  case heading(level: Int, content: [MarkdownInline], line: Int)
  case paragraph([MarkdownInline], line: Int)
  /// A fenced or indented code block. `info` is the whole fence info string, so attributes
  /// after the language survive (`exercise id=trust-1 kind=policy`).
  case codeBlock(info: String, code: String, line: Int)
  case blockQuote([MarkdownBlock], line: Int)
  case list(ordered: Bool, start: Int, items: [MarkdownListItem], line: Int)
  /// A GFM table; every row has exactly `alignments.count` cells.
  case table(
    header: [[MarkdownInline]], rows: [[[MarkdownInline]]], alignments: [MarkdownTableAlignment],
    line: Int)
  case thematicBreak(line: Int)
  case html(String, line: Int)

  /// The 1-based line where the block starts.
  public var line: Int {
    switch self {
    case .heading(_, _, let line), .paragraph(_, let line), .codeBlock(_, _, let line),
      .blockQuote(_, let line), .list(_, _, _, let line), .table(_, _, _, let line),
      .thematicBreak(let line), .html(_, let line):
      line
    }
  }
}

/// One item of a list; `checked` is nil for ordinary items and set for GFM task items.
public struct MarkdownListItem: Sendable, Equatable {
  public var blocks: [MarkdownBlock]
  public var checked: Bool?

  public init(blocks: [MarkdownBlock], checked: Bool? = nil) {
    self.blocks = blocks
    self.checked = checked
  }
}

/// Column alignment from a GFM table's delimiter row (`:--`, `:-:`, `--:`).
public enum MarkdownTableAlignment: Sendable, Equatable {
  case none, left, center, right
}

/// Inline content of headings, paragraphs and table cells.
public indirect enum MarkdownInline: Sendable, Equatable {
  case text(String)
  case code(String)
  case emphasis([MarkdownInline])
  case strong([MarkdownInline])
  case strikethrough([MarkdownInline])
  /// Links and images alike: a terminal can show neither a target nor a picture, only the URL.
  case link(text: [MarkdownInline], url: String)
  case softBreak
  case lineBreak
}

extension Array where Element == MarkdownInline {
  /// The text without any markup, e.g. to compare a heading or name a table column.
  public var plainText: String {
    map { inline in
      switch inline {
      case .text(let s), .code(let s): s
      case .emphasis(let c), .strong(let c), .strikethrough(let c), .link(let c, _): c.plainText
      case .softBreak: " "
      case .lineBreak: "\n"
      }
    }.joined()
  }
}
