import IAMPolicy

/// Explains an evaluation in a learner's words, as text or as JSON.
///
/// The same trace feeds `simulate --explain`, `can`, and grading feedback; only
/// the callers print.
public enum TraceRenderer {
  /// The one-paragraph answer: the decision and the rule that produced it.
  public static func summary(_ evaluation: Evaluation, for request: Request) -> String {
    let who = request.principal.displayName
    let what = "\(request.action) on \(request.resource)"
    switch evaluation.reason {
    case .explicitDeny(let ref):
      return "DENIED (explicit deny): \(ref.label) at \(position(ref)) denies \(what). An explicit Deny in any policy overrides every Allow."
    case .serviceControlMissingAllow(let level):
      return "DENIED (implicit): no service control policy at level \(level + 1) allows \(what). Every level from the organization root down to the account must allow an action; SCPs never grant permissions, they only set the maximum."
    case .resourceControlMissingAllow(let level):
      return "DENIED (implicit): no resource control policy at level \(level + 1) allows \(what). Every RCP level of the resource's organization must allow it."
    case .allowedByIdentity:
      var text = "ALLOWED: an identity-based policy of \(who) allows \(what)"
      if evaluation.allowedByPermissionsBoundary == true { text += ", the permissions boundary allows it too" }
      return text + ", and nothing denies it."
    case .allowedAsRoot:
      return "ALLOWED: \(who) has full access in its own account; only SCPs and explicit denies restrict it."
    case .allowedByResourcePolicy(let match):
      switch match {
      case .principalItself:
        return "ALLOWED: the resource-based policy names \(who) directly. Within one account that grant is enough on its own: no identity-based policy is needed."
      case .wildcard:
        return "ALLOWED: the resource-based policy allows everyone (\"Principal\": \"*\") to do \(what)."
      case .roleOfSession:
        return "ALLOWED: the resource-based policy names the role, and the role session's permissions boundary and session policy (if any) allow it."
      case .account:
        return "ALLOWED: the resource-based policy trusts the account and an identity-based policy allows it."
      }
    case .allowedCrossAccount:
      return "ALLOWED across accounts: the caller's account \(request.principal.account ?? "?") allows \(what) for \(who) (its identity side), AND the resource's account \(evaluation.resourceOwner ?? accountNote(request)) allows it through its resource-based policy. Cross-account access needs both."
    case .allowedTrustDelegatedToAccount:
      return "ALLOWED: the trust policy trusts \(who)'s account, which delegates the decision to IAM policies, and an identity-based policy of \(who) allows \(request.action) on the role. Both gates are open."
    case .noIdentityAllow:
      var text = "DENIED (implicit): no policy allows \(what) for \(who). Everything is denied unless a policy allows it."
      if evaluation.trace?.layers.contains(where: { $0.layer == .resource && $0.hasAllow }) == true {
        text += " The resource-based policy only names the account, which delegates to the account's IAM policies: an identity-based policy must also allow it."
      }
      return text
    case .boundaryMissingAllow:
      return "DENIED (implicit): a policy allows \(what), but \(who)'s permissions boundary does not. A boundary sets the maximum permissions: the identity-based policy and the boundary must both allow."
    case .sessionPolicyMissingAllow:
      return "DENIED (implicit): a policy allows \(what), but the session policy does not. A session policy limits the session to what both it and the role's policies allow."
    case .crossAccountMissingResourceGrant:
      return "DENIED (implicit): \(who) is in account \(request.principal.account ?? "?") and the resource belongs to account \(evaluation.resourceOwner ?? accountNote(request)). Across accounts the owner must also allow the request with a resource-based policy that names the caller or its account, and none does."
    case .crossAccountMissingIdentityAllow:
      return "DENIED (implicit): the resource-based policy lets \(who) in, but across accounts \(who)'s own account must also allow \(what) through an identity-based policy, and none does."
    case .trustPolicyDoesNotTrustCaller:
      return "DENIED (implicit): the role's trust policy does not let \(who) assume it. Assuming a role always needs the trust policy's Allow (naming the caller or its account); an identity-based Allow alone is never enough."
    case .keyPolicyDoesNotTrustCaller:
      return "DENIED (implicit): the KMS key policy does not allow \(who) or its account. Unless the key policy allows it, IAM policies cannot give access to a KMS key."
    case .serviceNotNamed:
      return "DENIED (implicit): \(who) has no identity-based policies; only a resource-based policy that names it could allow \(what), and none does."
    }
  }

  static func accountNote(_ request: Request) -> String {
    ARN(request.resource).map { $0.account.isEmpty ? "(the owner)" : $0.account } ?? "(the owner)"
  }

  public static func position(_ ref: StatementRef) -> String {
    let r = ref.range
    return "\(r.source):\(r.start.line):\(r.start.column)"
  }

  /// The full explanation: summary, then each layer and statement with its verdict.
  public static func text(_ evaluation: Evaluation, for request: Request) -> String {
    var lines = ["\(request.action) on \(request.resource)", "  caller: \(request.principal.arn.isEmpty ? "(not given)" : request.principal.arn)"]
    lines.append("  decision: \(evaluation.decision.rawValue)")
    lines.append("  why: " + summary(evaluation, for: request))
    let missing = evaluation.missingContextKeys
    if !missing.isEmpty {
      lines.append("  missing context keys: " + missing.joined(separator: ", ") + " (conditions on them treat them as absent)")
    }
    if let trace = evaluation.trace {
      for layer in trace.layers {
        let outcome = layer.hasDeny ? "denies" : layer.hasAllow ? "allows" : "no matching statement"
        lines.append("  \(layer.layer): \(outcome)")
        if layer.statements.isEmpty { lines.append("    (no statements)") }
        for s in layer.statements {
          lines.append("    " + statementLine(s, request: request))
        }
      }
    }
    return lines.joined(separator: "\n")
  }

