import IAMCatalog
import IAMPolicy

/// Reads the JSON that `aws iam get-account-authorization-details` prints.
///
/// Keys and shapes are those of the IAM API's `GetAccountAuthorizationDetails`
/// response: `UserDetailList`, `GroupDetailList`, `RoleDetailList` (with
/// `AssumeRolePolicyDocument` and `InstanceProfileList`), `Policies` (with
/// `PolicyVersionList` and `DefaultVersionId`). Documents may be JSON objects
/// (the CLI's output), JSON strings, or URL-encoded strings (the raw API).
/// Unknown keys are ignored; missing required keys, dangling references and bad
/// policies become diagnostics, and loading goes on with what is sound.
/// The account of each entity comes from its ARN, so one file may hold several.
public enum AuthorizationDetails {
  /// Whether a parsed JSON document looks like authorization details (or an array of them).
  public static func looksLike(_ root: JSONValue) -> Bool {
    if let elements = root.elements { return elements.first.map(looksLike) ?? false }
    guard let members = root.members else { return false }
    return members.contains { topLevelKeys.contains($0.key) }
  }

  static let topLevelKeys: Set<String> = ["UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"]

  /// Loads one file; `catalog` supplies AWS managed policies the file does not carry.
  public static func load(
    _ file: SourceFile, catalog: ManagedPolicyCatalog?, cache: inout DocumentCache
  ) -> Parsed<World> {
    let json = JSONParser.parse(file)
    guard let root = json.value else { return Parsed(value: nil, diagnostics: json.diagnostics) }
    return load(root, in: file, catalog: catalog, cache: &cache, diagnostics: json.diagnostics)
  }

  /// Loads an already-parsed document (or an array of documents, as `world export` writes
  /// for several accounts).
  public static func load(
    _ root: JSONValue, in file: SourceFile, catalog: ManagedPolicyCatalog?, cache: inout DocumentCache,
    diagnostics: [Diagnostic] = []
  ) -> Parsed<World> {
    var reader = Reader(file: file, catalog: catalog, diagnostics: diagnostics)
    let documents = root.elements ?? [root]
    var world = World()
    for document in documents {
      world.merge(reader.read(document, cache: &cache))
    }
    reader.checkReferences(world)
    return Parsed(value: world, diagnostics: reader.diagnostics)
  }

  struct Reader {
    let file: SourceFile
    let lines: LineTable
    let catalog: ManagedPolicyCatalog?
    var diagnostics: [Diagnostic]
    /// Accounts in order of first appearance.
    var accounts: [String: Account] = [:]
    var order: [String] = []
    /// Where each reference was made, to point at it if it dangles.
    var groupRefs: [(account: String, user: String, group: String, span: SourceSpan)] = []
    var policyRefs: [(arn: String, owner: String, span: SourceSpan)] = []
    var organization: [String: OrganizationPolicies] = [:]
    var awsManaged: [ManagedPolicy] = []

    init(file: SourceFile, catalog: ManagedPolicyCatalog?, diagnostics: [Diagnostic]) {
      self.file = file
      self.lines = LineTable(file)
      self.catalog = catalog
      self.diagnostics = diagnostics
    }

    func range(_ span: SourceSpan) -> SourceRange { lines.range(of: span, in: file.name) }

    mutating func withAccount(_ id: String, _ body: (inout Account) -> Void) {
      if accounts[id] == nil {
        accounts[id] = Account(id: id)
        order.append(id)
      }
      if var account = accounts[id] {
        accounts[id] = nil
        body(&account)
        accounts[id] = account
      }
    }

