import ArgumentParser
import IAMAccount
import IAMEvaluator
import IAMPolicy

/// `iam-tutor can PRINCIPAL ACTION [RESOURCE]`: directly, or by assuming roles?
struct Can: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Can a principal do an action on a resource, directly or by assuming roles? And why.",
    discussion: """
      PRINCIPAL is an ARN, user/NAME, role/NAME, a unique name, or a service principal such as
      ec2.amazonaws.com. The answer is the principal's own decision and, if that is not an allow,
      the shortest chain of role assumptions that reaches an allow. Exit status: 0 allowed,
      1 not allowed, 2 bad input (an unknown or ambiguous name lists the candidates).
      """)

  @Argument(help: "The principal.") var principal: String
  @Argument(help: "The action, such as iam:CreateUser.") var action: String
  @Argument(help: "The resource ARN (default *).") var resource: String = "*"
  @OptionGroup var world: WorldOptions
  @Option(help: "json (the default when stdout is not a terminal) or text.") var output: OutputFormat?

  func run() throws {
    let (index, _) = try world.index()
    let start = try WorldOptions.resolve(principal, in: index)
    let query = AccessQuery(index: index)
    let answer = query.can(start, action: action, resource: resource)
    let format = output ?? (Terminal.stdoutIsTerminal ? .text : .json)
    if format == .json {
      Terminal.writeLine(AccessRendering.json(answer, index: index).serialized(pretty: true))
    } else {
      Terminal.writeLine(AccessRendering.text(answer, index: index))
    }
    if !answer.allowed { throw ExitCode(ExitStatus.failure.rawValue) }
  }
}

/// How `can` and `who-can` print answers.
enum AccessRendering {
  static func json(_ answer: AccessAnswer, index: WorldIndex) -> JSONOutput {
    .object([
      ("Principal", .string(answer.principal)), ("Action", .string(answer.action)), ("Resource", .string(answer.resource)),
      ("Allowed", .bool(answer.allowed)), ("Decision", .string(answer.decision.rawValue)),
      ("Path", .array(answer.path.map { .string(index.nodes[$0].arn) })),
      ("Evaluation", WorldSimulation.result(of: answer)),
    ])
  }

  /// `DevUser → assumes → AdminRole → AdminAccess allows iam:CreateUser on *`.
  static func chain(_ path: [Int], index: WorldIndex, graph: AssumeRoleGraph? = nil) -> String {
    var parts: [String] = []
    for (i, n) in path.enumerated() {
      parts.append(index.nodes[n].name)
      if i + 1 < path.count {
        let profile = graph?.outgoing[n].map { graph?.edges[$0] }.first { $0?.to == path[i + 1] }??.instanceProfile
        parts.append(profile.map { "assumes (instance profile \($0))" } ?? "assumes")
      }
    }
    return parts.joined(separator: " → ")
  }

  static func grantor(_ evaluation: Evaluation) -> String {
    let allows = evaluation.matchedStatements.filter { $0.effect == .allow }
    if let identity = allows.first(where: { $0.kind == .identity }) { return identity.policyID }
    if let other = allows.first { return other.kind == .resource ? "the resource policy" : other.policyID }
    return "full access as the account root"
  }

  static func text(_ answer: AccessAnswer, index: WorldIndex) -> String {
    var lines: [String] = []
    let what = "\(answer.action) on \(answer.resource)"
    var path = answer.path.map { index.nodes[$0].name }
    if answer.allowed {
      var chain: [String] = []
      for (i, name) in path.enumerated() {
        chain.append(name)
        if i < answer.hops.count {
          chain.append(answer.hops[i].instanceProfile.map { "assumes (instance profile \($0))" } ?? "assumes")
        }
      }
      lines.append(chain.joined(separator: " → ") + " → \(grantor(answer.finalEvaluation)) allows \(what)")
    } else {
      path = [index.nodes[answer.path[0]].name]
      lines.append("\(path[0]) cannot do \(what), directly or through any role it can assume (own decision: \(answer.decision.rawValue))")
    }
    for hop in answer.hops {
      let from = index.node(arn: hop.from).map { index.nodes[$0].name } ?? hop.from
      let to = index.node(arn: hop.to).map { index.nodes[$0].name } ?? hop.to
      lines.append("  \(from) may assume \(to):")
      for ref in hop.statements {
        lines.append("    \(ref.label) (\(ref.kind.displayName)) at \(TraceRenderer.position(ref))")
      }
    }
    lines.append("  " + TraceRenderer.summary(answer.finalEvaluation, for: answer.finalRequest))
    for ref in answer.finalEvaluation.matchedStatements {
      lines.append("    \(ref.label) (\(ref.kind.displayName)) at \(TraceRenderer.position(ref))")
    }
    return lines.joined(separator: "\n")
  }
}
