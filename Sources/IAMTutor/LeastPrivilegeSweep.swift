import IAMCatalog
import IAMEvaluator
import IAMPolicy

/// The requests a learner might wrongly allow, for least-privilege grading.
///
/// Every catalog action of the services the exercise touches, paired only with
/// resources of a type that action takes (so `s3:ListBucket` is tried on a
/// bucket, `s3:GetObject` on an object: requests AWS can actually make), on the
/// exercise's resources and their neighbours (another bucket, another object
/// path, another role, another account), by the exercise's principals and
/// theirs (another user, another account, another service, anyone).
public struct LeastPrivilegeSweep: Sendable {
  public var exercise: Exercise
  public var catalog: ServiceCatalog

  /// The task's grants with their patterns compiled once: `isIntended` runs for every
  /// request the sweep finds allowed, inside the grading time budget.
  let grants: [CompiledGrant]

  struct CompiledGrant: Sendable {
    var principals: [String]
    var actions: [WildcardPattern]
    var resources: [WildcardPattern]
  }

  public init(exercise: Exercise, catalog: ServiceCatalog) {
    self.exercise = exercise
    self.catalog = catalog
    let grants = exercise.intended.isEmpty
      ? exercise.checks.filter { $0.expect == .allow }.map {
        IntendedGrant(principals: [$0.request.principal], actions: [$0.request.action], resources: [$0.request.resource])
      }
      : exercise.intended
    self.grants = grants.map { grant in
      CompiledGrant(
        principals: grant.principals, actions: grant.actions.map { WildcardPattern($0, caseFolded: true) },
        resources: grant.resources.map { WildcardPattern($0) })
    }
  }

  /// An account no exercise uses, for "another account" neighbours.
  static let otherAccount = "999999999999"

  public func requests() -> [ExerciseRequest] {
    let actions = sweepActions()
    let resources = ordered(concreteResources())
    let principals = ordered(sweepPrincipals())
    let contexts = sweepContexts()
    var out: [ExerciseRequest] = []
    var seen = Set<String>()
    for principal in principals {
      for action in actions {
        for resource in resources where takes(action, resource) {
          for context in contexts {
            let request = ExerciseRequest(principal: principal, action: action.fullName, resource: resource, context: context)
            if seen.insert("\(principal) \(action.fullName) \(resource) \(context.keys.sorted())").inserted {
              out.append(request)
            }
          }
        }
      }
    }
    return out
  }

  /// Whether the task allows this request (so allowing it is not over-granting).
  public func isIntended(_ request: ExerciseRequest) -> Bool {
    let action = request.action.lowercased()
    return grants.contains { grant in
      grant.principals.contains { LeastPrivilegeSweep.principal($0, covers: request.principal) }
        && grant.actions.contains { $0.matches(action) }
        && grant.resources.contains { $0.isMatchAll || $0.matches(request.resource) }
    }
  }

  /// A role ARN covers its sessions; `*` covers anyone; a 12-digit account ID covers every
  /// principal of that account; a pattern with `*` or `?` matches ARNs; otherwise ARNs must be equal.
  static func principal(_ pattern: String, covers principal: String) -> Bool {
    if pattern == "*" || pattern == principal { return true }
    if pattern.count == 12, pattern.allSatisfy(\.isNumber) { return Principal(principal)?.account == pattern }
    if pattern.contains("*") || pattern.contains("?") { return WildcardPattern(pattern).matches(principal) }
    guard case .role(let a, let n, _, _)? = Principal(pattern) else { return false }
    if case .assumedRole(let b, let m, _, _)? = Principal(principal) { return a == b && n == m }
    if case .role(let b, let m, _, _)? = Principal(principal) { return a == b && n == m }
    return false
  }

  func sweepActions() -> [ActionInfo] {
    var services: [String] = []
    func add(_ action: String) {
      let prefix = action.split(separator: ":").first.map { $0.lowercased() } ?? ""
      if !prefix.isEmpty, !prefix.contains("*"), !services.contains(prefix) { services.append(prefix) }
    }
    exercise.checks.forEach { add($0.request.action) }
    exercise.intended.flatMap(\.actions).forEach(add)
    exercise.sweep.services.forEach { add($0 + ":") }
    return services.flatMap { catalog.service(prefix: $0)?.actions ?? [] }
  }

