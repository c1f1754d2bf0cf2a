import IAMPolicy

/// The keys AWS derives from the caller, spelled, lowercased and hashed once.
enum DerivedKey {
  static let principalArn = RequestContext.KnownKey("aws:PrincipalArn")
  static let principalAccount = RequestContext.KnownKey("aws:PrincipalAccount")
  static let principalType = RequestContext.KnownKey("aws:PrincipalType")
  static let principalIsAWSService = RequestContext.KnownKey("aws:PrincipalIsAWSService")
  static let isServiceTrue = ContextValue("true", type: .boolean)
  static let isServiceFalse = ContextValue("false", type: .boolean)
}

/// One request to decide: who, which action, on what, with which context.
public struct Request: Sendable {
  /// The fields, in one immutable object shared by copies.
  ///
  /// The evaluator hands a request to every layer and statement; a struct of ten
  /// reference-counted fields costs ten retains and releases per copy, this one.
  /// In a batch each request is cold in the cache, so what every decision reads sits in
  /// this one allocation: after the header, the lowercased action's bytes, the resource's
  /// bytes, and the hash of each context key (entry `i` of `context.entries`), so a
  /// condition whose key the request lacks is answered without leaving it.
  // INVARIANT: the header and the elements are written only in `make`; the object is
  // immutable afterwards, so sharing it across threads is safe. The elements are raw
  // bytes counted in 8-byte words, so the key hashes are aligned.
  final class Storage: ManagedBuffer<Storage.Header, UInt64> {
    /// What a decision reads on every request comes first, in the object's first cache
    /// line, followed at once by the bytes; the rest sits in `rest`, read only for
    /// principals and conditions.
    struct Header {
      let actionCount: Int32
      let resourceCount: Int32
      /// Where the key hashes start (8-byte aligned) and how many there are.
      let hashesOffset: Int32
      let keyCount: Int32
      /// Bit `hash % 64` of every context key's hash: most conditions ask for keys the
      /// request lacks, and this answers them from the header's cache line.
      let keyMask: UInt64
      let actionServiceHash: UInt64
      let isRoleTrustRequest: Bool
      let isKMSKeyRequest: Bool
      // What the evaluator asks of the principal on every decision, worked out once.
      let isServiceOrAnonymous: Bool
      let isServiceLinkedRole: Bool
      let isRoot: Bool
      let callerAccount: String?
      let rest: Rest
    }

    final class Rest: Sendable {
      let principal: Principal
      let action: String
      let resource: String
      let context: RequestContext

      init(principal: Principal, action: String, resource: String, context: RequestContext) {
        self.principal = principal
        self.action = action
        self.resource = resource
        self.context = context
      }

      // Matched here, on the object's own field: read through a reference the
      // evaluator holds unretained, the principal was copied (its strings retained
      // and released) for every principal entry of every statement.
      func principalMatch(_ value: PrincipalPattern.Value) -> PrincipalMatch? { PrincipalMatcher.match(value, principal) }
      func isExempt(by value: PrincipalPattern.Value) -> Bool { PrincipalMatcher.exempts(value, principal) }
    }

    static func make(
      principal: Principal, action: String, resource: String, context: RequestContext, actionKey: [UInt8],
      actionServiceHash: UInt64, isRoleTrustRequest: Bool, isKMSKeyRequest: Bool
    ) -> Storage {
      let resourceCount = resource.utf8.count
      let hashesOffset = (actionKey.count + resourceCount + 7) & ~7
      let keyCount = context.entries.count
      let isServiceOrAnonymous: Bool
      switch principal {
      case .service, .anonymous: isServiceOrAnonymous = true
      default: isServiceOrAnonymous = false
      }
      let header = Header(
        actionCount: Int32(actionKey.count), resourceCount: Int32(resourceCount), hashesOffset: Int32(hashesOffset),
        keyCount: Int32(keyCount),
        keyMask: context.entries.reduce(0) { $0 | (1 as UInt64) << ($1.hash & 63) }, actionServiceHash: actionServiceHash, isRoleTrustRequest: isRoleTrustRequest,
        isKMSKeyRequest: isKMSKeyRequest, isServiceOrAnonymous: isServiceOrAnonymous,
        isServiceLinkedRole: principal.isServiceLinkedRole, isRoot: principal.isRoot, callerAccount: principal.account,
        rest: Rest(principal: principal, action: action, resource: resource, context: context))
      let buffer = Storage.create(minimumCapacity: (hashesOffset + 8 * keyCount + 7) / 8) { _ in header }
      let base = buffer.mutableTail
      if !actionKey.isEmpty { actionKey.withUnsafeBytes { base.copyMemory(from: $0.baseAddress!, byteCount: $0.count) } }
      var resourceText = resource
      resourceText.withUTF8 { bytes in
        if let start = bytes.baseAddress, bytes.count > 0 {
          (base + actionKey.count).copyMemory(from: start, byteCount: bytes.count)
        }
      }
      for (i, entry) in context.entries.enumerated() {
        base.storeBytes(of: entry.hash, toByteOffset: hashesOffset + 8 * i, as: UInt64.self)
      }
      return unsafeDowncast(buffer, to: Storage.self)
    }