    mutating func read(_ root: JSONValue, cache: inout DocumentCache) -> World {
      accounts = [:]
      order = []
      guard let members = root.members else {
        diagnostics.append(
          .worldWrongType("authorization details", expected: "a JSON object", found: root.typeName, at: range(root.span), path: nil))
        return World()
      }
      cache.prefetch(Reader.documentsAhead(members), in: file, lines: lines)
      // Policies first, so that users and roles can be checked against them.
      for member in members where member.key == "Policies" {
        for (i, entry) in list(member).enumerated() { managedPolicy(entry, path: "Policies[\(i)]", cache: &cache) }
      }
      for member in members {
        switch member.key {
        case "UserDetailList":
          for (i, entry) in list(member).enumerated() { user(entry, path: "UserDetailList[\(i)]", cache: &cache) }
        case "GroupDetailList":
          for (i, entry) in list(member).enumerated() { group(entry, path: "GroupDetailList[\(i)]", cache: &cache) }
        case "RoleDetailList":
          for (i, entry) in list(member).enumerated() { role(entry, path: "RoleDetailList[\(i)]", cache: &cache) }
        case WorldExport.resourcesKey:
          for (i, entry) in list(member).enumerated() { resource(entry, path: "\(WorldExport.resourcesKey)[\(i)]", cache: &cache) }
        case WorldExport.organizationKey:
          organizationPolicies(member.value, cache: &cache)
        case WorldExport.accountKey:
          // An export also names the account, so that one with no IAM entities still exists.
          if let id = member.value.member("Id")?.value.stringValue, id.count == 12 {
            let name = member.value.member("Name")?.value.stringValue
            withAccount(id) { $0.alias = $0.alias ?? name }
          }
        default:
          continue  // IsTruncated, Marker and keys of newer API versions
        }
      }
      return World(accounts: order.compactMap { accounts[$0] }, organization: organization, awsManagedPolicies: awsManaged)
    }

    mutating func list(_ member: JSONMember) -> [JSONValue] {
      if let elements = member.value.elements { return elements }
      diagnostics.append(
        .worldWrongType(member.key, expected: "an array", found: member.value.typeName, at: range(member.value.span), path: member.key))
      return []
    }

    /// A required string member; reports it when missing.
    mutating func required(_ key: String, in entry: JSONValue, what: String, path: String) -> String? {
      guard let member = entry.member(key) else {
        diagnostics.append(.worldMissingKey(key, in: what, at: range(entry.span), path: path))
        return nil
      }
      guard let s = member.value.stringValue, !s.isEmpty else {
        diagnostics.append(
          .worldWrongType(key, expected: "a non-empty string", found: member.value.typeName, at: range(member.value.span), path: path + "." + key))
        return nil
      }
      return s
    }

    func optionalString(_ key: String, in entry: JSONValue) -> String? { entry.member(key)?.value.stringValue }

    /// The account of an IAM ARN, reported when it has none.
    mutating func account(of arn: String, at span: SourceSpan, path: String) -> String? {
      if let parsed = ARN(arn), parsed.account.count == 12, parsed.account.allSatisfy(\.isNumber) { return parsed.account }
      diagnostics.append(
        .worldInvalid(
          "`\(arn)` is not an IAM ARN with a 12-digit account", help: "write arn:aws:iam::111122223333:user/NAME",
          at: range(span), path: path))
      return nil
    }

    mutating func document(
      _ value: JSONValue, kind: PolicyKind, id: String, path: String, cache: inout DocumentCache
    ) -> PolicyDocument? {
      switch value.kind {
      case .object:
        return cache.policy(json: value, in: file, lines: lines, as: kind, id: id, diagnostics: &diagnostics)
      case .string(let raw):
        let text = PercentDecoding.decode(raw) ?? raw
        var inner: [Diagnostic] = []
        let doc = cache.policy(text: text, origin: SourceFile(name: id, text: ""), as: kind, id: id, diagnostics: &inner)
        // Positions inside a string are not positions in the file: point at the string.
        let outer = range(value.span)
        for var d in inner {
          if let r = d.range { d.message += " (at \(r.start.line):\(r.start.column) of the document text)" }
          d.range = outer
          d.path = path
          diagnostics.append(d)
        }
        return doc
      default:
        diagnostics.append(
          .worldWrongType(path, expected: "a policy document (object or string)", found: value.typeName, at: range(value.span), path: path))
        return nil
      }
    }

    mutating func inlinePolicies(_ entry: JSONValue, key: String, owner: String, path: String, cache: inout DocumentCache) -> [InlinePolicy] {
      guard let member = entry.member(key) else { return [] }
      var out: [InlinePolicy] = []
      for (i, item) in list(member).enumerated() {
        let itemPath = "\(path).\(key)[\(i)]"
        guard let name = required("PolicyName", in: item, what: "the inline policy", path: itemPath) else { continue }
        guard let docValue = item.member("PolicyDocument")?.value else {
          diagnostics.append(.worldMissingKey("PolicyDocument", in: "inline policy `\(name)`", at: range(item.span), path: itemPath))
          continue
        }
        if let doc = document(docValue, kind: .identity, id: name, path: itemPath + ".PolicyDocument", cache: &cache) {
          out.append(InlinePolicy(name: name, document: doc))
        }
      }
      _ = owner
      return out
    }

