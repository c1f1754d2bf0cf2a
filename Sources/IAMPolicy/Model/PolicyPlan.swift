/// A policy's statements compiled once into tables of integers and tokens.
///
/// The evaluator decides a million requests a second only if deciding one touches no
/// reference counts and allocates nothing: it finds the statements that can concern
/// the request's service in a small index, then reads each candidate's header and
/// patterns from one block of memory, and reaches the `Statement` objects only for
/// principals, conditions and policy variables. Built when the policy is made (and
/// again when its statements change); immutable afterwards, so one instance is shared
/// by every copy of the policy.
///
/// The tables are plain allocations owned by the plan, not arrays: reading an array
/// stored in a class retains and releases its buffer on each access, which in the
/// inner loop cost more than the matching itself.
// INVARIANT: the buffers are written only in `init` and freed only in `deinit`, so
// sharing the plan across threads is safe (hence `@unchecked Sendable`).
package final class PolicyPlan: @unchecked Sendable {
  /// One statement's header. Its patterns follow it in the same block of memory (see
  /// `PlanTables.statement(_:)`): deciding a candidate statement reads one or two
  /// consecutive cache lines instead of one line in each of six tables.
  package struct StatementPlan: Sendable {
    package var isDeny: Bool
    package var isNotAction: Bool
    /// 0: no `Resource` element (trust policies); 1: `Resource`; 2: `NotResource`.
    package var resourceKind: UInt8
    /// 0: no principal element; 1: `Principal`; 2: `NotPrincipal`.
    package var principalKind: UInt8
    package var hasConditions: Bool
    /// The statement's position in the policy.
    package var index: Int32
    package var actionCount: Int32
    package var resourceCount: Int32
    package var boundsCount: Int32
    package var actionTokenCount: Int32
    package var resourceTokenCount: Int32
    /// The statement itself, for its principal and conditions: read from here, the
    /// evaluator skips two dependent cache misses (the plan object, then its
    /// `statements` array) before reaching it. Kept alive by `PolicyPlan.statements`.
    package var statement: Unmanaged<Statement>
  }

  /// One `Action`/`NotAction` pattern, in 16 bytes (a policy may list hundreds); `start`
  /// and `end` index the statement's action tokens.
  package struct ActionEntry: Sendable {
    package var start: Int32
    package var end: Int32
    /// A pattern without wildcards: a value of another length cannot match.
    package var isLiteral: Bool
    /// The literal service prefix (`s3` in `s3:Get*`) has no wildcard: an action of
    /// another service cannot match. The low 32 bits of its hash are kept; unequal low
    /// bits mean unequal hashes, so the filter stays exact.
    package var hasService: Bool
    package var serviceHash: UInt32
  }

  /// One `Resource`/`NotResource` pattern; its offsets index the statement's resource
  /// bounds and tokens.
  package struct ResourceEntry: Sendable {
    package enum Kind: UInt8, Sendable {
      case any, segments, glob, template
    }
    package var kind: Kind
    /// `segments`: how many leading parts (with their colons) lie within the literal
    /// prefix; a resource that starts with the prefix matches them already.
    package var literalSegments: UInt8 = 0
    /// `segments`: the segments are `resourceBounds[boundsStart...boundsStart + segmentCount]`;
    /// `glob`: one segment, the whole pattern; `template`: `templates[boundsStart]`.
    package var boundsStart: Int32
    package var segmentCount: Int32
    /// The pattern's literal text before its first wildcard (or variable) is
    /// `resourceTokens[prefixStart..<prefixEnd]`: a resource that does not start with it
    /// cannot match (each ARN part is matched against the same part of the resource, so
    /// literal parts and colons must appear as they are; variables resolve later).
    package var prefixStart: Int32 = 0
    package var prefixEnd: Int32 = 0
  }

  /// The tables, as plain pointers: copying this view retains nothing.
  package let tables: PlanTables
  /// The statements themselves, for principals, conditions and policy variables.
  package let statements: [Statement]
  /// The `Resource` patterns that hold policy variables.
  package let templates: [ResourcePattern]

  deinit {
    UnsafeMutableRawPointer(mutating: tables.base).deallocate()
  }

  package init(_ statements: [Statement]) {
    self.statements = statements
    var templates: [ResourcePattern] = []
    var services: [UInt64] = []
    var positions: [[Int32]] = []
    var anyService: [Int32] = []
    var blocks: [UInt8] = []
    var blockOffsets: [Int32] = []
    blockOffsets.reserveCapacity(statements.count)
    blocks.reserveCapacity(256 * statements.count)
    // One set of buffers for every statement, emptied between them: a policy is compiled
    // once per distinct text, but a batch of new policies paid for five allocations per
    // statement here.
    var actionTokens: [UInt16] = []
    var actionEntries: [ActionEntry] = []
    var resourceTokens: [UInt16] = []
    var resourceBounds: [Int32] = []
    var resourceEntries: [ResourceEntry] = []
    for (i, statement) in statements.enumerated() {
      actionTokens.removeAll(keepingCapacity: true)
      actionEntries.removeAll(keepingCapacity: true)
      resourceTokens.removeAll(keepingCapacity: true)
      resourceBounds.removeAll(keepingCapacity: true)
      resourceEntries.removeAll(keepingCapacity: true)
      for pattern in statement.action.patterns {
        let tokens = pattern.pattern.tokens
        var entry = ActionEntry(
          start: Int32(actionTokens.count), end: Int32(actionTokens.count + tokens.count),
          isLiteral: !pattern.pattern.hasWildcards, hasService: false, serviceHash: 0)
        if let colon = tokens.firstIndex(of: UInt16(UInt8(ascii: ":"))), !tokens[..<colon].contains(where: { $0 > 0xFF }) {
          entry.hasService = true
          entry.serviceHash = UInt32(
            truncatingIfNeeded: PatternSet.hash(tokens[..<colon].lazy.map { UInt8(truncatingIfNeeded: $0) }))
        }
        actionTokens.append(contentsOf: tokens)
        actionEntries.append(entry)
      }
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
          case .template(let template):
            var prefix: [UInt16] = []
            if case .text(let tokens)? = template.parts.first {
              prefix = Array(tokens.prefix { $0 <= 0xFF })
            }
            resourceEntries.append(
              ResourceEntry(
                kind: .template, boundsStart: Int32(templates.count), segmentCount: 0,
                prefixStart: Int32(resourceTokens.count), prefixEnd: Int32(resourceTokens.count + prefix.count)))
            resourceTokens.append(contentsOf: prefix)
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
          if case .template = pattern.matcher {} else if case .any = pattern.matcher {} else {
            // The literal prefix of the pattern text (colons included): a glob's own tokens
            // are that text's; a segmented pattern's tokens leave the colons out.
            var prefix: ArraySlice<UInt16>
            if case .glob(let glob) = pattern.matcher {
              prefix = glob.tokens.prefix { $0 <= 0xFF }
            } else {
              prefix = WildcardPattern(pattern.text).tokens.prefix { $0 <= 0xFF }
            }
            resourceEntries[resourceEntries.count - 1].prefixStart = Int32(resourceTokens.count)
            resourceTokens.append(contentsOf: prefix)
            resourceEntries[resourceEntries.count - 1].prefixEnd = Int32(resourceTokens.count)
            if case .segments(let segmented) = pattern.matcher {
              // Part i ends, with its colon, at bounds[i + 1] + i + 1 in the pattern text.
              var literal = 0
              let last = segmented.bounds.count - 2
              while literal < last && segmented.bounds[literal + 1] + literal + 1 <= prefix.count { literal += 1 }
              resourceEntries[resourceEntries.count - 1].literalSegments = UInt8(literal)
            }
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
      let header = StatementPlan(
        isDeny: statement.effect == .deny, isNotAction: isNotAction, resourceKind: resourceKind,
        principalKind: principalKind, hasConditions: !statement.conditions.isEmpty, index: Int32(i),
        actionCount: Int32(actionEntries.count), resourceCount: Int32(resourceEntries.count),
        boundsCount: Int32(resourceBounds.count), actionTokenCount: Int32(actionTokens.count),
        resourceTokenCount: Int32(resourceTokens.count), statement: Unmanaged.passUnretained(statement))
      // The block: header, action entries, resource entries, bounds, action tokens,
      // resource tokens (the order `StatementView` reads them in), 8-byte aligned.
      while blocks.count % 8 != 0 { blocks.append(0) }
      blockOffsets.append(Int32(blocks.count))
      withUnsafeBytes(of: header) { blocks.append(contentsOf: $0) }
      PolicyPlan.append(actionEntries, to: &blocks)
      PolicyPlan.append(resourceEntries, to: &blocks)
      PolicyPlan.append(resourceBounds, to: &blocks)
      PolicyPlan.append(actionTokens, to: &blocks)
      PolicyPlan.append(resourceTokens, to: &blocks)
      // Statements grouped by the service their Action names; NotAction and wildcard
      // services concern every request.
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
    // The candidates name their statements' blocks directly (the header has the index),
    // saving a load from `blockOffsets` on every candidate.
    candidates = candidates.map { blockOffsets[Int($0)] }
    self.templates = templates
    var layout = PlanTables.Layout()
    // The order of the sections is the order a decision reads them: the service lookup
    // right after the header, so a small policy's first cache line or two answer it.
    layout.add(services)
    layout.add(candidateBounds)
    layout.add(candidates)
    // Each statement's block offset: only its count is read (`statementCount`), since the
    // candidates hold the offsets they need.
    layout.add(blockOffsets)
    layout.add(blocks)
    self.tables = layout.build()
  }
}

extension PolicyPlan {
  /// Appends the values' bytes, aligned as `StatementView` reads them.
  @inline(__always)
  static func append<T>(_ values: [T], to blocks: inout [UInt8]) {
    while blocks.count % MemoryLayout<T>.alignment != 0 { blocks.append(0) }
    values.withUnsafeBytes { blocks.append(contentsOf: $0) }
  }
}

/// A `PolicyPlan`'s tables: one contiguous block that the plan owns.
///
/// Deciding a batch is bound by memory more than by instructions (a request touches
/// policies no other recent request touched), so a policy's tables sit together in
/// one allocation, in the order the evaluator reads them, after a small header of
/// offsets and counts. `Policy` keeps this 8-byte view beside its plan, so the
/// evaluator reads a policy's tables without retaining anything; the policy's
/// reference to the plan keeps the block alive.
// INVARIANT: valid exactly as long as the `PolicyPlan` that made it; never written after `build()`.
package struct PlanTables: @unchecked Sendable {
  @usableFromInline let base: UnsafeRawPointer

  @usableFromInline static let sectionCount = 5

  @inlinable @inline(__always)
  func section<T>(_ i: Int, _ type: T.Type) -> UnsafeBufferPointer<T> {
    let offset = Int(base.load(fromByteOffset: 4 * i, as: Int32.self))
    let count = Int(base.load(fromByteOffset: 4 * (PlanTables.sectionCount + i), as: Int32.self))
    return UnsafeBufferPointer(start: (base + offset).assumingMemoryBound(to: T.self), count: count)
  }

  /// Distinct service hashes; the statements that can concern `services[k]` are
  /// `candidates[candidateBounds[k]..<candidateBounds[k + 1]]` (their blocks' offsets,
  /// see `statement(atBlock:)`), in document order, including those that concern every
  /// service. Those alone are the last range.
  @inlinable package var services: UnsafeBufferPointer<UInt64> { section(0, UInt64.self) }
  @inlinable package var candidateBounds: UnsafeBufferPointer<Int32> { section(1, Int32.self) }
  @inlinable package var candidates: UnsafeBufferPointer<Int32> { section(2, Int32.self) }
  /// The statement whose block starts at this offset (a value of `candidates`).
  @inlinable @inline(__always)
  package func statement(atBlock offset: Int) -> StatementView {
    let blocks = Int(base.load(fromByteOffset: 4 * 4, as: Int32.self))
    return StatementView(base + blocks + offset)
  }

  /// Collects the sections, then copies them into one block.
  struct Layout {
    var writers: [(UnsafeMutableRawPointer) -> Void] = []
    var offsets: [Int32] = []
    var counts: [Int32] = []
    var size = 4 * 2 * PlanTables.sectionCount

    mutating func add<T>(_ values: [T]) {
      let alignment = max(MemoryLayout<T>.alignment, 8)
      size = (size + alignment - 1) / alignment * alignment
      let offset = size
      offsets.append(Int32(offset))
      counts.append(Int32(values.count))
      size += MemoryLayout<T>.stride * values.count
      writers.append { base in
        _ = UnsafeMutableBufferPointer(start: (base + offset).bindMemory(to: T.self, capacity: values.count), count: values.count)
          .initialize(from: values)
      }
    }

    func build() -> PlanTables {
      let base = UnsafeMutableRawPointer.allocate(byteCount: max(size, 1), alignment: 16)
      let header = base.bindMemory(to: Int32.self, capacity: 2 * PlanTables.sectionCount)
      for i in 0..<PlanTables.sectionCount {
        header[i] = offsets[i]
        header[PlanTables.sectionCount + i] = counts[i]
      }
      for write in writers { write(base) }
      return PlanTables(base: UnsafeRawPointer(base))
    }
  }

  /// The number of statements, read from the block's header.
  @inlinable @inline(__always)
  package var statementCount: Int { Int(base.load(fromByteOffset: 4 * (PlanTables.sectionCount + 3), as: Int32.self)) }

  /// The range of `candidates` to visit for a request whose action has this service hash.
  @inlinable @inline(__always)
  package func candidateRange(forService hash: UInt64) -> Range<Int> {
    let services = self.services
    var k = services.count
    for i in 0..<services.count where services[i] == hash {
      k = i
      break
    }
    let bounds = candidateBounds
    return Int(bounds[k])..<Int(bounds[k + 1])
  }
}

/// One statement's block in a plan: the header, then its patterns' tables.
// INVARIANT: valid as long as the plan that holds the block.
package struct StatementView {
  package let header: PolicyPlan.StatementPlan
  package let actionEntries: UnsafeBufferPointer<PolicyPlan.ActionEntry>
  package let resourceEntries: UnsafeBufferPointer<PolicyPlan.ResourceEntry>
  package let resourceBounds: UnsafeBufferPointer<Int32>
  package let actionTokens: UnsafeBufferPointer<UInt16>
  package let resourceTokens: UnsafeBufferPointer<UInt16>

  @inlinable @inline(__always)
  init(_ block: UnsafeRawPointer) {
    @inline(__always) func align(_ offset: Int, _ alignment: Int) -> Int { (offset + alignment - 1) & ~(alignment - 1) }
    let header = block.load(as: PolicyPlan.StatementPlan.self)
    self.header = header
    var offset = MemoryLayout<PolicyPlan.StatementPlan>.stride
    offset = align(offset, MemoryLayout<PolicyPlan.ActionEntry>.alignment)
    actionEntries = UnsafeBufferPointer(
      start: (block + offset).assumingMemoryBound(to: PolicyPlan.ActionEntry.self), count: Int(header.actionCount))
    offset += MemoryLayout<PolicyPlan.ActionEntry>.stride * Int(header.actionCount)
    offset = align(offset, MemoryLayout<PolicyPlan.ResourceEntry>.alignment)
    resourceEntries = UnsafeBufferPointer(
      start: (block + offset).assumingMemoryBound(to: PolicyPlan.ResourceEntry.self), count: Int(header.resourceCount))
    offset += MemoryLayout<PolicyPlan.ResourceEntry>.stride * Int(header.resourceCount)
    offset = align(offset, MemoryLayout<Int32>.alignment)
    resourceBounds = UnsafeBufferPointer(
      start: (block + offset).assumingMemoryBound(to: Int32.self), count: Int(header.boundsCount))
    offset += 4 * Int(header.boundsCount)
    actionTokens = UnsafeBufferPointer(
      start: (block + offset).assumingMemoryBound(to: UInt16.self), count: Int(header.actionTokenCount))
    offset += 2 * Int(header.actionTokenCount)
    resourceTokens = UnsafeBufferPointer(
      start: (block + offset).assumingMemoryBound(to: UInt16.self), count: Int(header.resourceTokenCount))
  }
}
