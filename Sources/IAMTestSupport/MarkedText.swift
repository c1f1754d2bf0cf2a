import IAMPolicy

/// Source text with markers such as `1️⃣` that stand for positions, removed before parsing.
///
/// Tests assert diagnostics at a marker instead of hand-counted columns
/// (the swift-syntax and swift-format way).
public struct MarkedText: Sendable {
  public var text: String
  public var marks: [String: SourceLocation]

  public static let markers = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣"]

  public init(_ marked: String) {
    var text = ""
    var marks: [String: SourceLocation] = [:]
    var line = 1
    var column = 1
    var rest = Substring(marked)
    outer: while !rest.isEmpty {
      for m in MarkedText.markers where rest.hasPrefix(m) {
        marks[m] = SourceLocation(line: line, column: column)
        rest = rest.dropFirst(m.count)
        continue outer
      }
      let c = rest.removeFirst()
      text.append(c)
      if c == "\n" {
        line += 1
        column = 1
      } else {
        column += c.unicodeScalars.count
      }
    }
    self.text = text
    self.marks = marks
  }

  public func file(named name: String = "test.json") -> SourceFile { SourceFile(name: name, text: text) }
}