    mutating func attached(_ entry: JSONValue, owner: String, path: String) -> [String] {
      guard let member = entry.member("AttachedManagedPolicies") else { return [] }
      var out: [String] = []
      for (i, item) in list(member).enumerated() {
        if let arn = required("PolicyArn", in: item, what: "the attached policy", path: "\(path).AttachedManagedPolicies[\(i)]") {
          out.append(arn)
          policyRefs.append((arn, owner, item.member("PolicyArn")?.value.span ?? item.span))
        }
      }
      return out
    }

    mutating func boundary(_ entry: JSONValue, owner: String) -> String? {
      guard let b = entry.member("PermissionsBoundary")?.value, let arnValue = b.member("PermissionsBoundaryArn")?.value,
        let arn = arnValue.stringValue
      else { return nil }
      policyRefs.append((arn, owner, arnValue.span))
      return arn
    }

    func tags(_ entry: JSONValue) -> [Tag] {
      (entry.member("Tags")?.value.elements ?? []).compactMap { t in
        guard let k = t.member("Key")?.value.stringValue else { return nil }
        return Tag(key: k, value: t.member("Value")?.value.stringValue ?? "")
      }
    }

    mutating func user(_ entry: JSONValue, path: String, cache: inout DocumentCache) {
      guard let name = required("UserName", in: entry, what: "the user", path: path),
        let arn = required("Arn", in: entry, what: "user `\(name)`", path: path),
        let accountID = account(of: arn, at: entry.member("Arn")?.value.span ?? entry.span, path: path + ".Arn")
      else { return }
      var groups: [String] = []
      if let member = entry.member("GroupList") {
        for g in list(member) {
          if let s = g.stringValue {
            groups.append(s)
            groupRefs.append((accountID, name, s, g.span))
          }
        }
      }
      let user = User(
        name: name, arn: arn, id: optionalString("UserId", in: entry), path: optionalString("Path", in: entry) ?? "/",
        groups: groups, inlinePolicies: inlinePolicies(entry, key: "UserPolicyList", owner: name, path: path, cache: &cache),
        attachedPolicies: attached(entry, owner: "user `\(name)`", path: path), permissionsBoundary: boundary(entry, owner: "user `\(name)`"),
        tags: tags(entry))
      withAccount(accountID) { $0.users.append(user) }
    }

    mutating func group(_ entry: JSONValue, path: String, cache: inout DocumentCache) {
      guard let name = required("GroupName", in: entry, what: "the group", path: path),
        let arn = required("Arn", in: entry, what: "group `\(name)`", path: path),
        let accountID = account(of: arn, at: entry.member("Arn")?.value.span ?? entry.span, path: path + ".Arn")
      else { return }
      let group = Group(
        name: name, arn: arn, id: optionalString("GroupId", in: entry), path: optionalString("Path", in: entry) ?? "/",
        inlinePolicies: inlinePolicies(entry, key: "GroupPolicyList", owner: name, path: path, cache: &cache),
        attachedPolicies: attached(entry, owner: "group `\(name)`", path: path))
      withAccount(accountID) { $0.groups.append(group) }
    }

