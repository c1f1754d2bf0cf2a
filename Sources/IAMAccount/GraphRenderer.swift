import IAMPolicy

/// Draws a world: who can assume what, groups and members, services and instance profiles.
///
/// Pure functions from the index and graph to text; the CLI prints them.
public enum GraphRenderer {
  public enum Format: String, Sendable, CaseIterable {
    case text, dot, mermaid
  }

  public static func render(_ index: WorldIndex, _ graph: AssumeRoleGraph, format: Format) -> String {
    switch format {
    case .text: text(index, graph)
    case .dot: dot(index, graph)
    case .mermaid: mermaid(index, graph)
    }
  }

  static func label(_ index: WorldIndex, _ n: Int) -> String {
    let node = index.nodes[n]
    switch node.kind {
    case .service: return node.name
    case .user: return "user \(node.name)"
    case .role: return "role \(node.name)"
    }
  }

  static func edgeLabel(_ e: AssumeRoleEdge) -> String {
    e.instanceProfile.map { "assumes (instance profile \($0))" } ?? "assumes"
  }

  /// A tree per account: users with their groups and the roles they can assume, roles
  /// with who can assume them, and the services outside any account.
  public static func text(_ index: WorldIndex, _ graph: AssumeRoleGraph) -> String {
    var lines: [String] = []
    for account in index.world.accounts {
      lines.append("account \(account.id)\(account.alias.map { " (\($0))" } ?? "")")
      for group in account.groups {
        let members = account.users.filter { $0.groups.contains(group.name) }.map(\.name)
        lines.append("  group \(group.name): \(members.isEmpty ? "no members" : members.joined(separator: ", "))")
      }
      for (n, node) in index.nodes.enumerated() where node.account == account.id {
        lines.append("  \(label(index, n))")
        if !node.groups.isEmpty { lines.append("    belongs to → " + node.groups.joined(separator: ", ")) }
        if !node.instanceProfiles.isEmpty { lines.append("    instance profiles: " + node.instanceProfiles.joined(separator: ", ")) }
        for e in graph.outgoing[n] {
          let edge = graph.edges[e]
          let target = index.nodes[edge.to]
          let where_ = target.account == node.account ? "" : " in \(target.account ?? "?")"
          lines.append("    \(edgeLabel(edge)) → \(target.name)\(where_)")
        }
      }
    }
    let services = index.nodes.indices.filter { index.nodes[$0].kind == .service && !graph.outgoing[$0].isEmpty }
    if !services.isEmpty {
      lines.append("services")
      for n in services {
        lines.append("  \(index.nodes[n].name)")
        for e in graph.outgoing[n] {
          let edge = graph.edges[e]
          lines.append("    \(edgeLabel(edge)) → \(index.nodes[edge.to].name) in \(index.nodes[edge.to].account ?? "?")")
        }
      }
    }
    return lines.joined(separator: "\n")
  }

  static func id(_ n: Int) -> String { "n\(n)" }

