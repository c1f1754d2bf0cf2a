import ArgumentParser

/// The root command: `iam-tutor` and its subcommands.
public struct IAMTutorCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "iam-tutor",
    abstract: "Learn AWS IAM by doing: an exact offline policy evaluator, a simulator, and a tutor.",
    subcommands: [
      Tutor.self, GradeCommand.self, LintLessons.self, LessonsCommand.self, LessonCommand.self, ProgressCommand.self,
      Simulate.self, Can.self, WhoCan.self, Graph.self, WorldCommand.self, SimulatePrincipal.self, Expand.self],
    defaultSubcommand: Tutor.self)

  public init() {}
}

/// How a command prints its answer.
public enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
  case text, json
}
