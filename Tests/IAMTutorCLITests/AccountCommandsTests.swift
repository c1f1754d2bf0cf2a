import Foundation
import IAMTestSupport
import Testing

/// `can`, `who-can`, `graph`, `world`, `simulate-principal` and `expand` through the built binary.
@Suite struct AccountCommandsThroughBinary {
  static func world(_ name: String) -> String {
    Fixtures.packageRoot().appendingPathComponent("Lessons/worlds/\(name)").path
  }

  func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  @Test func canAllowedThroughARoleIsJSONAndExitsZero() throws {
    let r = try BinaryRunner.run(["can", "DevUser", "iam:CreateUser", "--world", Self.world("dev-admin-role.yaml")])
    #expect(r.status == 0, "\(r.stderr)")
    let doc = try json(r.stdout)
    #expect(doc["Principal"] as? String == "arn:aws:iam::123456789012:user/DevUser")
    #expect(doc["Action"] as? String == "iam:CreateUser")
    #expect(doc["Resource"] as? String == "*")
    #expect(doc["Allowed"] as? Bool == true)
    #expect(doc["Decision"] as? String == "implicitDeny")
    #expect(doc["Path"] as? [String] == ["arn:aws:iam::123456789012:user/DevUser", "arn:aws:iam::123456789012:role/AdminRole"])
    let evaluation = try #require(doc["Evaluation"] as? [String: Any])
    #expect(evaluation["EvalDecision"] as? String == "allowed")
    #expect((evaluation["MatchedStatements"] as? [Any])?.isEmpty == false)
  }

  @Test func canTextReadsLikeTheArticle() throws {
    let r = try BinaryRunner.run(["can", "DevUser", "iam:CreateUser", "--world", Self.world("dev-admin-role.yaml"), "--output", "text"])
    #expect(r.stdout.hasPrefix("DevUser → assumes → AdminRole → AdminAccess allows iam:CreateUser on *"))
  }

  @Test func canNotAllowedExitsOne() throws {
    let r = try BinaryRunner.run(["can", "Intern", "iam:CreateUser", "--world", Self.world("dev-admin-role.yaml")])
    #expect(r.status == 1)
    #expect(try json(r.stdout)["Allowed"] as? Bool == false)
  }

  @Test func unknownPrincipalListsCandidatesAndExitsTwo() throws {
    let r = try BinaryRunner.run(["can", "Dev", "iam:CreateUser", "--world", Self.world("dev-admin-role.yaml")])
    #expect(r.status == 2)
    #expect(r.stderr.contains("arn:aws:iam::123456789012:user/DevUser"))
  }

  @Test func contextOpensAConditionalTrust() throws {
    let args = ["can", "Analyst", "s3:GetBucketPolicy", "arn:aws:s3:::shared-bucket", "--world", Self.world("cross-account-role.yaml")]
    #expect(try BinaryRunner.run(args).status == 1)
    #expect(try BinaryRunner.run(args + ["--context", "sts:ExternalId=tutor-42"]).status == 0)
  }

  @Test func whoCanOverAFolder() throws {
    // A folder of two worlds (the lessons' folder holds many worlds of one account).
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("worlds-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    for name in ["ec2-s3-access.yaml", "read-only-user.yaml"] {
      try FileManager.default.copyItem(atPath: Self.world(name), toPath: folder + "/" + name)
    }
    let r = try BinaryRunner.run(["who-can", "s3:GetObject", "arn:aws:s3:::my-bucket/a.jpg", "--world", folder, "--output", "text"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("ec2.amazonaws.com → assumes (instance profile WebServerProfile) → S3AccessRole"))
    #expect(r.stdout.contains("Auditor"))
  }

  @Test(arguments: ["text", "dot", "mermaid"])
  func graphFormats(_ format: String) throws {
    let r = try BinaryRunner.run(["graph", "--world", Self.world("cross-account-role.yaml"), "--format", format])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("SharedReader"))
  }

  @Test func exportThenLoadGivesTheSameAnswers() throws {
    let export = try BinaryRunner.run(["world", "export", "--world", Self.world("cross-account-role.yaml")])
    #expect(export.status == 0, "\(export.stderr)")
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("iam-tutor-export-\(UUID().uuidString).json")
    try Data(export.stdout.utf8).write(to: path)
    defer { try? FileManager.default.removeItem(at: path) }
    let show = try BinaryRunner.run(["world", "show", "--world", path.path])
    let original = try BinaryRunner.run(["world", "show", "--world", Self.world("cross-account-role.yaml")])
    #expect(show.stdout == original.stdout)
    let r = try BinaryRunner.run(["can", "Analyst", "s3:GetObject", "arn:aws:s3:::shared-bucket/k", "--world", path.path])
    #expect(r.status == 0, "\(r.stderr)")
  }

  @Test func simulatePrincipalAnswersFromTheWorld() throws {
    let input = """
      {"PolicySourceArn": "arn:aws:iam::123456789012:user/Auditor",
       "ActionNames": ["s3:GetObject", "s3:PutObject"], "ResourceArns": ["arn:aws:s3:::b/k"]}
      """
    let r = try BinaryRunner.run(
      ["simulate-principal", "--cli-input-json", "-", "--world", Self.world("read-only-user.yaml")], stdin: input)
    #expect(r.status == 0, "\(r.stderr)")
    let results = try #require(try json(r.stdout)["EvaluationResults"] as? [[String: Any]])
    #expect(results.map { $0["EvalDecision"] as? String } == ["allowed", "implicitDeny"])
  }

  @Test func expandListsActions() throws {
    let r = try BinaryRunner.run(["expand", "s3:GetObject*", "--output", "text"])
    #expect(r.status == 0)
    #expect(r.stdout.contains("s3:GetObjectAcl"))
    #expect(r.stdout.contains("Read"))
  }
}
