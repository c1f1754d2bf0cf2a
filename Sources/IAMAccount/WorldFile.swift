import IAMCatalog
import IAMPolicy

/// The compact world format people write by hand, in YAML or JSON.
///
/// ```yaml
/// accounts:
///   - id: "123456789012"
///     users:
///       - name: DevUser
///         groups: [Developers]
///         policies: [AssumeAdmin]            # managed policies: names or ARNs
///         inline: { Name: {Version: ..., Statement: [...]} }
///         boundary: DevBoundary
///         tags: { team: dev }
///     groups: [ { name: Developers, policies: [...], inline: {...} } ]
///     roles:
///       - name: AdminRole
///         trust: { Version: "2012-10-17", Statement: [...] }
///         policies: [arn:aws:iam::aws:policy/AdministratorAccess]
///         instance-profiles: [AdminProfile]
///     policies: [ { name: AssumeAdmin, document: {...} } ]
///     resources: [ { arn: "arn:aws:s3:::my-bucket", policy: {...} } ]
/// organization:
///   policies: [ { name: DenyLeave, document: {...} } ]
///   scp: [[FullAWSAccess], [DenyLeave]]       # levels from the root down
///   rcp: [[RCPFullAWSAccess]]
/// ```
///
/// Policies may be YAML mappings or JSON text. A managed policy name is looked up in
/// the account, then among AWS managed policies (the catalog), so lessons can attach
/// `ReadOnlyAccess` without carrying its document.
public enum WorldFile {
  /// Loads any world file: authorization details (JSON) or the compact format (YAML or JSON).
  public static func load(_ file: SourceFile, catalog: ManagedPolicyCatalog?, cache: inout DocumentCache) -> Parsed<World> {
    let firstByte = file.bytes.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }
    let root: Parsed<JSONValue>
    if firstByte == UInt8(ascii: "{") || firstByte == UInt8(ascii: "[") {
      root = JSONParser.parse(file)
      if let value = root.value, AuthorizationDetails.looksLike(value) {
        return AuthorizationDetails.load(value, in: file, catalog: catalog, cache: &cache, diagnostics: root.diagnostics)
      }
    } else {
      root = YAMLDocument.parse(file)
    }
    guard let value = root.value else { return Parsed(value: nil, diagnostics: root.diagnostics) }
    var reader = Reader(file: file, catalog: catalog, diagnostics: root.diagnostics)
    let world = reader.world(value, cache: &cache)
    return Parsed(value: world, diagnostics: reader.diagnostics)
  }

  static let topKeys = ["accounts", "organization"]
  static let accountKeys = ["id", "name", "users", "groups", "roles", "policies", "resources", "scp", "rcp"]
  static let userKeys = ["name", "path", "id", "groups", "policies", "inline", "boundary", "tags"]
  static let groupKeys = ["name", "path", "id", "policies", "inline"]
  static let roleKeys = ["name", "path", "id", "trust", "policies", "inline", "boundary", "tags", "instance-profiles"]
  static let policyKeys = ["name", "path", "document"]
  static let resourceKeys = ["arn", "policy"]
  static let organizationKeys = ["policies", "scp", "rcp", "accounts"]

  /// The policy AWS attaches to every organization root, OU and account by default.
  static let fullAWSAccess = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
  static let rcpFullAWSAccess =
    #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#

  struct Reader {
    let file: SourceFile
    let catalog: ManagedPolicyCatalog?
    var diagnostics: [Diagnostic]

    func range(_ span: SourceSpan) -> SourceRange { file.range(of: span) }

    mutating func checkKeys(_ value: JSONValue, _ allowed: [String], path: String) {
      for m in value.members ?? [] where !allowed.contains(m.key) {
        diagnostics.append(.worldUnknownKey(m.key, allowed: allowed, at: range(m.keySpan), path: path))
      }
    }

    mutating func string(_ value: JSONValue, _ key: String, path: String, required: Bool = false, what: String = "the entry") -> String? {
      guard let m = value.member(key) else {
        if required { diagnostics.append(.worldMissingKey(key, in: what, at: range(value.span), path: path)) }
        return nil
      }
      if let s = m.value.scalarText, !s.isEmpty { return s }
      diagnostics.append(.worldWrongType(key, expected: "a string", found: m.value.typeName, at: range(m.value.span), path: path + "." + key))
      return nil
    }

    mutating func strings(_ value: JSONValue, _ key: String, path: String) -> [(String, SourceSpan)] {
      guard let m = value.member(key) else { return [] }
      if let s = m.value.scalarText { return [(s, m.value.span)] }
      guard let elements = m.value.elements else {
        diagnostics.append(.worldWrongType(key, expected: "a list of names", found: m.value.typeName, at: range(m.value.span), path: path + "." + key))
        return []
      }
      return elements.compactMap { e in e.scalarText.map { ($0, e.span) } }
    }

    mutating func list(_ value: JSONValue, _ key: String, path: String) -> [JSONValue] {
      guard let m = value.member(key) else { return [] }
      if case .null = m.value.kind { return [] }
      guard let elements = m.value.elements else {
        diagnostics.append(.worldWrongType(key, expected: "a list", found: m.value.typeName, at: range(m.value.span), path: path + "." + key))
        return []
      }
      return elements
    }

    /// A policy as a mapping (positions into the world file) or as JSON text.
    mutating func policy(_ value: JSONValue, kind: PolicyKind, id: String, path: String, cache: inout DocumentCache) -> PolicyDocument? {
      switch value.kind {
      case .object:
        let parsed = PolicyParser.parse(json: value, in: file, as: kind, id: id)
        diagnostics.append(contentsOf: parsed.diagnostics)
        guard !parsed.hasErrors, let policy = parsed.value else { return nil }
        return PolicyDocument(text: WorldExport.output(value).serialized(), policy: policy)
      case .string(let text):
        let line = range(value.span).start.line
        let origin = SourceFile(name: file.name, bytes: [], firstLine: text.hasPrefix("{") ? line : line + 1)
        return cache.policy(text: text, origin: origin, as: kind, id: id, diagnostics: &diagnostics)
      default:
        diagnostics.append(
          .worldWrongType(path, expected: "a policy (a mapping or JSON text)", found: value.typeName, at: range(value.span), path: path))
        return nil
      }
    }

    mutating func inline(_ value: JSONValue, path: String, cache: inout DocumentCache) -> [InlinePolicy] {
      guard let m = value.member("inline") else { return [] }
      guard let members = m.value.members else {
        diagnostics.append(
          .worldWrongType("inline", expected: "a mapping from policy names to policies", found: m.value.typeName, at: range(m.value.span), path: path))
        return []
      }
      return members.compactMap { member in
        policy(member.value, kind: .identity, id: member.key, path: path + ".inline." + member.key, cache: &cache).map {
          InlinePolicy(name: member.key, document: $0)
        }
      }
    }

    mutating func tags(_ value: JSONValue) -> [Tag] {
      (value.member("tags")?.value.members ?? []).map { Tag(key: $0.key, value: $0.value.scalarText ?? "") }
    }

    /// A managed policy reference: an ARN, a customer managed name in the account, or an AWS managed name.
    mutating func policyARN(_ name: String, span: SourceSpan, account: String, local: [String: String], path: String) -> String? {
      if name.hasPrefix("arn:") { return name }
      if let arn = local[name] { return arn }
      if let info = catalog?.policy(name: name) { return info.arn }
      diagnostics.append(
        .worldDangling(
          "no managed policy named `\(name)` in account \(account) or among AWS managed policies",
          help: "define it under `policies:` of the account, or write its ARN", at: range(span), path: path))
      return nil
    }

    mutating func world(_ root: JSONValue, cache: inout DocumentCache) -> World {
      guard root.members != nil else {
        diagnostics.append(.worldWrongType("world", expected: "a mapping with `accounts`", found: root.typeName, at: range(root.span), path: nil))
        return World()
      }
      checkKeys(root, WorldFile.topKeys, path: "")
      var world = World()
      for (i, a) in list(root, "accounts", path: "").enumerated() {
        if let account = account(a, path: "accounts[\(i)]", cache: &cache, world: &world) { world.accounts.append(account) }
      }
      if let org = root.member("organization")?.value { organization(org, world: &world, cache: &cache) }
      return world
    }

    mutating func account(_ a: JSONValue, path: String, cache: inout DocumentCache, world: inout World) -> Account? {
      checkKeys(a, WorldFile.accountKeys, path: path)
      guard let id = string(a, "id", path: path, required: true, what: "the account") else { return nil }
      guard id.count == 12, id.allSatisfy(\.isNumber) else {
        diagnostics.append(
          .worldInvalid("account id `\(id)` is not 12 digits", help: "quote it in YAML: id: \"123456789012\"", at: range(a.member("id")?.value.span ?? a.span), path: path))
        return nil
      }
      var account = Account(id: id, alias: string(a, "name", path: path))
      var local: [String: String] = [:]
      for (i, p) in list(a, "policies", path: path).enumerated() {
        let ppath = "\(path).policies[\(i)]"
        checkKeys(p, WorldFile.policyKeys, path: ppath)
        guard let name = string(p, "name", path: ppath, required: true, what: "the managed policy") else { continue }
        let policyPath = string(p, "path", path: ppath) ?? "/"
        guard let docValue = p.member("document")?.value else {
          diagnostics.append(.worldMissingKey("document", in: "managed policy `\(name)`", at: range(p.span), path: ppath))
          continue
        }
        let arn = "arn:aws:iam::\(id):policy\(policyPath)\(name)"
        local[name] = arn
        if let doc = policy(docValue, kind: .identity, id: name, path: ppath + ".document", cache: &cache) {
          account.managedPolicies.append(ManagedPolicy(name: name, arn: arn, path: policyPath, document: doc))
        }
      }
      func refs(_ reader: inout Reader, _ value: JSONValue, _ key: String, path: String) -> [String] {
        reader.strings(value, key, path: path).compactMap { reader.policyARN($0.0, span: $0.1, account: id, local: local, path: path + "." + key) }
      }
      for (i, g) in list(a, "groups", path: path).enumerated() {
        let gpath = "\(path).groups[\(i)]"
        checkKeys(g, WorldFile.groupKeys, path: gpath)
        guard let name = string(g, "name", path: gpath, required: true, what: "the group") else { continue }
        let gp = string(g, "path", path: gpath) ?? "/"
        account.groups.append(
          Group(
            name: name, arn: "arn:aws:iam::\(id):group\(gp)\(name)", id: string(g, "id", path: gpath), path: gp,
            inlinePolicies: inline(g, path: gpath, cache: &cache), attachedPolicies: refs(&self, g, "policies", path: gpath)))
      }
      let groupNames = Set(account.groups.map(\.name))
      for (i, u) in list(a, "users", path: path).enumerated() {
        let upath = "\(path).users[\(i)]"
        checkKeys(u, WorldFile.userKeys, path: upath)
        guard let name = string(u, "name", path: upath, required: true, what: "the user") else { continue }
        let up = string(u, "path", path: upath) ?? "/"
        var groups: [String] = []
        for (g, span) in strings(u, "groups", path: upath) {
          if groupNames.contains(g) { groups.append(g) } else {
            diagnostics.append(
              .worldDangling(
                "user `\(name)` is in group `\(g)`, which account \(id) does not define", help: "add it under `groups:`",
                at: range(span), path: upath + ".groups"))
          }
        }
        let boundary = strings(u, "boundary", path: upath).first.flatMap {
          policyARN($0.0, span: $0.1, account: id, local: local, path: upath + ".boundary")
        }
        account.users.append(
          User(
            name: name, arn: "arn:aws:iam::\(id):user\(up)\(name)", id: string(u, "id", path: upath), path: up, groups: groups,
            inlinePolicies: inline(u, path: upath, cache: &cache), attachedPolicies: refs(&self, u, "policies", path: upath),
            permissionsBoundary: boundary, tags: tags(u)))
      }
      for (i, r) in list(a, "roles", path: path).enumerated() {
        let rpath = "\(path).roles[\(i)]"
        checkKeys(r, WorldFile.roleKeys, path: rpath)
        guard let name = string(r, "name", path: rpath, required: true, what: "the role") else { continue }
        let rp = string(r, "path", path: rpath) ?? "/"
        var trust: PolicyDocument?
        if let t = r.member("trust")?.value {
          trust = policy(t, kind: .trust, id: "\(name) trust policy", path: rpath + ".trust", cache: &cache)
        } else {
          diagnostics.append(.worldMissingKey("trust", in: "role `\(name)`", at: range(r.span), path: rpath))
        }
        let boundary = strings(r, "boundary", path: rpath).first.flatMap {
          policyARN($0.0, span: $0.1, account: id, local: local, path: rpath + ".boundary")
        }
        let profiles = strings(r, "instance-profiles", path: rpath).map(\.0)
        for p in profiles {
          if let j = account.instanceProfiles.firstIndex(where: { $0.name == p }) {
            account.instanceProfiles[j].roles.append(name)
          } else {
            account.instanceProfiles.append(InstanceProfile(name: p, arn: "arn:aws:iam::\(id):instance-profile/\(p)", roles: [name]))
          }
        }
        account.roles.append(
          Role(
            name: name, arn: "arn:aws:iam::\(id):role\(rp)\(name)", id: string(r, "id", path: rpath), path: rp, trustPolicy: trust,
            inlinePolicies: inline(r, path: rpath, cache: &cache), attachedPolicies: refs(&self, r, "policies", path: rpath),
            permissionsBoundary: boundary, tags: tags(r), instanceProfiles: profiles))
      }
      for (i, res) in list(a, "resources", path: path).enumerated() {
        let rpath = "\(path).resources[\(i)]"
        checkKeys(res, WorldFile.resourceKeys, path: rpath)
        guard let arn = string(res, "arn", path: rpath, required: true, what: "the resource") else { continue }
        let doc = res.member("policy").flatMap { policy($0.value, kind: .resource, id: arn, path: rpath + ".policy", cache: &cache) }
        account.resources.append(Resource(arn: arn, policy: doc))
      }
      var org = OrganizationPolicies()
      if let scp = a.member("scp")?.value { org.serviceControlLevels = levels(scp, kind: .serviceControl, named: [:], path: path + ".scp", cache: &cache) }
      if let rcp = a.member("rcp")?.value { org.resourceControlLevels = levels(rcp, kind: .resourceControl, named: [:], path: path + ".rcp", cache: &cache) }
      if org.serviceControlLevels != nil || org.resourceControlLevels != nil { world.organization[id] = org }
      return account
    }

    /// Levels from the organization root down; each entry is a name or a `{name, document}`.
    mutating func levels(
      _ value: JSONValue, kind: PolicyKind, named: [String: JSONValue], path: String, cache: inout DocumentCache
    ) -> [[PolicyDocument]] {
      guard let levels = value.elements else {
        diagnostics.append(
          .worldWrongType(path, expected: "a list of levels (root first), each a list of policies", found: value.typeName, at: range(value.span), path: path))
        return []
      }
      return levels.enumerated().map { i, level in
        let entries = level.elements ?? [level]
        return entries.enumerated().compactMap { j, entry in
          let epath = "\(path)[\(i)][\(j)]"
          if let name = entry.stringValue {
            if let doc = named[name] { return policy(doc, kind: kind, id: name, path: epath, cache: &cache) }
            if name == "FullAWSAccess" || name == "RCPFullAWSAccess" {
              var ignored: [Diagnostic] = []
              let text = name == "FullAWSAccess" ? WorldFile.fullAWSAccess : WorldFile.rcpFullAWSAccess
              return cache.policy(text: text, origin: SourceFile(name: name, text: ""), as: kind, id: name, diagnostics: &ignored)
            }
            diagnostics.append(
              .worldDangling(
                "no organization policy named `\(name)`", help: "define it under `organization: policies:` or use FullAWSAccess",
                at: range(entry.span), path: epath))
            return nil
          }
          if let doc = entry.member("document")?.value {
            let name = entry.member("name")?.value.stringValue ?? "\(kind == .serviceControl ? "SCP" : "RCP").\(i + 1).\(j + 1)"
            return policy(doc, kind: kind, id: name, path: epath, cache: &cache)
          }
          return policy(entry, kind: kind, id: "\(kind == .serviceControl ? "SCP" : "RCP").\(i + 1).\(j + 1)", path: epath, cache: &cache)
        }
      }
    }

    mutating func organization(_ org: JSONValue, world: inout World, cache: inout DocumentCache) {
      checkKeys(org, WorldFile.organizationKeys, path: "organization")
      var named: [String: JSONValue] = [:]
      for p in list(org, "policies", path: "organization") {
        if let name = p.member("name")?.value.stringValue, let doc = p.member("document")?.value { named[name] = doc }
      }
      let scp = org.member("scp").map { levels($0.value, kind: .serviceControl, named: named, path: "organization.scp", cache: &cache) }
      let rcp = org.member("rcp").map { levels($0.value, kind: .resourceControl, named: named, path: "organization.rcp", cache: &cache) }
      var members = strings(org, "accounts", path: "organization").map(\.0)
      if members.isEmpty { members = world.accounts.map(\.id) }
      for id in members {
        var o = world.organization[id] ?? OrganizationPolicies()
        // Organization levels come first (root, OUs); an account's own levels follow.
        if let scp { o.serviceControlLevels = scp + (o.serviceControlLevels ?? []) }
        if let rcp { o.resourceControlLevels = rcp + (o.resourceControlLevels ?? []) }
        world.organization[id] = o
      }
    }
  }
}