  public static func statementLine(_ s: StatementTrace, request: Request) -> String {
    let head = "\(s.ref.effect.rawValue) \(s.ref.label) at \(position(s.ref))"
    switch s.verdict {
    case .applies(let m):
      var text = "✓ \(head): applies"
      if let m { text += " (\(principalNote(m)))" }
      return text
    case .doesNotApply(let mismatch):
      return "✗ \(head): " + describe(mismatch, request: request)
    }
  }

  static func principalNote(_ m: PrincipalMatch) -> String {
    switch m {
    case .wildcard: "Principal \"*\" names everyone"
    case .account: "names the caller's account"
    case .principalItself: "names the caller itself"
    case .roleOfSession: "names the caller's role"
    }
  }

  /// Why a statement did not apply, in one sentence.
  public static func describe(_ mismatch: Mismatch, request: Request) -> String {
    switch mismatch {
    case .action(let patterns):
      return "action \(request.action) is not matched by Action \(list(patterns))"
    case .notAction(let pattern):
      return "NotAction excludes \(request.action) (`\(pattern)`)"
    case .resource(let patterns, let unresolved):
      var text = "resource \(request.resource) is not matched by Resource \(list(patterns))"
      if !unresolved.isEmpty {
        text += "; the variable " + unresolved.map { "${\($0)}" }.joined(separator: ", ") + " has no value in this request, so that entry matches nothing"
      }
      if let hint = bucketObjectHint(patterns, request.resource) { text += "; " + hint }
      return text
    case .notResource(let pattern):
      return "NotResource excludes \(request.resource) (`\(pattern)`)"
    case .principal(let patterns):
      return "Principal \(list(patterns)) does not name \(request.principal.displayName)"
    case .notPrincipal(let pattern):
      return "NotPrincipal exempts \(request.principal.displayName) (`\(pattern)`)"
    case .condition(let f):
      return "condition " + describe(f)
    }
  }

  public static func describe(_ f: ConditionFailure) -> String {
    let head = "\(f.op) on \(f.key) (policy value\(f.policyValues.count == 1 ? "" : "s") \(list(f.policyValues)))"
    switch f.reason {
    case .keyMissing:
      return "\(head) is false: the request has no \(f.key)"
    case .nullCheck(let present):
      return "\(head) is false: \(f.key) is \(present ? "present" : "absent") in the request"
    case .valueMismatch:
      let values = list(f.requestValues ?? [])
      return f.op.base.isNegated
        ? "\(head) is false: the request value \(values) matches a listed value"
        : "\(head) is false: the request value \(values) matches none of them"
    case .valueNotInSet(let v):
      return "\(head) is false: the request value `\(v)` is not allowed by ForAllValues"
    case .typeMismatch(let v):
      return "\(head) is false: the request value `\(v)` is not a \(f.op.base.family.rawValue) value"
    }
  }

  /// The classic mistake: `bucket/*` covers objects, not the bucket (and the reverse).
  static func bucketObjectHint(_ patterns: [String], _ resource: String) -> String? {
    guard resource.hasPrefix("arn:aws:s3:::") else { return nil }
    let path = resource.dropFirst("arn:aws:s3:::".count)
    if !path.contains("/") {
      if patterns.contains(where: { $0 == "arn:aws:s3:::\(path)/*" }) {
        return "note: arn:aws:s3:::\(path)/* covers the bucket's objects, not the bucket itself; bucket actions such as s3:ListBucket need arn:aws:s3:::\(path)"
      }
    } else if let bucket = path.split(separator: "/").first, patterns.contains("arn:aws:s3:::\(bucket)") {
      return "note: arn:aws:s3:::\(bucket) is the bucket; its objects need arn:aws:s3:::\(bucket)/*"
    }
    return nil
  }

  static func list(_ items: [String]) -> String {
    items.count == 1 ? "`\(items[0])`" : "[" + items.map { "`\($0)`" }.joined(separator: ", ") + "]"
  }

  /// The trace as JSON, for tools.
  public static func json(_ evaluation: Evaluation, for request: Request) -> JSONOutput {
    var members: [(String, JSONOutput)] = [
      ("Decision", .string(evaluation.decision.rawValue)),
      ("Reason", .string(summary(evaluation, for: request))),
    ]
    if let trace = evaluation.trace {
      members.append(
        (
          "Layers",
          .array(
            trace.layers.map { layer in
              .object([
                ("Layer", .string(layer.layer.description)),
                ("HasAllow", .bool(layer.hasAllow)),
                ("HasDeny", .bool(layer.hasDeny)),
                (
                  "Statements",
                  .array(
                    layer.statements.map { s in
                      var m: [(String, JSONOutput)] = [
                        ("Policy", .string(s.ref.policyID)), ("Statement", .integer(s.ref.statementIndex)),
                        ("Effect", .string(s.ref.effect.rawValue)), ("Position", .string(position(s.ref))),
                      ]
                      switch s.verdict {
                      case .applies: m.append(("Applies", .bool(true)))
                      case .doesNotApply(let mm):
                        m.append(("Applies", .bool(false)))
                        m.append(("Because", .string(describe(mm, request: request))))
                      }
                      return .object(m)
                    })
                ),
              ])
            })
        ))
    }
    return .object(members)
  }
}
