import IAMEvaluator
import IAMPolicy

/// One result of a simulation: an action on a resource and how it was decided.
public struct SimulationResult: Sendable {
  public var action: String
  public var resource: String
  public var request: Request
  public var evaluation: Evaluation

  public init(action: String, resource: String, request: Request, evaluation: Evaluation) {
    self.action = action
    self.resource = resource
    self.request = request
    self.evaluation = evaluation
  }
}

/// Runs `simulate-custom-policy` documents through the evaluator.
public struct Simulator: Sendable {
  public var evaluator: Evaluator

  public init(recordsTrace: Bool = false) {
    evaluator = Evaluator(options: .init(recordsTrace: recordsTrace))
  }

  /// Every action × resource pair, in input order (actions outer, as AWS lists them).
  public func results(for request: SimulateRequest) -> [SimulationResult] {
    let policies = request.applicablePolicies
    var results: [SimulationResult] = []
    results.reserveCapacity(request.actionNames.count * request.resourceArns.count)
    for action in request.actionNames {
      for resource in request.resourceArns {
        let r = Request(principal: request.caller, action: action, resource: resource, context: request.context)
        results.append(SimulationResult(action: action, resource: resource, request: r, evaluation: evaluator.evaluate(r, against: policies)))
      }
    }
    return results
  }

  /// Parses and answers one document: the AWS response shape, or the errors.
  public func run(_ file: SourceFile, cache: PolicyCache? = nil) -> SimulateOutcome {
    let parsed = SimulateRequest.parse(file, cache: cache)
    guard let request = parsed.value else { return .badInput(parsed.diagnostics) }
    return .answered(request, results(for: request), warnings: parsed.diagnostics)
  }
}

public enum SimulateOutcome: Sendable {
  case answered(SimulateRequest, [SimulationResult], warnings: [Diagnostic])
  case badInput([Diagnostic])
}

/// The `SimulateCustomPolicy` response document.
public enum SimulateResponse {
  public static func json(_ results: [SimulationResult], request: SimulateRequest) -> JSONOutput {
    let start = min(request.marker ?? 0, results.count)
    let end = request.maxItems.map { min(results.count, start + $0) } ?? results.count
    var members: [(String, JSONOutput)] = [
      ("EvaluationResults", .array(results[start..<end].map { result(of: $0, request: request) })),
      ("IsTruncated", .bool(end < results.count)),
    ]
    if end < results.count { members.append(("Marker", .string(String(end)))) }
    return .object(members)
  }

  public static func result(of result: SimulationResult, request: SimulateRequest) -> JSONOutput {
    let e = result.evaluation
    var members: [(String, JSONOutput)] = [
      ("EvalActionName", .string(result.action)),
      ("EvalResourceName", .string(result.resource)),
      ("EvalDecision", .string(e.decision.rawValue)),
      ("MatchedStatements", .array(e.matchedStatements.map(statement))),
      ("MissingContextValues", .array(e.missingContextKeys.map { .string($0) })),
      ("EvalDecisionDetails", .object([])),
    ]
    if let b = e.allowedByPermissionsBoundary {
      members.append(("PermissionsBoundaryDecisionDetail", .object([("AllowedByPermissionsBoundary", .bool(b))])))
    }
    if let o = e.allowedByOrganizations {
      members.append(("OrganizationsDecisionDetail", .object([("AllowedByOrganizations", .bool(o))])))
    }
    return .object(members)
  }

  static func statement(_ ref: StatementRef) -> JSONOutput {
    let start = ref.source.location(at: ref.span.start)
    let end = ref.source.location(at: ref.span.end)
    return .object([
      ("SourcePolicyId", .string(ref.policyID)),
      ("SourcePolicyType", .string(ref.kind.awsSourcePolicyType)),
      ("StartPosition", .object([("Line", .integer(start.line)), ("Column", .integer(start.column))])),
      ("EndPosition", .object([("Line", .integer(end.line)), ("Column", .integer(end.column))])),
    ])
  }

  /// `{"Errors": [...]}` for bad input.
  public static func errors(_ diagnostics: [Diagnostic]) -> JSONOutput {
    .object([("Errors", .array(diagnostics.filter(\.isError).map(DiagnosticRenderer.jsonObject)))])
  }
}
