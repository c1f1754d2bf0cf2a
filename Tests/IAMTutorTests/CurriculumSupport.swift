import Foundation
import IAMAccount
import IAMCatalog
import IAMPolicy
import IAMTestSupport
import IAMTutor

/// The curriculum of the checkout, read the way `iam-tutor` reads it (Lessons/*.md,
/// Exercises/**/*.yaml, Lessons/course.txt), once for all the curriculum tests.
enum CurriculumFixture {
  static let root = Fixtures.packageRoot()
  static let catalog = try? IAMCatalog.bundled()
  static let grader = Grader(catalog: catalog?.services)

  /// The ten lessons of issue 5, in course order.
  static let lessonIDs = [
    "principals", "read-only-user", "groups", "ec2-role", "admin-role", "cross-account", "explicit-deny",
    "conditions", "boundaries", "organizations",
  ]

  /// The exercises instructors reference: the id, the document the learner writes, and what it is attached to.
  static let publicExercises: [(id: String, document: PolicyKind, attach: String?)] = [
    ("ec2-role/trust-policy", .trust, "arn:aws:iam::123456789012:role/S3AccessRole"),
    ("ec2-role/permissions", .identity, "arn:aws:iam::123456789012:role/S3AccessRole"),
    ("read-only-user/policy", .identity, "arn:aws:iam::123456789012:user/DevUser"),
    ("admin-role/user-policy", .identity, "arn:aws:iam::123456789012:user/DevUser"),
    ("admin-role/trust-policy", .trust, "arn:aws:iam::123456789012:role/AdminRole"),
    ("cross-account/trust-policy", .trust, "arn:aws:iam::444455556666:role/SharedReader"),
    ("cross-account/permissions", .identity, "arn:aws:iam::444455556666:role/SharedReader"),
  ]

  static func files(under folder: String, where accepts: (String) -> Bool) -> [SourceFile] {
    let base = root.appendingPathComponent(folder)
    guard let e = FileManager.default.enumerator(atPath: base.path) else { return [] }
    var names: [String] = []
    while let item = e.nextObject() as? String {
      if accepts(item) { names.append(item) }
    }
    return names.sorted().compactMap { name in
      guard let data = FileManager.default.contents(atPath: base.appendingPathComponent(name).path) else { return nil }
      return SourceFile(name: "\(folder)/\(name)", bytes: [UInt8](data))
    }
  }

  static let courseOrder: [String] = {
    let text = (try? String(contentsOf: root.appendingPathComponent("Lessons/course.txt"), encoding: .utf8)) ?? ""
    return text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
  }()

  static let loaded: Parsed<Curriculum> = Curriculum.build(
    lessonFiles: files(under: "Lessons", where: Curriculum.isLessonFile),
    exerciseFiles: files(under: "Exercises", where: Curriculum.isExerciseFile), order: courseOrder)

  static var curriculum: Curriculum { loaded.value ?? Curriculum(lessons: [], exercises: [:]) }

  static func exercise(_ id: String) throws -> Exercise {
    guard let e = curriculum.exercises[id] else { throw FixtureError("no exercise \(id)") }
    return e
  }

  /// A lesson's world, loaded as the tutor's free play loads it.
  static func world(of lesson: Lesson) -> Parsed<World>? {
    guard let path = lesson.world else { return nil }
    let url = root.appendingPathComponent("Lessons").appendingPathComponent(path)
    guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
    var cache = DocumentCache()
    return WorldFile.load(SourceFile(name: "Lessons/\(path)", bytes: [UInt8](data)), catalog: catalog?.managedPolicies, cache: &cache)
  }
}

struct FixtureError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
