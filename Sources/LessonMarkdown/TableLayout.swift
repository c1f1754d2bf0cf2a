/// Lays out a GFM table with box-drawing borders, or as `header: value` records.
///
/// Columns are as wide as their widest cell. When the boxed table would be wider than the
/// terminal it degrades to one record per row rather than wrapping cells, which would make
/// a permission matrix unreadable.
struct TableLayout {
  let paint: Paint
  let header: [[MarkdownInline]]
  let rows: [[[MarkdownInline]]]
  let alignments: [MarkdownTableAlignment]

  func lines(width: Int) -> [String] {
    let inline = InlineLayout(paint: paint)
    let headerCells = header.map { paint.bold(inline.singleLine($0)) }
    let bodyCells = rows.map { $0.map(inline.singleLine) }
    let widths = alignments.indices.map { column in
      ([headerCells] + bodyCells).map { displayWidth($0[column]) }.max() ?? 0
    }
    let boxedWidth = widths.reduce(0, +) + 3 * widths.count + 1
    if boxedWidth <= width {
      return boxed(headerCells, bodyCells, widths: widths)
    }
    return records(headerCells, bodyCells, width: width)
  }

  private func boxed(_ headerCells: [String], _ bodyCells: [[String]], widths: [Int]) -> [String] {
    func border(_ left: String, _ middle: String, _ right: String) -> String {
      paint.dim(
        left + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: middle)
          + right)
    }
    func row(_ cells: [String]) -> String {
      let bar = paint.dim("│")
      let padded = cells.indices.map { pad(cells[$0], to: widths[$0], alignment: alignments[$0]) }
      return bar + padded.map { " \($0) " }.joined(separator: bar) + bar
    }
    return [border("┌", "┬", "┐"), row(headerCells), border("├", "┼", "┤")]
      + bodyCells.map(row) + [border("└", "┴", "┘")]
  }

  private func records(_ headerCells: [String], _ bodyCells: [[String]], width: Int) -> [String] {
    var output: [String] = []
    for cells in bodyCells {
      if !output.isEmpty { output.append("") }
      for (column, value) in cells.enumerated() {
        let name = headerCells[column].isEmpty ? "Column \(column + 1)" : headerCells[column]
        output += wrap("\(name): \(value)", width: width, indent: "  ", firstLineIndent: "")
      }
    }
    return output
  }
}
