import IAMPolicy

/// Who makes a request: the caller whose identity policies apply and whom a
/// resource policy's `Principal` must name.
public enum Principal: Sendable, Hashable {
  /// `arn:aws:iam::ACCOUNT:root`: full access in its own account, still bound by SCPs.
  case accountRoot(account: String)
  case user(account: String, name: String, arn: String)
  /// A role ARN given as the caller: treated as a session of that role.
  case role(account: String, name: String, path: String, arn: String)
  /// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`.
  case assumedRole(account: String, role: String, session: String, arn: String)
  case federatedUser(account: String, name: String, arn: String)
  /// An AWS service such as `ec2.amazonaws.com`.
  case service(String)
  case anonymous
  /// No caller was given: identity policies still apply; only `"*"` names it.
  case unspecified

  /// Reads a caller ARN, a service principal or `*`/`anonymous`; nil when it is none of these.
  public init?(_ text: String) {
    if text == "*" || text == "anonymous" {
      self = .anonymous
      return
    }
    if !text.hasPrefix("arn:") {
      guard text.contains("."), !text.contains(" "), !text.contains("/") else { return nil }
      self = .service(text.lowercased())
      return
    }
    guard let arn = ARN(text), Principal.isAccountID(arn.account) else { return nil }
    let parts = Principal.pathParts(arn.resource)
    switch (arn.service, parts.first ?? "") {
    case ("iam", "root") where parts.count == 1:
      self = .accountRoot(account: arn.account)
    case ("iam", "user") where parts.count >= 2 && !(parts.last ?? "").isEmpty:
      self = .user(account: arn.account, name: parts.last ?? "", arn: text)
    case ("iam", "role") where parts.count >= 2 && !(parts.last ?? "").isEmpty:
      let path = "/" + parts.dropFirst().dropLast().map { $0 + "/" }.joined()
      self = .role(account: arn.account, name: parts.last ?? "", path: path, arn: text)
    case ("sts", "assumed-role") where parts.count >= 3:
      self = .assumedRole(account: arn.account, role: parts[1], session: parts[2...].joined(separator: "/"), arn: text)
    case ("sts", "federated-user") where parts.count >= 2:
      self = .federatedUser(account: arn.account, name: parts[1], arn: text)
    default:
      return nil
    }
  }

  /// The resource part split at `/`. ASCII text (every real ARN) is split over its
  /// bytes, which gives the same parts as splitting characters, without the cost of
  /// grapheme breaking.
  static func pathParts(_ resource: String) -> [String] {
    var text = resource
    let parts: [String]? = text.withUTF8 { b in
      var parts: [String] = []
      var start = 0
      for i in b.indices {
        let c = b[i]
        if c >= 0x80 || c == 0x0D { return nil }
        if c == UInt8(ascii: "/") {
          parts.append(String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self))
          start = i + 1
        }
      }
      parts.append(String(decoding: UnsafeBufferPointer(rebasing: b[start...]), as: UTF8.self))
      return parts
    }
    return parts ?? resource.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
  }

  /// Twelve numerals (as characters: `isNumber`, as it always was); ASCII digits are
  /// checked over bytes first, since that is every real account ID.
  static func isAccountID(_ text: String) -> Bool {
    let utf8 = text.utf8
    if utf8.count == 12 && utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return true }
    return text.count == 12 && text.allSatisfy(\.isNumber)
  }

  /// The account the caller belongs to; services and anonymous callers have none.
  public var account: String? {
    switch self {
    case .accountRoot(let a), .user(let a, _, _), .role(let a, _, _, _), .assumedRole(let a, _, _, _),
      .federatedUser(let a, _, _):
      a
    case .service, .anonymous, .unspecified: nil
    }
  }

  /// The ARN or name as given.
  public var arn: String {
    switch self {
    case .accountRoot(let a): "arn:aws:iam::\(a):root"
    case .user(_, _, let arn), .role(_, _, _, let arn), .assumedRole(_, _, _, let arn), .federatedUser(_, _, let arn):
      arn
    case .service(let s): s
    case .anonymous: "*"
    case .unspecified: ""
    }
  }

  /// `aws:PrincipalArn`: for a role session it is the role's ARN, not the session's
  /// (IAM User Guide, "AWS global condition context keys").
  public var principalArn: String? {
    switch self {
    case .assumedRole(let a, let role, _, _): "arn:aws:iam::\(a):role/\(role)"
    case .service, .anonymous, .unspecified: nil
    default: arn
    }
  }

  /// `aws:PrincipalType`.
  public var principalType: String? {
    switch self {
    case .accountRoot: "Account"
    case .user: "User"
    case .role, .assumedRole: "AssumedRole"
    case .federatedUser: "FederatedUser"
    case .anonymous: "Anonymous"
    case .service, .unspecified: nil
    }
  }

  /// Service-linked roles (path `/aws-service-role/`) are outside SCPs and RCPs.
  public var isServiceLinkedRole: Bool {
    if case .role(_, _, let path, _) = self { return path.hasPrefix("/aws-service-role/") }
    return false
  }

  public var isRoot: Bool {
    if case .accountRoot = self { return true }
    return false
  }

  /// A short name for explanations: `user/alice`, `role/Admin (session ci)`, `ec2.amazonaws.com`.
  public var displayName: String {
    switch self {
    case .accountRoot(let a): "the root user of \(a)"
    case .user(_, let n, _): "user \(n)"
    case .role(_, let n, _, _): "role \(n)"
    case .assumedRole(_, let r, let s, _): "role \(r) (session \(s))"
    case .federatedUser(_, let n, _): "federated user \(n)"
    case .service(let s): "the service \(s)"
    case .anonymous: "an anonymous caller"
    case .unspecified: "the caller"
    }
  }
}
