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
  }

  // INVARIANT: every field is written only in `init`; `refs` and `bounds` are freed only in
  // `deinit`, and point at plans the policy arrays keep alive (hence `@unchecked Sendable`).
  final class Storage: @unchecked Sendable {
    let identity: [Policy]
    let resource: [Policy]
    let permissionsBoundary: [Policy]
    let session: [Policy]
    let serviceControlLevels: [[Policy]]?
    let resourceControlLevels: [[Policy]]?
    let resourceOwner: String?
    let hasServiceControl: Bool
    let hasResourceControl: Bool
    let serviceControlCount: Int
    let resourceControlCount: Int
    /// Every policy's plan: the SCP levels, the RCP levels, then the resource, identity,
    /// boundary and session layers. Segment `i` is `refs[bounds[i]..<bounds[i + 1]]`.
    let refs: UnsafeMutableBufferPointer<PlanRef>
    let bounds: UnsafeMutableBufferPointer<Int32>

    init(
      identity: [Policy], resource: [Policy], permissionsBoundary: [Policy], session: [Policy],
      serviceControlLevels: [[Policy]]?, resourceControlLevels: [[Policy]]?, resourceOwner: String?
    ) {
      self.identity = identity
      self.resource = resource
      self.permissionsBoundary = permissionsBoundary
      self.session = session
      self.serviceControlLevels = serviceControlLevels
      self.resourceControlLevels = resourceControlLevels
      self.resourceOwner = resourceOwner
      hasServiceControl = serviceControlLevels != nil
      hasResourceControl = resourceControlLevels != nil
      serviceControlCount = serviceControlLevels?.count ?? 0
      resourceControlCount = resourceControlLevels?.count ?? 0
      // Filled in place, without intermediate arrays: the simulator builds one of these per request.
      let scp = serviceControlLevels ?? []
      let rcp = resourceControlLevels ?? []
      var total = resource.count + identity.count + permissionsBoundary.count + session.count
      for level in scp { total += level.count }
      for level in rcp { total += level.count }
      let refs = UnsafeMutableBufferPointer<PlanRef>.allocate(capacity: max(total, 1))
      let bounds = UnsafeMutableBufferPointer<Int32>.allocate(capacity: scp.count + rcp.count + 5)
      var n = 0
      var segment = 0
      bounds[0] = 0
      func add(_ list: [Policy]) {
        for policy in list {
          (refs.baseAddress! + n).initialize(to: PlanRef(tables: policy.tables, plan: Unmanaged.passUnretained(policy.plan)))
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
      self.refs = refs
      self.bounds = bounds
    }

    deinit {
      refs.deallocate()
      bounds.deallocate()
    }

    func with(
      identity: [Policy]? = nil, resource: [Policy]? = nil, permissionsBoundary: [Policy]? = nil,
      session: [Policy]? = nil, serviceControlLevels: [[Policy]]?? = nil, resourceControlLevels: [[Policy]]?? = nil,
      resourceOwner: String?? = nil
    ) -> Storage {
      Storage(
        identity: identity ?? self.identity, resource: resource ?? self.resource,
        permissionsBoundary: permissionsBoundary ?? self.permissionsBoundary, session: session ?? self.session,
        serviceControlLevels: serviceControlLevels ?? self.serviceControlLevels,
        resourceControlLevels: resourceControlLevels ?? self.resourceControlLevels,
        resourceOwner: resourceOwner ?? self.resourceOwner)
    }

    /// The answer's reference to an applying statement. The fields are read in place:
    /// copying the `Policy` would retain all of its fields, not only those the reference keeps.
    func statementRef(_ hit: Hit) -> StatementRef {
      switch hit.layer {
      case .serviceControl: Storage.ref(serviceControlLevels?[Int(hit.level)] ?? [], hit)
      case .resourceControl: Storage.ref(resourceControlLevels?[Int(hit.level)] ?? [], hit)
      case .resource: Storage.ref(resource, hit)
      case .identity: Storage.ref(identity, hit)
      case .permissionsBoundary: Storage.ref(permissionsBoundary, hit)
      case .session: Storage.ref(session, hit)
      }
    }

    @inline(__always)
    static func ref(_ list: [Policy], _ hit: Hit) -> StatementRef {
      list.withUnsafeBufferPointer { policies in
        let policy = policies.baseAddress! + Int(hit.policy)
        return StatementRef(
          origin: policy.pointee.origin, statement: policy.pointee.statements[Int(hit.statement)],
          layer: hit.layer.layer(level: Int(hit.level)))
      }
    }

    /// Every policy's plan (`refs` may have a spare slot: it is never empty).
    var allPlans: UnsafeBufferPointer<PlanRef> {
      UnsafeBufferPointer(rebasing: refs[0..<Int(bounds[bounds.count - 1])])
    }

    /// The plans of segment `i` (see `refs`).
    @inline(__always)
    func segment(_ i: Int) -> UnsafeBufferPointer<PlanRef> {
      UnsafeBufferPointer(rebasing: refs[Int(bounds[i])..<Int(bounds[i + 1])])
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

  var storage: Storage

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
    storage = Storage(
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
