@testable import IAMEvaluator
import Testing

/// Caller ARNs are read over their bytes when ASCII; that reading must give exactly
/// what the general one gives, or leave the text to it.
@Suite struct PrincipalReading {
  static let accounts = ["111122223333", "11112222333", "1111222233334", "11112222333a", ""]
  static let resources = [
    "root", "root/", "root/x", "user", "user/", "user/alice", "user/path/alice", "user/path/", "user//alice",
    "role", "role/", "role/Admin", "role/a/b/Admin", "role/a//Admin", "role/Admin/", "assumed-role",
    "assumed-role/Admin", "assumed-role/Admin/", "assumed-role/Admin/s", "assumed-role/Admin/s/t/u",
    "assumed-role//s", "federated-user", "federated-user/", "federated-user/bob", "federated-user/bob/x",
    "group/g", "USER/alice", "Role/x", "user:alice", "role/a:b/c",
  ]
  static let services = ["iam", "sts", "s3", "IAM", "", "iamx"]

  static var texts: [String] {
    var out: [String] = []
    for service in services {
      for account in accounts {
        for resource in resources {
          out.append("arn:aws:\(service)::\(account):\(resource)")
          out.append("arn:aws-cn:\(service):us-east-1:\(account):\(resource)")
        }
      }
    }
    // Not ASCII, CR LF, too few colons, other prefixes: the general reading's alone.
    out += [
      "arn:aws:iam::111122223333:user/zoë", "arn:aws:iam::111122223333:user/a\r\nb", "arn:aws:iam::111122223333",
      "arn:aws:iam:111122223333:user/a", "arn:aws:iam::١١١١٢٢٢٢٣٣٣٣:user/a", "arn:", "arn:aws:sts::111122223333:assumed-role/R/é",
      "arn:aws:iam::111122223333:user/a\u{301}",
    ]
    return out
  }

  @Test(arguments: texts)
  func bytesAgreeWithTheGeneralReading(_ text: String) {
    let general = Principal.readGenerally(text)
    if let fast = Principal.fromASCIIARN(text) {
      #expect(fast == general)
      if case .role(_, _, let path, _)? = general, case .role(_, _, let fastPath, _) = fast { #expect(fastPath == path) }
    }
    #expect(Principal(text) == general)
  }

  @Test func theByteReadingTakesEveryKind() {
    #expect(Principal.fromASCIIARN("arn:aws:iam::111122223333:root") == .accountRoot(account: "111122223333"))
    #expect(Principal.fromASCIIARN("arn:aws:iam::111122223333:role/a/b/R")?.arn == "arn:aws:iam::111122223333:role/a/b/R")
    guard case .role(_, "R", "/a/b/", _)? = Principal.fromASCIIARN("arn:aws:iam::111122223333:role/a/b/R") else {
      Issue.record("role path")
      return
    }
    guard case .assumedRole(_, "R", "s/t", _)? = Principal.fromASCIIARN("arn:aws:sts::111122223333:assumed-role/R/s/t")
    else {
      Issue.record("session")
      return
    }
    guard case .federatedUser(_, "bob", _)? = Principal.fromASCIIARN("arn:aws:sts::111122223333:federated-user/bob/x")
    else {
      Issue.record("federated user")
      return
    }
    #expect(Principal.fromASCIIARN("arn:aws:iam::111122223333:user/a/alice") != nil)
  }
}
