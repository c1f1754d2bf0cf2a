import Foundation
import IAMCatalog
import Testing

@Suite struct ManagedPolicyCatalogTests {
  @Test func administratorAccess() throws {
    let policies = try Bundled.policies()
    let policy = try #require(policies.policy(name: "AdministratorAccess"))
    #expect(policy.arn == "arn:aws:iam::aws:policy/AdministratorAccess")
    #expect(policy.path == "/")
    #expect(policy.defaultVersionId == "v1")
    #expect(
      policy.documentJSON
        == #"{"Statement":[{"Action":"*","Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}"#
    )
  }

  @Test func readOnlyAccessByARN() throws {
    let policy = try #require(
      try Bundled.policies().policy(arn: "arn:aws:iam::aws:policy/ReadOnlyAccess"))
    #expect(policy.name == "ReadOnlyAccess")
    #expect(policy.documentJSON.hasPrefix(#"{"Statement":[{"Action":["#))
    #expect(policy.documentJSON.contains(#""s3:Get*""#))
    #expect(policy.documentJSON.hasSuffix(#""Version":"2012-10-17"}"#))
    // One line of compact JSON: it must parse on its own.
    let object = try JSONSerialization.jsonObject(with: Data(policy.documentJSON.utf8))
    #expect(object is [String: Any])
  }

  @Test func pathsAreEnforcedInARNs() throws {
    let policies = try Bundled.policies()
    #expect(policies.policy(arn: "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess") != nil)
    #expect(policies.policy(arn: "arn:aws:iam::aws:policy/ViewOnlyAccess") == nil)
    #expect(policies.policy(name: "viewonlyaccess")?.path == "/job-function/")
  }

  @Test func unknownPoliciesAreNil() throws {
    let policies = try Bundled.policies()
    #expect(policies.policy(name: "NoSuchPolicy") == nil)
    #expect(policies.policy(arn: "arn:aws:iam::123456789012:policy/AdministratorAccess") == nil)
    #expect(policies.policy(arn: "AdministratorAccess") == nil)
  }

  @Test func everyDocumentIsCompleteJSON() throws {
    let policies = try Bundled.policies()
    #expect(policies.count == 1_582)
    for name in policies.names {
      let text = try #require(policies.policy(name: name)?.documentJSON)
      #expect(text.hasPrefix("{") && text.hasSuffix("}") && !text.contains("\n"), "\(name)")
    }
  }
}
