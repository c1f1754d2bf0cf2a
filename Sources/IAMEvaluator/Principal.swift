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
    guard let principal = Principal.fromASCIIARN(text) ?? Principal.readGenerally(text) else { return nil }
    self = principal
  }

  /// `init?`'s reading of an ARN over characters and split strings: the definition
  /// the byte reading (`fromASCIIARN`) must agree with.
  static func readGenerally(_ text: String) -> Principal? {
    guard let arn = ARN(text), Principal.isAccountID(arn.account) else { return nil }
    let parts = Principal.pathParts(arn.resource)
    switch (arn.service, parts.first ?? "") {
    case ("iam", "root") where parts.count == 1:
      return .accountRoot(account: arn.account)
    case ("iam", "user") where parts.count >= 2 && !(parts.last ?? "").isEmpty:
      return .user(account: arn.account, name: parts.last ?? "", arn: text)
    case ("iam", "role") where parts.count >= 2 && !(parts.last ?? "").isEmpty:
      let path = "/" + parts.dropFirst().dropLast().map { $0 + "/" }.joined()
      return .role(account: arn.account, name: parts.last ?? "", path: path, arn: text)
    case ("sts", "assumed-role") where parts.count >= 3:
      return .assumedRole(account: arn.account, role: parts[1], session: parts[2...].joined(separator: "/"), arn: text)
    case ("sts", "federated-user") where parts.count >= 2:
      return .federatedUser(account: arn.account, name: parts[1], arn: text)
    default:
      return nil
    }
  }

  /// The caller ARNs `init?` takes, read over the bytes of ASCII text with one string
  /// made per field kept (a batch reads thousands of callers); nil for anything else,
  /// which the general reading then decides, so both always agree.
  static func fromASCIIARN(_ text: String) -> Principal? {
    let whole = text
    var text = text
    return text.withUTF8 { b -> Principal? in
      guard let arn = ARNBytes(b), ARNBytes.isPlainASCII(b) else { return nil }
      let account = arn.account
      guard account.count == 12, !account.contains(where: { b[$0] < 0x30 || b[$0] > 0x39 }) else { return nil }
      // The resource's first, second and last slash, as `pathParts` splits it.
      var slashes = 0
      var firstSlash = -1, secondSlash = -1, lastSlash = -1
      for i in arn.resource where b[i] == UInt8(ascii: "/") {
        if slashes == 0 { firstSlash = i } else if slashes == 1 { secondSlash = i }
        lastSlash = i
        slashes += 1
      }
      let resource = arn.resource.lowerBound
      let first = resource..<(slashes == 0 ? b.count : firstSlash)
      let isIAM = arn.isText(arn.service, "iam")
      let isSTS = !isIAM && arn.isText(arn.service, "sts")
      if isIAM && slashes == 0 && arn.isText(first, "root") { return .accountRoot(account: arn.string(account)) }
      if isIAM && slashes >= 1 && lastSlash + 1 < b.count {
        if arn.isText(first, "user") {
          return .user(account: arn.string(account), name: arn.string((lastSlash + 1)..<b.count), arn: whole)
        }
        if arn.isText(first, "role") {
          return .role(
            account: arn.string(account), name: arn.string((lastSlash + 1)..<b.count),
            path: arn.string(firstSlash..<(lastSlash + 1)), arn: whole)
        }
      }
      if isSTS && slashes >= 2 && arn.isText(first, "assumed-role") {
        return .assumedRole(
          account: arn.string(account), role: arn.string((firstSlash + 1)..<secondSlash),
          session: arn.string((secondSlash + 1)..<b.count), arn: whole)
      }
      if isSTS && slashes >= 1 && arn.isText(first, "federated-user") {
        let nameEnd = slashes >= 2 ? secondSlash : b.count
        return .federatedUser(account: arn.string(account), name: arn.string((firstSlash + 1)..<nameEnd), arn: whole)
      }
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
