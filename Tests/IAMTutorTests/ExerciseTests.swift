import Foundation
import IAMCatalog
import IAMPolicy
import IAMTestSupport
import IAMTutor
import Testing

@Suite struct GraderTests {
  static let catalog = try? IAMCatalog.bundled().services

  func exercise(_ id: String) throws -> Exercise {
    let url = Fixtures.packageRoot().appendingPathComponent("Exercises/\(id).yaml")
    let file = SourceFile(name: "Exercises/\(id).yaml", bytes: [UInt8](try Data(contentsOf: url)))
    let parsed = ExerciseReader.parse(file)
    #expect(!parsed.hasErrors, "\(parsed.diagnostics.map { DiagnosticRenderer.plain($0) })")
    return try #require(parsed.value)
  }

  @Test func trustSolutionPassesStarterFails() throws {
    let e = try exercise("ec2-role/trust-policy")
    let grader = Grader(catalog: Self.catalog)
    #expect(grader.grade(e.solution, for: e).passed)
    let starter = grader.grade(e.starter, for: e)
    #expect(!starter.passed)
  }

  @Test func permissionsWildcardFailsWithSweep() throws {
    let e = try exercise("ec2-role/permissions")
    let grader = Grader(catalog: Self.catalog)
    #expect(grader.grade(e.solution, for: e).passed)
    let broad = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:ListBucket"],"Resource":["arn:aws:s3:::my-bucket","arn:aws:s3:::my-bucket/*"]}]}"#
    let g = grader.grade(broad, for: e)
    #expect(!g.passed)
    let sweep = g.checks.first { $0.origin == .sweep && !$0.passed }
    #expect(sweep?.request.action == "s3:ListBucket")
    #expect(sweep?.responsible?.statementIndex == 0)
  }
}