  /// Whether AWS could make this request: the resource is of a type the action takes.
  func takes(_ action: ActionInfo, _ resource: String) -> Bool {
    if action.resourceTypes.isEmpty { return resource == "*" }
    guard resource != "*" else { return false }
    return action.resourceTypes.contains { rt in
      catalog.resourceType(service: action.service, name: rt.name)?.matches(arn: resource) == true
    }
  }

  func concreteResources() -> [String] {
    var base: [String] = ["*"]
    base += exercise.checks.map(\.request.resource)
    base += exercise.intended.flatMap(\.resources).map(LeastPrivilegeSweep.concrete)
    base += exercise.sweep.resources.map(LeastPrivilegeSweep.concrete)
    if let attached = exercise.attachedTo, exercise.document == .trust || exercise.document == .resource {
      base.append(attached)
      if attached.hasPrefix("arn:aws:s3:::") && !attached.dropFirst(13).contains("/") { base.append(attached + "/example.txt") }
    }
    return base + base.flatMap(LeastPrivilegeSweep.neighbours)
  }

  func sweepPrincipals() -> [String] {
    let document = exercise.document
    var base = exercise.checks.map(\.request.principal) + exercise.intended.flatMap(\.principals).filter { $0 != "*" }
    base += exercise.sweep.principals
    if document == .identity || document == .permissionsBoundary || document == .session {
      // The policy belongs to one principal: only it can use it.
      if !exercise.attachedToAll.isEmpty { return exercise.attachedToAll }
      return Array(Set(base)).sorted()
    }
    base.append("arn:aws:iam::\(exercise.setup.account):user/SomeOtherUser")
    return base + base.flatMap(LeastPrivilegeSweep.neighbourPrincipals) + ["*"]
  }

  func sweepContexts() -> [[String: ContextValue]] {
    var contexts: [[String: ContextValue]] = [[:]]
    for check in exercise.checks where !check.request.context.isEmpty && !contexts.contains(check.request.context) {
      contexts.append(check.request.context)
    }
    return contexts
  }

  func ordered(_ items: [String]) -> [String] {
    var seen = Set<String>()
    return items.filter { seen.insert($0).inserted }
  }

  /// A concrete resource matched by a pattern: `arn:aws:s3:::b/*` → `arn:aws:s3:::b/example.txt`.
  static func concrete(_ pattern: String) -> String {
    if pattern == "*" { return pattern }
    var out = ""
    for c in pattern {
      switch c {
      case "*": out += "example.txt"
      case "?": out += "x"
      default: out.append(c)
      }
    }
    return out
  }

  static func neighbours(_ resource: String) -> [String] {
    guard let arn = ARN(resource) else { return [] }
    if arn.service == "s3" && arn.account.isEmpty {
      let parts = arn.resource.split(separator: "/", maxSplits: 1).map(String.init)
      guard let bucket = parts.first else { return [] }
      if parts.count == 1 {
        return ["arn:aws:s3:::\(bucket)/example.txt", "arn:aws:s3:::\(bucket)-other", "arn:aws:s3:::other-bucket/example.txt"]
      }
      return ["arn:aws:s3:::\(bucket)", "arn:aws:s3:::\(bucket)/other/path.txt", "arn:aws:s3:::other-bucket/\(parts[1])"]
    }
    var out: [String] = []
    if arn.account.count == 12 {
      var other = arn
      other.account = otherAccount
      out.append(other.description)
    }
    let pieces = arn.resource.split(separator: "/").map(String.init)
    if pieces.count >= 2, let last = pieces.last {
      var renamed = arn
      renamed.resource = pieces.dropLast().joined(separator: "/") + "/Other" + last
      out.append(renamed.description)
    }
    return out
  }

  static func neighbourPrincipals(_ principal: String) -> [String] {
    switch Principal(principal) {
    case .user(let account, let name, _)?:
      return ["arn:aws:iam::\(account):user/Other\(name)", "arn:aws:iam::\(otherAccount):user/\(name)"]
    case .role(let account, let name, _, _)?, .assumedRole(let account, let name, _, _)?:
      return ["arn:aws:iam::\(account):role/Other\(name)", "arn:aws:iam::\(otherAccount):role/\(name)"]
    case .accountRoot?:
      return ["arn:aws:iam::\(otherAccount):root"]
    case .service(let s)?:
      return [s == "lambda.amazonaws.com" ? "ec2.amazonaws.com" : "lambda.amazonaws.com"]
    default:
      return []
    }
  }
}
