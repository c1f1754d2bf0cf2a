import IAMPolicy
import LessonMarkdown

/// A lesson: short markdown pages that teach one idea, with exercises.
public struct Lesson: Sendable {
  public enum Level: String, Sendable, CaseIterable, Decodable {
    case beginner, intermediate, advanced
  }

  public var id: String
  public var title: String
  public var level: Level
  public var minutes: Int
  public var prerequisites: [String]
  /// The world file (relative to the lesson folder) for "can X do Y?" questions.
  public var world: String?
  /// Exercise ids in the order the lesson presents them.
  public var exerciseIDs: [String]
  /// Pages: the text before the first `##` heading, then one page per `##` section.
  public var pages: [LessonPage]
  public var source: SourceFile
}

public struct LessonPage: Sendable {
  public var title: String
  public var blocks: [MarkdownBlock]
}

/// Reads lesson markdown files: YAML front matter, then CommonMark with GFM tables.
public enum LessonReader {
  struct FrontMatterFields: Decodable {
    var id: String
    var title: String
    var level: Lesson.Level
    var minutes: Int
    var prerequisites: [String]?
    var world: String?
    var exercises: [String]?
  }

  public static func parse(_ file: SourceFile) -> Parsed<Lesson> {
    let text = String(decoding: file.bytes, as: UTF8.self)
    func fail(_ message: String, line: Int, help: String) -> Parsed<Lesson> {
      Parsed(
        value: nil,
        diagnostics: [
          Diagnostic(
            code: .lessonInvalid, message: message, help: help,
            range: SourceRange(source: file.name, start: .init(line: line, column: 1), end: .init(line: line, column: 1)))
        ])
    }
    let (yaml, body, offset) = FrontMatter.split(text)
    guard let yaml else {
      return fail(
        "a lesson starts with YAML front matter between `---` lines", line: 1,
        help: "begin the file with ---, then id, title, level, minutes, prerequisites, world, exercises, then ---")
    }
    let fields: FrontMatterFields
    do {
      fields = try FrontMatter.decode(FrontMatterFields.self, from: yaml, lineOffset: 1)
    } catch {
      return fail(
        "front matter: \(error.message)", line: error.line ?? 2,
        help: "front matter has id, title, level (beginner, intermediate, advanced), minutes, prerequisites, world, exercises")
    }
    let document = MarkdownDocument.parse(body, lineOffset: offset)
    var pages: [LessonPage] = []
    var current = LessonPage(title: fields.title, blocks: [])
    for block in document.blocks {
      if case .heading(let level, let content, _) = block, level == 2 {
        if !current.blocks.isEmpty { pages.append(current) }
        current = LessonPage(title: content.plainText, blocks: [block])
      } else {
        current.blocks.append(block)
      }
    }
    if !current.blocks.isEmpty { pages.append(current) }
    var diagnostics: [Diagnostic] = []
    if !(1...60).contains(fields.minutes) {
      diagnostics.append(
        Diagnostic(
          code: .lessonInvalid, severity: .warning, message: "`minutes` is \(fields.minutes); lessons take 5 to 15 minutes",
          help: "split a long lesson into two",
          range: SourceRange(source: file.name, start: .init(line: 2, column: 1), end: .init(line: 2, column: 1))))
    }
    let lesson = Lesson(
      id: fields.id, title: fields.title, level: fields.level, minutes: fields.minutes,
      prerequisites: fields.prerequisites ?? [], world: fields.world, exerciseIDs: fields.exercises ?? [], pages: pages,
      source: file)
    return Parsed(value: lesson, diagnostics: diagnostics)
  }
}
