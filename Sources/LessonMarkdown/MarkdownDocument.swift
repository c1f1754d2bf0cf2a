import CCmarkGFM

/// A parsed Markdown document: GitHub-flavoured Markdown as a tree of Swift values.
///
/// cmark-gfm does the parsing (CommonMark plus GFM tables, strikethrough, task lists and
/// autolinks); its C tree is walked once and freed, so nothing downstream sees a pointer.
public struct MarkdownDocument: Sendable, Equatable {
  public var blocks: [MarkdownBlock]

  public init(blocks: [MarkdownBlock]) {
    self.blocks = blocks
  }

  /// Parses `text`, adding `lineOffset` to every block's line.
  ///
  /// Pass `FrontMatter.split(_:).bodyLineOffset` when `text` is the body of a lesson file,
  /// so lines refer to the original file.
  public static func parse(_ text: String, lineOffset: Int = 0) -> MarkdownDocument {
    cmark_gfm_core_extensions_ensure_registered()
    guard let parser = cmark_parser_new(CMARK_OPT_DEFAULT | CMARK_OPT_SOURCEPOS) else {
      return MarkdownDocument(blocks: [])
    }
    defer { cmark_parser_free(parser) }
    for name in ["table", "strikethrough", "tasklist", "autolink"] {
      if let extensionPointer = cmark_find_syntax_extension(name) {
        cmark_parser_attach_syntax_extension(parser, extensionPointer)
      }
    }
    var utf8 = Array(text.utf8)
    utf8.withUnsafeMutableBufferPointer { buffer in
      buffer.withMemoryRebound(to: CChar.self) { chars in
        cmark_parser_feed(parser, chars.baseAddress, chars.count)
      }
    }
    guard let root = cmark_parser_finish(parser) else { return MarkdownDocument(blocks: []) }
    defer { cmark_node_free(root) }
    return MarkdownDocument(blocks: CmarkTree(lineOffset: lineOffset).blocks(under: root))
  }
}

/// Converts cmark-gfm nodes to `MarkdownBlock`/`MarkdownInline` values.
///
/// Node kinds are matched by their type string because the GFM extension kinds (`table`,
/// `strikethrough`, …) are registered at run time and have no fixed enum value.
private struct CmarkTree {
  let lineOffset: Int

  func blocks(under parent: OpaquePointer) -> [MarkdownBlock] {
    children(of: parent).compactMap(block)
  }

  private func block(_ node: OpaquePointer) -> MarkdownBlock? {
    let line = Int(cmark_node_get_start_line(node)) + lineOffset
    switch typeName(node) {
    case "heading":
      return .heading(
        level: Int(cmark_node_get_heading_level(node)), content: inlines(under: node), line: line)
    case "paragraph":
      return .paragraph(inlines(under: node), line: line)
    case "code_block":
      return .codeBlock(
        info: string(cmark_node_get_fence_info(node)), code: string(cmark_node_get_literal(node)),
        line: line)
    case "block_quote":
      return .blockQuote(blocks(under: node), line: line)
    case "list":
      let items = children(of: node).map { item in
        MarkdownListItem(
          blocks: blocks(under: item),
          checked: typeName(item) == "tasklist"
            ? cmark_gfm_extensions_get_tasklist_item_checked(item) : nil)
      }
      return .list(
        ordered: cmark_node_get_list_type(node) == CMARK_ORDERED_LIST,
        start: Int(cmark_node_get_list_start(node)), items: items, line: line)
    case "table":
      return table(node, line: line)
    case "thematic_break":
      return .thematicBreak(line: line)
    case "html_block":
      return .html(string(cmark_node_get_literal(node)), line: line)
    default:
      // Footnote definitions and custom blocks are not enabled; keep their text if any.
      let content = blocks(under: node)
      return content.isEmpty ? nil : .blockQuote(content, line: line)
    }
  }

  private func table(_ node: OpaquePointer, line: Int) -> MarkdownBlock {
    let columns = Int(cmark_gfm_extensions_get_table_columns(node))
    let raw = cmark_gfm_extensions_get_table_alignments(node)
    let alignments: [MarkdownTableAlignment] = (0..<columns).map { column in
      switch raw?[column] {
      case UInt8(ascii: "l"): return .left
      case UInt8(ascii: "c"): return .center
      case UInt8(ascii: "r"): return .right
      default: return .none
      }
    }
    var header: [[MarkdownInline]] = []
    var rows: [[[MarkdownInline]]] = []
    for row in children(of: node) {
      var cells = children(of: row).map { inlines(under: $0) }
      // INVARIANT: every row has `columns` cells, as GFM pads short rows and drops extras.
      cells = Array(cells.prefix(columns))
      cells += Array(repeating: [], count: columns - cells.count)
      if cmark_gfm_extensions_get_table_row_is_header(row) != 0 {
        header = cells
      } else {
        rows.append(cells)
      }
    }
    return .table(header: header, rows: rows, alignments: alignments, line: line)
  }

  private func inlines(under parent: OpaquePointer) -> [MarkdownInline] {
    children(of: parent).compactMap(inline)
  }

  private func inline(_ node: OpaquePointer) -> MarkdownInline? {
    switch typeName(node) {
    case "text", "html_inline": .text(string(cmark_node_get_literal(node)))
    case "code": .code(string(cmark_node_get_literal(node)))
    case "emph": .emphasis(inlines(under: node))
    case "strong": .strong(inlines(under: node))
    case "strikethrough": .strikethrough(inlines(under: node))
    case "link", "image": .link(text: inlines(under: node), url: string(cmark_node_get_url(node)))
    case "softbreak": .softBreak
    case "linebreak": .lineBreak
    default: nil
    }
  }

  private func children(of node: OpaquePointer) -> [OpaquePointer] {
    var result: [OpaquePointer] = []
    var child = cmark_node_first_child(node)
    while let current = child {
      result.append(current)
      child = cmark_node_next(current)
    }
    return result
  }

  private func typeName(_ node: OpaquePointer) -> String {
    string(cmark_node_get_type_string(node))
  }

  private func string(_ pointer: UnsafePointer<CChar>?) -> String {
    pointer.map { String(cString: $0) } ?? ""
  }
}
