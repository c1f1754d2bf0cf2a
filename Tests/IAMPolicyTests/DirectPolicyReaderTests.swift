@testable import IAMPolicy
import Testing

/// The direct reading (bytes straight into the model) gives exactly what the general
/// reading (JSON tree, then model) gives, or declines; and it does not decline the
/// common shapes, so the comparison is not vacuous.
@Suite struct DirectPolicyReaderTests {
  /// Everything a caller can see of a result: diagnostics, policy fields, statements.
  static func describe(_ parsed: Parsed<Policy>) -> String {
    var out = ""
    dump(parsed.diagnostics, to: &out)
    if let p = parsed.value {
      out += "\(p.id) \(p.kind) \(p.version) \(String(describing: p.policyID)) \(p.plan.templates.count)\n"
      dump(p.statements, to: &out)
      let t = p.tables
      out += "\(Array(t.services)) \(Array(t.candidateBounds)) \(Array(t.candidates)) \(t.statementCount)\n"
    } else {
      out += "nil\n"
    }
    return out
  }

  static let statement = #"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#

  /// Documents the direct reading must take, with the kinds it must take them as.
  static let common: [(String, [PolicyKind])] = [
    (#"{"Version":"2012-10-17","Statement":[\#(statement)]}"#, [.identity, .session, .permissionsBoundary]),
    (#"{"Version":"2012-10-17","Statement":\#(statement)}"#, [.identity, .serviceControl]),
    (#"{"Version":"2008-10-17","Statement":[\#(statement)],"Id":"x"}"#, [.identity]),
    // Keys sorted by name: the statements come before the Version.
    (
      #"{"Id":"x","Statement":[{"Action":"s3:Get*","Condition":{"StringLike":{"s3:prefix":"${aws:username}/*"}},"Effect":"Allow","Resource":"arn:aws:s3:::b/${aws:username}/*"}],"Version":"2012-10-17"}"#,
      [.identity]
    ),
    (
      #" { "Version" : "2012-10-17" , "Statement" : [ { "Sid" : "A" , "Effect" : "Deny" , "NotAction" : [ "s3:*" , "EC2:Describe*" ] , "NotResource" : [ "arn:aws:s3:::${aws:username}/*" , "*" ] } , { "Sid" : "A" , "Effect" : "Allow" , "Action" : "*" , "Resource" : "*" } ] } "#,
      [.identity]
    ),
    (
      #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::111122223333:role/p/R","arn:aws:sts::1:assumed-role/R/S/T"],"Service":"EC2.amazonaws.com","Federated":"cognito-identity.amazonaws.com","CanonicalUser":"abc"},"Action":"sts:AssumeRole"}]}"#,
      [.trust, .resource]
    ),
    (
      #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::1:root"},"Action":"s3:*","Resource":"*"}]}"#,
      [.resource]
    ),
    (
      #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":["o-1","o-2"]},"ForAnyValue:StringLike":{"aws:TagKeys":"team-*"},"NumericLessThan":{"s3:max-keys":[10,-1.5e3,0]},"Bool":{"aws:SecureTransport":false,"aws:ViaAWSService":"true"},"DateGreaterThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"},"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]},"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/${aws:username}"},"Null":{"aws:TokenIssueTime":"true"},"StringEquals":{}}}]}"#,
      [.resource, .resourceControl]
    ),
  ]

  @Test func takesTheCommonShapesAsTheGeneralReadingDoes() throws {
    for (text, kinds) in Self.common {
      for kind in kinds {
        let file = SourceFile(name: "p", text: text)
        let direct = try #require(PolicyParser.parseDirect(file, as: kind, id: "p"), "\(kind) \(text)")
        #expect(Self.describe(direct) == Self.describe(PolicyParser.parseGeneral(file, as: kind, id: "p")))
      }
    }
  }

  @Test func duplicateSidsAreWarnedAsTheGeneralReadingWarns() throws {
    let text = #"{"Version":"2012-10-17","Statement":[{"Sid":"A",\#(Self.statement.dropFirst()),{"Sid":"A",\#(Self.statement.dropFirst())]}"#
    let file = SourceFile(name: "p", text: text)
    let direct = try #require(PolicyParser.parseDirect(file, as: .identity, id: "p"))
    #expect(direct.diagnostics.map(\.code) == [.policyDuplicateSid])
    #expect(Self.describe(direct) == Self.describe(PolicyParser.parseGeneral(file, as: .identity, id: "p")))
  }

  /// Variations on the common shapes, most of which the direct reading must decline.
  static var tricky: [String] {
    let s = statement
    var out = [
      "", " ", "{}", "[]", "null", #"{"Statement":[]}"#, #"{"Statement":{}}"#, #"{"Statement":"x"}"#,
      #"{"Version":"2012-10-17"}"#, s, #"{"Version":"2012-10-17","Statement":[\#(s)]} x"#,
      #"{"Version":"2012-10-17","Statement":[\#(s)],}"#, #"{"Version":"2012-10-17","Statement":[\#(s),]}"#,
      #"{"Version":"2012-10-17","Statement":[\#(s)]"#, "\u{FEFF}{\"Statement\":[\(s)]}",
      #"{"Version":"2012-10-17","Version":"2012-10-17","Statement":[\#(s)]}"#,
      #"{"Version":"2012-10-18","Statement":[\#(s)]}"#, #"{"Version":20121017,"Statement":[\#(s)]}"#,
      #"{"Version":"2012-10-17","Id":1,"Statement":[\#(s)]}"#, #"{"version":"2012-10-17","Statement":[\#(s)]}"#,
      #"{"Statement":[\#(s)],"Version":"2012-10-17"}"#, #"{"Statement":[\#(s)],"Version":"2008-10-17"}"#,
      #"{"Statement":[{"Effect":"Allow","Action":"s3:Get","Resource":"arn:aws:s3:::${aws:username}"}],"Version":"2008-10-17"}"#,
      #"{"Statement":[{"Effect":"Allow","Action":"s3:Get","Resource":"*","Condition":{"StringEquals":{"k":"${x}"}}}],"Version":"2008-10-17"}"#,
      #"{"Statement":[{"Effect":"Allow","Action":"s3:Get","Resource":"arn:aws:s3:::${aws:username}"}],"Version":"2012-10-17"}"#,
      #"{"Statement":[{"Effect":"Allow","Action":"s3:Get","Resource":"*","Condition":{"NumericEquals":{"k":"${x}"}}}],"Version":"2012-10-17"}"#, #"{"Statement":[\#(s)],"Statement":[\#(s)]}"#,
      #"{"Version":"2012-10-17","Statement":[\#(s), 1]}"#, #"{"Ver\u0073ion":"2012-10-17","Statement":[\#(s)]}"#,
    ]
    let statements = [
      #"{"Effect":"Allow","Action":"s3:Get\u002a","Resource":"*"}"#, #"{"Effect":"Allow","Action":"s3:Gét","Resource":"*"}"#,
      #"{"Sid":"é","Effect":"Allow","Action":"s3:Get","Resource":"*"}"#, #"{"Sid":1,"Effect":"Allow","Action":"s3:Get","Resource":"*"}"#,
      #"{"Effect":"allow","Action":"s3:Get","Resource":"*"}"#, #"{"Effect":"Allow","Action":1,"Resource":"*"}"#,
      #"{"Effect":"Allow","Action":[],"Resource":"*"}"#, #"{"Effect":"Allow","Action":["s3:Get",1],"Resource":"*"}"#,
      #"{"Effect":"Allow","Action":"s3","Resource":"*"}"#, #"{"Effect":"Allow","Action":"s3:Get","Resource":"bucket"}"#,
      #"{"Effect":"Allow","Action":"s3:Get","NotAction":"s3:Put","Resource":"*"}"#,
      #"{"Effect":"Allow","Action":"s3:Get","Action":"s3:Get","Resource":"*"}"#,
      #"{"Effect":"Allow","Action":"s3:Get","Resource":"*","NotResource":"*"}"#,
      #"{"Effect":"Allow","Action":"s3:Get"}"#, #"{"Action":"s3:Get","Resource":"*"}"#, #"{"Effect":"Allow","Resource":"*"}"#,
      #"{"Effect":"Allow","Action":"s3:Get","Resource":"*","Extra":1}"#,
      #"{"Effect":"Allow","Action":"s3:Get","Resource":"arn:aws:s3:::${aws:username}/*"}"#,
      #"{"Effect":"Allow","Action":"s3:Get","Resource":"arn:aws:s3:::b\n"}"#,
      #"{"Effect":"Allow","Principal":"*","Action":"s3:Get","Resource":"*"}"#,
      #"{"Effect":"Allow","Principal":"111122223333","Action":"s3:Get","Resource":"*"}"#,
      #"{"Effect":"Allow","Principal":{},"Action":"s3:Get","Resource":"*"}"#,
      #"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:role/*"},"Action":"s3:Get","Resource":"*"}"#,
      #"{"Effect":"Allow","Principal":{"AWS":"*","AWS":"*"},"Action":"s3:Get","Resource":"*"}"#,
      #"{"Effect":"Allow","Principal":{"aws":"*"},"Action":"s3:Get","Resource":"*"}"#,
      #"{"Effect":"Allow","Principal":{"Service":"ec2"},"Action":"s3:Get","Resource":"*"}"#,
      #"{"Effect":"Allow","Principal":{"Service":["*"]},"Action":"s3:Get","Resource":"*"}"#,
      #"{"Effect":"Allow","NotPrincipal":{"AWS":"1"},"Action":"s3:Get","Resource":"*"}"#,
      #"{"Effect":"Deny","NotPrincipal":{"AWS":"1"},"Action":"s3:Get","Resource":"*"}"#,
      #"{"Effect":"Allow","Principal":{"AWS":"1"},"NotPrincipal":{"AWS":"1"},"Action":"s3:Get","Resource":"*"}"#,
      #"{"Effect":"Allow","Action":"s3:Get","Resource":"*","Condition":[]}"#,
      #"{"Effect":"Allow","Action":"s3:Get","Resource":"*","Condition":{"StringEquals":"x"}}"#,
      #"{"Effect":"Allow","Action":"s3:Get","Resource":"*","Condition":{"stringEquals":{"k":"v"}}}"#,
      #"{"Effect":"Allow","Action":"s3:Get","Resource":"*","Condition":{"StringEquals":{"k":"v"},"StringEquals":{"j":"v"}}}"#,
      #"{"Effect":"Allow","Action":"s3:Get","Resource":"*","Condition":{"StringEquals":{"k":"v","k":"w"}}}"#,
      #"{"Effect":"Allow","Action":"s3:Get","Resource":"*","Condition":{"StringEquals":{"k":"v","K":"w"}}}"#,
      #"{"Effect":"Allow","Action":"s3:Get","Resource":"*","Condition":{"StringEquals":{"k":[]}}}"#,
      #"{"Effect":"Allow","Action":"s3:Get","Resource":"*","Condition":{"StringEquals":{"k":null}}}"#,
      #"{"Effect":"Allow","Action":"s3:Get","Resource":"*","Condition":{"StringEquals":{"k":{"a":1}}}}"#,
      #"{"Effect":"Allow","Action":"s3:Get","Resource":"*","Condition":{"StringEquals":{"k":[[1]]}}}"#,
      #"{"Effect":"Allow","Action":"s3:Get","Resource":"*","Condition":{"NumericEquals":{"k":["1","x",01]}}}"#,
      #"{"Effect":"Allow","Action":"s3:Get","Resource":"*","Condition":{"NumericEquals":{"k":[1.,-]}}}"#,
      #"{"Effect":"Allow","Action":"s3:Get","Resource":"*","Condition":{"NumericEquals":{"k":[1e,2E+]}}}"#,
      #"{"Effect":"Allow","Action":"s3:Get","Resource":"*","Condition":{"NumericEquals":{"k":[-0,0.5,1E+2,3e-1]}}}"#,
      #"{"Effect":"Allow","Action":"s3:Get","Resource":"*","Condition":{"Bool":{"k":[true,fals]}}}"#,
      #"{"Effect":"Allow","Action":"s3:Get","Resource":"*","Condition":{"Bool":{"k":"maybe"}}}"#,
      #"{"Effect":"Allow","Action":"s3:Get","Resource":"*","Condition":{"DateLessThan":{"k":"soon"}}}"#,
      #"{"Effect":"Allow","Action":"s3:Get","Resource":"*","Condition":{"IpAddress":{"k":"10.0.0.0/33"}}}"#,
      #"{"Effect":"Allow","Action":"s3:Get","Resource":"*","Condition":{"NumericEquals":{"k":"${aws:x}"}}}"#,
      #"{"Effect":"Allow","Action":"s3:Get","Resource":"*","Condition":{"NullIfExists":{"k":"true"}}}"#,
      #"{"Effect":"Allow","Action":"s3:Get","Resource":"*","Condition":{"StringEquals":{"k\u0041":"v"}}}"#,
    ]
    for st in statements {
      for version in ["", #""Version":"2012-10-17","#, #""Version":"2008-10-17","#] {
        out.append("{\(version)\"Statement\":[\(st)]}")
        out.append("{\(version)\"Statement\":\(st)}")
        out.append("{\(version)\"Statement\":[\(s),\(st)]}")
      }
    }
    // Every operator form, with the value kinds a condition may hold.
    for base in ConditionOperator.Base.allCases {
      for prefix in ["", "ForAnyValue:", "ForAllValues:"] {
        for suffix in ["", "IfExists"] {
          for value in [#""v""#, #"["a*","${aws:username}"]"#, "7", "true", #"["2030-01-01","10.0.0.0/8","true"]"#] {
            out.append(
              #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get","Resource":"*","Condition":{"\#(prefix + base.rawValue + suffix)":{"aws:k":\#(value)}}}]}"#)
          }
        }
      }
    }
    // Huge and deep documents.
    out.append(#"{"Version":"2012-10-17","Statement":["# + Array(repeating: s, count: 1000).joined(separator: ",") + "]}")
    out.append(#"{"Version":"2012-10-17","Statement":"# + String(repeating: "[", count: 300) + String(repeating: "]", count: 300) + "}")
    return out
  }

  @Test func agreesWithTheGeneralReadingOrDeclines() {
    var taken = 0
    for text in Self.tricky {
      let file = SourceFile(name: "p", text: text)
      for kind in PolicyKind.allCases {
        let general = PolicyParser.parseGeneral(file, as: kind, id: "p")
        guard let direct = PolicyParser.parseDirect(file, as: kind, id: "p") else { continue }
        taken += 1
        #expect(Self.describe(direct) == Self.describe(general), "\(kind) \(text)")
        #expect(PolicyParser.parse(file, as: kind).value != nil)
      }
    }
    // Many of the variations are clean for some kind: the comparison covers them.
    #expect(taken > 500)
  }

  @Test func limitsAreLeftToTheGeneralReading() {
    let file = SourceFile(name: "p", text: #"{"Version":"2012-10-17","Statement":[\#(Self.statement)]}"#)
    #expect(PolicyParser.parseDirect(file, as: .identity, id: "p", limits: .init(maxDepth: 2)) == nil)
    #expect(PolicyParser.parseDirect(file, as: .identity, id: "p", limits: .init(maxBytes: 10)) == nil)
    #expect(PolicyParser.parseDirect(file, as: .identity, id: "p", limits: .init(maxStringBytes: 5)) == nil)
  }
}
