import Foundation
import IAMPolicy
import IAMTestSupport
import IAMTutor
import Testing

/// Issue 5: the whole curriculum loads, and the author check finds nothing.
@Suite struct CurriculumTests {
  typealias F = CurriculumFixture

  @Test func curriculumLoadsWithoutErrors() {
    let errors = F.loaded.diagnostics.filter(\.isError).map { DiagnosticRenderer.plain($0) }
    #expect(errors.isEmpty, "\(errors.joined(separator: "\n"))")
    #expect(F.curriculum.lessons.map(\.id) == F.lessonIDs)
    #expect(F.courseOrder == F.lessonIDs)
  }

  @Test func lintFindsNothing() {
    let problems = CurriculumLint.check(F.curriculum, grader: F.grader).map { DiagnosticRenderer.plain($0) }
    #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
  }

  @Test func lintLessonsPassesThroughTheBinary() throws {
    let result = try BinaryRunner.run(["lint-lessons", F.root.path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("10 lessons"))
    #expect(result.stdout.contains("all checks pass"))
  }

  @Test(arguments: CurriculumFixture.lessonIDs)
  func lessonIsShortHonestAndPractised(_ id: String) throws {
    let lesson = try #require(F.curriculum.lesson(id))
    #expect((5...15).contains(lesson.minutes), "\(id) takes \(lesson.minutes) minutes")
    let exercises = F.curriculum.exercises(of: lesson)
    #expect(exercises.count >= 3, "\(id) has \(exercises.count) exercises")
    #expect(Set(exercises.map(\.kind)).count >= 2, "\(id) does not mix exercise kinds")
    #expect(exercises.map(\.id) == lesson.exerciseIDs, "\(id) lists its exercises in `exercises`")
    for exercise in exercises {
      #expect(exercise.hints.count >= 3, "\(exercise.id): hints go from a nudge to nearly the answer")
      #expect(!exercise.explanation.isEmpty)
    }
    #expect(lesson.pages.count >= 3, "\(id) has \(lesson.pages.count) pages")
  }

  /// No concept before it is taught: every prerequisite comes earlier in the course.
  @Test(arguments: CurriculumFixture.lessonIDs)
  func prerequisitesComeEarlier(_ id: String) throws {
    let lesson = try #require(F.curriculum.lesson(id))
    let position = try #require(F.lessonIDs.firstIndex(of: id))
    for prerequisite in lesson.prerequisites {
      let before = try #require(F.lessonIDs.firstIndex(of: prerequisite), "\(prerequisite) is not a lesson")
      #expect(before < position, "\(id) needs \(prerequisite), which comes later")
    }
    if id != "principals" { #expect(!lesson.prerequisites.isEmpty, "\(id) builds on nothing?") }
  }

  @Test(arguments: CurriculumFixture.lessonIDs)
  func worldLoads(_ id: String) throws {
    let lesson = try #require(F.curriculum.lesson(id))
    let world = try #require(F.world(of: lesson), "\(id) has no readable world")
    let errors = world.diagnostics.filter(\.isError).map { DiagnosticRenderer.plain($0) }
    #expect(errors.isEmpty, "\(errors.joined(separator: "\n"))")
    #expect(world.value != nil)
  }

  @Test(arguments: CurriculumFixture.publicExercises.map(\.id))
  func publicExerciseKeepsItsInterface(_ id: String) throws {
    let spec = try #require(F.publicExercises.first { $0.id == id })
    let exercise = try F.exercise(id)
    #expect(exercise.kind == .policy)
    #expect(exercise.document == spec.document)
    #expect(exercise.attachedTo == spec.attach)
    let lesson = try #require(F.curriculum.lesson(exercise.lesson))
    #expect(lesson.exerciseIDs.contains(id))
    #expect(!F.grader.grade(exercise.starter, for: exercise).passed)
    #expect(F.grader.grade(exercise.solution, for: exercise).passed)
  }

  /// The starter of cross-account/permissions is the article's policy, ListBucket mistake included.
  @Test func crossAccountStarterIsTheArticlesPolicy() throws {
    let exercise = try F.exercise("cross-account/permissions")
    let grade = F.grader.grade(exercise.starter, for: exercise)
    let failing = grade.checks.filter { !$0.passed }
    #expect(failing.map(\.request.action) == ["s3:ListBucket"])
    #expect(failing.first?.request.resource == "arn:aws:s3:::shared-bucket")
    #expect(exercise.starter.contains("arn:aws:s3:::shared-bucket/*"))
  }
}
