import IAMPolicy

/// Writes a world back as `get-account-authorization-details` JSON.
///
/// One account gives one document; several give an array of documents, one per
/// account. What the AWS format cannot hold (resources with resource-based
/// policies, organization SCP/RCP levels) goes under extension keys that AWS
/// tools ignore and `AuthorizationDetails` reads back, so that loading an export
/// gives the same world.
public enum WorldExport {
  static let resourcesKey = "IAMTutorResources"
  static let organizationKey = "IAMTutorOrganization"
  static let accountKey = "IAMTutorAccount"

  public static func json(_ world: World) -> JSONOutput {
    let docs = world.accounts.enumerated().map { i, a in document(a, world: world, includeAWSManaged: i == 0) }
    return docs.count == 1 ? docs[0] : .array(docs)
  }

  static func doc(_ d: PolicyDocument) -> JSONOutput {
    // The text was read as a policy, so it is valid JSON; reparse to embed it as an object.
    let file = SourceFile(name: d.policy.id, text: d.text)
    guard let value = JSONParser.parse(file).value else { return .string(d.text) }
    return output(value)
  }

  static func output(_ v: JSONValue) -> JSONOutput {
    switch v.kind {
    case .object(let members): .object(members.map { ($0.key, output($0.value)) })
    case .array(let elements): .array(elements.map(output))
    case .string(let s): .string(s)
    case .number(let n): Int(n).map(JSONOutput.integer) ?? .number(Double(n) ?? 0)
    case .bool(let b): .bool(b)
    case .null: .null
    }
  }

  static func inline(_ list: [InlinePolicy]) -> JSONOutput {
    .array(list.map { .object([("PolicyName", .string($0.name)), ("PolicyDocument", doc($0.document))]) })
  }

  static func attached(_ arns: [String]) -> JSONOutput {
    .array(arns.map { arn in
      .object([("PolicyName", .string(String(arn.split(separator: "/").last ?? ""))), ("PolicyArn", .string(arn))])
    })
  }

  static func tags(_ tags: [Tag]) -> JSONOutput {
    .array(tags.map { .object([("Key", .string($0.key)), ("Value", .string($0.value))]) })
  }

  static func boundary(_ arn: String?) -> [(String, JSONOutput)] {
    guard let arn else { return [] }
    return [
      ("PermissionsBoundary", .object([("PermissionsBoundaryType", .string("Policy")), ("PermissionsBoundaryArn", .string(arn))]))
    ]
  }

  static func managed(_ p: ManagedPolicy) -> JSONOutput {
    .object([
      ("PolicyName", .string(p.name)), ("Arn", .string(p.arn)), ("Path", .string(p.path)),
      ("DefaultVersionId", .string(p.defaultVersionId)), ("IsAttachable", .bool(true)),
      (
        "PolicyVersionList",
        .array([
          .object([("Document", doc(p.document)), ("VersionId", .string(p.defaultVersionId)), ("IsDefaultVersion", .bool(true))])
        ])
      ),
    ])
  }

  static func document(_ a: Account, world: World, includeAWSManaged: Bool) -> JSONOutput {
    let users: [JSONOutput] = a.users.map { u in
      var m: [(String, JSONOutput)] = [("Path", .string(u.path)), ("UserName", .string(u.name))]
      if let id = u.id { m.append(("UserId", .string(id))) }
      m += [
        ("Arn", .string(u.arn)), ("UserPolicyList", inline(u.inlinePolicies)), ("GroupList", .array(u.groups.map { .string($0) })),
        ("AttachedManagedPolicies", attached(u.attachedPolicies)),
      ]
      m += boundary(u.permissionsBoundary)
      if !u.tags.isEmpty { m.append(("Tags", tags(u.tags))) }
      return .object(m)
    }
    let groups: [JSONOutput] = a.groups.map { g in
      var m: [(String, JSONOutput)] = [("Path", .string(g.path)), ("GroupName", .string(g.name))]
      if let id = g.id { m.append(("GroupId", .string(id))) }
      m += [("Arn", .string(g.arn)), ("GroupPolicyList", inline(g.inlinePolicies)), ("AttachedManagedPolicies", attached(g.attachedPolicies))]
      return .object(m)
    }
    let roles: [JSONOutput] = a.roles.map { r in
      var m: [(String, JSONOutput)] = [("Path", .string(r.path)), ("RoleName", .string(r.name))]
      if let id = r.id { m.append(("RoleId", .string(id))) }
      m.append(("Arn", .string(r.arn)))
      if let t = r.trustPolicy { m.append(("AssumeRolePolicyDocument", doc(t))) }
      let profiles: [JSONOutput] = a.instanceProfiles.filter { r.instanceProfiles.contains($0.name) }.map { p in
        .object([
          ("Path", .string(p.path)), ("InstanceProfileName", .string(p.name)), ("Arn", .string(p.arn)),
          ("Roles", .array(p.roles.map { .object([("RoleName", .string($0))]) })),
        ])
      }
      m += [("InstanceProfileList", .array(profiles)), ("RolePolicyList", inline(r.inlinePolicies)), ("AttachedManagedPolicies", attached(r.attachedPolicies))]
      m += boundary(r.permissionsBoundary)
      if !r.tags.isEmpty { m.append(("Tags", tags(r.tags))) }
      return .object(m)
    }
    var policies = a.managedPolicies.map(managed)
    if includeAWSManaged { policies += world.awsManagedPolicies.map(managed) }
    var members: [(String, JSONOutput)] = [
      ("UserDetailList", .array(users)), ("GroupDetailList", .array(groups)), ("RoleDetailList", .array(roles)),
      ("Policies", .array(policies)),
    ]
    if !a.resources.isEmpty {
      members.append(
        (
          resourcesKey,
          .array(a.resources.map { r in
            var m: [(String, JSONOutput)] = [("Arn", .string(r.arn)), ("Account", .string(a.id))]
            if let p = r.policy { m.append(("Policy", doc(p))) }
            return .object(m)
          })
        ))
    }
    if let org = world.organization[a.id] {
      func levels(_ l: [[PolicyDocument]]) -> JSONOutput {
        .array(l.map { .array($0.map { .object([("Name", .string($0.policy.id)), ("Document", doc($0))]) }) })
      }
      var o: [(String, JSONOutput)] = []
      if let s = org.serviceControlLevels { o.append(("ServiceControlPolicies", levels(s))) }
      if let r = org.resourceControlLevels { o.append(("ResourceControlPolicies", levels(r))) }
      members.append((organizationKey, .object([(a.id, .object(o))])))
    }
    members.append((accountKey, .object([("Id", .string(a.id))] + (a.alias.map { [("Name", JSONOutput.string($0))] } ?? []))))
    members.append(("IsTruncated", .bool(false)))
    return .object(members)
  }
}
