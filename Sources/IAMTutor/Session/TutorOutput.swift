import LessonMarkdown

/// What the tutor wants shown or done; the CLI renders it (colour, width) and acts.
public enum TutorOutput: Sendable {
  /// Lesson pages, prompts, explanations: rendered markdown.
  case markdown([MarkdownBlock])
  /// Plain lines of text.
  case text(String)
  /// A short status line (dimmed on terminals).
  case note(String)
  /// A policy document to show as highlighted JSON.
  case policy(String)
  /// A graded answer, rendered with `GradeRenderer`.
  case grade(Grade, Exercise)
  case error(String)
  /// Progress changed: the CLI saves it now, so a kill loses nothing.
  case saveProgress
  /// Open $EDITOR on this text; the CLI passes the result to `TutorSession.edited(_:)`.
  case openEditor(String)
  case quit
}

/// Answers free-play commands (`can`, `who-can`, `graph`, `world`, `simulate`) for the session.
///
/// The CLI provides it, so the session stays pure while these commands read
/// world files and simulate documents.
public protocol FreePlay: Sendable {
  /// The answer text, or an error message; `world` is the lesson's world path, if any.
  func run(_ command: String, arguments: [String], world: String?) -> Result<String, FreePlayError>
}

public struct FreePlayError: Error, Sendable {
  public var message: String

  public init(_ message: String) {
    self.message = message
  }
}
