import IAMEvaluator
import IAMPolicy
import Testing

/// One request against a set of policies, with the decision AWS documents for it.
///
/// Policies are JSON text; `scps` and `rcps` are levels (root first), each a list of policies.
struct FlowCase: Sendable, CustomTestStringConvertible {
  var id: String
  var why: String
  var caller: String
  var action: String
  var resource: String
  var identity: [String] = []
  var resourcePolicy: String? = nil
  var boundary: String? = nil
  var session: String? = nil
  var scps: [[String]]? = nil
  var rcps: [[String]]? = nil
  var owner: String? = nil
  var context: [String: [String]] = [:]
  var expect: Decision

  var testDescription: String { id }

  func policies() throws -> ApplicablePolicies {
    func levels(_ l: [[String]]?, _ kind: PolicyKind, _ name: String) throws -> [[Policy]]? {
      try l?.enumerated().map { i, level in
        try level.enumerated().map { j, text in
          try parsePolicy(text, kind, id: "\(name).\(i + 1).\(j + 1)")
        }
      }
    }
    return ApplicablePolicies(
      identity: try identity.enumerated().map {
        try parsePolicy($1, .identity, id: "PolicyInputList.\($0 + 1)")
      },
      resource: try resourcePolicy.map { [try parsePolicy($0, .resource, id: "ResourcePolicy")] }
        ?? [],
      permissionsBoundary: try boundary.map {
        [try parsePolicy($0, .permissionsBoundary, id: "Boundary")]
      } ?? [],
      session: try session.map { [try parsePolicy($0, .session, id: "Session")] } ?? [],
      serviceControlLevels: try levels(scps, .serviceControl, "SCP"),
      resourceControlLevels: try levels(rcps, .resourceControl, "RCP"),
      resourceOwner: owner)
  }

  func evaluate() throws -> Evaluation {
    let principal = try #require(Principal(caller), "caller \(caller)")
    let request = Request(
      principal: principal, action: action, resource: resource,
      context: IAMEvaluatorTests.context(context))
    let policies = try policies()
    let traced = Evaluator().evaluate(request, against: policies)
    // The untraced (compiled) path must decide exactly as the traced one.
    expectSameAnswer(traced, Evaluator(options: .init(recordsTrace: false)).evaluate(request, against: policies))
    return traced
  }
}

private typealias W = World
private let allowAll = document(stmt("Allow", "*"))
private let s3Get = "s3:GetObject"
private let obj = World.object
private let bucketObjects = "arn:aws:s3:::bucket-a/*"

