import Testing

@testable import LessonMarkdown

@Suite struct TerminalRendererTests {
  static let doc = """
    # IAM roles

    A role is an identity with **permissions** but no long-term credentials; \
    you assume it with `sts:AssumeRole`.

    ```json
    {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}
    ```

    | Kind | Who |
    |------|----:|
    | trust | role |
    | identity | user |

    > **Warning**
    > A wildcard principal trusts everyone on the internet.

    1. Create the role
    2. Attach a [policy](https://example.com/p)
    """

  static func render(_ markdown: String, width: Int = 40, color: Bool = false) -> String {
    TerminalRenderer.render(
      MarkdownDocument.parse(markdown), style: RenderStyle(width: width, color: color))
  }

  @Test func plainRenderingAtWidth40() {
    let expected = """
      IAM roles
      ═════════

      A role is an identity with permissions
      but no long-term credentials; you assume
      it with `sts:AssumeRole`.

        ┃ {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}

      ┌──────────┬──────┐
      │ Kind     │  Who │
      ├──────────┼──────┤
      │ trust    │ role │
      │ identity │ user │
      └──────────┴──────┘

      │ Warning
      │ A wildcard principal trusts everyone
      │ on the internet.

      1. Create the role
      2. Attach a policy
         (https://example.com/p)
      """
    #expect(Self.render(Self.doc) == expected)
  }

  @Test func everyProseLineFitsTheWidthButCodeIsNeverWrapped() {
    let lines = Self.render(Self.doc, width: 40).split(separator: "\n")
    let codeLines = lines.filter { $0.hasPrefix("  ┃") }
    #expect(codeLines.count == 1)
    #expect(codeLines.allSatisfy { displayWidth(String($0)) > 40 })
    #expect(lines.filter { !$0.hasPrefix("  ┃") }.allSatisfy { displayWidth(String($0)) <= 40 })
  }

  @Test func wideTablesDegradeToRecords() {
    let table = """
      | Principal | Action | Resource |
      |---|---|---|
      | arn:aws:iam::111122223333:role/Dev | s3:GetObject | arn:aws:s3:::bucket/* |
      """
    let expected = """
      Principal: arn:aws:iam::111122223333:role/Dev
      Action: s3:GetObject
      Resource: arn:aws:s3:::bucket/*
      """
    #expect(Self.render(table, width: 50) == expected)
  }

  @Test func listsNestAndShowTaskState() {
    let markdown = "- [x] done\n- [ ] todo\n- plain\n  - nested item\n"
    #expect(Self.render(markdown) == "[x] done\n[ ] todo\n• plain\n  ◦ nested item")
  }

  @Test func noEscapeWithoutColourAndEscapesWithColour() {
    let plain = Self.render(Self.doc, color: false)
    let coloured = Self.render(Self.doc, color: true)
    #expect(!plain.unicodeScalars.contains("\u{1B}"))
    #expect(coloured.contains("\u{1B}[1;36mIAM\u{1B}[0m"))  // H1 bold cyan
    #expect(coloured.contains("\u{1B}[34m\"Effect\"\u{1B}[0m"))  // JSON key
    #expect(coloured.contains("\u{1B}[36msts:AssumeRole\u{1B}[0m"))  // inline code
  }

  @Test func colourDoesNotChangeTheLayout() {
    let strip = { (text: String) in
      text.replacing(/\x{1B}\[[0-9;]*m/, with: "")
    }
    // Inline code and strikethrough carry visible markers only in plain text, so compare
    // a document without them.
    let markdown = "# Title\n\nSome *long* prose that wraps around **twice** at this width.\n"
    #expect(
      strip(Self.render(markdown, width: 24, color: true)) == Self.render(markdown, width: 24))
  }
}

@Suite struct TextLayoutTests {
  @Test(arguments: [
    ("plain", 5), ("é", 1), ("e\u{301}", 1), ("日本", 4), ("\u{1B}[1;31mred\u{1B}[0m", 3),
    ("✓", 1), ("🙂", 2), ("\u{1B}]8;;http://x\u{07}link\u{1B}]8;;\u{07}", 4),
  ])
  func displayWidths(text: String, width: Int) {
    #expect(displayWidth(text) == width)
  }

  @Test func wrapUsesIndentAndKeepsLongWordsWhole() {
    #expect(
      wrap("aaa bbb ccc dddddddddd e", width: 9, indent: "  ")
        == ["  aaa bbb", "  ccc", "  dddddddddd", "  e"])
    #expect(wrap("日本 日本 日本", width: 10) == ["日本 日本", "日本"])
  }

  @Test func paintIsPlainWhenDisabled() {
    #expect(Paint(color: false).red("x") == "x")
    #expect(Paint(color: true)("x", .bold, .green) == "\u{1B}[1;32mx\u{1B}[0m")
  }
}
