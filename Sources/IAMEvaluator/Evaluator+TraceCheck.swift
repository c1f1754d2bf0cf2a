import IAMPolicy

/// The traced path's statement check: the same decision as `Run.applies`, written over
/// the parsed model, and saying exactly why a statement did not apply.
///
/// Traced evaluations decide with this check and untraced ones with the compiled plan
/// (the one known difference: this check reports missing keys after a failed condition);
/// a test compares the two on every conformance case and on batch requests.
enum TraceCheck {
  enum Outcome {
    case applies(PrincipalMatch?)
    case doesNotApply(Mismatch)
  }

  static func check(_ statement: Statement, _ r: RequestView, missing: inout [String]) -> Outcome {
    let request = r.request
    let hasBoundary = r.hasBoundary
    // Action
    let actionMatch = statement.actionSet.firstMatch(r.action, serviceHash: request.actionServiceHash)
    let actionHit: Bool
    switch statement.action {
    case .action: actionHit = actionMatch != nil
    case .notAction: actionHit = actionMatch == nil
    }
    if !actionHit {
      switch statement.action {
      case .action(let patterns): return .doesNotApply(.action(patterns: patterns.map(\.text)))
      case .notAction(let patterns):
        let hit = patterns.first { $0.matches(lowercased: r.action) }
        return .doesNotApply(.notAction(pattern: hit?.text ?? ""))
      }
    }
    // Resource (absent in trust policies: the role itself)
    if let clause = statement.resource {
      let context = request.context
      let resourceHit: Bool = { (resource: UnsafeBufferPointer<UInt8>) in
        switch clause {
        case .resource(let patterns):
          for p in patterns where p.matches(resource, lookup: { context.singleValue(lowercased: $0) }) { return true }
          return false
        case .notResource(let patterns):
          for p in patterns where p.matches(resource, lookup: { context.singleValue(lowercased: $0) }) { return false }
          return true
        }
      }(r.resource)
      if !resourceHit {
        switch clause {
        case .resource(let patterns):
          let unresolved = patterns.flatMap { p -> [String] in
            guard case .template(let t) = p.matcher else { return [] }
            return t.variableNames.filter { name in
              guard case .variable(let key, _, let def)? = t.parts.first(where: {
                if case .variable(_, let n, _) = $0 { return n == name }
                return false
              }) else { return false }
              return def == nil && context.singleValue(lowercased: key) == nil
            }
          }
          return .doesNotApply(.resource(patterns: patterns.map(\.text), unresolved: unresolved))
        case .notResource(let patterns):
          let hit = patterns.first { $0.matches(r.resource, lookup: { context.singleValue(lowercased: $0) }) }
          return .doesNotApply(.notResource(pattern: hit?.text ?? ""))
        }
      }
    }
    // Principal (resource-based policies)
    var principalMatch: PrincipalMatch?
    if let clause = statement.principal {
      switch clause {
      case .principal(let patterns):
        var best: PrincipalMatch?
        for p in patterns {
          if let m = PrincipalMatcher.match(p.value, request.principal) {
            best = PrincipalMatcher.stronger(best, m)
          }
        }
        guard let best else {
          return .doesNotApply(.principal(patterns: patterns.map(\.text)))
        }
        principalMatch = best
      case .notPrincipal(let patterns):
        // A listed principal is exempt; a principal with a permissions boundary never is
        // (IAM User Guide, "NotPrincipal" and "Permissions boundaries").
        if !hasBoundary, let exempt = patterns.first(where: { PrincipalMatcher.exempts($0.value, request.principal) }) {
          return .doesNotApply(.notPrincipal(pattern: exempt.text))
        }
      }
    }
    // Conditions: all must hold; every missing key is reported, also after a failure.
    var firstFailure: ConditionFailure?
    for condition in statement.conditions {
      let value = request.context.value(lowercased: condition.lookupKey, hash: condition.lookupHash)
      if value == nil && condition.op.base != .null { missing.append(condition.key) }
      if firstFailure == nil, let failure = ConditionEvaluator.check(condition, value: value, in: request.context) {
        firstFailure = failure
      }
    }
    if let firstFailure { return .doesNotApply(.condition(firstFailure)) }
    return .applies(principalMatch)
  }
}
