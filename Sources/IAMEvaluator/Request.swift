import IAMPolicy

/// One request to decide: who, which action, on what, with which context.
public struct Request: Sendable {
  public var principal: Principal
  public var action: String
  public var resource: String
  public var context: RequestContext
  /// Lowercased action bytes, computed once: actions match case-insensitively.
  public let actionKey: [UInt8]
  public let resourceBytes: [UInt8]
  /// Hash of the service prefix, for skipping statements about other services.
  public let actionServiceHash: UInt64
  /// Whether the request is `sts:AssumeRole` (or a sibling) on a role: then the resource
  /// policy is the role's trust policy, with its stricter rules.
  public let isRoleTrustRequest: Bool
  /// KMS keys: the key policy must allow; IAM policies count only when it lets them.
  public let isKMSKeyRequest: Bool

  /// Builds a request; keys AWS derives from the caller (`aws:PrincipalArn`,
  /// `aws:PrincipalAccount`, `aws:PrincipalType`, `aws:PrincipalIsAWSService`)
  /// are added unless the context already has them.
  public init(principal: Principal, action: String, resource: String, context: RequestContext = RequestContext()) {
    self.principal = principal
    self.action = action
    self.resource = resource
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
    self.context = context
    self.actionKey = Array(action.lowercased().utf8)
    self.resourceBytes = Array(resource.utf8)
    self.actionServiceHash = PatternSet.serviceHash(ofAction: actionKey)
    let arn = resource.hasPrefix("arn:") ? ARN(resource) : nil
    if let arn, arn.service == "iam", arn.resourceType == "role" {
      let a = action.lowercased()
      isRoleTrustRequest = a.hasPrefix("sts:assumerole") || a == "sts:tagsession" || a == "sts:setsourceidentity"
        || a == "sts:setcontext"
    } else {
      isRoleTrustRequest = false
    }
    isKMSKeyRequest = arn.map { $0.service == "kms" && $0.resourceType == "key" } ?? false
  }
}
