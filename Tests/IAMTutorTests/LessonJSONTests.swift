import Foundation
import IAMPolicy
import IAMTestSupport
import IAMTutor
import LessonMarkdown
import Testing

/// One ```json block of a lesson page or an exercise prompt.
struct LessonJSONBlock: Sendable, CustomTestStringConvertible {
  var source: String
  var line: Int
  /// The fence's info string: `json`, `json trust`, `json bare`, ...
  var info: String
  var code: String

  var testDescription: String { "\(source):\(line) (\(info))" }

  /// The document kind the info string names after `json` (identity when it names none).
  var kind: PolicyKind? {
    let words = info.split(separator: " ").dropFirst().map { $0.lowercased() }
    guard let word = words.first else { return .identity }
    if word == "bare" { return nil }
    return ExerciseReader.documentKinds[word]
  }

  var isBare: Bool { info.split(separator: " ").dropFirst().first == "bare" }

  static func all() -> [LessonJSONBlock] {
    var out: [LessonJSONBlock] = []
    func collect(_ blocks: [MarkdownBlock], source: String) {
      for block in blocks {
        switch block {
        case .codeBlock(let info, let code, let line):
          let language = info.split(separator: " ").first.map { $0.lowercased() }
          if language == "json" { out.append(LessonJSONBlock(source: source, line: line, info: info, code: code)) }
        case .blockQuote(let inner, _):
          collect(inner, source: source)
        case .list(_, _, let items, _):
          for item in items { collect(item.blocks, source: source) }
        default: break
        }
      }
    }
    let curriculum = CurriculumFixture.curriculum
    for lesson in curriculum.lessons {
      for page in lesson.pages { collect(page.blocks, source: lesson.source.name) }
    }
    for id in curriculum.exercises.keys.sorted() {
      guard let exercise = curriculum.exercises[id] else { continue }
      collect(MarkdownDocument.parse(exercise.prompt).blocks, source: exercise.source.name + " prompt")
      collect(MarkdownDocument.parse(exercise.explanation).blocks, source: exercise.source.name + " explanation")
    }
    return out
  }
}

/// Issue 5: every policy a lesson shows is real JSON the learner can copy, and every bare
/// statement is marked as such and is rejected as a policy with the bare-statement diagnostic.
@Suite struct LessonJSONTests {
  static let blocks = LessonJSONBlock.all()

  @Test func lessonsShowPoliciesAndBareStatements() {
    #expect(Self.blocks.count >= 20, "only \(Self.blocks.count) JSON blocks found")
    #expect(Self.blocks.contains { $0.isBare })
    #expect(Self.blocks.contains { $0.kind == .trust })
    #expect(Self.blocks.contains { $0.kind == .serviceControl })
    #expect(Self.blocks.contains { $0.kind == .permissionsBoundary })
  }

  @Test(arguments: blocks)
  func blockParses(_ block: LessonJSONBlock) throws {
    let file = SourceFile(name: block.testDescription, text: block.code)
    if block.isBare {
      let parsed = PolicyParser.parse(file, as: .identity)
      #expect(parsed.diagnostics.contains { $0.code == .policyBareStatement }, "\(parsed.diagnostics.map(\.code.rawValue))")
      return
    }
    let kind = try #require(block.kind, "unknown info string `\(block.info)`")
    let parsed = PolicyParser.parse(file, as: kind)
    let problems = parsed.diagnostics.map { DiagnosticRenderer.plain($0) }
    #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    #expect(parsed.value != nil)
  }
}
