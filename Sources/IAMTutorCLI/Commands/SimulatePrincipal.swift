import ArgumentParser
import IAMAccount
import IAMPolicy
import IAMSimulator

/// `iam-tutor simulate-principal`: AWS's `simulate-principal-policy` answered from a world.
struct SimulatePrincipal: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "simulate-principal",
    abstract: "Answer an `aws iam simulate-principal-policy --cli-input-json` document from a world.",
    discussion: """
      FILE has PolicySourceArn, ActionNames, ResourceArns, ContextEntries, ... as for AWS. The principal's
      own, group, attached, inline and boundary policies come from the world, with its account's SCPs and
      the world's resource policy unless the document gives them. The answer has AWS's response shape.
      """)

  @Option(name: .customLong("cli-input-json"), help: ArgumentHelp("The request document (- for stdin).", valueName: "FILE"))
  var cliInputJSON: String
  @OptionGroup var world: WorldOptions

  func run() throws {
    let (index, _) = try world.index()
    let file: SourceFile
    do {
      file = try SourceLoader.load(cliInputJSON)
    } catch {
      Terminal.error(DiagnosticRenderer.plain(error.diagnostic))
      throw ExitCode(ExitStatus.badInput.rawValue)
    }
    switch WorldSimulation.principal(file, index: index) {
    case .badInput(let diagnostics):
      for d in diagnostics { Terminal.error(DiagnosticRenderer.plain(d)) }
      throw ExitCode(ExitStatus.badInput.rawValue)
    case .answered(let request, let results, let warnings):
      for d in warnings { Terminal.error(DiagnosticRenderer.plain(d)) }
      Terminal.writeLine(SimulateResponse.json(results, request: request).serialized(pretty: true))
    }
  }
}