/// Explicit deny, organizations, boundaries and session policies.
/// IAM User Guide, "Policy evaluation logic" and "How AWS enforcement code logic evaluates
/// requests"; Organizations User Guide, "SCP evaluation" and "Resource control policies".
@Suite struct EvaluationFlowTests {
  static let denyAndOrganizationsCases: [FlowCase] = [
    FlowCase(
      id: "identity allow", why: "an identity-based Allow is enough within one account",
      caller: W.alice, action: s3Get,
      resource: obj, identity: [document(stmt("Allow", s3Get, bucketObjects))], expect: .allowed),
    FlowCase(
      id: "nothing allows", why: "default deny", caller: W.alice, action: s3Get, resource: obj,
      expect: .implicitDeny),
    FlowCase(
      id: "deny in identity beats allow in the same policy", why: "explicit deny wins",
      caller: W.alice, action: s3Get,
      resource: obj,
      identity: [document(stmt("Allow", "s3:*"), stmt("Deny", s3Get, bucketObjects))],
      expect: .explicitDeny),
    FlowCase(
      id: "deny in identity beats resource-policy grant",
      why: "explicit deny wins over a resource grant",
      caller: W.alice, action: s3Get, resource: obj, identity: [document(stmt("Deny", "s3:*"))],
      resourcePolicy: document(grant("Allow", aws(W.alice), s3Get, bucketObjects)),
      expect: .explicitDeny),
    FlowCase(
      id: "deny in resource policy beats identity allow", why: "explicit deny in any policy wins",
      caller: W.alice, action: s3Get, resource: obj, identity: [allowAll],
      resourcePolicy: document(grant("Deny", "\"*\"", s3Get, bucketObjects)), expect: .explicitDeny),
    FlowCase(
      id: "deny in a second identity policy", why: "policies combine; one Deny is enough",
      caller: W.alice,
      action: s3Get, resource: obj, identity: [allowAll, document(stmt("Deny", "s3:Get*"))],
      expect: .explicitDeny),
    FlowCase(
      id: "deny in boundary", why: "an explicit deny in the permissions boundary wins",
      caller: W.alice, action: s3Get,
      resource: obj, identity: [allowAll],
      boundary: document(stmt("Allow", "*"), stmt("Deny", "s3:*")),
      expect: .explicitDeny),
    FlowCase(
      id: "deny in session policy", why: "an explicit deny in the session policy wins",
      caller: W.appSession,
      action: s3Get, resource: obj, identity: [allowAll],
      session: document(stmt("Allow", "*"), stmt("Deny", s3Get)),
      expect: .explicitDeny),
    FlowCase(
      id: "SCP every level allows", why: "Allow needed at every level", caller: W.alice,
      action: s3Get, resource: obj,
      identity: [allowAll], scps: [[allowAll], [allowAll], [document(stmt("Allow", "s3:*"))]],
      expect: .allowed),
    FlowCase(
      id: "SCP middle level lacks allow", why: "one level without an Allow denies", caller: W.alice,
      action: s3Get,
      resource: obj, identity: [allowAll],
      scps: [[allowAll], [document(stmt("Allow", "ec2:*"))], [allowAll]],
      expect: .implicitDeny),
    FlowCase(
      id: "SCP allow in one policy of a level is enough", why: "policies of one level combine",
      caller: W.alice,
      action: s3Get, resource: obj, identity: [allowAll],
      scps: [[allowAll], [document(stmt("Allow", "ec2:*")), document(stmt("Allow", "s3:Get*"))]],
      expect: .allowed),
    FlowCase(
      id: "SCP deny at root level", why: "a Deny at any level wins", caller: W.alice, action: s3Get,
      resource: obj,
      identity: [allowAll],
      scps: [[document(stmt("Allow", "*"), stmt("Deny", "s3:*"))], [allowAll]],
      expect: .explicitDeny),
    FlowCase(
      id: "SCPs never grant", why: "SCPs only limit; the identity must still allow",
      caller: W.alice, action: s3Get,
      resource: obj, scps: [[allowAll]], expect: .implicitDeny),
    FlowCase(
      id: "SCP limits a same-account resource-policy grant",
      why: "SCPs limit grants from resource policies to members",
      caller: W.alice, action: s3Get, resource: obj,
      resourcePolicy: document(grant("Allow", aws(W.alice), s3Get, bucketObjects)),
      scps: [[document(stmt("Allow", "ec2:*"))]], expect: .implicitDeny),
    FlowCase(
      id: "SCP binds the member account root user",
      why: "SCPs affect the root user of member accounts", caller: W.rootA,
      action: s3Get, resource: obj, scps: [[document(stmt("Allow", "*"), stmt("Deny", "s3:*"))]],
      expect: .explicitDeny),
    FlowCase(
      id: "SCP missing allow binds root too", why: "SCPs affect the root user", caller: W.rootA,
      action: s3Get,
      resource: obj, scps: [[document(stmt("Allow", "ec2:*"))]], expect: .implicitDeny),
    FlowCase(
      id: "service-linked role is exempt from SCPs", why: "SCPs do not affect service-linked roles",
      caller:
        "arn:aws:iam::111122223333:role/aws-service-role/elasticbeanstalk.amazonaws.com/AWSServiceRoleForElasticBeanstalk",
      action: "ec2:DescribeInstances", resource: "*", identity: [allowAll],
      scps: [[document(stmt("Allow", "*"), stmt("Deny", "*"))]], expect: .allowed),
    FlowCase(
      id: "ordinary role in a path is not exempt", why: "only /aws-service-role/ roles are exempt",
      caller: "arn:aws:iam::111122223333:role/service/MyRole", action: "ec2:DescribeInstances",
      resource: "*",
      identity: [allowAll], scps: [[document(stmt("Allow", "*"), stmt("Deny", "*"))]],
      expect: .explicitDeny),
    FlowCase(
      id: "SCP applies to role sessions", why: "SCPs bind every member principal",
      caller: W.appSession, action: s3Get,
      resource: obj, identity: [allowAll], scps: [[document(stmt("Allow", "ec2:*"))]],
      expect: .implicitDeny),
    FlowCase(
      id: "RCP deny binds a same-account caller", why: "RCPs limit every requester",
      caller: W.alice, action: s3Get,
      resource: obj, identity: [allowAll],
      rcps: [[document(grant("Allow", "\"*\"", "*"), grant("Deny", "\"*\"", "s3:*"))]],
      expect: .explicitDeny),
    FlowCase(
      id: "RCP deny binds an external caller", why: "RCPs limit external principals too",
      caller: W.jin,
      action: s3Get, resource: obj, identity: [allowAll],
      resourcePolicy: document(grant("Allow", aws(W.jin), s3Get, bucketObjects)),
      rcps: [[document(grant("Allow", "\"*\"", "*"), grant("Deny", "\"*\"", "s3:GetObject"))]],
      owner: W.a,
      expect: .explicitDeny),
    FlowCase(
      id: "RCP level without allow", why: "every RCP level must allow", caller: W.alice,
      action: s3Get, resource: obj,
      identity: [allowAll],
      rcps: [
        [document(grant("Allow", "\"*\"", "*"))], [document(grant("Allow", "\"*\"", "sqs:*"))],
      ],
      expect: .implicitDeny),
    FlowCase(
      id: "RCP full access at every level",
      why: "RCPFullAWSAccess leaves the decision to the other policies",
      caller: W.alice, action: s3Get, resource: obj, identity: [allowAll],
      rcps: [[document(grant("Allow", "\"*\"", "*"))], [document(grant("Allow", "\"*\"", "*"))]],
      expect: .allowed),
    FlowCase(
      id: "RCPs never grant", why: "RCPs only limit", caller: W.alice, action: s3Get, resource: obj,
      rcps: [[document(grant("Allow", "\"*\"", "*"))]], expect: .implicitDeny),
    FlowCase(
      id: "RCP deny with condition on external account", why: "the documented data-perimeter RCP",
      caller: W.jin, action: s3Get, resource: obj, identity: [allowAll],
      resourcePolicy: document(grant("Allow", aws(W.jin), s3Get, bucketObjects)),
      rcps: [
        [
          document(
            grant("Allow", "\"*\"", "*"),
            grant(
              "Deny", "\"*\"", "s3:*",
              condition: #"{"StringNotEqualsIfExists":{"aws:PrincipalAccount":"111122223333"}}"#))
        ]
      ],
      owner: W.a, expect: .explicitDeny),
  ]

  static let boundariesAndSessionsCases: [FlowCase] = [
    FlowCase(
      id: "boundary intersection: boundary lacks the action",
      why: "effective = identity ∩ boundary",
      caller: W.alice, action: s3Get, resource: obj, identity: [document(stmt("Allow", "s3:*"))],
      boundary: document(stmt("Allow", "ec2:*")), expect: .implicitDeny),
    FlowCase(
      id: "boundary intersection: both allow", why: "effective = identity ∩ boundary",
      caller: W.alice, action: s3Get,
      resource: obj, identity: [document(stmt("Allow", s3Get, bucketObjects))],
      boundary: document(stmt("Allow", "s3:*")),
      expect: .allowed),
    FlowCase(
      id: "boundary never grants", why: "a boundary alone allows nothing", caller: W.alice,
      action: s3Get, resource: obj,
      boundary: allowAll, expect: .implicitDeny),
    FlowCase(
      id: "boundary does not limit a same-account grant to the user ARN",
      why:
        "IAM UG, permissions boundaries: a resource policy naming the IAM user is not limited by the boundary",
      caller: W.alice, action: s3Get, resource: obj,
      resourcePolicy: document(grant("Allow", aws(W.alice), s3Get, bucketObjects)),
      boundary: document(stmt("Allow", "ec2:*")), expect: .allowed),
    FlowCase(
      id: "boundary limits a same-account grant to the role ARN",
      why: "a resource policy naming the role is limited by the session's boundary",
      caller: W.appSession, action: s3Get,
      resource: obj, resourcePolicy: document(grant("Allow", aws(W.appRole), s3Get, bucketObjects)),
      boundary: document(stmt("Allow", "ec2:*")), expect: .implicitDeny),
    FlowCase(
      id: "role-ARN grant with a boundary that allows",
      why: "role-ARN grants stand when the boundary allows",
      caller: W.appSession, action: s3Get, resource: obj,
      resourcePolicy: document(grant("Allow", aws(W.appRole), s3Get, bucketObjects)),
      boundary: document(stmt("Allow", "s3:*")),
      expect: .allowed),
    FlowCase(
      id: "boundary does not limit a grant to the session ARN",
      why: "a session ARN grant stands alone",
      caller: W.appSession, action: s3Get, resource: obj,
      resourcePolicy: document(grant("Allow", aws(W.appSession), s3Get, bucketObjects)),
      boundary: document(stmt("Allow", "ec2:*")), expect: .allowed),
    FlowCase(
      id: "account grant is delegation, limited by the boundary",
      why: "naming the account needs the identity path",
      caller: W.alice, action: s3Get, resource: obj, identity: [allowAll],
      resourcePolicy: document(grant("Allow", aws(W.rootA), s3Get, bucketObjects)),
      boundary: document(stmt("Allow", "ec2:*")),
      expect: .implicitDeny),
    FlowCase(
      id: "boundary applies cross-account even to a user-ARN grant",
      why: "the same-account bypass does not cross accounts", caller: W.jin, action: s3Get,
      resource: obj,
      identity: [allowAll],
      resourcePolicy: document(grant("Allow", aws(W.jin), s3Get, bucketObjects)),
      boundary: document(stmt("Allow", "ec2:*")), owner: W.a, expect: .implicitDeny),
    FlowCase(
      id: "session policy intersection: not in session policy",
      why: "effective = identity ∩ session policy",
      caller: W.appSession, action: "s3:PutObject", resource: obj,
      identity: [document(stmt("Allow", "s3:*"))],
      session: document(stmt("Allow", s3Get)), expect: .implicitDeny),
    FlowCase(
      id: "session policy intersection: in both", why: "effective = identity ∩ session policy",
      caller: W.appSession,
      action: s3Get, resource: obj, identity: [document(stmt("Allow", "s3:*"))],
      session: document(stmt("Allow", s3Get)),
      expect: .allowed),
    FlowCase(
      id: "session policy cannot grant", why: "a session policy never adds permissions",
      caller: W.appSession,
      action: s3Get, resource: obj, identity: [document(stmt("Allow", "ec2:*"))], session: allowAll,
      expect: .implicitDeny),
    FlowCase(
      id: "session policy does not limit a grant to the session ARN",
      why: "IAM UG, session policies",
      caller: W.appSession, action: s3Get, resource: obj,
      resourcePolicy: document(grant("Allow", aws(W.appSession), s3Get, bucketObjects)),
      session: document(stmt("Allow", "ec2:*")), expect: .allowed),
    FlowCase(
      id: "session policy limits a grant to the role ARN", why: "IAM UG, session policies",
      caller: W.appSession,
      action: s3Get, resource: obj,
      resourcePolicy: document(grant("Allow", aws(W.appRole), s3Get, bucketObjects)),
      session: document(stmt("Allow", "ec2:*")), expect: .implicitDeny),
    FlowCase(
      id: "session ∩ resource policy when the role is named",
      why: "(session ∩ resource) ∪ (session ∩ identity)",
      caller: W.appSession, action: s3Get, resource: obj,
      resourcePolicy: document(grant("Allow", aws(W.appRole), s3Get, bucketObjects)),
      session: document(stmt("Allow", "s3:*")),
      expect: .allowed),
  ]

  static let crossAccountAndRootCases: [FlowCase] = [
    FlowCase(
      id: "cross-account: identity only", why: "both accounts must allow", caller: W.jin,
      action: s3Get, resource: obj,
      identity: [allowAll], owner: W.a, expect: .implicitDeny),
    FlowCase(
      id: "cross-account: resource policy only", why: "both accounts must allow", caller: W.jin,
      action: s3Get,
      resource: obj, resourcePolicy: document(grant("Allow", aws(W.jin), s3Get, bucketObjects)),
      owner: W.a,
      expect: .implicitDeny),
    FlowCase(
      id: "cross-account: both sides", why: "both accounts allow", caller: W.jin, action: s3Get,
      resource: obj,
      identity: [document(stmt("Allow", s3Get, bucketObjects))],
      resourcePolicy: document(grant("Allow", aws(W.jin), s3Get, bucketObjects)), owner: W.a,
      expect: .allowed),
    FlowCase(
      id: "cross-account: account principal delegates",
      why: "naming the account delegates to its administrators",
      caller: W.jin, action: s3Get, resource: obj, identity: [allowAll],
      resourcePolicy: document(grant("Allow", aws(W.rootB), s3Get, bucketObjects)), owner: W.a,
      expect: .allowed),
    FlowCase(
      id: "cross-account: bare account id delegates", why: "a 12-digit id is the account",
      caller: W.jin, action: s3Get,
      resource: obj, identity: [allowAll],
      resourcePolicy: document(grant("Allow", aws(W.b), s3Get, bucketObjects)),
      owner: W.a, expect: .allowed),
    FlowCase(
      id: "cross-account: account principal without identity allow",
      why: "delegation still needs the identity policy",
      caller: W.jin, action: s3Get, resource: obj,
      resourcePolicy: document(grant("Allow", aws(W.rootB), s3Get, bucketObjects)),
      owner: W.a, expect: .implicitDeny),
    FlowCase(
      id: "cross-account: Principal * does not exempt external callers",
      why: "other accounts need identity permissions",
      caller: W.jin, action: s3Get, resource: obj,
      resourcePolicy: document(grant("Allow", "\"*\"", s3Get, bucketObjects)),
      owner: W.a, expect: .implicitDeny),
    FlowCase(
      id: "cross-account: Principal * plus identity allow", why: "both sides allow", caller: W.jin,
      action: s3Get,
      resource: obj, identity: [allowAll],
      resourcePolicy: document(grant("Allow", "\"*\"", s3Get, bucketObjects)),
      owner: W.a, expect: .allowed),
    FlowCase(
      id: "cross-account: grant names another account",
      why: "the resource policy must name the caller or its account",
      caller: W.jin, action: s3Get, resource: obj, identity: [allowAll],
      resourcePolicy: document(
        grant("Allow", aws("arn:aws:iam::999999999999:root"), s3Get, bucketObjects)), owner: W.a,
      expect: .implicitDeny),
    FlowCase(
      id: "cross-account: deny in the owner's policy", why: "explicit deny in either account",
      caller: W.jin,
      action: s3Get, resource: obj, identity: [allowAll],
      resourcePolicy: document(
        grant("Allow", aws(W.jin), s3Get, bucketObjects),
        grant("Deny", aws(W.jin), s3Get, bucketObjects)),
      owner: W.a, expect: .explicitDeny),
    FlowCase(
      id: "cross-account: role session named by role ARN",
      why: "a role principal covers its sessions",
      caller: W.remoteSession, action: s3Get, resource: obj, identity: [allowAll],
      resourcePolicy: document(grant("Allow", aws(W.remoteRole), s3Get, bucketObjects)), owner: W.a,
      expect: .allowed),
    FlowCase(
      id: "cross-account: session policy still applies",
      why: "the caller's session policy limits it",
      caller: W.remoteSession, action: s3Get, resource: obj, identity: [allowAll],
      resourcePolicy: document(grant("Allow", aws(W.remoteSession), s3Get, bucketObjects)),
      session: document(stmt("Allow", "ec2:*")), owner: W.a, expect: .implicitDeny),
    FlowCase(
      id: "same account: Principal * stands alone",
      why: "same-account principals need nothing else for *",
      caller: W.alice, action: s3Get, resource: obj,
      resourcePolicy: document(grant("Allow", "\"*\"", s3Get, bucketObjects)),
      expect: .allowed),
    FlowCase(
      id: "same account: user ARN grant without identity policy",
      why: "a grant naming the user stands alone",
      caller: W.alice, action: s3Get, resource: obj,
      resourcePolicy: document(grant("Allow", aws(W.alice), s3Get, bucketObjects)),
      expect: .allowed),
    FlowCase(
      id: "same account: grant to another user", why: "the principal must name the caller",
      caller: W.bob, action: s3Get,
      resource: obj, resourcePolicy: document(grant("Allow", aws(W.alice), s3Get, bucketObjects)),
      expect: .implicitDeny),
    FlowCase(
      id: "same account: user name in principal is case-sensitive",
      why: "IAM UG, Principal: user names are case sensitive",
      caller: "arn:aws:iam::111122223333:user/Alice", action: s3Get, resource: obj,
      resourcePolicy: document(grant("Allow", aws(W.alice), s3Get, bucketObjects)),
      expect: .implicitDeny),
    FlowCase(
      id: "same account: account principal without identity", why: "the account only delegates",
      caller: W.alice,
      action: s3Get, resource: obj,
      resourcePolicy: document(grant("Allow", aws(W.rootA), s3Get, bucketObjects)),
      expect: .implicitDeny),
    FlowCase(
      id: "root user has full access in its account",
      why: "the root user is not subject to the default deny",
      caller: W.rootA, action: "iam:DeleteUser", resource: "arn:aws:iam::111122223333:user/bob",
      expect: .allowed),
    FlowCase(
      id: "root user is stopped by an explicit deny in a resource policy",
      why: "explicit deny wins", caller: W.rootA,
      action: s3Get, resource: obj,
      resourcePolicy: document(grant("Deny", "\"*\"", s3Get, bucketObjects)),
      expect: .explicitDeny),
    FlowCase(
      id: "root user cross-account needs the owner's grant", why: "cross-account needs both sides",
      caller: W.rootB,
      action: s3Get, resource: obj, owner: W.a, expect: .implicitDeny),
    FlowCase(
      id: "root user cross-account with a grant to its account", why: "the root is its account",
      caller: W.rootB,
      action: s3Get, resource: obj,
      resourcePolicy: document(grant("Allow", aws(W.rootB), s3Get, bucketObjects)), owner: W.a,
      expect: .allowed),
  ]

  static let trustAndKMSCases: [FlowCase] = [
    FlowCase(
      id: "trust: same-account user named, no identity policy",
      why: "STS AssumeRole: naming the user needs no identity policy",
      caller: W.alice, action: "sts:AssumeRole", resource: W.buildRole,
      resourcePolicy: document(grant("Allow", aws(W.alice), "sts:AssumeRole", nil)),
      expect: .allowed),
    FlowCase(
      id: "trust: named user whose boundary lacks sts:AssumeRole",
      why: "IAM UG, Update a role trust policy: the boundary must allow it",
      caller: W.alice, action: "sts:AssumeRole", resource: W.buildRole,
      resourcePolicy: document(grant("Allow", aws(W.alice), "sts:AssumeRole", nil)),
      boundary: document(stmt("Allow", "s3:*")),
      expect: .implicitDeny),
    FlowCase(
      id: "trust: named user whose boundary allows sts:AssumeRole", why: "the boundary allows it",
      caller: W.alice,
      action: "sts:AssumeRole", resource: W.buildRole,
      resourcePolicy: document(grant("Allow", aws(W.alice), "sts:AssumeRole", nil)),
      boundary: document(stmt("Allow", "sts:AssumeRole")), expect: .allowed),
    FlowCase(
      id: "trust: account root trusted, no identity policy",
      why: "trusting the account delegates to IAM policies",
      caller: W.alice, action: "sts:AssumeRole", resource: W.buildRole,
      resourcePolicy: document(grant("Allow", aws(W.rootA), "sts:AssumeRole", nil)),
      expect: .implicitDeny),
    FlowCase(
      id: "trust: account root trusted, identity allows", why: "both gates open", caller: W.alice,
      action: "sts:AssumeRole", resource: W.buildRole,
      identity: [document(stmt("Allow", "sts:AssumeRole", W.buildRole))],
      resourcePolicy: document(grant("Allow", aws(W.rootA), "sts:AssumeRole", nil)),
      expect: .allowed),
    FlowCase(
      id: "trust: identity allow alone never suffices",
      why: "the trust policy must allow the caller", caller: W.alice,
      action: "sts:AssumeRole", resource: W.buildRole, identity: [allowAll],
      resourcePolicy: document(grant("Allow", aws(W.bob), "sts:AssumeRole", nil)),
      expect: .implicitDeny),
    FlowCase(
      id: "trust: no trust policy at all", why: "a role nobody trusts cannot be assumed",
      caller: W.alice,
      action: "sts:AssumeRole", resource: W.buildRole, identity: [allowAll], expect: .implicitDeny),
    FlowCase(
      id: "trust: explicit deny in the trust policy", why: "explicit deny wins", caller: W.alice,
      action: "sts:AssumeRole",
      resource: W.buildRole, identity: [allowAll],
      resourcePolicy: document(
        grant("Allow", aws(W.rootA), "sts:AssumeRole", nil),
        grant("Deny", aws(W.alice), "sts:AssumeRole", nil)),
      expect: .explicitDeny),
    FlowCase(
      id: "trust: service principal",
      why: "a service named in the trust policy may assume the role",
      caller: "ec2.amazonaws.com", action: "sts:AssumeRole", resource: W.buildRole,
      resourcePolicy: document(
        grant("Allow", #"{"Service":"ec2.amazonaws.com"}"#, "sts:AssumeRole", nil)),
      expect: .allowed),
    FlowCase(
      id: "trust: other service principal", why: "only the named service",
      caller: "lambda.amazonaws.com",
      action: "sts:AssumeRole", resource: W.buildRole,
      resourcePolicy: document(
        grant("Allow", #"{"Service":"ec2.amazonaws.com"}"#, "sts:AssumeRole", nil)),
      expect: .implicitDeny),
    FlowCase(
      id: "trust: role chaining by role ARN", why: "a role principal covers its sessions",
      caller: W.appSession,
      action: "sts:AssumeRole", resource: W.buildRole,
      resourcePolicy: document(grant("Allow", aws(W.appRole), "sts:AssumeRole", nil)),
      expect: .allowed),
    FlowCase(
      id: "trust: cross-account user named, identity allows", why: "cross-account needs both",
      caller: W.jin,
      action: "sts:AssumeRole", resource: W.buildRole,
      identity: [document(stmt("Allow", "sts:AssumeRole", W.buildRole))],
      resourcePolicy: document(grant("Allow", aws(W.jin), "sts:AssumeRole", nil)), owner: W.a,
      expect: .allowed),
    FlowCase(
      id: "trust: cross-account user named, no identity policy",
      why: "the caller's account must also allow",
      caller: W.jin, action: "sts:AssumeRole", resource: W.buildRole,
      resourcePolicy: document(grant("Allow", aws(W.jin), "sts:AssumeRole", nil)), owner: W.a,
      expect: .implicitDeny),
    FlowCase(
      id: "trust: cross-account account trusted, identity allows",
      why: "delegation plus identity allow", caller: W.jin,
      action: "sts:AssumeRole", resource: W.buildRole, identity: [allowAll],
      resourcePolicy: document(grant("Allow", aws(W.rootB), "sts:AssumeRole", nil)), owner: W.a,
      expect: .allowed),
    FlowCase(
      id: "KMS: key policy enables IAM, identity allows",
      why: "KMS DG, key policies: the account statement enables IAM policies",
      caller: W.alice, action: "kms:Decrypt", resource: W.key,
      identity: [document(stmt("Allow", "kms:Decrypt"))],
      resourcePolicy: document(grant("Allow", aws(W.rootA), "kms:*")), expect: .allowed),
    FlowCase(
      id: "KMS: key policy enables IAM, no identity policy", why: "delegation needs an IAM policy",
      caller: W.alice,
      action: "kms:Decrypt", resource: W.key,
      resourcePolicy: document(grant("Allow", aws(W.rootA), "kms:*")),
      expect: .implicitDeny),
    FlowCase(
      id: "KMS: key policy names the user", why: "no IAM policy needed", caller: W.alice,
      action: "kms:Decrypt",
      resource: W.key, resourcePolicy: document(grant("Allow", aws(W.alice), "kms:Decrypt")),
      expect: .allowed),
    FlowCase(
      id: "KMS: IAM allow without key policy",
      why: "IAM policies alone cannot give access to a KMS key", caller: W.alice,
      action: "kms:Decrypt", resource: W.key, identity: [allowAll], expect: .implicitDeny),
    FlowCase(
      id: "KMS: key policy names someone else", why: "IAM policies alone cannot give access",
      caller: W.alice,
      action: "kms:Decrypt", resource: W.key, identity: [allowAll],
      resourcePolicy: document(grant("Allow", aws(W.bob), "kms:*")), expect: .implicitDeny),
    FlowCase(
      id: "KMS: IAM deny works without any key-policy grant", why: "an explicit deny always counts",
      caller: W.alice,
      action: "kms:Decrypt", resource: W.key, identity: [document(stmt("Deny", "kms:*"))],
      resourcePolicy: document(grant("Allow", aws(W.alice), "kms:Decrypt")), expect: .explicitDeny),
    FlowCase(
      id: "KMS: root user without a key-policy grant",
      why: "even the root user needs the key policy", caller: W.rootA,
      action: "kms:Decrypt", resource: W.key,
      resourcePolicy: document(grant("Allow", aws(W.bob), "kms:*")),
      expect: .implicitDeny),
    FlowCase(
      id: "KMS: root user with the account statement",
      why: "the key policy allows the account root", caller: W.rootA,
      action: "kms:Decrypt", resource: W.key,
      resourcePolicy: document(grant("Allow", aws(W.rootA), "kms:*")), expect: .allowed),
  ]

  static let notElementsCases: [FlowCase] = [
    FlowCase(
      id: "NotPrincipal: the listed user is exempt",
      why: "IAM UG, NotPrincipal: everyone except the listed principal",
      caller: W.alice, action: s3Get, resource: obj, identity: [allowAll],
      resourcePolicy: document(
        grant("Deny", aws(W.alice, W.rootA), s3Get, bucketObjects, not: true)), expect: .allowed),
    FlowCase(
      id: "NotPrincipal: another user of the listed account is denied",
      why: "only the named principal is exempt",
      caller: W.bob, action: s3Get, resource: obj, identity: [allowAll],
      resourcePolicy: document(
        grant("Deny", aws(W.alice, W.rootA), s3Get, bucketObjects, not: true)),
      expect: .explicitDeny),
    FlowCase(
      id: "NotPrincipal: a principal with a boundary is never exempt",
      why:
        "IAM UG, permissions boundaries: NotPrincipal Deny always denies principals with a boundary",
      caller: W.alice,
      action: s3Get, resource: obj, identity: [allowAll],
      resourcePolicy: document(
        grant("Deny", aws(W.alice, W.rootA), s3Get, bucketObjects, not: true)), boundary: allowAll,
      expect: .explicitDeny),
    FlowCase(
      id: "NotPrincipal: a session listed with its role and account is exempt",
      why: "list session, role and account",
      caller: W.appSession, action: s3Get, resource: obj, identity: [allowAll],
      resourcePolicy: document(
        grant("Deny", aws(W.appSession, W.appRole, W.rootA), s3Get, bucketObjects, not: true)),
      expect: .allowed),
    FlowCase(
      id: "NotAction allow excludes the listed action", why: "IAM UG, NotAction", caller: W.alice,
      action: "s3:DeleteBucket",
      resource: "arn:aws:s3:::bucket-a",
      identity: [document(stmt("Allow", "!s3:DeleteBucket", "arn:aws:s3:::*"))],
      expect: .implicitDeny),
    FlowCase(
      id: "NotAction allow covers other actions", why: "IAM UG, NotAction", caller: W.alice,
      action: s3Get, resource: obj,
      identity: [document(stmt("Allow", "!s3:DeleteBucket", "arn:aws:s3:::*"))], expect: .allowed),
    FlowCase(
      id: "NotAction allow is still limited by Resource",
      why: "IAM UG, NotAction: EC2 actions are not on S3 resources",
      caller: W.alice, action: "ec2:RunInstances",
      resource: "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
      identity: [document(stmt("Allow", "!s3:DeleteBucket", "arn:aws:s3:::*"))],
      expect: .implicitDeny),
    FlowCase(
      id: "NotAction deny without MFA", why: "IAM UG, NotAction with BoolIfExists", caller: W.alice,
      action: "s3:ListAllMyBuckets", resource: "*",
      identity: [
        document(
          stmt("Allow", "*"),
          stmt(
            "Deny", "!iam:*", condition: #"{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}"#
          ))
      ],
      expect: .explicitDeny),
    FlowCase(
      id: "NotAction deny spares the listed service", why: "IAM UG, NotAction", caller: W.alice,
      action: "iam:ListUsers",
      resource: "*",
      identity: [
        document(
          stmt("Allow", "*"),
          stmt(
            "Deny", "!iam:*", condition: #"{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}"#
          ))
      ],
      expect: .allowed),
    FlowCase(
      id: "NotAction deny with MFA present", why: "BoolIfExists false does not match true",
      caller: W.alice,
      action: "s3:ListAllMyBuckets", resource: "*",
      identity: [
        document(
          stmt("Allow", "*"),
          stmt(
            "Deny", "!iam:*", condition: #"{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}"#
          ))
      ],
      context: ["aws:MultiFactorAuthPresent": ["true"]], expect: .allowed),
    FlowCase(
      id: "NotResource deny exempts the listed resource", why: "IAM UG, NotResource",
      caller: W.alice, action: s3Get,
      resource: "arn:aws:s3:::hr/payroll/x",
      identity: [
        document(stmt("Allow", "s3:*"), stmt("Deny", "s3:*", "!arn:aws:s3:::hr/payroll/*"))
      ],
      expect: .allowed),
    FlowCase(
      id: "NotResource deny hits other resources", why: "IAM UG, NotResource", caller: W.alice,
      action: s3Get,
      resource: "arn:aws:s3:::hr/other/x",
      identity: [
        document(stmt("Allow", "s3:*"), stmt("Deny", "s3:*", "!arn:aws:s3:::hr/payroll/*"))
      ],
      expect: .explicitDeny),
    FlowCase(
      id: "NotAction and NotResource: deny only when neither list matches",
      why: "IAM UG, NotResource",
      caller: W.alice, action: "s3:PutObject", resource: "arn:aws:s3:::hr/payroll/x",
      identity: [document(stmt("Allow", "*"), stmt("Deny", "!s3:GetObject", "!arn:aws:s3:::hr/*"))],
      expect: .allowed),
    FlowCase(
      id: "NotAction and NotResource: both miss, deny applies", why: "IAM UG, NotResource",
      caller: W.alice,
      action: "s3:PutObject", resource: "arn:aws:s3:::other/x",
      identity: [document(stmt("Allow", "*"), stmt("Deny", "!s3:GetObject", "!arn:aws:s3:::hr/*"))],
      expect: .explicitDeny),
  ]

  @Test(arguments: denyAndOrganizationsCases) func denyAndOrganizations(_ c: FlowCase) throws {
    #expect(try c.evaluate().decision == c.expect, "\(c.why)")
  }

  @Test(arguments: boundariesAndSessionsCases) func boundariesAndSessions(_ c: FlowCase) throws {
    #expect(try c.evaluate().decision == c.expect, "\(c.why)")
  }

  @Test(arguments: crossAccountAndRootCases) func crossAccountAndRoot(_ c: FlowCase) throws {
    #expect(try c.evaluate().decision == c.expect, "\(c.why)")
  }

  @Test(arguments: trustAndKMSCases) func trustAndKMS(_ c: FlowCase) throws {
    #expect(try c.evaluate().decision == c.expect, "\(c.why)")
  }

  @Test(arguments: notElementsCases) func notElements(_ c: FlowCase) throws {
    #expect(try c.evaluate().decision == c.expect, "\(c.why)")
  }

  /// The explicit deny names every denying statement, and the allowed answer names the allowing one.
  @Test func matchedStatements() throws {
    let c = FlowCase(
      id: "two denies", why: "", caller: W.alice, action: s3Get, resource: obj,
      identity: [
        document(stmt("Allow", "*", sid: "All"), stmt("Deny", "s3:*", sid: "NoS3")),
        document(stmt("Deny", s3Get, sid: "NoGet")),
      ],
      expect: .explicitDeny)
    let e = try c.evaluate()
    #expect(e.decision == .explicitDeny)
    #expect(e.matchedStatements.map(\.sid) == ["NoS3", "NoGet"])
    #expect(e.matchedStatements.map(\.policyID) == ["PolicyInputList.1", "PolicyInputList.2"])
  }

  /// Keys asked for by conditions and absent from the request are reported once each.
  @Test func missingContextKeys() throws {
    let c = FlowCase(
      id: "missing", why: "", caller: W.alice, action: s3Get, resource: obj,
      identity: [
        document(
          stmt(
            "Allow", s3Get,
            condition:
              #"{"StringEquals":{"aws:PrincipalTag/team":"blue"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#
          ),
          stmt("Allow", s3Get, condition: #"{"StringEquals":{"aws:PrincipalTag/Team":"red"}}"#))
      ], expect: .implicitDeny)
    let e = try c.evaluate()
    #expect(e.decision == .implicitDeny)
    #expect(
      Set(e.missingContextKeys.map { $0.lowercased() }) == [
        "aws:principaltag/team", "aws:sourceip",
      ])
    #expect(e.missingContextKeys.count == 2)
  }

  /// The evaluator reads no clock and no global state: the same input gives the same answer.
  @Test func deterministic() throws {
    let c = EvaluationFlowTests.crossAccountAndRootCases[2]
    let first = try c.evaluate()
    for _ in 0..<5 {
      let again = try c.evaluate()
      #expect(again.decision == first.decision)
      #expect(again.matchedStatements == first.matchedStatements)
    }
  }
}
