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
    // Each statement's action services, flat: statement i's are
    // `statementServices[serviceStarts[i]..<serviceStarts[i + 1]]` (indices into `services`),
    // or none for a statement that concerns every service.
    var services: [UInt64] = []
    var statementServices: [Int32] = []
    var serviceStarts: [Int32] = [0]
    serviceStarts.reserveCapacity(statements.count + 1)
    var concernsAll: [Bool] = []
    concernsAll.reserveCapacity(statements.count)
    var blocks: [UInt8] = []
    var blockOffsets: [Int32] = []
    blockOffsets.reserveCapacity(statements.count)
    blocks.reserveCapacity(256 * statements.count)
    // One set of buffers for every statement, emptied between them: a policy is compiled
    // once per distinct text, and a batch of new policies paid for several allocations per
    // statement here. The action tokens are the statement's `actionSet` tokens as they are.
    var actionEntries: [ActionEntry] = []
    var resourceTokens: [UInt16] = []
    var resourceBounds: [Int32] = []
    var resourceEntries: [ResourceEntry] = []
    for (i, statement) in statements.enumerated() {
      actionEntries.removeAll(keepingCapacity: true)
      resourceTokens.removeAll(keepingCapacity: true)
      resourceBounds.removeAll(keepingCapacity: true)
      resourceEntries.removeAll(keepingCapacity: true)
      let actionSet = statement.actionSet
      actionSet.tokens.withUnsafeBufferPointer { tokens in
        for k in 0..<actionSet.count {
          let start = actionSet.bounds[k]
          let end = actionSet.bounds[k + 1]
          var entry = ActionEntry(
            start: Int32(start), end: Int32(end), isLiteral: actionSet.literalLengths[k] >= 0, hasService: false,
            serviceHash: 0)
          if let hash = WildcardPattern.serviceHash(UnsafeBufferPointer(rebasing: tokens[start..<end])) {
            entry.hasService = true
            entry.serviceHash = UInt32(truncatingIfNeeded: hash)
          }
          actionEntries.append(entry)
        }
      }
      var resourceKind: UInt8 = 0
      if let clause = statement.resource {
        let patterns: [ResourcePattern]
        switch clause {
        case .resource(let p):
          resourceKind = 1
          patterns = p
        case .notResource(let p):
          resourceKind = 2
          patterns = p
        }
        for pattern in patterns {
          switch pattern.matcher {
          case .any:
            resourceEntries.append(ResourceEntry(kind: .any, boundsStart: 0, segmentCount: 0))
          case .template(let template):
            let prefixStart = Int32(resourceTokens.count)
            if case .text(let tokens)? = template.parts.first {
              resourceTokens.append(contentsOf: tokens[..<(tokens.firstIndex { $0 > 0xFF } ?? tokens.count)])
            }
            resourceEntries.append(
              ResourceEntry(
                kind: .template, boundsStart: Int32(templates.count), segmentCount: 0,
                prefixStart: prefixStart, prefixEnd: Int32(resourceTokens.count)))
            templates.append(pattern)
          case .glob(let glob):
            var entry = ResourceEntry(kind: .glob, boundsStart: Int32(resourceBounds.count), segmentCount: 1)
            resourceBounds.append(Int32(resourceTokens.count))
            resourceTokens.append(contentsOf: glob.tokens)
            resourceBounds.append(Int32(resourceTokens.count))
            // The literal prefix of the pattern: its tokens up to the first wildcard.
            entry.prefixStart = Int32(resourceTokens.count)
            let tokens = glob.tokens
            resourceTokens.append(contentsOf: tokens[..<(tokens.firstIndex { $0 > 0xFF } ?? tokens.count)])
            entry.prefixEnd = Int32(resourceTokens.count)
            resourceEntries.append(entry)
          case .segments(let segmented):
            let count = segmented.bounds.count - 1
            var entry = ResourceEntry(kind: .segments, boundsStart: Int32(resourceBounds.count), segmentCount: Int32(count))
            let base = resourceTokens.count
            for bound in segmented.bounds { resourceBounds.append(Int32(base + bound)) }
            resourceTokens.append(contentsOf: segmented.tokens)
            // The literal prefix of the pattern text, colons included (the segments leave
            // them out): its bytes up to the first wildcard.
            entry.prefixStart = Int32(resourceTokens.count)
            var text = pattern.text
            text.withUTF8 { bytes in
              resourceTokens.appendTokens(count: bytes.count) { out in
                var end = 0
                while end < bytes.count && bytes[end] != UInt8(ascii: "*") && bytes[end] != UInt8(ascii: "?") {
                  out[end] = UInt16(bytes[end])
                  end += 1
                }
                return end
              }
            }
            entry.prefixEnd = Int32(resourceTokens.count)
            // Part i ends, with its colon, at bounds[i + 1] + i + 1 in the pattern text.
            let prefixCount = Int(entry.prefixEnd - entry.prefixStart)
            var literal = 0
            let last = segmented.bounds.count - 2
            while literal < last && segmented.bounds[literal + 1] + literal + 1 <= prefixCount { literal += 1 }
            entry.literalSegments = UInt8(literal)
            resourceEntries.append(entry)
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
        boundsCount: Int32(resourceBounds.count), actionTokenCount: Int32(actionSet.tokens.count),
        resourceTokenCount: Int32(resourceTokens.count), statement: Unmanaged.passUnretained(statement))
      // The block: header, action entries, resource entries, bounds, action tokens,
      // resource tokens (the order `StatementView` reads them in), 8-byte aligned.
      while blocks.count % 8 != 0 { blocks.append(0) }
      blockOffsets.append(Int32(blocks.count))
      withUnsafeBytes(of: header) { blocks.append(contentsOf: $0) }
      PolicyPlan.append(actionEntries, to: &blocks)
      PolicyPlan.append(resourceEntries, to: &blocks)
      PolicyPlan.append(resourceBounds, to: &blocks)
      PolicyPlan.append(actionSet.tokens, to: &blocks)
      PolicyPlan.append(resourceTokens, to: &blocks)
      // Statements grouped by the service their Action names; NotAction and wildcard
      // services concern every request.
      if !isNotAction, let hashes = actionSet.serviceHashes {
        for hash in hashes {
          if let k = services.firstIndex(of: hash) {
            statementServices.append(Int32(k))
          } else {
            statementServices.append(Int32(services.count))
            services.append(hash)
          }
        }
        concernsAll.append(false)
      } else {
        concernsAll.append(true)
      }
      serviceStarts.append(Int32(statementServices.count))
    }
    // Each service's candidates are the statements that name it or concern every service,
    // in document order; the last range holds those alone. Sized first, then filled by
    // walking the statements once, with the block offsets the evaluator reads (the header
    // has the index), saving a load from `blockOffsets` on every candidate.
    let allCount = concernsAll.lazy.filter { $0 }.count
    var candidateBounds = [Int32](repeating: 0, count: services.count + 2)
    for k in statementServices { candidateBounds[Int(k) + 1] += 1 }
    for k in 0...services.count { candidateBounds[k + 1] += candidateBounds[k] + Int32(allCount) }
    var candidates = [Int32](repeating: 0, count: Int(candidateBounds[services.count + 1]))
    var cursors = Array(candidateBounds.dropLast())
    for i in 0..<statements.count {
      if concernsAll[i] {
        for k in cursors.indices {
          candidates[Int(cursors[k])] = blockOffsets[i]
          cursors[k] += 1
        }
      } else {
        for k in statementServices[Int(serviceStarts[i])..<Int(serviceStarts[i + 1])] {
          candidates[Int(cursors[Int(k)])] = blockOffsets[i]
          cursors[Int(k)] += 1
        }
      }
    }
    self.templates = templates
    // The order of the sections is the order a decision reads them: the service lookup
    // right after the header, so a small policy's first cache line or two answer it.
    // Each statement's block offset: only its count is read (`statementCount`), since the
    // candidates hold the offsets they need.
    self.tables = PlanTables.build(services, candidateBounds, candidates, blockOffsets, blocks)
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

  /// Copies the sections into one block, each aligned to 8 bytes, after the header of
  /// offsets and counts.
  static func build(
    _ services: [UInt64], _ candidateBounds: [Int32], _ candidates: [Int32], _ blockOffsets: [Int32], _ blocks: [UInt8]
  ) -> PlanTables {
    var size = 4 * 2 * sectionCount
    var offsets: [Int] = []
    offsets.reserveCapacity(sectionCount)
    func place<T>(_ values: [T]) {
      let alignment = max(MemoryLayout<T>.alignment, 8)
      size = (size + alignment - 1) / alignment * alignment
      offsets.append(size)
      size += MemoryLayout<T>.stride * values.count
    }
    place(services)
    place(candidateBounds)
    place(candidates)
    place(blockOffsets)
    place(blocks)
    let base = UnsafeMutableRawPointer.allocate(byteCount: max(size, 1), alignment: 16)
    let header = base.bindMemory(to: Int32.self, capacity: 2 * sectionCount)
    func write<T>(_ values: [T], _ i: Int) {
      header[i] = Int32(offsets[i])
      header[sectionCount + i] = Int32(values.count)
      values.withUnsafeBytes { (base + offsets[i]).copyMemory(from: $0.baseAddress ?? UnsafeRawPointer(base), byteCount: $0.count) }
    }
    write(services, 0)
    write(candidateBounds, 1)
    write(candidates, 2)
    write(blockOffsets, 3)
    write(blocks, 4)
    return PlanTables(base: UnsafeRawPointer(base))
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
