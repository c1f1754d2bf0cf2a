import IAMPolicy

/// Every policy in play for a request, by the role it plays in AWS's evaluation.
///
/// The fields live in one immutable object shared by copies: the evaluator gets a copy
/// per decision, and copying seven arrays and strings cost seven retains and releases on
/// objects that are cold in a batch. The object also keeps every policy's plan view in
/// one flat buffer (the layers in evaluation order), so a decision reaches all its plans
/// through one or two cache lines instead of one `Policy` element per policy.
/// Setting a property builds a new object (copy on write); the value semantics are unchanged.
public struct ApplicablePolicies: Sendable {
  /// A policy's plan as the evaluator reads it: the tables, and the plan for statements'
  /// principals, conditions and templates. Kept alive by the storage's `Policy` arrays.
  struct PlanRef {
    let tables: PlanTables
    let plan: Unmanaged<PolicyPlan>
    /// For naming matched statements without reading the `Policy`.
    let origin: Unmanaged<PolicyOrigin>
  }

  // INVARIANT: the header and the elements are written only in `make`; the plan views
  // point at plans the header's policy arrays keep alive. Immutable afterwards, so
  // sharing it across threads is safe. The elements are raw memory counted in 8-byte
  // words, so the plan views are aligned.
  /// What a decision reads sits in this one allocation: a header of counts, then every
  /// policy's plan view and the segment bounds. The policy arrays themselves are read
  /// only to name matched statements.
  final class Storage: ManagedBuffer<Storage.Header, UInt64> {
    struct Header {
      let hasServiceControl: Bool
      let hasResourceControl: Bool
      let hasBoundary: Bool
      let serviceControlCount: Int32
      let resourceControlCount: Int32
      /// Every policy's plan: the SCP levels, the RCP levels, then the resource, identity,
      /// boundary and session layers. Segment `i` is `refs[bounds[i]..<bounds[i + 1]]`;
      /// the bounds follow the plan views in the elements.
      let refCount: Int32
      let boundsCount: Int32
      let resourceOwner: String?
      let policies: Policies
    }

    /// The policies by layer, as the API gives them.
    final class Policies: Sendable {
      let identity: [Policy]
      let resource: [Policy]
      let permissionsBoundary: [Policy]
      let session: [Policy]
      let serviceControlLevels: [[Policy]]?
      let resourceControlLevels: [[Policy]]?

      init(
        identity: [Policy], resource: [Policy], permissionsBoundary: [Policy], session: [Policy],
        serviceControlLevels: [[Policy]]?, resourceControlLevels: [[Policy]]?
      ) {
        self.identity = identity
        self.resource = resource
        self.permissionsBoundary = permissionsBoundary
        self.session = session
        self.serviceControlLevels = serviceControlLevels
        self.resourceControlLevels = resourceControlLevels
      }
    }

