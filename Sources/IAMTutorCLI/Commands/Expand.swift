import ArgumentParser
import IAMAccount
import IAMCatalog
import IAMPolicy

/// `iam-tutor expand 's3:Get*'`: the actions a pattern matches, with access levels.
struct Expand: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List the AWS actions an action pattern such as 's3:Get*' matches, with their access levels.")

  @Argument(help: "An action pattern; quote it so the shell leaves * alone.") var pattern: String
  @Option(help: "json (the default when stdout is not a terminal) or text.") var output: OutputFormat?

  func run() throws {
    guard let catalog = try? IAMCatalog.bundled() else {
      Terminal.error("error: the AWS catalog bundled with iam-tutor could not be read")
      throw ExitCode(ExitStatus.badInput.rawValue)
    }
    let actions = ActionExpansion.expand(pattern, in: catalog.services)
    let format = output ?? (Terminal.stdoutIsTerminal ? .text : .json)
    if format == .json {
      Terminal.writeLine(
        JSONOutput.array(actions.map { .object([("Action", .string($0.fullName)), ("AccessLevel", .string($0.accessLevel.rawValue))]) })
          .serialized(pretty: true))
    } else if actions.isEmpty {
      Terminal.writeLine("no AWS action matches `\(pattern)`")
    } else {
      let width = actions.map(\.fullName.count).max() ?? 0
      for a in actions { Terminal.writeLine(a.fullName.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + a.accessLevel.rawValue) }
    }
    if actions.isEmpty { throw ExitCode(ExitStatus.failure.rawValue) }
  }
}
