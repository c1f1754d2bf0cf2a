import IAMAccount
import IAMPolicy
import IAMTestSupport
import Testing

/// The hand-written world format: every lesson world loads cleanly; mistakes point into the file.
@Suite struct WorldFileTests {
  @Test(arguments: AccountFixtures.lessonWorlds)
  func lessonWorldsLoadCleanly(_ path: String) throws {
    let parsed = try AccountFixtures.world(path)
    #expect(parsed.diagnostics.isEmpty, "\(parsed.diagnostics.map { DiagnosticRenderer.plain($0) })")
    #expect(parsed.value?.accounts.isEmpty == false)
  }

  func load(_ text: String) -> Parsed<World> {
    var cache = DocumentCache()
    return WorldFile.load(SourceFile(name: "w.yaml", text: text), catalog: AccountFixtures.catalog?.managedPolicies, cache: &cache)
  }

  @Test func mistakesPointIntoTheWorldFile() throws {
    let marked = MarkedText("""
      accounts:
        - id: "123456789012"
          users:
            - name: u
              groups: [1️⃣Missing]
              policies: [2️⃣NoSuchPolicy]
              inline:
                P:
                  Version: "2012-10-17"
                  Statement:
                    - Effect: 3️⃣Alow
                      Action: s3:*
                      Resource: "*"
              4️⃣colour: blue
      """)
    let parsed = load(marked.text)
    func at(_ mark: String) -> Diagnostic? { parsed.diagnostics.first { $0.range?.start == marked.marks[mark] } }
    #expect(at("1️⃣")?.message.contains("Missing") == true)
    #expect(at("2️⃣")?.message.contains("NoSuchPolicy") == true)
    #expect(at("3️⃣")?.code == .statementInvalidEffect)
    #expect(at("4️⃣")?.code == .worldUnknownKey)
    #expect(parsed.value?.accounts.first?.users.map(\.name) == ["u"])
  }

  @Test func badYAMLIsOneLocatedDiagnostic() {
    let parsed = load("accounts:\n  - id: \"1\n")
    #expect(parsed.value == nil)
    #expect(parsed.diagnostics.count == 1)
    #expect(parsed.diagnostics.first?.range != nil)
  }

  @Test func jsonWorldFilesWork() throws {
    let parsed = load(#"{"accounts": [{"id": "123456789012", "users": [{"name": "u", "policies": ["ReadOnlyAccess"]}]}]}"#)
    #expect(parsed.diagnostics.isEmpty)
    #expect(parsed.value?.accounts.first?.users.first?.attachedPolicies == ["arn:aws:iam::aws:policy/ReadOnlyAccess"])
  }
}