    mutating func role(_ entry: JSONValue, path: String, cache: inout DocumentCache) {
      guard let name = required("RoleName", in: entry, what: "the role", path: path),
        let arn = required("Arn", in: entry, what: "role `\(name)`", path: path),
        let accountID = account(of: arn, at: entry.member("Arn")?.value.span ?? entry.span, path: path + ".Arn")
      else { return }
      var trust: PolicyDocument?
      if let t = entry.member("AssumeRolePolicyDocument")?.value {
        trust = document(t, kind: .trust, id: "\(name) trust policy", path: path + ".AssumeRolePolicyDocument", cache: &cache)
      } else {
        diagnostics.append(
          .worldMissingKey("AssumeRolePolicyDocument", in: "role `\(name)`", at: range(entry.span), path: path))
      }
      var profiles: [InstanceProfile] = []
      if let member = entry.member("InstanceProfileList") {
        for (i, p) in list(member).enumerated() {
          guard let pname = required("InstanceProfileName", in: p, what: "the instance profile", path: "\(path).InstanceProfileList[\(i)]")
          else { continue }
          let parn = optionalString("Arn", in: p) ?? "arn:aws:iam::\(accountID):instance-profile/\(pname)"
          let roles = (p.member("Roles")?.value.elements ?? []).compactMap { $0.member("RoleName")?.value.stringValue }
          profiles.append(InstanceProfile(name: pname, arn: parn, path: optionalString("Path", in: p) ?? "/", roles: roles.isEmpty ? [name] : roles))
        }
      }
      let role = Role(
        name: name, arn: arn, id: optionalString("RoleId", in: entry), path: optionalString("Path", in: entry) ?? "/",
        trustPolicy: trust, inlinePolicies: inlinePolicies(entry, key: "RolePolicyList", owner: name, path: path, cache: &cache),
        attachedPolicies: attached(entry, owner: "role `\(name)`", path: path), permissionsBoundary: boundary(entry, owner: "role `\(name)`"),
        tags: tags(entry), instanceProfiles: profiles.map(\.name))
      withAccount(accountID) { account in
        account.roles.append(role)
        for p in profiles {
          if let i = account.instanceProfiles.firstIndex(where: { $0.arn == p.arn }) {
            for r in p.roles where !account.instanceProfiles[i].roles.contains(r) { account.instanceProfiles[i].roles.append(r) }
          } else {
            account.instanceProfiles.append(p)
          }
        }
      }
    }

    /// The version whose document a managed policy entry stands for: `DefaultVersionId`'s,
    /// else the one marked `IsDefaultVersion`.
    static func defaultVersion(of entry: JSONValue) -> JSONValue? {
      let defaultVersion = entry.member("DefaultVersionId")?.value.stringValue
      let versions = entry.member("PolicyVersionList")?.value.elements ?? []
      return versions.first { v in defaultVersion != nil && v.member("VersionId")?.value.stringValue == defaultVersion }
        ?? versions.first { v in if case .bool(true)? = v.member("IsDefaultVersion")?.value.kind { return true } else { return false } }
    }

    /// The object documents `read` will meet, with the ids it will give them, so that
    /// they can be parsed ahead on every core (a miss only costs parsing it again).
    static func documentsAhead(_ members: [JSONMember]) -> [DocumentCache.Ahead] {
      var out: [DocumentCache.Ahead] = []
      func add(_ value: JSONValue?, _ kind: PolicyKind, _ id: String?) {
        guard let value, let id, case .object = value.kind else { return }
        out.append(DocumentCache.Ahead(value: value, kind: kind, id: id))
      }
      func inline(_ entry: JSONValue, _ key: String) {
        for item in entry.member(key)?.value.elements ?? [] {
          add(item.member("PolicyDocument")?.value, .identity, item.member("PolicyName")?.value.stringValue)
        }
      }
      for member in members where member.key == "Policies" {
        for entry in member.value.elements ?? [] {
          add(defaultVersion(of: entry)?.member("Document")?.value, .identity, entry.member("PolicyName")?.value.stringValue)
        }
      }
      for member in members {
        for entry in member.value.elements ?? [] {
          switch member.key {
          case "UserDetailList": inline(entry, "UserPolicyList")
          case "GroupDetailList": inline(entry, "GroupPolicyList")
          case "RoleDetailList":
            add(entry.member("AssumeRolePolicyDocument")?.value, .trust, entry.member("RoleName")?.value.stringValue.map { "\($0) trust policy" })
            inline(entry, "RolePolicyList")
          default: continue
          }
        }
      }
      return out
    }

