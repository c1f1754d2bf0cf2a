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
    // ASCII text (every real principal) is checked over its bytes: the same answers as
    // the character checks below, without grapheme breaking.
    let utf8 = text.utf8
    if utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) {
      if utf8.count == 12, utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return .account(text) }
      if utf8.contains(UInt8(ascii: "*")) || utf8.contains(UInt8(ascii: "?")) { return nil }
    } else {
      if text.count == 12, text.allSatisfy(\.isASCIIDigit) { return .account(text) }
      if text.contains("*") || text.contains("?") { return nil }
    }
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