    var principal: Principal { fields.pointee.rest.principal }
    var action: String { fields.pointee.rest.action }
    var resource: String { fields.pointee.rest.resource }
    var context: RequestContext { fields.pointee.rest.context }
    var actionCount: Int { Int(fields.pointee.actionCount) }
    var actionServiceHash: UInt64 { fields.pointee.actionServiceHash }
    var isRoleTrustRequest: Bool { fields.pointee.isRoleTrustRequest }
    var isKMSKeyRequest: Bool { fields.pointee.isKMSKeyRequest }
    var callerAccount: String? { fields.pointee.callerAccount }
    var isServiceOrAnonymous: Bool { fields.pointee.isServiceOrAnonymous }
    var isServiceLinkedRole: Bool { fields.pointee.isServiceLinkedRole }
    var isRoot: Bool { fields.pointee.isRoot }

    /// The lowercased action's bytes and the resource's, read in place.
    @inline(__always)
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> R) -> R {
      let actionCount = Int(fields.pointee.actionCount)
      let resourceCount = Int(fields.pointee.resourceCount)
      let base = tail.assumingMemoryBound(to: UInt8.self)
      return body(
        UnsafeBufferPointer(start: base, count: actionCount),
        UnsafeBufferPointer(start: base + actionCount, count: resourceCount))
    }

    /// The context's value for a lowercased key with a known hash: the hashes in this
    /// object are searched first, and the entry itself is read only when one agrees.
    @inline(__always)
    func contextValue(lowercased key: String, hash: UInt64) -> ContextValue? {
      if fields.pointee.keyMask & ((1 as UInt64) << (hash & 63)) == 0 { return nil }
      let offset = Int(fields.pointee.hashesOffset)
      let count = Int(fields.pointee.keyCount)
      let base = tail
      guard let index = (0..<count).first(where: { base.load(fromByteOffset: offset + 8 * $0, as: UInt64.self) == hash })
      else { return nil }
      let context = fields.pointee.rest.context
      if context.entries[index].lowercasedName == key { return context.entries[index].value }
      // Two keys with one hash: the context's own search settles it.
      return context.value(lowercased: key, hash: hash)
    }

