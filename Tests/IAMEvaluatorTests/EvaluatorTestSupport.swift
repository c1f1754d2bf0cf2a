import IAMEvaluator
import IAMPolicy
import Testing

/// Accounts, callers and resources shared by the evaluator tables.
enum World {
  static let a = "111122223333"
  static let b = "444455556666"
  static let alice = "arn:aws:iam::111122223333:user/alice"
  static let bob = "arn:aws:iam::111122223333:user/bob"
  static let jin = "arn:aws:iam::444455556666:user/jin"
  static let rootA = "arn:aws:iam::111122223333:root"
  static let rootB = "arn:aws:iam::444455556666:root"
  static let appRole = "arn:aws:iam::111122223333:role/AppRole"
  static let appSession = "arn:aws:sts::111122223333:assumed-role/AppRole/s1"
  static let buildRole = "arn:aws:iam::111122223333:role/BuildRole"
  static let remoteRole = "arn:aws:iam::444455556666:role/Remote"
  static let remoteSession = "arn:aws:sts::444455556666:assumed-role/Remote/r1"
  static let object = "arn:aws:s3:::bucket-a/key.txt"
  static let key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
}

/// A policy failed to parse in a test table: the test itself is wrong.
struct PolicyDidNotParse: Error, CustomStringConvertible {
  var text: String
  var diagnostics: [Diagnostic]
  var description: String {
    "policy did not parse: \(diagnostics.map { DiagnosticRenderer.plain($0) }.joined(separator: "; "))\n\(text)"
  }
}

func parsePolicy(_ text: String, _ kind: PolicyKind, id: String) throws -> Policy {
  let parsed = PolicyParser.parse(SourceFile(name: id, text: text), as: kind, id: id)
  guard let policy = parsed.value, !parsed.hasErrors else {
    throw PolicyDidNotParse(text: text, diagnostics: parsed.diagnostics)
  }
  return policy
}

/// An identity-like statement list: `{"Version":..., "Statement":[...]}` around statement objects.
func document(_ statements: String...) -> String {
  #"{"Version":"2012-10-17","Statement":["# + statements.joined(separator: ",") + "]}"
}

/// One identity-style statement (identity, boundary, session, SCP).
func stmt(
  _ effect: String = "Allow", _ action: String, _ resource: String = "*", sid: String? = nil,
  condition: String? = nil
)
  -> String
{
  var s = "{"
  if let sid { s += #""Sid":"\#(sid)","# }
  s += #""Effect":"\#(effect)","#
  s +=
    action.hasPrefix("!") ? #""NotAction":"\#(action.dropFirst())","# : #""Action":"\#(action)","#
  s +=
    resource.hasPrefix("!")
    ? #""NotResource":"\#(resource.dropFirst())""# : #""Resource":"\#(resource)""#
  if let condition { s += #","Condition":\#(condition)"# }
  return s + "}"
}

/// One resource-based statement; `principal` is the JSON value of `Principal` (or of `NotPrincipal`
/// when `not` is set). A nil resource leaves `Resource` out, as trust policies do.
func grant(
  _ effect: String = "Allow", _ principal: String, _ action: String, _ resource: String? = "*",
  not: Bool = false,
  condition: String? = nil
) -> String {
  var s =
    #"{"Effect":"\#(effect)","\#(not ? "NotPrincipal" : "Principal")":\#(principal),"Action":"\#(action)""#
  if let resource { s += #","Resource":"\#(resource)""# }
  if let condition { s += #","Condition":\#(condition)"# }
  return s + "}"
}

/// `{"AWS": "..."}`.
func aws(_ arns: String...) -> String {
  arns.count == 1
    ? #"{"AWS":"\#(arns[0])"}"#
    : #"{"AWS":["# + arns.map { "\"\($0)\"" }.joined(separator: ",") + "]}"
}

func context(_ entries: [String: [String]]) -> RequestContext {
  var c = RequestContext()
  for (k, v) in entries {
    c[k] = ContextValue(type: v.count == 1 ? .string : .stringList, values: v)
  }
  return c
}

/// Every statement verdict of every layer, in order.
func verdicts(_ evaluation: Evaluation) -> [StatementTrace] {
  evaluation.trace?.layers.flatMap(\.statements) ?? []
}

/// The traced and untraced evaluators give the same answer: decision, reason, matched
/// statements, missing keys and the flags.
func expectSameAnswer(_ traced: Evaluation, _ untraced: Evaluation, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
  #expect(traced.decision == untraced.decision, sourceLocation: sourceLocation)
  #expect(traced.reason == untraced.reason, sourceLocation: sourceLocation)
  #expect(traced.matchedStatements == untraced.matchedStatements, sourceLocation: sourceLocation)
  #expect(traced.missingContextKeys == untraced.missingContextKeys, sourceLocation: sourceLocation)
  #expect(traced.allowedByPermissionsBoundary == untraced.allowedByPermissionsBoundary, sourceLocation: sourceLocation)
  #expect(traced.allowedByOrganizations == untraced.allowedByOrganizations, sourceLocation: sourceLocation)
  #expect(traced.isCrossAccount == untraced.isCrossAccount, sourceLocation: sourceLocation)
}