  static func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "'") + "\"" }

  /// Graphviz: one cluster per account, users as boxes, roles as ellipses, groups as folders.
  public static func dot(_ index: WorldIndex, _ graph: AssumeRoleGraph) -> String {
    var lines = ["digraph world {", "  rankdir=LR;", "  node [fontname=\"Helvetica\"];"]
    for (i, account) in index.world.accounts.enumerated() {
      lines.append("  subgraph cluster_\(i) {")
      lines.append("    label=\(quoted("account \(account.id)\(account.alias.map { " (\($0))" } ?? "")"));")
      for group in account.groups {
        lines.append("    \(quoted("group:\(account.id):\(group.name)")) [label=\(quoted("group \(group.name)")), shape=folder];")
      }
      for (n, node) in index.nodes.enumerated() where node.account == account.id {
        lines.append("    \(id(n)) [label=\(quoted(node.name)), shape=\(node.kind == .user ? "box" : "ellipse")];")
      }
      lines.append("  }")
    }
    for (n, node) in index.nodes.enumerated() where node.kind == .service {
      lines.append("  \(id(n)) [label=\(quoted(node.name)), shape=hexagon];")
    }
    for (n, node) in index.nodes.enumerated() {
      for g in node.groups {
        lines.append("  \(id(n)) -> \(quoted("group:\(node.account ?? ""):\(g)")) [label=\"belongs to\", style=dashed];")
      }
    }
    for e in graph.edges {
      lines.append("  \(id(e.from)) -> \(id(e.to)) [label=\(quoted(edgeLabel(e)))];")
    }
    lines.append("}")
    return lines.joined(separator: "\n")
  }

  /// Mermaid flowchart, for Markdown renderers.
  public static func mermaid(_ index: WorldIndex, _ graph: AssumeRoleGraph) -> String {
    var lines = ["flowchart LR"]
    for (i, account) in index.world.accounts.enumerated() {
      lines.append("  subgraph a\(i)[\(quoted("account \(account.id)"))]")
      for (j, group) in account.groups.enumerated() { lines.append("    g\(i)_\(j)[/\(quoted("group \(group.name)"))/]") }
      for (n, node) in index.nodes.enumerated() where node.account == account.id {
        lines.append(node.kind == .user ? "    \(id(n))[\(quoted(node.name))]" : "    \(id(n))([\(quoted(node.name))])")
      }
      lines.append("  end")
    }
    for (n, node) in index.nodes.enumerated() where node.kind == .service {
      lines.append("  \(id(n)){{\(quoted(node.name))}}")
    }
    for (i, account) in index.world.accounts.enumerated() {
      for (j, group) in account.groups.enumerated() {
        for (n, node) in index.nodes.enumerated() where node.account == account.id && node.groups.contains(group.name) {
          lines.append("  \(id(n)) -. belongs to .-> g\(i)_\(j)")
        }
      }
    }
    for e in graph.edges {
      lines.append("  \(id(e.from)) -- \(quoted(edgeLabel(e))) --> \(id(e.to))")
    }
    return lines.joined(separator: "\n")
  }

  /// `world show`: what the world holds, account by account.
  public static func summary(_ world: World) -> String {
    var lines: [String] = []
    for a in world.accounts {
      lines.append("account \(a.id)\(a.alias.map { " (\($0))" } ?? ""): \(a.users.count) users, \(a.groups.count) groups, \(a.roles.count) roles, \(a.managedPolicies.count) managed policies, \(a.resources.count) resources")
      for u in a.users.prefix(50) {
        var parts: [String] = []
        if !u.groups.isEmpty { parts.append("groups " + u.groups.joined(separator: ", ")) }
        let policies = u.inlinePolicies.map(\.name) + u.attachedPolicies.map { String($0.split(separator: "/").last ?? "") }
        if !policies.isEmpty { parts.append("policies " + policies.joined(separator: ", ")) }
        if let b = u.permissionsBoundary { parts.append("boundary " + String(b.split(separator: "/").last ?? "")) }
        lines.append("  user \(u.name)" + (parts.isEmpty ? "" : ": " + parts.joined(separator: "; ")))
      }
      if a.users.count > 50 { lines.append("  ... and \(a.users.count - 50) more users") }
      for g in a.groups.prefix(50) {
        let policies = g.inlinePolicies.map(\.name) + g.attachedPolicies.map { String($0.split(separator: "/").last ?? "") }
        lines.append("  group \(g.name)" + (policies.isEmpty ? "" : ": policies " + policies.joined(separator: ", ")))
      }
      for r in a.roles.prefix(50) {
        var parts: [String] = []
        var trusted: [String] = []
        for s in r.trustPolicy?.policy.statements ?? [] where s.effect == .allow {
          trusted += (s.principal?.patterns ?? []).map(\.text)
        }
        parts.append("trusts " + (trusted.isEmpty ? "nobody" : trusted.joined(separator: ", ")))
        let policies = r.inlinePolicies.map(\.name) + r.attachedPolicies.map { String($0.split(separator: "/").last ?? "") }
        if !policies.isEmpty { parts.append("policies " + policies.joined(separator: ", ")) }
        if let b = r.permissionsBoundary { parts.append("boundary " + String(b.split(separator: "/").last ?? "")) }
        if !r.instanceProfiles.isEmpty { parts.append("instance profiles " + r.instanceProfiles.joined(separator: ", ")) }
        lines.append("  role \(r.name): " + parts.joined(separator: "; "))
      }
      if a.roles.count > 50 { lines.append("  ... and \(a.roles.count - 50) more roles") }
      for r in a.resources { lines.append("  resource \(r.arn)\(r.policy == nil ? "" : " (with a resource policy)")") }
      if let org = world.organization[a.id] {
        if let s = org.serviceControlLevels {
          lines.append("  SCP levels: " + s.map { "[" + $0.map(\.policy.id).joined(separator: ", ") + "]" }.joined(separator: " → "))
        }
        if let r = org.resourceControlLevels {
          lines.append("  RCP levels: " + r.map { "[" + $0.map(\.policy.id).joined(separator: ", ") + "]" }.joined(separator: " → "))
        }
      }
    }
    return lines.joined(separator: "\n")
  }
}
