import IAMPolicy

/// Decides one condition against a request context.
///
/// The rules are the IAM User Guide's "Condition operators" and
/// "Single-valued vs. multivalued context keys": several values are ORed (NOR
/// for negated operators); a missing key makes a condition false except for
/// negated operators, `...IfExists` and `ForAllValues`, which are true;
/// `ForAnyValue` with no values is false; `Null` tests presence.
enum ConditionEvaluator {
  /// nil when the condition holds; the failure otherwise.
  static func check(_ condition: Condition, in context: RequestContext) -> ConditionFailure? {
    check(condition, value: context.value(lowercased: condition.lookupKey, hash: condition.lookupHash), in: context)
  }

  /// With the request's value for the key already looked up.
  static func check(_ condition: Condition, value requestValue: ContextValue?, in context: RequestContext) -> ConditionFailure? {
    guard let reason = failureReason(condition, value: requestValue, in: context) else { return nil }
    return ConditionFailure(
      op: condition.op, key: condition.key, policyValues: condition.values.map(\.text),
      requestValues: requestValue?.values, reason: reason, span: condition.span)
  }

  /// Whether the condition holds; the untraced evaluator's question, answered without
  /// building the failure it would not report.
  @inline(__always)
  static func holds(_ condition: Condition, value requestValue: ContextValue?, in context: RequestContext) -> Bool {
    failureReason(condition, value: requestValue, in: context, needsReason: false) == nil
  }

  /// nil when the condition holds; why it failed otherwise.
  static func failureReason(
    _ condition: Condition, value requestValue: ContextValue?, in context: RequestContext, needsReason: Bool = true
  ) -> ConditionFailure.Reason? {
    let op = condition.op
    let present = !(requestValue?.values.isEmpty ?? true)

    if op.base == .null {
      // "true" means the key must be absent, "false" that it must be present.
      let holds = condition.values.withUnsafeBufferPointer { values in
        values.indices.contains { values[$0].bool.map { $0 == !present } ?? false }
      }
      return holds ? nil : .nullCheck(keyPresent: present)
    }

    guard let requestValue, present else {
      if op.set == .forAllValues || op.ifExists || (op.set == nil && op.base.isNegated) { return nil }
      return .keyMissing
    }

    let positive = op.base.positive
    let negated = op.base.isNegated
    let hasTemplates = condition.hasTemplates
    // Variables are resolved only when the condition has them (rare), so the common
    // path compares the prepared tokens without allocating.
    let resolved = hasTemplates ? resolvedValues(condition, context: context) : []

    func matchesAny(_ value: String) -> Bool {
      if hasTemplates { return resolved.contains { matches(positive, policy: $0.value, tokens: $0.tokens, request: value) } }
      // Through the buffer: iterating the array copied each value (four retains apiece).
      return condition.values.withUnsafeBufferPointer { values in
        for i in values.indices where matches(positive, policy: values[i], tokens: values[i].tokens, request: value) {
          return true
        }
        return false
      }
    }

    switch op.set {
    case nil, .forAnyValue?:
      if negated {
        if op.set == .forAnyValue {
          // True when at least one request value matches none of the policy values.
          return requestValue.values.contains { !matchesAny($0) } ? nil : .valueMismatch
        }
        return requestValue.values.contains(where: matchesAny) ? .valueMismatch : nil
      }
      if requestValue.values.contains(where: matchesAny) { return nil }
      // Which value had the wrong type is for the trace; `holds` only needs the verdict.
      if needsReason, let bad = typeProblem(positive, requestValue.values) { return .typeMismatch(bad) }
      return .valueMismatch
    case .forAllValues?:
      for value in requestValue.values {
        let hit = matchesAny(value)
        if negated ? hit : !hit { return .valueNotInSet(value) }
      }
      return nil
    }
  }

  /// Policy values with variables substituted; a variable with no value drops its value.
  static func resolvedValues(_ condition: Condition, context: RequestContext) -> [ResolvedValue] {
    condition.values.compactMap { value in
      guard let template = value.template else { return ResolvedValue(value: value, tokens: value.tokens) }
      guard var tokens = template.resolve({ context.singleValue(lowercased: $0) }) else { return nil }
      if condition.op.base == .stringEqualsIgnoreCase || condition.op.base == .stringNotEqualsIgnoreCase {
        let lowered = String(decoding: tokens.map { UInt8(truncatingIfNeeded: $0) }, as: UTF8.self).lowercased()
        tokens = WildcardPattern(lowered, wildcards: false).tokens
      }
      return ResolvedValue(value: value, tokens: tokens)
    }
  }

  struct ResolvedValue {
    var value: ConditionValue
    var tokens: [UInt16]
  }

  static func matches(_ base: ConditionOperator.Base, policy: ConditionValue, tokens: [UInt16], request: String) -> Bool {
    switch base {
    case .stringEquals:
      return literalEquals(tokens, request)
    case .stringEqualsIgnoreCase:
      return literalEquals(tokens, request.lowercased())
    case .stringLike:
      var r = request
      return r.withUTF8 { bytes in tokens.withUnsafeBufferPointer { WildcardPattern.glob($0, bytes) } }
    case .numericEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan, .numericGreaterThanEquals:
      guard let p = policy.number, let r = NumericValue.parse(request) else { return false }
      return compare(base, r, p)
    case .dateEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals:
      guard let p = policy.date, let r = DateValue.parse(request) else { return false }
      return compare(base, r, p)
    case .bool:
      guard let p = policy.bool, let r = BoolValue.parse(request) else { return false }
      return p == r
    case .binaryEquals:
      return policy.text == request
    case .ipAddress:
      guard let network = policy.network else { return false }
      if let v4 = IPNetwork.ipv4Value(request) { return network.contains(ipv4: v4) }
      guard let address = IPNetwork(request) else { return false }
      return network.contains(address)
    case .arnEquals, .arnLike:
      var r = request
      return r.withUTF8 { ARNMatcher.conditionMatch(tokens: tokens, $0) }
    default:
      return false
    }
  }

  static func literalEquals(_ tokens: [UInt16], _ value: String) -> Bool {
    var value = value
    return value.withUTF8 { bytes in
      guard bytes.count == tokens.count else { return false }
      for i in 0..<bytes.count where UInt16(bytes[i]) != tokens[i] { return false }
      return true
    }
  }

  static func compare(_ base: ConditionOperator.Base, _ r: Double, _ p: Double) -> Bool {
    switch base {
    case .numericEquals, .dateEquals: r == p
    case .numericLessThan, .dateLessThan: r < p
    case .numericLessThanEquals, .dateLessThanEquals: r <= p
    case .numericGreaterThan, .dateGreaterThan: r > p
    case .numericGreaterThanEquals, .dateGreaterThanEquals: r >= p
    default: false
    }
  }

  /// The first request value that is not of the operator's type, for a clearer message.
  static func typeProblem(_ base: ConditionOperator.Base, _ values: [String]) -> String? {
    switch base.family {
    case .numeric: values.first { NumericValue.parse($0) == nil }
    case .date: values.first { DateValue.parse($0) == nil }
    case .ipAddress: values.first { IPNetwork($0) == nil }
    case .bool: values.first { BoolValue.parse($0) == nil }
    default: nil
    }
  }
}