    /// A copy with another principal or context; what is derived from the action and
    /// resource stays, and the principal's facts are worked out again.
    func with(principal: Principal? = nil, context: RequestContext? = nil) -> Storage {
      let actionKey = withBytes { action, _ in Array(action) }
      return Storage.make(
        principal: principal ?? self.principal, action: action, resource: resource,
        context: context ?? self.context, actionKey: actionKey, actionServiceHash: actionServiceHash,
        isRoleTrustRequest: isRoleTrustRequest, isKMSKeyRequest: isKMSKeyRequest)
    }
  }

  // ManagedBuffer is not Sendable, so the compiler cannot see what `Storage`'s invariant
  // says: it is immutable once made.
  nonisolated(unsafe) var storage: Storage

  init(storage: Storage) {
    self.storage = storage
  }

  public var principal: Principal {
    get { storage.principal }
    set { storage = storage.with(principal: newValue) }
  }
  /// Setting the action or resource builds the request anew: what is derived from them
  /// (the bytes the evaluator matches, trust- and key-policy requests) changes with them.
  public var action: String {
    get { storage.action }
    set { self = Request(principal: principal, action: newValue, resource: resource, context: context) }
  }
  public var resource: String {
    get { storage.resource }
    set { self = Request(principal: principal, action: action, resource: newValue, context: context) }
  }
  public var context: RequestContext {
    get { storage.context }
    set { storage = storage.with(context: newValue) }
  }
  /// Lowercased action bytes, computed once: actions match case-insensitively.
  public var actionKey: [UInt8] { storage.withBytes { action, _ in Array(action) } }
  public var resourceBytes: [UInt8] { storage.withBytes { _, resource in Array(resource) } }
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
    self.init(
      principal: principal, derived: Request.derivedEntries(of: principal), action: action, resource: resource,
      context: context)
  }

  /// The context keys AWS sets from the caller (`aws:PrincipalArn`, `aws:PrincipalAccount`,
  /// `aws:PrincipalType`, `aws:PrincipalIsAWSService`), as entries a request adds unless
  /// its context has them. Made once per caller by a batch (`init(principal:derived:...)`):
  /// per request they were four new values and an ARN spelled out again.
  package static func derivedEntries(of principal: Principal) -> [RequestContext.Entry] {
    guard principal != .unspecified else { return [] }
    var out: [RequestContext.Entry] = []
    out.reserveCapacity(4)
    func add(_ key: RequestContext.KnownKey, _ value: ContextValue) {
      out.append(RequestContext.Entry(name: key.name, lowercasedName: key.lowercasedName, hash: key.hash, value: value))
    }
    if let arn = principal.principalArn { add(DerivedKey.principalArn, ContextValue(arn, type: .string)) }
    if let account = principal.account { add(DerivedKey.principalAccount, ContextValue(account, type: .string)) }
    if let type = principal.principalType { add(DerivedKey.principalType, ContextValue(type, type: .string)) }
    var isService = false
    if case .service = principal { isService = true }
    add(DerivedKey.principalIsAWSService, isService ? DerivedKey.isServiceTrue : DerivedKey.isServiceFalse)
    return out
  }

  /// `init(principal:action:resource:context:)` with the caller's derived entries made
  /// already; `derived` must be `Request.derivedEntries(of: principal)`.
  package init(
    principal: Principal, derived: [RequestContext.Entry], action: String, resource: String, context: RequestContext
  ) {
    var context = context
    if !derived.isEmpty {
      context.reserveCapacity(context.entries.count + derived.count)
      for entry in derived { context.addIfAbsent(entry) }
    }
    // Lowercased in place when ASCII (action names are), without an intermediate string.
    var actionKey = Array(action.utf8)
    if actionKey.allSatisfy({ $0 < 0x80 }) {
      for i in actionKey.indices where actionKey[i] >= 0x41 && actionKey[i] <= 0x5A { actionKey[i] += 0x20 }
    } else {
      actionKey = Array(action.lowercased().utf8)
    }
    let kind = Request.resourceKind(resource)
    var isRoleTrustRequest = false
    if kind.isRole {
      let a = actionKey
      isRoleTrustRequest = a.starts(with: "sts:assumerole".utf8) || a.elementsEqual("sts:tagsession".utf8)
        || a.elementsEqual("sts:setsourceidentity".utf8) || a.elementsEqual("sts:setcontext".utf8)
    }
    storage = Storage.make(
      principal: principal, action: action, resource: resource, context: context, actionKey: actionKey,
      actionServiceHash: PatternSet.serviceHash(ofAction: actionKey), isRoleTrustRequest: isRoleTrustRequest,
      isKMSKeyRequest: kind.isKMSKey)
  }

  /// Whether the resource is an IAM role (its policy is then a trust policy) or a KMS key,
  /// read from the ARN's bytes without splitting it into strings.
  static func resourceKind(_ resource: String) -> (isRole: Bool, isKMSKey: Bool) {
    var text = resource
    return text.withUTF8 { b in
      // Text that is no ARN over bytes is none over Characters either.
      guard let arn = ARNBytes(b) else { return (false, false) }
      // Non-ASCII text (and CR, which joins LF into one character) goes the general way.
      guard ARNBytes.isPlainASCII(b) else {
        guard let arn = ARN(resource) else { return (false, false) }
        return (
          arn.service == "iam" && arn.resourceType == "role", arn.service == "kms" && arn.resourceType == "key"
        )
      }
      let type = arn.resourceType
      return (
        arn.isText(arn.service, "iam") && arn.isText(type, "role"), arn.isText(arn.service, "kms") && arn.isText(type, "key")
      )
    }
  }

}
