/// Colours one line of JSON: keys, strings, numbers, literals and punctuation.
///
/// Works line by line on purpose: code blocks are drawn line by line behind a gutter, and
/// a JSON string cannot span lines. Invalid JSON is still printed, token by token, as typed.
public enum JSONHighlighter {
  public static func highlight(_ line: String, paint: Paint) -> String {
    guard paint.isEnabled else { return line }
    let scalars = Array(line.unicodeScalars)
    var output = ""
    var index = 0
    func text(_ range: Range<Int>) -> String {
      var view = String.UnicodeScalarView()
      view.append(contentsOf: scalars[range])
      return String(view)
    }
    while index < scalars.count {
      let start = index
      let scalar = scalars[index]
      switch scalar {
      case "\"":
        index += 1
        while index < scalars.count && scalars[index] != "\"" {
          index += scalars[index] == "\\" ? 2 : 1
        }
        index = min(index + 1, scalars.count)
        var next = index
        while next < scalars.count && (scalars[next] == " " || scalars[next] == "\t") { next += 1 }
        let isKey = next < scalars.count && scalars[next] == ":"
        output += paint.apply([isKey ? .blue : .green], to: text(start..<index))
      case "-", "0"..."9":
        index += 1
        while index < scalars.count && "0123456789.eE+-".unicodeScalars.contains(scalars[index]) {
          index += 1
        }
        output += paint.magenta(text(start..<index))
      case "a"..."z", "A"..."Z":
        while index < scalars.count && scalars[index].properties.isAlphabetic { index += 1 }
        let word = text(start..<index)
        output += ["true", "false", "null"].contains(word) ? paint.yellow(word) : word
      case "{", "}", "[", "]", ",", ":":
        index += 1
        output += paint.dim(text(start..<index))
      default:
        index += 1
        output += text(start..<index)
      }
    }
    return output
  }
}
