import IAMEvaluator
import IAMPolicy
import Testing

/// One condition block and a request context; `holds` is whether the condition is true.
///
/// Each case runs as an Allow statement with that `Condition` for a same-account user with no
/// other policy, so the decision is `allowed` exactly when the condition holds. Rules:
/// IAM User Guide, "IAM JSON policy elements: Condition operators" (a missing key makes a
/// condition false except for negated operators, `...IfExists` and `Null`), "Conditions with
/// multiple context keys or values" (values OR, keys and operators AND, negated values NOR),
/// "Single-valued vs. multivalued context keys" (`ForAllValues` true when absent or empty,
/// `ForAnyValue` false).
struct ConditionCase: Sendable, CustomTestStringConvertible {
  var id: String
  var condition: String
  var context: [String: [String]]
  var holds: Bool
  var policyVersion = "2012-10-17"

  init(_ id: String, _ condition: String, _ context: [String: [String]], _ holds: Bool) {
    self.id = id
    self.condition = condition
    self.context = context
    self.holds = holds
  }

  var testDescription: String { id }

  func run() throws {
    let text =
      #"{"Version":"\#(policyVersion)","Statement":[{"Sid":"Cond","Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":\#(condition)}]}"#
    let policy = try parsePolicy(text, .identity, id: "PolicyInputList.1")
    let caller = try #require(Principal(World.alice))
    var ctx = RequestContext()
    for (k, v) in context {
      ctx[k] = ContextValue(type: v.count == 1 ? .string : .stringList, values: v)
    }
    let request = Request(
      principal: caller, action: "s3:GetObject", resource: World.object, context: ctx)
    let e = Evaluator().evaluate(request, against: ApplicablePolicies(identity: [policy]))
    expectSameAnswer(
      e, Evaluator(options: .init(recordsTrace: false)).evaluate(request, against: ApplicablePolicies(identity: [policy])))
    #expect(e.decision == (holds ? .allowed : .implicitDeny), "\(condition) with \(context)")
    if !holds {
      // The statement must have failed on its condition, not on anything else.
      let verdict = try #require(verdicts(e).first?.verdict)
      guard case .doesNotApply(.condition) = verdict else {
        Issue.record("expected a condition mismatch, got \(verdict)")
        return
      }
    }
  }
}

private let team = "aws:PrincipalTag/team"

