import Testing

@testable import LineEditor

@Suite struct CompletionTests {
  static let words = ["DevUser", "DevOps", "AdminRole", "sts:AssumeRole", "café"]

  @Test func singleCandidateCompletesWithASpace() {
    #expect(
      CompletionAction(lineBeforeCursor: "can Adm", candidates: Self.words) == .insert("inRole "))
    #expect(CompletionAction(lineBeforeCursor: "caf", candidates: Self.words) == .insert("é "))
  }

  @Test func severalCandidatesInsertTheCommonPrefixAndList() {
    #expect(
      CompletionAction(lineBeforeCursor: "can D", candidates: Self.words)
        == .list(insert: "ev", candidates: ["DevUser", "DevOps"]))
    #expect(
      CompletionAction(lineBeforeCursor: "can Dev", candidates: Self.words + ["DevUser"])
        == .list(insert: "", candidates: ["DevUser", "DevOps"]))
  }

  @Test func nothingMatchingBeeps() {
    #expect(CompletionAction(lineBeforeCursor: "can X", candidates: Self.words) == .none)
    #expect(CompletionAction(lineBeforeCursor: "", candidates: []) == .none)
  }

  @Test func columnsFillTopToBottom() {
    let items = ["a", "bb", "ccc", "dddd", "e"]
    // 6 columns per item, width 13 → 2 columns, 3 rows.
    #expect(columnLayout(items, width: 13) == ["a     dddd", "bb    e", "ccc"])
    #expect(columnLayout(items, width: 1) == items)
    #expect(columnLayout([], width: 80) == [])
  }

  @Test func promptEscapesAreMarkedForLibedit() {
    #expect(
      markingEscapes("\u{1B}[32mdemo\u{1B}[0m> ", marker: "\u{1}")
        == "\u{1}\u{1B}[32m\u{1}demo\u{1}\u{1B}[0m\u{1}> ")
    #expect(markingEscapes("iam> ", marker: "\u{1}") == "iam> ")
  }
}

@Suite struct LineReaderTests {
  @Test func scriptedLinesReplayEventsAndRecordPrompts() {
    var reader = ScriptedLines([.line("{"), .interrupted, .line("}")])
    #expect(reader.readLine(prompt: "iam> ") == .line("{"))
    #expect(reader.readLine(prompt: "...> ") == .interrupted)
    #expect(reader.readLine(prompt: "iam> ") == .line("}"))
    #expect(reader.readLine(prompt: "iam> ") == .endOfFile)
    #expect(reader.prompts == ["iam> ", "...> ", "iam> ", "iam> "])
  }
}
