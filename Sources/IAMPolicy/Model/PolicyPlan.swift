/// A policy's statements compiled once into flat arrays of integers and tokens.
///
/// The evaluator decides a million requests a second only if deciding one touches no
/// reference counts and allocates nothing: it walks these arrays by index, and
/// reaches the `Statement` objects only for principals, conditions and policy
/// variables. Built when the policy is made (and again when its statements change);
/// immutable afterwards, so one instance is shared by every copy of the policy.
package final class PolicyPlan: Sendable {
  /// One statement, as ranges into the plan's pattern tables.
  package struct StatementPlan: Sendable {
    package var isDeny: Bool
    package var isNotAction: Bool
    /// 0: no `Resource` element (trust policies); 1: `Resource`; 2: `NotResource`.
    package var resourceKind: UInt8
    /// 0: no principal element; 1: `Principal`; 2: `NotPrincipal`.
    package var principalKind: UInt8
    package var actionStart: Int32
    package var actionEnd: Int32
    package var resourceStart: Int32
    package var resourceEnd: Int32
    package var hasConditions: Bool
  }

  /// One `Action`/`NotAction` pattern.
  package struct ActionEntry: Sendable {
    package var start: Int32
    package var end: Int32
    /// The length of a pattern without wildcards, or -1: a value of another length cannot match.
    package var literalLength: Int32
    /// The literal service prefix's hash (`s3` in `s3:Get*`), when the prefix has no wildcard:
    /// an action of another service cannot match.
    package var hasService: Bool
    package var serviceHash: UInt64
  }

  /// One `Resource`/`NotResource` pattern.
  package struct ResourceEntry: Sendable {
    package enum Kind: UInt8, Sendable {
      case any, segments, glob, template
    }
    package var kind: Kind
    /// `segments`: the segments are `resourceBounds[boundsStart...boundsStart + segmentCount]`;
    /// `glob`: one segment, the whole pattern; `template`: `templates[boundsStart]`.
    package var boundsStart: Int32
    package var segmentCount: Int32
  }

  package let statementPlans: [StatementPlan]
  /// The statements themselves, for principals, conditions and policy variables.
  package let statements: [Statement]
  package let actionTokens: [UInt16]
  package let actionEntries: [ActionEntry]
  package let resourceTokens: [UInt16]
  package let resourceBounds: [Int32]
  package let resourceEntries: [ResourceEntry]
  package let templates: [ResourcePattern]
  /// Distinct service hashes; the statements that can concern `services[k]` are
  /// `candidates[candidateBounds[k]..<candidateBounds[k + 1]]`, in document order,
  /// including those that concern every service. Those alone are the last range.
  package let services: [UInt64]
  package let candidateBounds: [Int32]
  package let candidates: [Int32]

  package init(_ statements: [Statement]) {
    self.statements = statements
    var plans: [StatementPlan] = []
    var actionTokens: [UInt16] = []
    var actionEntries: [ActionEntry] = []
    var resourceTokens: [UInt16] = []
    var resourceBounds: [Int32] = []
    var resourceEntries: [ResourceEntry] = []
    var templates: [ResourcePattern] = []
    var services: [UInt64] = []
    var positions: [[Int32]] = []
    var anyService: [Int32] = []
    plans.reserveCapacity(statements.count)
    for (i, statement) in statements.enumerated() {
      let actionStart = Int32(actionEntries.count)
      for pattern in statement.action.patterns {
        let tokens = pattern.pattern.tokens
        var entry = ActionEntry(
          start: Int32(actionTokens.count), end: Int32(actionTokens.count + tokens.count),
          literalLength: pattern.pattern.hasWildcards ? -1 : Int32(tokens.count), hasService: false, serviceHash: 0)
        if let colon = tokens.firstIndex(of: UInt16(UInt8(ascii: ":"))), !tokens[..<colon].contains(where: { $0 > 0xFF }) {
          entry.hasService = true
          entry.serviceHash = PatternSet.hash(tokens[..<colon].lazy.map { UInt8(truncatingIfNeeded: $0) })
        }
        actionTokens.append(contentsOf: tokens)
        actionEntries.append(entry)
      }
      let resourceStart = Int32(resourceEntries.count)
      var resourceKind: UInt8 = 0
      if let clause = statement.resource {
        switch clause {
        case .resource: resourceKind = 1
        case .notResource: resourceKind = 2
        }
        for pattern in clause.patterns {
          switch pattern.matcher {
          case .any:
            resourceEntries.append(ResourceEntry(kind: .any, boundsStart: 0, segmentCount: 0))
          case .template:
            resourceEntries.append(ResourceEntry(kind: .template, boundsStart: Int32(templates.count), segmentCount: 0))
            templates.append(pattern)
          case .glob(let glob):
            resourceEntries.append(ResourceEntry(kind: .glob, boundsStart: Int32(resourceBounds.count), segmentCount: 1))
            resourceBounds.append(Int32(resourceTokens.count))
            resourceTokens.append(contentsOf: glob.tokens)
            resourceBounds.append(Int32(resourceTokens.count))
          case .segments(let segmented):
            let count = segmented.bounds.count - 1
            resourceEntries.append(
              ResourceEntry(kind: .segments, boundsStart: Int32(resourceBounds.count), segmentCount: Int32(count)))
            let base = resourceTokens.count
            for b in segmented.bounds { resourceBounds.append(Int32(base + b)) }
            resourceTokens.append(contentsOf: segmented.tokens)
          }
        }
      }
      var principalKind: UInt8 = 0
      switch statement.principal {
      case .principal?: principalKind = 1
      case .notPrincipal?: principalKind = 2
      case nil: break
      }
      var isNotAction = false
      if case .notAction = statement.action { isNotAction = true }
      plans.append(
        StatementPlan(
          isDeny: statement.effect == .deny, isNotAction: isNotAction, resourceKind: resourceKind,
          principalKind: principalKind, actionStart: actionStart, actionEnd: Int32(actionEntries.count),
          resourceStart: resourceStart, resourceEnd: Int32(resourceEntries.count),
          hasConditions: !statement.conditions.isEmpty))
      // The same service grouping as `StatementIndex`.
      if case .action = statement.action, let hashes = statement.actionSet.serviceHashes {
        for hash in hashes {
          if let k = services.firstIndex(of: hash) { positions[k].append(Int32(i)) } else {
            services.append(hash)
            positions.append([Int32(i)])
          }
        }
      } else {
        anyService.append(Int32(i))
      }
    }
    var candidateBounds: [Int32] = [0]
    var candidates: [Int32] = []
    for list in positions {
      // Merge the service's statements with those of every service, in document order.
      var a = 0
      var b = 0
      while a < list.count || b < anyService.count {
        if b >= anyService.count || (a < list.count && list[a] < anyService[b]) {
          candidates.append(list[a])
          a += 1
        } else {
          candidates.append(anyService[b])
          b += 1
        }
      }
      candidateBounds.append(Int32(candidates.count))
    }
    candidates.append(contentsOf: anyService)
    candidateBounds.append(Int32(candidates.count))
    self.statementPlans = plans
    self.actionTokens = actionTokens
    self.actionEntries = actionEntries
    self.resourceTokens = resourceTokens
    self.resourceBounds = resourceBounds
    self.resourceEntries = resourceEntries
    self.templates = templates
    self.services = services
    self.candidateBounds = candidateBounds
    self.candidates = candidates
  }

  /// The range of `candidates` to visit for a request whose action has this service hash.
  @inline(__always)
  package func candidateRange(forService hash: UInt64) -> Range<Int> {
    var k = services.count
    for i in services.indices where services[i] == hash {
      k = i
      break
    }
    return Int(candidateBounds[k])..<Int(candidateBounds[k + 1])
  }
}
