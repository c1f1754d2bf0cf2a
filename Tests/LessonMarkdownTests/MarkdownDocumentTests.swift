import Foundation
import Testing

@testable import LessonMarkdown

@Suite struct MarkdownDocumentTests {
  static let lesson: String = {
    let url = URL(filePath: #filePath).deletingLastPathComponent()
      .appending(path: "Fixtures/sample-lesson.md")
    return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
  }()

  @Test func frontMatterSplitKeepsLineOffset() throws {
    let split = FrontMatter.split(Self.lesson)
    let yaml = try #require(split.yaml)
    #expect(yaml.hasPrefix("id: ec2-instance-role\n"))
    #expect(split.bodyLineOffset == 5)
    #expect(split.body.hasPrefix("# Give an EC2 instance a role\n"))
  }

  @Test func frontMatterAbsentOrUnclosedLeavesTextAlone() {
    #expect(FrontMatter.split("# Title\n").yaml == nil)
    let unclosed = FrontMatter.split("---\nid: x\n# Title\n")
    #expect(unclosed.yaml == nil)
    #expect(unclosed.bodyLineOffset == 0)
  }

  @Test func frontMatterDecodesWithYams() throws {
    struct Meta: Decodable, Equatable { var id: String; var requires: [String] }
    let yaml = try #require(FrontMatter.split(Self.lesson).yaml)
    let meta = try FrontMatter.decode(Meta.self, from: yaml)
    #expect(meta == Meta(id: "ec2-instance-role", requires: ["iam-basics"]))
  }

  @Test func frontMatterErrorsCarryFileLines() {
    struct Meta: Decodable { var id: String }
    // Line 3 of the file is the YAML's line 2, where the flow sequence is never closed.
    let text = "---\nid: x\ntags: [a, b\n---\nbody\n"
    let yaml = FrontMatter.split(text).yaml ?? ""
    #expect {
      try FrontMatter.decode(Meta.self, from: yaml)
    } throws: { error in
      (error as? FrontMatterError)?.line.map { (3...4).contains($0) } ?? false
    }
    #expect(throws: FrontMatterError(message: "missing key `id`", line: nil)) {
      try FrontMatter.decode(Meta.self, from: "title: x\n")
    }
  }

  @Test func blocksKeepLinesOfTheOriginalFile() throws {
    let split = FrontMatter.split(Self.lesson)
    let blocks = MarkdownDocument.parse(split.body, lineOffset: split.bodyLineOffset).blocks
    #expect(blocks.map(\.line) == [6, 8, 10, 15, 19, 22, 27, 29])
    #expect(
      blocks[0] == .heading(level: 1, content: [.text("Give an EC2 instance a role")], line: 6))
  }

  @Test func codeBlocksKeepTheFullInfoString() throws {
    let blocks = MarkdownDocument.parse(FrontMatter.split(Self.lesson).body).blocks
    let infos = blocks.compactMap { block -> String? in
      if case .codeBlock(let info, _, _) = block { return info }
      return nil
    }
    #expect(infos == ["json", "exercise id=ec2-trust kind=policy"])
    guard case .codeBlock(_, let code, _) = blocks[7] else {
      Issue.record("expected the exercise block, got \(blocks[7])")
      return
    }
    #expect(code == "prompt: Write the trust policy.\n")
  }

  @Test func tablesHaveHeaderRowsAndAlignments() throws {
    let blocks = MarkdownDocument.parse(FrontMatter.split(Self.lesson).body).blocks
    guard case .table(let header, let rows, let alignments, _) = blocks[2] else {
      Issue.record("expected a table, got \(blocks[2])")
      return
    }
    #expect(header.map(\.plainText) == ["Policy kind", "Attached to", "Grants"])
    #expect(
      rows.map { $0.map(\.plainText) } == [
        ["identity", "user, role", "yes"], ["trust", "role", "no"],
      ])
    #expect(alignments == [.left, .center, .right])
  }

  @Test func inlinesAndTaskLists() {
    let blocks = MarkdownDocument.parse(
      "Use `s3:*` **only** in *labs*, ~~never~~ <https://aws.amazon.com>\\\nend\n\n- [x] done\n- [ ] todo\n"
    ).blocks
    #expect(
      blocks[0]
        == .paragraph(
          [
            .text("Use "), .code("s3:*"), .text(" "), .strong([.text("only")]), .text(" in "),
            .emphasis([.text("labs")]), .text(", "), .strikethrough([.text("never")]), .text(" "),
            .link(text: [.text("https://aws.amazon.com")], url: "https://aws.amazon.com"),
            .lineBreak, .text("end"),
          ], line: 1))
    guard case .list(false, _, let items, 4) = blocks[1] else {
      Issue.record("expected a bullet list on line 4, got \(blocks[1])")
      return
    }
    #expect(items.map(\.checked) == [true, false])
    #expect(items[0].blocks == [.paragraph([.text("done")], line: 4)])
  }
}
