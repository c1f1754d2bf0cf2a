import IAMPolicy

/// One request to decide: who, which action, on what, with which context.
public struct Request: Sendable {
  /// The fields, in one immutable object shared by copies.
  ///
  /// The evaluator hands a request to every layer and statement; a struct of ten
  /// reference-counted fields costs ten retains and releases per copy, this one.
  final class Storage: Sendable {
    let principal: Principal
    let action: String
    let resource: String
    let context: RequestContext
    /// The lowercased action's bytes, then the resource's: one buffer, so a decision
    /// touches one allocation for both (requests in a batch are cold in the cache).
    let bytes: [UInt8]
    let actionCount: Int
    let actionServiceHash: UInt64
    let isRoleTrustRequest: Bool
    let isKMSKeyRequest: Bool
    // What the evaluator asks of the principal on every decision, worked out once.
    let callerAccount: String?
    let isServiceOrAnonymous: Bool
    let isServiceLinkedRole: Bool
    let isRoot: Bool

    init(
      principal: Principal, action: String, resource: String, context: RequestContext, bytes: [UInt8],
      actionCount: Int, actionServiceHash: UInt64, isRoleTrustRequest: Bool, isKMSKeyRequest: Bool
    ) {
      self.principal = principal
      self.action = action
      self.resource = resource
      self.context = context
      self.bytes = bytes
      self.actionCount = actionCount
      self.actionServiceHash = actionServiceHash
      self.isRoleTrustRequest = isRoleTrustRequest
      self.isKMSKeyRequest = isKMSKeyRequest
      self.callerAccount = principal.account
      switch principal {
      case .service, .anonymous: isServiceOrAnonymous = true
      default: isServiceOrAnonymous = false
      }
      self.isServiceLinkedRole = principal.isServiceLinkedRole
      self.isRoot = principal.isRoot
    }

    /// A copy with some of the four given fields replaced; derived fields stay as they were.
    func with(
      principal: Principal? = nil, action: String? = nil, resource: String? = nil, context: RequestContext? = nil
    ) -> Storage {
      Storage(
        principal: principal ?? self.principal, action: action ?? self.action, resource: resource ?? self.resource,
        context: context ?? self.context, bytes: bytes, actionCount: actionCount,
        actionServiceHash: actionServiceHash, isRoleTrustRequest: isRoleTrustRequest, isKMSKeyRequest: isKMSKeyRequest)
    }
  }

  var storage: Storage

  init(storage: Storage) {
    self.storage = storage
  }

  public var principal: Principal {
    get { storage.principal }
    set { storage = storage.with(principal: newValue) }
  }
  public var action: String {
    get { storage.action }
    set { storage = storage.with(action: newValue) }
  }
  public var resource: String {
    get { storage.resource }
    set { storage = storage.with(resource: newValue) }
  }
  public var context: RequestContext {
    get { storage.context }
    set { storage = storage.with(context: newValue) }
  }
  /// Lowercased action bytes, computed once: actions match case-insensitively.
  public var actionKey: [UInt8] { Array(storage.bytes[..<storage.actionCount]) }
  public var resourceBytes: [UInt8] { Array(storage.bytes[storage.actionCount...]) }
  /// Hash of the service prefix, for skipping statements about other services.
  public var actionServiceHash: UInt64 { storage.actionServiceHash }
  /// Whether the request is `sts:AssumeRole` (or a sibling) on a role: then the resource
  /// policy is the role's trust policy, with its stricter rules.
  public var isRoleTrustRequest: Bool { storage.isRoleTrustRequest }
  /// KMS keys: the key policy must allow; IAM policies count only when it lets them.
  public var isKMSKeyRequest: Bool { storage.isKMSKeyRequest }

  /// Builds a request; keys AWS derives from the caller (`aws:PrincipalArn`,
  /// `aws:PrincipalAccount`, `aws:PrincipalType`, `aws:PrincipalIsAWSService`)
  /// are added unless the context already has them.
  public init(principal: Principal, action: String, resource: String, context: RequestContext = RequestContext()) {
    var context = context
    if let arn = principal.principalArn, !context.contains("aws:PrincipalArn") {
      context["aws:PrincipalArn"] = ContextValue(arn, type: .string)
    }
    if let account = principal.account, !context.contains("aws:PrincipalAccount") {
      context["aws:PrincipalAccount"] = ContextValue(account, type: .string)
    }
    if let type = principal.principalType, !context.contains("aws:PrincipalType") {
      context["aws:PrincipalType"] = ContextValue(type, type: .string)
    }
    if !context.contains("aws:PrincipalIsAWSService"), principal != .unspecified {
      var isService = false
      if case .service = principal { isService = true }
      context["aws:PrincipalIsAWSService"] = ContextValue(isService ? "true" : "false", type: .boolean)
    }
    let actionKey = Array(action.lowercased().utf8)
    let arn = resource.hasPrefix("arn:") ? ARN(resource) : nil
    var isRoleTrustRequest = false
    if let arn, arn.service == "iam", arn.resourceType == "role" {
      let a = action.lowercased()
      isRoleTrustRequest = a.hasPrefix("sts:assumerole") || a == "sts:tagsession" || a == "sts:setsourceidentity"
        || a == "sts:setcontext"
    }
    var bytes = actionKey
    bytes.append(contentsOf: resource.utf8)
    storage = Storage(
      principal: principal, action: action, resource: resource, context: context, bytes: bytes,
      actionCount: actionKey.count, actionServiceHash: PatternSet.serviceHash(ofAction: actionKey),
      isRoleTrustRequest: isRoleTrustRequest,
      isKMSKeyRequest: arn.map { $0.service == "kms" && $0.resourceType == "key" } ?? false)
  }
}