    static func make(
      identity: [Policy], resource: [Policy], permissionsBoundary: [Policy], session: [Policy],
      serviceControlLevels: [[Policy]]?, resourceControlLevels: [[Policy]]?, resourceOwner: String?
    ) -> Storage {
      let scp = serviceControlLevels ?? []
      let rcp = resourceControlLevels ?? []
      var total = resource.count + identity.count + permissionsBoundary.count + session.count
      for level in scp { total += level.count }
      for level in rcp { total += level.count }
      let boundsCount = scp.count + rcp.count + 5
      let header = Header(
        hasServiceControl: serviceControlLevels != nil, hasResourceControl: resourceControlLevels != nil,
        hasBoundary: !permissionsBoundary.isEmpty, serviceControlCount: Int32(scp.count),
        resourceControlCount: Int32(rcp.count), refCount: Int32(total), boundsCount: Int32(boundsCount),
        resourceOwner: resourceOwner,
        policies: Policies(
          identity: identity, resource: resource, permissionsBoundary: permissionsBoundary, session: session,
          serviceControlLevels: serviceControlLevels, resourceControlLevels: resourceControlLevels))
      let size = MemoryLayout<PlanRef>.stride * total + MemoryLayout<Int32>.stride * boundsCount
      let buffer = Storage.create(minimumCapacity: (size + 7) / 8) { _ in header }
      // Filled in place, without intermediate arrays.
      do {
        let raw = buffer.mutableTail
        let refs = raw.bindMemory(to: PlanRef.self, capacity: total)
        let bounds = (raw + MemoryLayout<PlanRef>.stride * total).bindMemory(to: Int32.self, capacity: boundsCount)
        var n = 0
        var segment = 0
        bounds[0] = 0
        func add(_ list: [Policy]) {
          for policy in list {
            (refs + n).initialize(to: PlanRef(
                tables: policy.tables, plan: Unmanaged.passUnretained(policy.plan),
                origin: Unmanaged.passUnretained(policy.origin)))
            n += 1
          }
          segment += 1
          bounds[segment] = Int32(n)
        }
        for level in scp { add(level) }
        for level in rcp { add(level) }
        add(resource)
        add(identity)
        add(permissionsBoundary)
        add(session)
      }
      return unsafeDowncast(buffer, to: Storage.self)
    }

    var identity: [Policy] { fields.pointee.policies.identity }
    var resource: [Policy] { fields.pointee.policies.resource }
    var permissionsBoundary: [Policy] { fields.pointee.policies.permissionsBoundary }
    var session: [Policy] { fields.pointee.policies.session }
    var serviceControlLevels: [[Policy]]? { fields.pointee.policies.serviceControlLevels }
    var resourceControlLevels: [[Policy]]? { fields.pointee.policies.resourceControlLevels }
    var resourceOwner: String? { fields.pointee.resourceOwner }
    var hasServiceControl: Bool { fields.pointee.hasServiceControl }
    var hasResourceControl: Bool { fields.pointee.hasResourceControl }
    var hasBoundary: Bool { fields.pointee.hasBoundary }
    var serviceControlCount: Int { Int(fields.pointee.serviceControlCount) }
    var resourceControlCount: Int { Int(fields.pointee.resourceControlCount) }

    func with(
      identity: [Policy]? = nil, resource: [Policy]? = nil, permissionsBoundary: [Policy]? = nil,
      session: [Policy]? = nil, serviceControlLevels: [[Policy]]?? = nil, resourceControlLevels: [[Policy]]?? = nil,
      resourceOwner: String?? = nil
    ) -> Storage {
      Storage.make(
        identity: identity ?? self.identity, resource: resource ?? self.resource,
        permissionsBoundary: permissionsBoundary ?? self.permissionsBoundary, session: session ?? self.session,
        serviceControlLevels: serviceControlLevels ?? self.serviceControlLevels,
        resourceControlLevels: resourceControlLevels ?? self.resourceControlLevels,
        resourceOwner: resourceOwner ?? self.resourceOwner)
    }

    /// The answer's reference to an applying statement, from the plan views alone: the
    /// policy arrays (and the `Policy` values in them) stay untouched.
    func statementRef(_ hit: Hit) -> StatementRef {
      StatementRef(
        policies: self, segment: segmentIndex(hit.layer, level: Int(hit.level)), policyIndex: Int(hit.policy),
        position: Int(hit.statement), layer: hit.layer.layer(level: Int(hit.level)))
    }

    /// Every policy's plan.
    @inline(__always)
    var allPlans: UnsafeBufferPointer<PlanRef> {
      let count = Int(fields.pointee.refCount)
      return UnsafeBufferPointer(start: tail.assumingMemoryBound(to: PlanRef.self), count: count)
    }

    /// The plans of segment `i` (see `Header.refCount`).
    @inline(__always)
    func segment(_ i: Int) -> UnsafeBufferPointer<PlanRef> {
      let count = Int(fields.pointee.refCount)
      let refs = tail.assumingMemoryBound(to: PlanRef.self)
      let bounds = (tail + MemoryLayout<PlanRef>.stride * count).assumingMemoryBound(to: Int32.self)
      let start = Int(bounds[i])
      return UnsafeBufferPointer(start: refs + start, count: Int(bounds[i + 1]) - start)
    }

