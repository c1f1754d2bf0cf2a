import IAMPolicy

/// Every policy in play for a request, by the role it plays in AWS's evaluation.
public struct ApplicablePolicies: Sendable {
  /// The caller's identity-based policies (inline and managed, user's and groups').
  public var identity: [Policy]
  /// Resource-based policies of the resource (bucket policy, trust policy, key policy).
  public var resource: [Policy]
  /// The caller's permissions boundary; AWS allows at most one.
  public var permissionsBoundary: [Policy]
  /// Session policies passed when the role session was created.
  public var session: [Policy]
  /// SCP levels from the root down to the account; nil when there is no organization.
  public var serviceControlLevels: [[Policy]]?
  /// RCP levels of the resource's organization; nil when there are none.
  public var resourceControlLevels: [[Policy]]?
  /// The account that owns the resource; nil means the caller's own account.
  public var resourceOwner: String?

  public init(
    identity: [Policy] = [], resource: [Policy] = [], permissionsBoundary: [Policy] = [], session: [Policy] = [],
    serviceControlLevels: [[Policy]]? = nil, resourceControlLevels: [[Policy]]? = nil, resourceOwner: String? = nil
  ) {
    self.identity = identity
    self.resource = resource
    self.permissionsBoundary = permissionsBoundary
    self.session = session
    self.serviceControlLevels = serviceControlLevels
    self.resourceControlLevels = resourceControlLevels
    self.resourceOwner = resourceOwner
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
