import Foundation

/// What a learner has done: saved after every change, exported and imported as JSON.
///
/// Versioned so a file written by a newer iam-tutor is recognised and set aside
/// instead of being misread or overwritten.
public struct LearnerProgress: Codable, Sendable, Equatable {
  public static let currentFormat = 1

  public var formatVersion: Int
  /// The lesson (and page) or exercise the learner was at.
  public var current: Position?
  public var exercises: [String: ExerciseProgress]
  /// The furthest page read per lesson.
  public var pagesRead: [String: Int]

  public init() {
    formatVersion = LearnerProgress.currentFormat
    current = nil
    exercises = [:]
    pagesRead = [:]
  }

  public struct Position: Codable, Sendable, Equatable {
    public var lesson: String
    public var page: Int
    public var exercise: String?

    public init(lesson: String, page: Int, exercise: String? = nil) {
      self.lesson = lesson
      self.page = page
      self.exercise = exercise
    }
  }

  public func status(of exerciseID: String) -> ExerciseProgress.Status {
    exercises[exerciseID]?.status ?? .notStarted
  }

  public enum DecodeError: Error, Equatable {
    case corrupt(String)
    case newerFormat(Int)
  }

  /// Reads progress JSON; a corrupt or newer file is an error for the caller to set aside.
  public static func decode(_ data: Data) throws(DecodeError) -> LearnerProgress {
    struct Header: Decodable { var formatVersion: Int? }
    let header: Header
    do {
      header = try JSONDecoder().decode(Header.self, from: data)
    } catch {
      throw .corrupt("not a progress file: \(error.localizedDescription)")
    }
    guard let version = header.formatVersion else { throw .corrupt("no formatVersion") }
    if version > currentFormat { throw .newerFormat(version) }
    do {
      return try JSONDecoder().decode(LearnerProgress.self, from: data)
    } catch {
      throw .corrupt("\(error)")
    }
  }

  public func encoded() -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return (try? encoder.encode(self)) ?? Data()
  }

  /// Takes the imported file's work where it is further along (solved beats attempted).
  public mutating func merge(_ other: LearnerProgress) {
    for (id, theirs) in other.exercises {
      guard let mine = exercises[id] else {
        exercises[id] = theirs
        continue
      }
      if theirs.status.rank > mine.status.rank || (theirs.status == mine.status && theirs.attempts > mine.attempts) {
        exercises[id] = theirs
      }
    }
    for (lesson, page) in other.pagesRead { pagesRead[lesson] = max(pagesRead[lesson] ?? 0, page) }
    if current == nil { current = other.current }
  }
}

public struct ExerciseProgress: Codable, Sendable, Equatable {
  public enum Status: String, Codable, Sendable {
    case notStarted = "not-started"
    case attempted
    case solved
    /// The learner looked at the solution before solving it.
    case gaveUp = "gave-up"

    var rank: Int {
      switch self {
      case .notStarted: 0
      case .attempted: 1
      case .gaveUp: 2
      case .solved: 3
      }
    }
  }

  public var status: Status = .notStarted
  public var attempts = 0
  public var hintsUsed = 0
  public var lastAnswer: String?

  public init() {}
}