    mutating func managedPolicy(_ entry: JSONValue, path: String, cache: inout DocumentCache) {
      guard let name = required("PolicyName", in: entry, what: "the managed policy", path: path),
        let arn = required("Arn", in: entry, what: "managed policy `\(name)`", path: path)
      else { return }
      let isAWS = arn.hasPrefix("arn:aws:iam::aws:policy/")
      let defaultVersion = optionalString("DefaultVersionId", in: entry)
      let chosen = Reader.defaultVersion(of: entry)
      var doc: PolicyDocument?
      if let value = chosen?.member("Document")?.value {
        doc = document(value, kind: .identity, id: name, path: path + ".PolicyVersionList", cache: &cache)
        if doc == nil { return }
      } else if isAWS, let info = catalog?.policy(arn: arn) {
        // The CLI may leave out AWS managed documents; the catalog has them.
        var ignored: [Diagnostic] = []
        doc = cache.policy(text: info.documentJSON, origin: SourceFile(name: info.arn, text: ""), as: .identity, id: name, diagnostics: &ignored)
      } else {
        diagnostics.append(
          .worldMissingKey(
            "PolicyVersionList", in: "managed policy `\(name)` (no default version document)", at: range(entry.span), path: path))
        return
      }
      guard let doc else { return }
      let policy = ManagedPolicy(
        name: name, arn: arn, path: optionalString("Path", in: entry) ?? "/", defaultVersionId: defaultVersion ?? "v1", document: doc)
      if isAWS {
        if !awsManaged.contains(where: { $0.arn == arn }) { awsManaged.append(policy) }
        return
      }
      let owner = ARN(arn)?.account ?? ""
      if owner.count == 12 {
        withAccount(owner) { $0.managedPolicies.append(policy) }
      } else {
        diagnostics.append(.worldInvalid("`\(arn)` is not a managed policy ARN", at: range(entry.span), path: path))
      }
    }

    mutating func resource(_ entry: JSONValue, path: String, cache: inout DocumentCache) {
      guard let arn = required("Arn", in: entry, what: "the resource", path: path) else { return }
      let owner = optionalString("Account", in: entry) ?? ARN(arn)?.account ?? ""
      guard owner.count == 12 else {
        diagnostics.append(.worldMissingKey("Account", in: "resource `\(arn)`", at: range(entry.span), path: path))
        return
      }
      let doc = entry.member("Policy").flatMap { document($0.value, kind: .resource, id: arn, path: path + ".Policy", cache: &cache) }
      withAccount(owner) { $0.resources.append(Resource(arn: arn, policy: doc)) }
    }

    mutating func organizationPolicies(_ value: JSONValue, cache: inout DocumentCache) {
      for member in value.members ?? [] {
        var org = OrganizationPolicies()
        for (key, kind) in [("ServiceControlPolicies", PolicyKind.serviceControl), ("ResourceControlPolicies", .resourceControl)] {
          guard let levels = member.value.member(key)?.value.elements else { continue }
          let parsed: [[PolicyDocument]] = levels.enumerated().map { i, level in
            (level.elements ?? []).enumerated().compactMap { j, p in
              let id = p.member("Name")?.value.stringValue ?? "\(key).\(i + 1).\(j + 1)"
              guard let d = p.member("Document")?.value else { return nil }
              return document(d, kind: kind, id: id, path: "\(member.key).\(key)[\(i)][\(j)]", cache: &cache)
            }
          }
          if kind == .serviceControl { org.serviceControlLevels = parsed } else { org.resourceControlLevels = parsed }
        }
        organization[member.key] = org
      }
    }

    /// Groups and managed policies named by users and roles must exist.
    mutating func checkReferences(_ world: World) {
      var groups = Set<String>()
      var policies = Set<String>()
      for a in world.accounts {
        for g in a.groups { groups.insert(a.id + "/" + g.name) }
        for p in a.managedPolicies { policies.insert(p.arn) }
      }
      for p in world.awsManagedPolicies { policies.insert(p.arn) }
      for ref in groupRefs where !groups.contains(ref.account + "/" + ref.group) {
        diagnostics.append(
          .worldDangling(
            "user `\(ref.user)` is in group `\(ref.group)`, which is not in GroupDetailList",
            help: "the group's policies are unknown, so they are left out", at: range(ref.span), path: nil))
      }
      for ref in policyRefs where !policies.contains(ref.arn) {
        if ref.arn.hasPrefix("arn:aws:iam::aws:policy/"), catalog?.policy(arn: ref.arn) != nil { continue }
        diagnostics.append(
          .worldDangling(
            "\(ref.owner) uses managed policy `\(ref.arn)`, which is not in Policies",
            help: ref.arn.hasPrefix("arn:aws:iam::aws:policy/")
              ? "it is not an AWS managed policy the tutor knows either; it is left out"
              : "add it to Policies (get-account-authorization-details --filter LocalManagedPolicy); it is left out",
            at: range(ref.span), path: nil))
      }
    }
  }
}
