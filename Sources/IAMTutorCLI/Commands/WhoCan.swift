import ArgumentParser
import IAMAccount
import IAMPolicy

/// `iam-tutor who-can ACTION RESOURCE`: every principal that can, directly or via roles.
struct WhoCan: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "who-can",
    abstract: "List every principal that can do an action on a resource, directly or through roles, with its path.")

  @Argument(help: "The action, such as s3:GetObject.") var action: String
  @Argument(help: "The resource ARN.") var resource: String = "*"
  @OptionGroup var world: WorldOptions
  @Option(help: "json (the default when stdout is not a terminal) or text.") var output: OutputFormat?

  func run() throws {
    let (index, _) = try world.index()
    let graph = AssumeRoleGraph(index: index)
    let grantees = AccessQuery(index: index, graph: graph).whoCan(action: action, resource: resource)
    let format = output ?? (Terminal.stdoutIsTerminal ? .text : .json)
    if format == .json {
      let doc = JSONOutput.object([
        ("Action", .string(action)), ("Resource", .string(resource)),
        (
          "Principals",
          .array(grantees.map { g in
            .object([
              ("Principal", .string(index.nodes[g.node].arn)), ("Direct", .bool(g.direct)),
              ("Path", .array(g.path.map { .string(index.nodes[$0].arn) })),
            ])
          })
        ),
      ])
      Terminal.writeLine(doc.serialized(pretty: true))
    } else if grantees.isEmpty {
      Terminal.writeLine("nobody in the world can do \(action) on \(resource)")
    } else {
      for g in grantees { Terminal.writeLine(AccessRendering.chain(g.path, index: index, graph: graph)) }
    }
    if grantees.isEmpty { throw ExitCode(ExitStatus.failure.rawValue) }
  }
}
