import Foundation
import IAMPolicy
import IAMTutor
import LessonMarkdown

/// Renders the tutor's outputs for a terminal (colour, width) or a pipe (plain text).
struct OutputRenderer {
  let style: RenderStyle
  let paint: Paint

  init(interactive: Bool) {
    let color = interactive && Terminal.usesColor
    style = RenderStyle(width: min(Terminal.width, 100), color: color)
    paint = Paint(color: color)
  }

  func render(_ outputs: [TutorOutput]) {
    for output in outputs {
      switch output {
      case .markdown(let blocks):
        Terminal.writeLine(TerminalRenderer.render(blocks, style: style).trimmingTrailingNewlines())
      case .text(let text):
        if !text.isEmpty { Terminal.writeLine(text) }
      case .note(let text):
        Terminal.writeLine(paint.dim(text))
      case .policy(let json):
        let lines = json.trimmingTrailingNewlines().split(separator: "\n", omittingEmptySubsequences: false)
        let body = lines.map { "  " + paint.dim("┃") + " " + JSONHighlighter.highlight(String($0), paint: paint) }
        Terminal.writeLine(body.joined(separator: "\n").trimmingTrailingNewlines())
      case .grade(let grade, let exercise):
        Terminal.writeLine(GradeRenderer.text(grade, exercise: exercise, paint: paint))
      case .error(let message):
        Terminal.writeLine(paint.red("error: ") + message)
      case .saveProgress, .openEditor, .quit:
        break
      }
    }
  }
}

extension String {
  func trimmingTrailingNewlines() -> String {
    var s = self
    while s.hasSuffix("\n") { s.removeLast() }
    return s
  }
}
