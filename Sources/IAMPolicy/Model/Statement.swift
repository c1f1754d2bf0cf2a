/// One statement of a policy, parsed once into typed clauses.
///
/// Immutable, so it has value semantics; it is a class only so the evaluator's
/// inner loop passes one reference instead of copying (and retaining) every
/// clause of every statement on every request.
public final class Statement: Sendable {
  /// Position in the policy's `Statement` list, from 0.
  public let index: Int
  public let sid: String?
  public let effect: Effect
  public let principal: PrincipalClause?
  public let action: ActionClause
  /// Absent in trust policies (and allowed to be absent in other resource policies).
  public let resource: ResourceClause?
  public let conditions: [Condition]
  /// The statement object, `{` to `}`.
  public let span: SourceSpan
  /// The Action or NotAction patterns packed for matching.
  public let actionSet: PatternSet

  public init(
    index: Int, sid: String?, effect: Effect, principal: PrincipalClause?, action: ActionClause,
    resource: ResourceClause?, conditions: [Condition], span: SourceSpan
  ) {
    self.index = index
    self.sid = sid
    self.effect = effect
    self.principal = principal
    self.action = action
    self.resource = resource
    self.conditions = conditions
    self.span = span
    self.actionSet = PatternSet(actions: action.patterns)
  }
}

/// `Action` or `NotAction`: never both, as the grammar says.
public enum ActionClause: Sendable {
  case action([ActionPattern])
  case notAction([ActionPattern])

  public var patterns: [ActionPattern] {
    switch self {
    case .action(let p), .notAction(let p): p
    }
  }
}

/// `Resource` or `NotResource`.
public enum ResourceClause: Sendable {
  case resource([ResourcePattern])
  case notResource([ResourcePattern])

  public var patterns: [ResourcePattern] {
    switch self {
    case .resource(let p), .notResource(let p): p
    }
  }
}

/// `Principal` or `NotPrincipal`.
public enum PrincipalClause: Sendable {
  case principal([PrincipalPattern])
  case notPrincipal([PrincipalPattern])

  public var patterns: [PrincipalPattern] {
    switch self {
    case .principal(let p), .notPrincipal(let p): p
    }
  }
}

/// An action pattern such as `s3:Get*`, matched case-insensitively.
public struct ActionPattern: Sendable {
  public var text: String
  public var span: SourceSpan

  public init(text: String, span: SourceSpan) {
    self.text = text
    self.span = span
  }

  /// Lowercased tokens; actions are case-insensitive (IAM User Guide, "Action").
  ///
  /// Made when asked: the statement's `actionSet` holds every pattern's tokens for
  /// matching, and an array per action cost a tenth of parsing a new policy.
  public var pattern: WildcardPattern { WildcardPattern(text, wildcards: true, caseFolded: true) }

  /// Matches an action name that is already lowercased (explanations; the evaluator
  /// matches with the statement's `actionSet`).
  public func matches(lowercased action: UnsafeBufferPointer<UInt8>) -> Bool {
    pattern.matches(action)
  }
}

/// A resource pattern such as `arn:aws:s3:::bucket/*`, matched case-sensitively,
/// part by part (see `ARNMatcher`). Immutable; a class so matching passes a reference.
public final class ResourcePattern: Sendable {
  public enum Matcher: Sendable {
    case any
    case segments(SegmentedPattern)
    case glob(WildcardPattern)
    /// Holds policy variables; resolved against each request.
    case template(VariableTemplate)
  }

  public let text: String
  public let span: SourceSpan
  public let matcher: Matcher

  public init(text: String, span: SourceSpan, substitutesVariables: Bool) {
    self.text = text
    self.span = span
    if text == "*" {
      matcher = .any
    } else if substitutesVariables, let template = VariableTemplate.parse(text, wildcards: true) {
      matcher = .template(template)
    } else if PolicyParser.startsWithARN(text) {
      matcher = .segments(SegmentedPattern(splittingText: text))
    } else {
      matcher = .glob(WildcardPattern(text))
    }
  }

  /// Whether this pattern covers the resource; `lookup` resolves policy variables.
  /// A variable with no value makes the pattern match nothing.
  @inline(__always)
  public func matches(_ resource: UnsafeBufferPointer<UInt8>, lookup: (String) -> String?) -> Bool {
    switch matcher {
    case .any: return true
    case .segments(let segments): return ARNMatcher.match(segments, resource)
    case .glob(let pattern): return pattern.matches(resource)
    case .template(let template):
      guard let tokens = template.resolve(lookup) else { return false }
      return ARNMatcher.match(tokens: tokens, resource)
    }
  }

  public var hasVariables: Bool {
    if case .template = matcher { return true }
    return false
  }
}
