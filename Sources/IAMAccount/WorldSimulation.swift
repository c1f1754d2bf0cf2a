import IAMEvaluator
import IAMPolicy
import IAMSimulator

/// Answers in AWS's simulate response shape, through `IAMSimulator`.
public enum WorldSimulation {
  static func emptyRequest() -> SimulateRequest? { SimulateRequest() }

  /// The simulate result (`EvalDecision`, `MatchedStatements`, ...) of the final hop of an answer.
  public static func result(of answer: AccessAnswer) -> JSONOutput {
    guard var request = emptyRequest() else { return .null }
    let p = answer.finalPolicies
    request.identityPolicies = p.identity
    request.permissionsBoundaries = p.permissionsBoundary
    request.resourcePolicy = p.resource.first
    request.serviceControlLevels = p.serviceControlLevels
    request.resourceControlLevels = p.resourceControlLevels
    request.resourceOwner = p.resourceOwner
    request.caller = answer.finalRequest.principal
    request.context = answer.finalRequest.context
    request.actionNames = [answer.action]
    request.resourceArns = [answer.resource]
    guard let result = Simulator().results(for: request).first else { return .null }
    return SimulateResponse.result(of: result, request: request)
  }

  /// `simulate-principal-policy --cli-input-json`: AWS's request document, answered
  /// with the policies the world gives `PolicySourceArn` (its own, its groups', its
  /// boundary), its account's SCPs, and the world's resource policy when the document
  /// has none (IAM API Reference, "SimulatePrincipalPolicy").
  public static func principal(_ file: SourceFile, index: WorldIndex) -> SimulateOutcome {
    guard let json = JSONParser.parse(file).value, let members = json.members else {
      return SimulateRequest.parse(file).value.map { .answered($0, [], warnings: []) } ?? .badInput(SimulateRequest.parse(file).diagnostics)
    }
    guard let source = members.first(where: { $0.key == "PolicySourceArn" }) else {
      return .badInput([
        Diagnostic(
          code: .requestMissingKey, message: "the request has no `PolicySourceArn`",
          help: "name the user, group or role to simulate: \"PolicySourceArn\": \"arn:aws:iam::123456789012:user/DevUser\"",
          range: file.range(of: json.span))
      ])
    }
    guard let arn = source.value.stringValue, case .found(let n) = index.lookup(arn) else {
      return .badInput([
        Diagnostic(
          code: .requestInvalidCaller, message: "`PolicySourceArn` names no user or role of the world",
          help: "candidates: " + index.nodes.filter { $0.kind != .service }.prefix(10).map(\.arn).joined(separator: ", "),
          range: file.range(of: source.value.span), path: "PolicySourceArn")
      ])
    }
    // Reuse the simulator's reader for every other key, so that keys and diagnostics are
    // those of `simulate`: blank out PolicySourceArn in place (positions stay put) and
    // put an empty PolicyInputList there if the document has none.
    var bytes = file.bytes
    var end = source.value.span.end
    while end < bytes.count, bytes[end] == 0x20 || bytes[end] == 0x0A || bytes[end] == 0x0D || bytes[end] == 0x09 { end += 1 }
    if end < bytes.count, bytes[end] == UInt8(ascii: ",") { end += 1 } else {
      // Last member: take the comma before it instead.
      var start = source.keySpan.start - 1
      while start > 0, bytes[start] != UInt8(ascii: ","), bytes[start] != UInt8(ascii: "{") { start -= 1 }
      if bytes[start] == UInt8(ascii: ",") { for i in start..<source.keySpan.start { bytes[i] = 0x20 } }
    }
    for i in source.keySpan.start..<end where bytes[i] != 0x0A { bytes[i] = 0x20 }
    let hasInputs = members.contains { $0.key == "PolicyInputList" }
    if !hasInputs {
      let filler = Array(#""PolicyInputList":[],"#.utf8)
      if end - source.keySpan.start >= filler.count, end > source.value.span.end {
        for (k, b) in filler.enumerated() { bytes[source.keySpan.start + k] = b }
      } else {
        let filler = Array(#""PolicyInputList":[]"#.utf8)
        if end - source.keySpan.start >= filler.count + 1 {
          bytes[source.keySpan.start - 1 < 0 ? 0 : source.keySpan.start - 1] = UInt8(ascii: ",")
          for (k, b) in filler.enumerated() { bytes[source.keySpan.start + k] = b }
        }
      }
    }
    let parsed = SimulateRequest.parse(SourceFile(name: file.name, bytes: bytes, firstLine: file.firstLine))
    guard var request = parsed.value else { return .badInput(parsed.diagnostics) }
    let node = index.nodes[n]
    let resource = request.resourceArns.first ?? "*"
    let action = request.actionNames.first ?? "*"
    let world = index.applicable(node, action: action, resource: resource) { index.policies[$0] }
    request.identityPolicies = world.identity + request.identityPolicies
    if !members.contains(where: { $0.key == "PermissionsBoundaryPolicyInputList" }) { request.permissionsBoundaries = world.permissionsBoundary }
    if !members.contains(where: { $0.key == "ServiceControlPolicyInputList" }) { request.serviceControlLevels = world.serviceControlLevels }
    if !members.contains(where: { $0.key == "ResourceControlPolicyInputList" }) { request.resourceControlLevels = world.resourceControlLevels }
    if !members.contains(where: { $0.key == "ResourcePolicy" }) {
      request.resourcePolicy = world.resource.first
      if request.resourceOwner == nil { request.resourceOwner = world.resourceOwner }
    }
    if !members.contains(where: { $0.key == "CallerArn" }) { request.caller = node.principal }
    var context = node.context
    for key in request.context.keys { context[key] = request.context[key] }
    request.context = context
    return .answered(request, Simulator().results(for: request), warnings: parsed.diagnostics)
  }
}
