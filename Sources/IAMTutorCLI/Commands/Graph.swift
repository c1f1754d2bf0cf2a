import ArgumentParser
import IAMAccount

extension GraphRenderer.Format: ExpressibleByArgument {}

/// `iam-tutor graph`: who can assume what, groups and members, services and instance profiles.
struct Graph: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Draw the world: who can assume which role, groups and their members, services and instance profiles.")

  @OptionGroup var world: WorldOptions
  @Option(help: "text (a tree), dot (Graphviz) or mermaid.") var format: GraphRenderer.Format = .text

  func run() throws {
    let (index, _) = try world.index()
    Terminal.writeLine(GraphRenderer.render(index, AssumeRoleGraph(index: index), format: format))
  }
}