    /// The segment of a layer.
    @inline(__always)
    func segmentIndex(_ code: LayerCode, level: Int) -> Int {
      switch code {
      case .serviceControl: level
      case .resourceControl: serviceControlCount + level
      case .resource: serviceControlCount + resourceControlCount
      case .identity: serviceControlCount + resourceControlCount + 1
      case .permissionsBoundary: serviceControlCount + resourceControlCount + 2
      case .session: serviceControlCount + resourceControlCount + 3
      }
    }
  }

  // ManagedBuffer is not Sendable; `Storage` is immutable once made.
  nonisolated(unsafe) var storage: Storage

  init(storage: Storage) {
    self.storage = storage
  }

  /// The caller's identity-based policies (inline and managed, user's and groups').
  public var identity: [Policy] {
    get { storage.identity }
    set { storage = storage.with(identity: newValue) }
  }
  /// Resource-based policies of the resource (bucket policy, trust policy, key policy).
  public var resource: [Policy] {
    get { storage.resource }
    set { storage = storage.with(resource: newValue) }
  }
  /// The caller's permissions boundary; AWS allows at most one.
  public var permissionsBoundary: [Policy] {
    get { storage.permissionsBoundary }
    set { storage = storage.with(permissionsBoundary: newValue) }
  }
  /// Session policies passed when the role session was created.
  public var session: [Policy] {
    get { storage.session }
    set { storage = storage.with(session: newValue) }
  }
  /// SCP levels from the root down to the account; nil when there is no organization.
  public var serviceControlLevels: [[Policy]]? {
    get { storage.serviceControlLevels }
    set { storage = storage.with(serviceControlLevels: .some(newValue)) }
  }
  /// RCP levels of the resource's organization; nil when there are none.
  public var resourceControlLevels: [[Policy]]? {
    get { storage.resourceControlLevels }
    set { storage = storage.with(resourceControlLevels: .some(newValue)) }
  }
  /// The account that owns the resource; nil means the caller's own account.
  public var resourceOwner: String? {
    get { storage.resourceOwner }
    set { storage = storage.with(resourceOwner: .some(newValue)) }
  }

  public init(
    identity: [Policy] = [], resource: [Policy] = [], permissionsBoundary: [Policy] = [], session: [Policy] = [],
    serviceControlLevels: [[Policy]]? = nil, resourceControlLevels: [[Policy]]? = nil, resourceOwner: String? = nil
  ) {
    storage = Storage.make(
      identity: identity, resource: resource, permissionsBoundary: permissionsBoundary, session: session,
      serviceControlLevels: serviceControlLevels, resourceControlLevels: resourceControlLevels,
      resourceOwner: resourceOwner)
  }

  /// The policies of one layer.
  public func policies(in layer: PolicyLayer) -> [Policy] {
    switch layer {
    case .identity: identity
    case .resource: resource
    case .permissionsBoundary: permissionsBoundary
    case .session: session
    case .serviceControl(let level): serviceControlLevels.flatMap { level < $0.count ? $0[level] : nil } ?? []
    case .resourceControl(let level): resourceControlLevels.flatMap { level < $0.count ? $0[level] : nil } ?? []
    }
  }
}

/// Where a policy sits in the evaluation.
public enum PolicyLayer: Sendable, Hashable, CustomStringConvertible {
  case serviceControl(level: Int)
  case resourceControl(level: Int)
  case resource
  case identity
  case permissionsBoundary
  case session

  public var description: String {
    switch self {
    case .serviceControl(let l): "service control policies (level \(l + 1))"
    case .resourceControl(let l): "resource control policies (level \(l + 1))"
    case .resource: "resource-based policy"
    case .identity: "identity-based policies"
    case .permissionsBoundary: "permissions boundary"
    case .session: "session policy"
    }
  }
}
