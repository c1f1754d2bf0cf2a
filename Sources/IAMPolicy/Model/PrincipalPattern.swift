/// One principal named in a `Principal` or `NotPrincipal` element.
public struct PrincipalPattern: Sendable, Equatable {
  public enum Value: Sendable, Hashable {
    /// `"*"` or `{"AWS": "*"}`: everyone, including anonymous callers.
    case anyone
    /// `arn:aws:iam::111122223333:root` or the bare `111122223333`: the account
    /// delegates to its own administrators.
    case account(String)
    /// `arn:aws:iam::ACCOUNT:user/NAME` (the name is case-sensitive).
    case user(account: String, arn: String)
    /// `arn:aws:iam::ACCOUNT:role/PATH/NAME`; covers every session of the role.
    case role(account: String, name: String, arn: String)
    /// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`: one session.
    case assumedRole(account: String, role: String, session: String, arn: String)
    /// `arn:aws:sts::ACCOUNT:federated-user/NAME`.
    case federatedUser(account: String, arn: String)
    /// Any other AWS value (unique IDs, other ARNs), compared literally.
    case otherAWS(String)
    /// `{"Service": "ec2.amazonaws.com"}`.
    case service(String)
    /// `{"Federated": "cognito-identity.amazonaws.com"}` or a SAML provider ARN.
    case federated(String)
    /// `{"CanonicalUser": "..."}` (S3).
    case canonicalUser(String)
  }

  public var value: Value
  public var text: String
  public var span: SourceSpan

  public init(value: Value, text: String, span: SourceSpan) {
    self.value = value
    self.text = text
    self.span = span
  }

  public static func == (a: Self, b: Self) -> Bool { a.value == b.value }

  /// Reads an `AWS` principal value; nil when it has a partial wildcard, which IAM rejects.
  public static func awsValue(_ text: String) -> Value? {
    if text == "*" { return .anyone }
    var bytes = text
    if let value = bytes.withUTF8({ asciiAWSValue(text, $0) }) { return value }
    return awsValue(characters: text)
  }

  /// The reading of `awsValue(characters:)` over the bytes of ASCII text without CR
  /// (where every byte is a Character), making only the Strings the value keeps:
  /// resource policies name hundreds of principals, and splitting each ARN into five
  /// Strings cost more than the rest of the principal. nil for other text (not for a
  /// rejected value, which is `.some(nil)`).
  static func asciiAWSValue(_ text: String, _ b: UnsafeBufferPointer<UInt8>) -> Value?? {
    guard ARNBytes.isPlainASCII(b) else { return nil }
    if b.contains(where: { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") }) { return .some(nil) }
    if b.count == 12 && b.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return .account(text) }
    // `arn:partition:service:region:account:resource`, the split `ARN.init` makes.
    guard let arn = ARNBytes(b) else { return .otherAWS(text) }
    let resource = arn.resource.lowerBound
    let type = arn.resourceType
    let account = { arn.string(arn.account) }
    if arn.isText(arn.service, "iam") {
      if arn.isText(type, "root") && type.upperBound == b.count { return .account(account()) }
      if arn.isText(type, "user") { return .user(account: account(), arn: text) }
      if arn.isText(type, "role") {
        // The last non-empty `/`-separated piece of the resource, as `split(separator:)` gives it.
        var end = b.count
        while end > resource && b[end - 1] == UInt8(ascii: "/") { end -= 1 }
        var start = end
        while start > resource && b[start - 1] != UInt8(ascii: "/") { start -= 1 }
        return .role(account: account(), name: arn.string(start..<end), arn: text)
      }
    } else if arn.isText(arn.service, "sts") {
      if arn.isText(type, "assumed-role") {
        // `assumed-role/ROLE/SESSION`, split at the resource's first two slashes (the type
        // may also end at a colon); the session keeps any further slashes.
        var roleStart = type.upperBound
        while roleStart < b.count && b[roleStart] != UInt8(ascii: "/") { roleStart += 1 }
        var roleEnd = roleStart + 1
        while roleEnd < b.count && b[roleEnd] != UInt8(ascii: "/") { roleEnd += 1 }
        guard roleEnd < b.count else { return .otherAWS(text) }
        return .assumedRole(
          account: account(), role: arn.string((roleStart + 1)..<roleEnd), session: arn.string((roleEnd + 1)..<b.count),
          arn: text)
      }
      if arn.isText(type, "federated-user") { return .federatedUser(account: account(), arn: text) }
    }
    return .otherAWS(text)
  }


  /// The definition, over Characters and the parts of `ARN`.
  static func awsValue(characters text: String) -> Value? {
    if text == "*" { return .anyone }
    if text.count == 12, text.allSatisfy(\.isASCIIDigit) { return .account(text) }
    if text.contains("*") || text.contains("?") { return nil }
    guard let arn = ARN(text) else { return .otherAWS(text) }
    switch (arn.service, arn.resourceType) {
    case ("iam", "root") where arn.resource == "root":
      return .account(arn.account)
    case ("iam", "user"):
      return .user(account: arn.account, arn: text)
    case ("iam", "role"):
      let name = arn.resource.split(separator: "/").last.map(String.init) ?? ""
      return .role(account: arn.account, name: name, arn: text)
    case ("sts", "assumed-role"):
      let parts = arn.resource.split(separator: "/", omittingEmptySubsequences: false)
      guard parts.count >= 3 else { return .otherAWS(text) }
      return .assumedRole(
        account: arn.account, role: String(parts[1]), session: parts[2...].joined(separator: "/"), arn: text)
    case ("sts", "federated-user"):
      return .federatedUser(account: arn.account, arn: text)
    default:
      return .otherAWS(text)
    }
  }
}

extension Character {
  var isASCIIDigit: Bool { isASCII && isNumber }
}