@Suite struct StringConditionTests {
  static let cases: [ConditionCase] = [
    .init(
      "StringEquals match", #"{"StringEquals":{"aws:PrincipalTag/team":"blue"}}"#, [team: ["blue"]],
      true),
    .init(
      "StringEquals no match", #"{"StringEquals":{"aws:PrincipalTag/team":"blue"}}"#,
      [team: ["green"]], false),
    .init(
      "StringEquals value is case-sensitive", #"{"StringEquals":{"aws:PrincipalTag/team":"blue"}}"#,
      [team: ["Blue"]], false),
    .init(
      "StringEquals missing key", #"{"StringEquals":{"aws:PrincipalTag/team":"blue"}}"#, [:], false),
    .init(
      "StringEquals * is literal", #"{"StringEquals":{"aws:PrincipalTag/team":"*"}}"#,
      [team: ["blue"]], false),
    .init(
      "StringEquals * matches a literal *", #"{"StringEquals":{"aws:PrincipalTag/team":"*"}}"#,
      [team: ["*"]], true),
    .init(
      "StringEqualsIfExists missing key",
      #"{"StringEqualsIfExists":{"aws:PrincipalTag/team":"blue"}}"#, [:], true),
    .init(
      "StringEqualsIfExists present, no match",
      #"{"StringEqualsIfExists":{"aws:PrincipalTag/team":"blue"}}"#, [team: ["red"]], false),
    .init(
      "StringNotEquals different value", #"{"StringNotEquals":{"aws:PrincipalTag/team":"blue"}}"#,
      [team: ["green"]], true),
    .init(
      "StringNotEquals same value", #"{"StringNotEquals":{"aws:PrincipalTag/team":"blue"}}"#,
      [team: ["blue"]], false),
    .init(
      "StringNotEquals missing key is true",
      #"{"StringNotEquals":{"aws:PrincipalTag/team":"blue"}}"#, [:], true),
    .init(
      "StringNotEqualsIfExists missing key",
      #"{"StringNotEqualsIfExists":{"aws:PrincipalTag/team":"blue"}}"#, [:], true),
    .init(
      "StringNotEqualsIfExists same value",
      #"{"StringNotEqualsIfExists":{"aws:PrincipalTag/team":"blue"}}"#, [team: ["blue"]], false),
    .init(
      "StringEqualsIgnoreCase folds case",
      #"{"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"BLUE"}}"#, [team: ["blue"]], true),
    .init(
      "StringEqualsIgnoreCase no match",
      #"{"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"BLUE"}}"#, [team: ["blues"]], false),
    .init(
      "StringEqualsIgnoreCase missing key",
      #"{"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"BLUE"}}"#, [:], false),
    .init(
      "StringNotEqualsIgnoreCase folds case",
      #"{"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/team":"BLUE"}}"#, [team: ["Blue"]], false),
    .init(
      "StringNotEqualsIgnoreCase missing key",
      #"{"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/team":"BLUE"}}"#, [:], true),
    .init(
      "StringLike star", #"{"StringLike":{"s3:prefix":"home/*"}}"#,
      ["s3:prefix": ["home/alice/notes"]], true),
    .init(
      "StringLike question mark is one character",
      #"{"StringLike":{"aws:PrincipalTag/team":"b?ue"}}"#, [team: ["blue"]], true),
    .init(
      "StringLike question mark needs a character",
      #"{"StringLike":{"aws:PrincipalTag/team":"bl?ue"}}"#, [team: ["blue"]], false),
    .init(
      "StringLike is case-sensitive", #"{"StringLike":{"s3:prefix":"home/*"}}"#,
      ["s3:prefix": ["HOME/alice"]], false),
    .init("StringLike missing key", #"{"StringLike":{"s3:prefix":"home/*"}}"#, [:], false),
    .init(
      "StringLikeIfExists missing key", #"{"StringLikeIfExists":{"s3:prefix":"home/*"}}"#, [:], true
    ),
    .init(
      "StringNotLike matching value", #"{"StringNotLike":{"s3:prefix":"home/*"}}"#,
      ["s3:prefix": ["home/x"]], false),
    .init(
      "StringNotLike other value", #"{"StringNotLike":{"s3:prefix":"home/*"}}"#,
      ["s3:prefix": ["tmp/x"]], true),
    .init(
      "StringNotLike missing key is true", #"{"StringNotLike":{"s3:prefix":"home/*"}}"#, [:], true),
    .init(
      "values are ORed", #"{"StringEquals":{"aws:PrincipalTag/team":["red","blue"]}}"#,
      [team: ["blue"]], true),
    .init(
      "values are ORed, none match", #"{"StringEquals":{"aws:PrincipalTag/team":["red","blue"]}}"#,
      [team: ["green"]], false),
    .init(
      "negated values are NORed: one matches",
      #"{"StringNotEquals":{"aws:PrincipalTag/team":["red","blue"]}}"#, [team: ["blue"]], false),
    .init(
      "negated values are NORed: none matches",
      #"{"StringNotEquals":{"aws:PrincipalTag/team":["red","blue"]}}"#, [team: ["green"]], true),
    .init(
      "keys are ANDed: both match",
      #"{"StringEquals":{"aws:PrincipalTag/team":"blue","aws:PrincipalTag/env":"prod"}}"#,
      [team: ["blue"], "aws:PrincipalTag/env": ["prod"]], true),
    .init(
      "keys are ANDed: one fails",
      #"{"StringEquals":{"aws:PrincipalTag/team":"blue","aws:PrincipalTag/env":"prod"}}"#,
      [team: ["blue"], "aws:PrincipalTag/env": ["dev"]], false),
    .init(
      "keys are ANDed: one missing",
      #"{"StringEquals":{"aws:PrincipalTag/team":"blue","aws:PrincipalTag/env":"prod"}}"#,
      [team: ["blue"]], false),
    .init(
      "operators are ANDed",
      #"{"StringEquals":{"aws:PrincipalTag/team":"blue"},"StringLike":{"s3:prefix":"home/*"}}"#,
      [team: ["blue"], "s3:prefix": ["tmp/"]], false),
    .init(
      "operators are ANDed: both hold",
      #"{"StringEquals":{"aws:PrincipalTag/team":"blue"},"StringLike":{"s3:prefix":"home/*"}}"#,
      [team: ["blue"], "s3:prefix": ["home/a"]], true),
    .init(
      "key names are case-insensitive (policy upper)",
      #"{"StringEquals":{"AWS:PRINCIPALTAG/TEAM":"blue"}}"#, [team: ["blue"]], true),
    .init(
      "key names are case-insensitive (request upper)",
      #"{"StringEquals":{"aws:PrincipalTag/team":"blue"}}"#, ["AWS:PrincipalTag/TEAM": ["blue"]],
      true),
    .init(
      "variable substituted", #"{"StringEquals":{"s3:prefix":"home/${aws:username}/"}}"#,
      ["s3:prefix": ["home/alice/"], "aws:username": ["alice"]], true),
    .init(
      "variable substituted, other user",
      #"{"StringEquals":{"s3:prefix":"home/${aws:username}/"}}"#,
      ["s3:prefix": ["home/bob/"], "aws:username": ["alice"]], false),
    .init(
      "variable without value: positive operator false",
      #"{"StringEquals":{"s3:prefix":"home/${aws:username}/"}}"#, ["s3:prefix": ["home/alice/"]],
      false),
    .init(
      "variable without value: negated operator true",
      #"{"StringNotEquals":{"s3:prefix":"home/${aws:username}/"}}"#, ["s3:prefix": ["home/alice/"]],
      true),
    .init(
      "variable default used when key is absent",
      #"{"StringEquals":{"s3:prefix":"${aws:PrincipalTag/team, 'shared'}"}}"#,
      ["s3:prefix": ["shared"]], true),
    .init(
      "variable value's * is literal in StringLike",
      #"{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}"#,
      ["s3:prefix": ["home/ab/x"], "aws:username": ["a*"]], false),
    .init(
      "variable value's * matches itself",
      #"{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}"#,
      ["s3:prefix": ["home/a*/x"], "aws:username": ["a*"]], true),
  ]

  @Test(arguments: cases) func string(_ c: ConditionCase) throws { try c.run() }
}

@Suite struct NumericConditionTests {
  static let cases: [ConditionCase] = [
    .init(
      "NumericEquals match", #"{"NumericEquals":{"s3:max-keys":"10"}}"#, ["s3:max-keys": ["10"]],
      true),
    .init(
      "NumericEquals compares numbers, not text", #"{"NumericEquals":{"s3:max-keys":"10"}}"#,
      ["s3:max-keys": ["10.0"]], true),
    .init(
      "NumericEquals no match", #"{"NumericEquals":{"s3:max-keys":"10"}}"#, ["s3:max-keys": ["11"]],
      false),
    .init("NumericEquals missing key", #"{"NumericEquals":{"s3:max-keys":"10"}}"#, [:], false),
    .init(
      "NumericEquals unquoted policy number", #"{"NumericEquals":{"s3:max-keys":10}}"#,
      ["s3:max-keys": ["10"]], true),
    .init(
      "NumericNotEquals different", #"{"NumericNotEquals":{"s3:max-keys":"10"}}"#,
      ["s3:max-keys": ["11"]], true),
    .init(
      "NumericNotEquals same", #"{"NumericNotEquals":{"s3:max-keys":"10"}}"#,
      ["s3:max-keys": ["10"]], false),
    .init(
      "NumericNotEquals missing key is true", #"{"NumericNotEquals":{"s3:max-keys":"10"}}"#, [:],
      true),
    .init(
      "NumericLessThan below", #"{"NumericLessThan":{"s3:max-keys":"10"}}"#, ["s3:max-keys": ["9"]],
      true),
    .init(
      "NumericLessThan equal", #"{"NumericLessThan":{"s3:max-keys":"10"}}"#,
      ["s3:max-keys": ["10"]], false),
    .init(
      "NumericLessThan negative", #"{"NumericLessThan":{"s3:max-keys":"10"}}"#,
      ["s3:max-keys": ["-3"]], true),
    .init(
      "NumericLessThan decimal", #"{"NumericLessThan":{"s3:max-keys":"1.5"}}"#,
      ["s3:max-keys": ["1.25"]], true),
    .init(
      "NumericLessThanEquals equal", #"{"NumericLessThanEquals":{"s3:max-keys":"10"}}"#,
      ["s3:max-keys": ["10"]], true),
    .init(
      "NumericLessThanEquals above", #"{"NumericLessThanEquals":{"s3:max-keys":"10"}}"#,
      ["s3:max-keys": ["11"]], false),
    .init(
      "NumericGreaterThan above", #"{"NumericGreaterThan":{"s3:max-keys":"10"}}"#,
      ["s3:max-keys": ["10.5"]], true),
    .init(
      "NumericGreaterThan equal", #"{"NumericGreaterThan":{"s3:max-keys":"10"}}"#,
      ["s3:max-keys": ["10"]], false),
    .init(
      "NumericGreaterThanEquals equal", #"{"NumericGreaterThanEquals":{"s3:max-keys":"10"}}"#,
      ["s3:max-keys": ["10"]], true),
    .init(
      "NumericGreaterThanEquals below", #"{"NumericGreaterThanEquals":{"s3:max-keys":"10"}}"#,
      ["s3:max-keys": ["9"]], false),
    .init("NumericLessThan missing key", #"{"NumericLessThan":{"s3:max-keys":"10"}}"#, [:], false),
    .init(
      "NumericLessThanIfExists missing key", #"{"NumericLessThanIfExists":{"s3:max-keys":"10"}}"#,
      [:], true),
    .init(
      "NumericLessThanIfExists present, too big",
      #"{"NumericLessThanIfExists":{"s3:max-keys":"10"}}"#, ["s3:max-keys": ["50"]], false),
    .init(
      "values are ORed", #"{"NumericEquals":{"s3:max-keys":["5","10"]}}"#, ["s3:max-keys": ["10"]],
      true),
    .init(
      "type error: request value is not a number", #"{"NumericLessThan":{"s3:max-keys":"10"}}"#,
      ["s3:max-keys": ["ten"]], false),
    .init(
      "type error with IfExists: present but not a number",
      #"{"NumericLessThanIfExists":{"s3:max-keys":"10"}}"#, ["s3:max-keys": ["ten"]], false),
    .init(
      "key names are case-insensitive", #"{"NumericEquals":{"S3:Max-Keys":"10"}}"#,
      ["s3:max-keys": ["10"]], true),
  ]

  @Test(arguments: cases) func numeric(_ c: ConditionCase) throws { try c.run() }
}

private let now = "aws:CurrentTime"
private let epoch = "aws:EpochTime"

@Suite struct DateConditionTests {
  static let cases: [ConditionCase] = [
    .init(
      "DateGreaterThan after", #"{"DateGreaterThan":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}"#,
      [now: ["2020-05-01T12:00:00Z"]], true),
    .init(
      "DateGreaterThan before", #"{"DateGreaterThan":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}"#,
      [now: ["2020-03-01T00:00:00Z"]], false),
    .init(
      "DateGreaterThan equal", #"{"DateGreaterThan":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}"#,
      [now: ["2020-04-01T00:00:00Z"]], false),
    .init(
      "DateGreaterThanEquals equal",
      #"{"DateGreaterThanEquals":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}"#,
      [now: ["2020-04-01T00:00:00Z"]], true),
    .init(
      "DateLessThan before", #"{"DateLessThan":{"aws:CurrentTime":"2020-06-30T23:59:59Z"}}"#,
      [now: ["2020-06-30T23:59:58Z"]], true),
    .init(
      "DateLessThan after", #"{"DateLessThan":{"aws:CurrentTime":"2020-06-30T23:59:59Z"}}"#,
      [now: ["2020-07-01T00:00:00Z"]], false),
    .init(
      "DateLessThanEquals equal",
      #"{"DateLessThanEquals":{"aws:CurrentTime":"2020-06-30T23:59:59Z"}}"#,
      [now: ["2020-06-30T23:59:59Z"]], true),
    .init(
      "DateEquals same instant", #"{"DateEquals":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}"#,
      [now: ["2020-04-01T00:00:00Z"]], true),
    .init(
      "DateEquals other instant", #"{"DateEquals":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}"#,
      [now: ["2020-04-01T00:00:01Z"]], false),
    .init(
      "DateEquals epoch request vs ISO policy",
      #"{"DateEquals":{"aws:EpochTime":"2020-04-01T00:00:00Z"}}"#, [epoch: ["1585699200"]], true),
    .init(
      "DateEquals ISO request vs epoch policy", #"{"DateEquals":{"aws:CurrentTime":"1585699200"}}"#,
      [now: ["2020-04-01T00:00:00Z"]], true),
    .init(
      "DateLessThan epoch both sides", #"{"DateLessThan":{"aws:EpochTime":"1585699200"}}"#,
      [epoch: ["1585699199"]], true),
    .init(
      "ISO 8601 offset is the same instant",
      #"{"DateEquals":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}"#,
      [now: ["2020-04-01T02:00:00+02:00"]], true),
    .init(
      "ISO 8601 fractional seconds",
      #"{"DateGreaterThan":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}"#,
      [now: ["2020-04-01T00:00:00.500Z"]], true),
    .init(
      "ISO 8601 date only is midnight UTC", #"{"DateEquals":{"aws:CurrentTime":"2020-04-01"}}"#,
      [now: ["2020-04-01T00:00:00Z"]], true),
    .init(
      "DateNotEquals other instant",
      #"{"DateNotEquals":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}"#,
      [now: ["2021-01-01T00:00:00Z"]], true),
    .init(
      "DateNotEquals same instant",
      #"{"DateNotEquals":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}"#,
      [now: ["2020-04-01T00:00:00Z"]], false),
    .init(
      "DateNotEquals missing key is true",
      #"{"DateNotEquals":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}"#, [:], true),
    .init(
      "DateLessThan missing key", #"{"DateLessThan":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}"#,
      [:], false),
    .init(
      "DateLessThanIfExists missing key",
      #"{"DateLessThanIfExists":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}"#, [:], true),
    .init(
      "type error: request value is not a date",
      #"{"DateLessThan":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}"#, [now: ["yesterday"]], false),
    .init(
      "window: two operators ANDed, inside",
      #"{"DateGreaterThan":{"aws:CurrentTime":"2020-04-01T00:00:00Z"},"DateLessThan":{"aws:CurrentTime":"2020-06-30T23:59:59Z"}}"#,
      [now: ["2020-05-05T00:00:00Z"]], true),
    .init(
      "window: two operators ANDed, outside",
      #"{"DateGreaterThan":{"aws:CurrentTime":"2020-04-01T00:00:00Z"},"DateLessThan":{"aws:CurrentTime":"2020-06-30T23:59:59Z"}}"#,
      [now: ["2020-08-05T00:00:00Z"]], false),
  ]

  @Test(arguments: cases) func date(_ c: ConditionCase) throws { try c.run() }
}

@Suite struct BoolAndBinaryConditionTests {
  static let cases: [ConditionCase] = [
    .init(
      "Bool true matches true", #"{"Bool":{"aws:SecureTransport":"true"}}"#,
      ["aws:SecureTransport": ["true"]], true),
    .init(
      "Bool true vs false", #"{"Bool":{"aws:SecureTransport":"true"}}"#,
      ["aws:SecureTransport": ["false"]], false),
    .init(
      "Bool unquoted JSON true", #"{"Bool":{"aws:SecureTransport":true}}"#,
      ["aws:SecureTransport": ["true"]], true),
    .init("Bool missing key", #"{"Bool":{"aws:SecureTransport":"true"}}"#, [:], false),
    .init(
      "BoolIfExists missing key", #"{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}"#, [:],
      true),
    .init(
      "BoolIfExists present true vs false",
      #"{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}"#,
      ["aws:MultiFactorAuthPresent": ["true"]], false),
    .init(
      "Bool key is case-insensitive", #"{"Bool":{"AWS:SECURETRANSPORT":"true"}}"#,
      ["aws:SecureTransport": ["true"]], true),
    .init(
      "Bool type error: request value is not a boolean",
      #"{"Bool":{"aws:SecureTransport":"true"}}"#, ["aws:SecureTransport": ["yes"]], false),
    .init(
      "BinaryEquals same bytes", #"{"BinaryEquals":{"example:blob":"QmluYXJ5VmFsdWU="}}"#,
      ["example:blob": ["QmluYXJ5VmFsdWU="]], true),
    .init(
      "BinaryEquals other bytes", #"{"BinaryEquals":{"example:blob":"QmluYXJ5VmFsdWU="}}"#,
      ["example:blob": ["T3RoZXI="]], false),
    .init(
      "BinaryEquals missing key", #"{"BinaryEquals":{"example:blob":"QmluYXJ5VmFsdWU="}}"#, [:],
      false),
    .init(
      "BinaryEqualsIfExists missing key",
      #"{"BinaryEqualsIfExists":{"example:blob":"QmluYXJ5VmFsdWU="}}"#, [:], true),
    .init(
      "BinaryEquals values ORed",
      #"{"BinaryEquals":{"example:blob":["T3RoZXI=","QmluYXJ5VmFsdWU="]}}"#,
      ["example:blob": ["QmluYXJ5VmFsdWU="]], true),
  ]

  @Test(arguments: cases) func boolAndBinary(_ c: ConditionCase) throws { try c.run() }
}

private let ip = "aws:SourceIp"

@Suite struct IPAddressConditionTests {
  static let cases: [ConditionCase] = [
    .init(
      "IPv4 inside CIDR", #"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
      [ip: ["203.0.113.7"]], true),
    .init(
      "IPv4 outside CIDR", #"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
      [ip: ["203.0.114.1"]], false),
    .init(
      "IPv4 CIDR with host bits set", #"{"IpAddress":{"aws:SourceIp":"203.0.113.77/24"}}"#,
      [ip: ["203.0.113.1"]], true),
    .init(
      "no prefix means /32: same address", #"{"IpAddress":{"aws:SourceIp":"203.0.113.7"}}"#,
      [ip: ["203.0.113.7"]], true),
    .init(
      "no prefix means /32: neighbour", #"{"IpAddress":{"aws:SourceIp":"203.0.113.7"}}"#,
      [ip: ["203.0.113.8"]], false),
    .init(
      "/0 covers every IPv4 address", #"{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#,
      [ip: ["198.51.100.200"]], true),
    .init(
      "IPv6 inside CIDR", #"{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}"#,
      [ip: ["2001:db8:1234::1"]], true),
    .init(
      "IPv6 outside CIDR", #"{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}"#,
      [ip: ["2001:db9::1"]], false),
    .init(
      "IPv6 full form equals compressed form", #"{"IpAddress":{"aws:SourceIp":"2001:db8::1/128"}}"#,
      [ip: ["2001:0db8:0000:0000:0000:0000:0000:0001"]], true),
    .init(
      "IPv6 uppercase hex", #"{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}"#,
      [ip: ["2001:DB8::ABCD"]], true),
    .init(
      "IPv6 /64 boundary", #"{"IpAddress":{"aws:SourceIp":"2001:db8:0:1::/64"}}"#,
      [ip: ["2001:db8:0:2::1"]], false),
    .init(
      "IPv4 network vs IPv6 address", #"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
      [ip: ["2001:db8::1"]], false),
    .init(
      "mixed IPv4 and IPv6 list ORed",
      #"{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]}}"#, [ip: ["2001:db8::5"]],
      true),
    .init("IpAddress missing key", #"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#, [:], false),
    .init(
      "IpAddressIfExists missing key", #"{"IpAddressIfExists":{"aws:SourceIp":"203.0.113.0/24"}}"#,
      [:], true),
    .init(
      "NotIpAddress outside", #"{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
      [ip: ["198.51.100.1"]], true),
    .init(
      "NotIpAddress inside", #"{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
      [ip: ["203.0.113.5"]], false),
    .init(
      "NotIpAddress missing key is true", #"{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
      [:], true),
    .init(
      "NotIpAddress NOR over values",
      #"{"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","203.0.113.0/24"]}}"#, [ip: ["192.0.2.9"]],
      false),
    .init(
      "NotIpAddress IPv6 outside", #"{"NotIpAddress":{"aws:SourceIp":"2001:db8::/32"}}"#,
      [ip: ["2001:db9::1"]], true),
    .init(
      "type error: request value is not an address",
      #"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#, [ip: ["not-an-ip"]], false),
    .init(
      "key is case-insensitive", #"{"IpAddress":{"AWS:SOURCEIP":"203.0.113.0/24"}}"#,
      [ip: ["203.0.113.7"]], true),
  ]

  @Test(arguments: cases) func ipAddress(_ c: ConditionCase) throws { try c.run() }
}

private let src = "aws:SourceArn"

@Suite struct ARNConditionTests {
  static let cases: [ConditionCase] = [
    .init(
      "ArnEquals exact",
      #"{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-2:111122223333:alerts"}}"#,
      [src: ["arn:aws:sns:us-east-2:111122223333:alerts"]], true),
    .init(
      "ArnEquals other topic",
      #"{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-2:111122223333:alerts"}}"#,
      [src: ["arn:aws:sns:us-east-2:111122223333:other"]], false),
    .init(
      "ArnEquals takes wildcards too",
      #"{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:*:111122223333:alerts"}}"#,
      [src: ["arn:aws:sns:eu-west-1:111122223333:alerts"]], true),
    .init(
      "ArnLike account wildcard", #"{"ArnLike":{"aws:SourceArn":"arn:aws:iam::*:role/Admin"}}"#,
      [src: ["arn:aws:iam::111122223333:role/Admin"]], true),
    .init(
      "ArnLike resource part spans slashes",
      #"{"ArnLike":{"aws:SourceArn":"arn:aws:iam::111122223333:role/*"}}"#,
      [src: ["arn:aws:iam::111122223333:role/team/Admin"]], true),
    .init(
      "ArnLike question mark",
      #"{"ArnLike":{"aws:SourceArn":"arn:aws:sns:us-east-?:111122223333:alerts"}}"#,
      [src: ["arn:aws:sns:us-east-2:111122223333:alerts"]], true),
    .init(
      "ArnLike * in region cannot cross colons",
      #"{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:111122223333:billing-*"}}"#,
      [src: ["arn:aws:sns:us-east-2:444455556666:relay:111122223333:billing-alerts"]], false),
    .init(
      "StringLike * does cross colons (the contrast)",
      #"{"StringLike":{"aws:SourceArn":"arn:aws:sns:*:111122223333:billing-*"}}"#,
      [src: ["arn:aws:sns:us-east-2:444455556666:relay:111122223333:billing-alerts"]], true),
    .init(
      "ArnLike value that is not an ARN", #"{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:*:*"}}"#,
      [src: ["alerts"]], false),
    .init("ArnLike missing key", #"{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:*:*"}}"#, [:], false),
    .init(
      "ArnLikeIfExists missing key", #"{"ArnLikeIfExists":{"aws:SourceArn":"arn:aws:sns:*:*:*"}}"#,
      [:], true),
    .init(
      "ArnNotLike matching", #"{"ArnNotLike":{"aws:SourceArn":"arn:aws:sns:*:111122223333:*"}}"#,
      [src: ["arn:aws:sns:us-east-2:111122223333:x"]], false),
    .init(
      "ArnNotLike other account",
      #"{"ArnNotLike":{"aws:SourceArn":"arn:aws:sns:*:111122223333:*"}}"#,
      [src: ["arn:aws:sns:us-east-2:444455556666:x"]], true),
    .init(
      "ArnNotLike missing key is true",
      #"{"ArnNotLike":{"aws:SourceArn":"arn:aws:sns:*:111122223333:*"}}"#, [:], true),
    .init(
      "ArnNotEquals missing key is true",
      #"{"ArnNotEquals":{"aws:SourceArn":"arn:aws:sns:us-east-2:111122223333:alerts"}}"#, [:], true),
    .init(
      "ArnLike values ORed",
      #"{"ArnLike":{"aws:SourceArn":["arn:aws:sns:*:444455556666:*","arn:aws:sqs:*:111122223333:*"]}}"#,
      [src: ["arn:aws:sqs:us-east-1:111122223333:q"]], true),
    .init(
      "ArnLike with a policy variable",
      #"{"ArnLike":{"aws:SourceArn":"arn:aws:iam::111122223333:user/${aws:username}"}}"#,
      [src: ["arn:aws:iam::111122223333:user/alice"], "aws:username": ["alice"]], true),
  ]

  @Test(arguments: cases) func arn(_ c: ConditionCase) throws { try c.run() }
}

@Suite struct NullConditionTests {
  static let cases: [ConditionCase] = [
    .init("Null true: key absent", #"{"Null":{"aws:TokenIssueTime":"true"}}"#, [:], true),
    .init(
      "Null true: key present", #"{"Null":{"aws:TokenIssueTime":"true"}}"#,
      ["aws:TokenIssueTime": ["2020-01-01T00:00:00Z"]], false),
    .init(
      "Null false: key present", #"{"Null":{"aws:TokenIssueTime":"false"}}"#,
      ["aws:TokenIssueTime": ["2020-01-01T00:00:00Z"]], true),
    .init("Null false: key absent", #"{"Null":{"aws:TokenIssueTime":"false"}}"#, [:], false),
    .init("Null unquoted JSON boolean", #"{"Null":{"aws:TokenIssueTime":true}}"#, [:], true),
    .init(
      "Null key is case-insensitive", #"{"Null":{"AWS:TOKENISSUETIME":"false"}}"#,
      ["aws:TokenIssueTime": ["x"]], true),
    .init(
      "Null false: empty multivalued key is absent", #"{"Null":{"aws:TagKeys":"false"}}"#,
      ["aws:TagKeys": []], false),
  ]

  @Test(arguments: cases) func null(_ c: ConditionCase) throws { try c.run() }
}

private let tags = "aws:TagKeys"

@Suite struct SetOperatorConditionTests {
  static let cases: [ConditionCase] = [
    .init(
      "ForAnyValue: one request value matches",
      #"{"ForAnyValue:StringEquals":{"aws:TagKeys":["Environment","CostCenter"]}}"#,
      [tags: ["Environment", "Owner"]], true),
    .init(
      "ForAnyValue: no request value matches",
      #"{"ForAnyValue:StringEquals":{"aws:TagKeys":["Environment","CostCenter"]}}"#,
      [tags: ["Owner", "Team"]], false),
    .init(
      "ForAnyValue: missing key is false",
      #"{"ForAnyValue:StringEquals":{"aws:TagKeys":["Environment"]}}"#, [:], false),
    .init(
      "ForAnyValue: empty key is false",
      #"{"ForAnyValue:StringEquals":{"aws:TagKeys":["Environment"]}}"#, [tags: []], false),
    .init(
      "ForAnyValue:StringEqualsIfExists missing key",
      #"{"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":["Environment"]}}"#, [:], true),
    .init(
      "ForAnyValue:StringLike", #"{"ForAnyValue:StringLike":{"aws:TagKeys":"Cost*"}}"#,
      [tags: ["Owner", "CostCenter"]], true),
    .init(
      "ForAnyValue:StringNotEquals: one value outside the list",
      #"{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["Environment"]}}"#,
      [tags: ["Environment", "Owner"]], true),
    .init(
      "ForAnyValue:StringNotEquals: all values in the list",
      #"{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["Environment"]}}"#, [tags: ["Environment"]],
      false),
    .init(
      "ForAnyValue:StringNotEquals: missing key is false",
      #"{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["Environment"]}}"#, [:], false),
    .init(
      "ForAllValues: every request value is listed",
      #"{"ForAllValues:StringEquals":{"aws:TagKeys":["Environment","CostCenter"]}}"#,
      [tags: ["Environment", "CostCenter"]], true),
    .init(
      "ForAllValues: subset is enough",
      #"{"ForAllValues:StringEquals":{"aws:TagKeys":["Environment","CostCenter"]}}"#,
      [tags: ["CostCenter"]], true),
    .init(
      "ForAllValues: one extra value",
      #"{"ForAllValues:StringEquals":{"aws:TagKeys":["Environment","CostCenter"]}}"#,
      [tags: ["Environment", "Owner"]], false),
    .init(
      "ForAllValues: missing key is true",
      #"{"ForAllValues:StringEquals":{"aws:TagKeys":["Environment"]}}"#, [:], true),
    .init(
      "ForAllValues: empty key is true",
      #"{"ForAllValues:StringEquals":{"aws:TagKeys":["Environment"]}}"#, [tags: []], true),
    .init(
      "ForAllValues:StringLike", #"{"ForAllValues:StringLike":{"aws:TagKeys":"Created*"}}"#,
      [tags: ["CreatedBy", "CreatedAt"]], true),
    .init(
      "ForAllValues:StringNotLike: none match the pattern",
      #"{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}"#, [tags: ["key2:audit"]], true),
    .init(
      "ForAllValues:StringNotLike: one matches the pattern",
      #"{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}"#, [tags: ["key1:legal"]], false),
    .init(
      "ForAllValues:StringNotLike: missing key is true",
      #"{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}"#, [:], true),
    .init(
      "ForAllValues with Null false guards the missing key",
      #"{"ForAllValues:StringEquals":{"aws:TagKeys":["Environment"]},"Null":{"aws:TagKeys":"false"}}"#,
      [:], false),
    .init(
      "ForAllValues:StringEqualsIgnoreCase",
      #"{"ForAllValues:StringEqualsIgnoreCase":{"aws:TagKeys":["environment"]}}"#,
      [tags: ["ENVIRONMENT"]], true),
    .init(
      "ForAnyValue:NumericLessThan", #"{"ForAnyValue:NumericLessThan":{"example:sizes":"10"}}"#,
      ["example:sizes": ["50", "5"]], true),
    .init(
      "ForAllValues:NumericLessThan", #"{"ForAllValues:NumericLessThan":{"example:sizes":"10"}}"#,
      ["example:sizes": ["50", "5"]], false),
    .init(
      "ForAnyValue:IpAddress", #"{"ForAnyValue:IpAddress":{"example:ips":"10.0.0.0/8"}}"#,
      ["example:ips": ["192.0.2.1", "10.1.2.3"]], true),
    .init(
      "ForAllValues:ArnLike",
      #"{"ForAllValues:ArnLike":{"example:arns":"arn:aws:s3:::bucket-a/*"}}"#,
      ["example:arns": ["arn:aws:s3:::bucket-a/x", "arn:aws:s3:::bucket-b/y"]], false),
    .init(
      "set operator key is case-insensitive",
      #"{"ForAnyValue:StringEquals":{"AWS:TAGKEYS":["Environment"]}}"#, [tags: ["Environment"]],
      true),
  ]

  @Test(arguments: cases) func setOperators(_ c: ConditionCase) throws { try c.run() }
}
