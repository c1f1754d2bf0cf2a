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
    let arn = text
    var text = text
    return text.withUTF8 { b -> Principal? in
      guard b.count >= 9, b[0] == 0x61, b[1] == 0x72, b[2] == 0x6E, b[3] == 0x3A else { return nil }
      // The second, third, fourth and fifth colons; the first, second and last slash after them.
      var colons = (0, 0, 0, 0)
      var count = 0
      var slashes = 0
      var firstSlash = -1, secondSlash = -1, lastSlash = -1
      for i in 4..<b.count {
        let c = b[i]
        if c >= 0x80 || c == 0x0D { return nil }
        if count < 4 {
          if c == UInt8(ascii: ":") {
            switch count {
            case 0: colons.0 = i
            case 1: colons.1 = i
            case 2: colons.2 = i
            default: colons.3 = i
            }
            count += 1
          }
        } else if c == UInt8(ascii: "/") {
          if slashes == 0 { firstSlash = i } else if slashes == 1 { secondSlash = i }
          lastSlash = i
          slashes += 1
        }
      }
      guard count == 4 else { return nil }
      func field(_ from: Int, _ to: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: b[from..<to]), as: UTF8.self)
      }
      func equals(_ from: Int, _ to: Int, _ literal: StaticString) -> Bool {
        guard to - from == literal.utf8CodeUnitCount else { return false }
        let l = literal.utf8Start
        for i in 0..<(to - from) where b[from + i] != l[i] { return false }
        return true
      }
      let accountStart = colons.2 + 1, accountEnd = colons.3
      guard accountEnd - accountStart == 12 else { return nil }
      for i in accountStart..<accountEnd where b[i] < 0x30 || b[i] > 0x39 { return nil }
      let resource = colons.3 + 1
      let firstEnd = slashes == 0 ? b.count : firstSlash
      let isIAM = equals(colons.0 + 1, colons.1, "iam")
      let isSTS = !isIAM && equals(colons.0 + 1, colons.1, "sts")
      if isIAM && slashes == 0 && equals(resource, firstEnd, "root") {
        return .accountRoot(account: field(accountStart, accountEnd))
      }
      if isIAM && slashes >= 1 && lastSlash + 1 < b.count {
        if equals(resource, firstEnd, "user") {
          return .user(account: field(accountStart, accountEnd), name: field(lastSlash + 1, b.count), arn: arn)
        }
        if equals(resource, firstEnd, "role") {
          return .role(
            account: field(accountStart, accountEnd), name: field(lastSlash + 1, b.count),
            path: field(firstSlash, lastSlash + 1), arn: arn)
        }
      }
      if isSTS && slashes >= 2 && equals(resource, firstEnd, "assumed-role") {
        return .assumedRole(
          account: field(accountStart, accountEnd), role: field(firstSlash + 1, secondSlash),
          session: field(secondSlash + 1, b.count), arn: arn)
      }
      if isSTS && slashes >= 1 && equals(resource, firstEnd, "federated-user") {
        let nameEnd = slashes >= 2 ? secondSlash : b.count
        return .federatedUser(account: field(accountStart, accountEnd), name: field(firstSlash + 1, nameEnd), arn: arn)
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
