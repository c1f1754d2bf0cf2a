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

extension Simulator {
  /// Answers one line of a batch read from bytes the caller keeps alive (a mapped
  /// file): the cache-backed reader reads it in place, and only a line it gives up
  /// on is copied into a `SourceFile` (named `name`, starting at `firstLine`) for
  /// the generic reader, whose diagnostics carry the line's own line number.
  /// `cache` is the calling worker's own front to the batch's shared cache.
  public func run(
    _ bytes: UnsafeBufferPointer<UInt8>, name: String, firstLine: Int, cache: PolicyCache.Local
  ) -> SimulateOutcome {
    if let clean = SimulateRequest.parseClean(bytes, name: name, limits: .default, cache: cache),
      let request = clean.value
    {
      return .answered(request, results(for: request), warnings: clean.diagnostics)
    }
    return run(SourceFile(name: name, bytes: Array(bytes), firstLine: firstLine), cache: cache.shared)
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

  /// Writes `json(results, request:)` compactly without building the `JSONOutput` tree
  /// first: `simulate --batch` writes one of these per line, and the tree (an array
  /// and several strings per member) cost more than the evaluation. The bytes are
  /// the same as `json(...).write(into:pretty: false, indent: 0)`.
  public static func writeCompact(_ results: [SimulationResult], request: SimulateRequest, into out: inout [UInt8]) {
    let start = min(request.marker ?? 0, results.count)
    let end = request.maxItems.map { min(results.count, start + $0) } ?? results.count
    out.append(contentsOf: #"{"EvaluationResults":"#.utf8)
    if start == end { out.append(contentsOf: "[]".utf8) } else {
      out.append(UInt8(ascii: "["))
      for i in start..<end {
        if i > start { out.append(UInt8(ascii: ",")) }
        writeCompact(results[i], into: &out)
      }
      out.append(UInt8(ascii: "]"))
    }
    out.append(contentsOf: (end < results.count ? #","IsTruncated":true"# : #","IsTruncated":false"#).utf8)
    if end < results.count {
      out.append(contentsOf: #","Marker":"#.utf8)
      JSONOutput.writeString(String(end), into: &out)
    }
    out.append(UInt8(ascii: "}"))
  }

  static func writeCompact(_ result: SimulationResult, into out: inout [UInt8]) {
    let e = result.evaluation
    out.append(contentsOf: #"{"EvalActionName":"#.utf8)
    JSONOutput.writeString(result.action, into: &out)
    out.append(contentsOf: #","EvalResourceName":"#.utf8)
    JSONOutput.writeString(result.resource, into: &out)
    out.append(contentsOf: #","EvalDecision":"#.utf8)
    JSONOutput.writeString(e.decision.rawValue, into: &out)
    out.append(contentsOf: #","MatchedStatements":"#.utf8)
    if e.matchedStatements.isEmpty { out.append(contentsOf: "[]".utf8) } else {
      out.append(UInt8(ascii: "["))
      for (i, ref) in e.matchedStatements.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        let from = ref.source.location(at: ref.span.start)
        let to = ref.source.location(at: ref.span.end)
        out.append(contentsOf: #"{"SourcePolicyId":"#.utf8)
        JSONOutput.writeString(ref.policyID, into: &out)
        out.append(contentsOf: #","SourcePolicyType":"#.utf8)
        JSONOutput.writeString(ref.kind.awsSourcePolicyType, into: &out)
        out.append(contentsOf: #","StartPosition":{"Line":"#.utf8)
        out.append(contentsOf: String(from.line).utf8)
        out.append(contentsOf: #","Column":"#.utf8)
        out.append(contentsOf: String(from.column).utf8)
        out.append(contentsOf: #"},"EndPosition":{"Line":"#.utf8)
        out.append(contentsOf: String(to.line).utf8)
        out.append(contentsOf: #","Column":"#.utf8)
        out.append(contentsOf: String(to.column).utf8)
        out.append(contentsOf: "}}".utf8)
      }
      out.append(UInt8(ascii: "]"))
    }
    out.append(contentsOf: #","MissingContextValues":"#.utf8)
    if e.missingContextKeys.isEmpty { out.append(contentsOf: "[]".utf8) } else {
      out.append(UInt8(ascii: "["))
      for (i, key) in e.missingContextKeys.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        JSONOutput.writeString(key, into: &out)
      }
      out.append(UInt8(ascii: "]"))
    }
    out.append(contentsOf: #","EvalDecisionDetails":{}"#.utf8)
    if let b = e.allowedByPermissionsBoundary {
      out.append(contentsOf: #","PermissionsBoundaryDecisionDetail":{"AllowedByPermissionsBoundary":"#.utf8)
      out.append(contentsOf: (b ? "true}" : "false}").utf8)
    }
    if let o = e.allowedByOrganizations {
      out.append(contentsOf: #","OrganizationsDecisionDetail":{"AllowedByOrganizations":"#.utf8)
      out.append(contentsOf: (o ? "true}" : "false}").utf8)
    }
    out.append(UInt8(ascii: "}"))
  }

  /// `{"Errors": [...]}` for bad input.
  public static func errors(_ diagnostics: [Diagnostic]) -> JSONOutput {
    .object([("Errors", .array(diagnostics.filter(\.isError).map(DiagnosticRenderer.jsonObject)))])
  }
}
