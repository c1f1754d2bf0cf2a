import IAMEvaluator
import IAMPolicy

/// The `simulate-custom-policy --cli-input-json` document, read with positions.
///
/// Keys and shapes are AWS's SimulateCustomPolicy request (IAM API Reference),
/// plus the documented extensions: a caller that is a role, session, root or
/// service; session policies; SCP and RCP levels.
public struct SimulateRequest: Sendable {
  public var identityPolicies: [Policy] = [] { didSet { interned = nil } }
  public var permissionsBoundaries: [Policy] = [] { didSet { interned = nil } }
  public var sessionPolicies: [Policy] = [] { didSet { interned = nil } }
  public var resourcePolicy: Policy? { didSet { interned = nil } }
  public var serviceControlLevels: [[Policy]]? { didSet { interned = nil } }
  public var resourceControlLevels: [[Policy]]? { didSet { interned = nil } }
  public var actionNames: [String] = []
  public var resourceArns: [String] = ["*"]
  public var resourceOwner: String? { didSet { interned = nil } }
  public var caller: Principal = .unspecified { didSet { callerEntries = nil } }
  public var context = RequestContext()
  public var maxItems: Int?
  public var marker: Int?
  /// The policies above as the one `ApplicablePolicies` the cache keeps for them, shared
  /// by every request of a batch with the same policy lists (see `PolicyCache.storeApplicable`);
  /// nil until a cached read sets it, and again once any policy field changes.
  var interned: ApplicablePolicies?
  /// `Request.derivedEntries(of: caller)`, when a cached read has them made already;
  /// nil again once `caller` changes.
  var callerEntries: [RequestContext.Entry]?

  /// The context keys AWS derives from the caller, made once per caller in a batch.
  var derivedEntries: [RequestContext.Entry] { callerEntries ?? Request.derivedEntries(of: caller) }

  /// An empty request (no policies, no actions), to fill in from code.
  public init() {}

  static let knownKeys = [
    "PolicyInputList", "PermissionsBoundaryPolicyInputList", "ActionNames", "ResourceArns", "ResourcePolicy",
    "ResourceOwner", "CallerArn", "ContextEntries", "ResourceHandlingOption", "MaxItems", "Marker",
    "SessionPolicyInputList", "ServiceControlPolicyInputList", "ResourceControlPolicyInputList",
  ]

  static let resourceHandlingOptions = [
    "EC2-Classic-InstanceStore", "EC2-Classic-EBS", "EC2-VPC-InstanceStore", "EC2-VPC-InstanceStore-Subnet",
    "EC2-VPC-EBS", "EC2-VPC-EBS-Subnet",
  ]

  /// The policies and resource owner as the evaluator takes them.
  ///
  /// Requests read through a `PolicyCache` share one value (one storage object) per
  /// distinct set of policy lists, so evaluating thousands of them reads a few hot
  /// objects instead of a cold one per request.
  public var applicablePolicies: ApplicablePolicies {
    interned ?? built
  }

  /// A new `ApplicablePolicies` of the policy fields.
  var built: ApplicablePolicies {
    ApplicablePolicies(
      identity: identityPolicies, resource: resourcePolicy.map { [$0] } ?? [], permissionsBoundary: permissionsBoundaries,
      session: sessionPolicies, serviceControlLevels: serviceControlLevels, resourceControlLevels: resourceControlLevels,
      resourceOwner: resourceOwner)
  }

  /// Reads a request document; every problem is a located diagnostic.
  public static func parse(
    _ file: SourceFile, limits: JSONParser.Limits = .default, cache: PolicyCache? = nil
  ) -> Parsed<SimulateRequest> {
    if let cache, let clean = parseClean(file, limits: limits, cache: cache) { return clean }
    let json = JSONParser.parse(file, limits: limits)
    guard let root = json.value else { return Parsed(value: nil, diagnostics: json.diagnostics) }
    var reader = Reader(file: file, diagnostics: json.diagnostics, limits: limits, cache: cache)
    let request = reader.read(root)
    return Parsed(value: reader.diagnostics.contains(where: \.isError) ? nil : request, diagnostics: reader.diagnostics)
  }

  struct Reader {
    let file: SourceFile
    var diagnostics: [Diagnostic]
    let limits: JSONParser.Limits
    let cache: PolicyCache?

    mutating func error(_ code: DiagnosticCode, _ message: String, help: String? = nil, at span: SourceSpan, path: String? = nil) {
      diagnostics.append(Diagnostic(code: code, message: message, help: help, range: file.range(of: span), path: path))
    }

    mutating func read(_ root: JSONValue) -> SimulateRequest {
      var request = SimulateRequest()
      guard let members = root.members else {
        error(
          .requestNotObject, "the request must be a JSON object, found \(root.typeName)",
          help: #"write {"PolicyInputList": [...], "ActionNames": [...]} as for aws iam simulate-custom-policy --cli-input-json"#,
          at: root.span)
        return request
      }
      var sawPolicies = false
      var sawActions = false
      for member in members {
        apply(member, to: &request, sawPolicies: &sawPolicies, sawActions: &sawActions)
      }
      if !sawPolicies {
        error(
          .requestMissingKey, "the request has no `PolicyInputList`",
          help: "add \"PolicyInputList\": [] (the caller's identity policies, each as a JSON string)", at: root.span)
      }
      if !sawActions {
        error(.requestMissingKey, "the request has no `ActionNames`", help: #"add "ActionNames": ["s3:GetObject"]"#, at: root.span)
      }
      return request
    }

    /// Reads one top-level member into the request.
    mutating func apply(_ member: JSONMember, to request: inout SimulateRequest, sawPolicies: inout Bool, sawActions: inout Bool) {
      let key = member.key
      switch key {
      case "PolicyInputList":
        sawPolicies = true
        request.identityPolicies = policies(member, kind: .identity)
      case "PermissionsBoundaryPolicyInputList":
        request.permissionsBoundaries = policies(member, kind: .permissionsBoundary)
      case "SessionPolicyInputList":
        request.sessionPolicies = policies(member, kind: .session)
      case "ResourcePolicy":
        request.resourcePolicy = policy(member.value, id: "ResourcePolicy", kind: .resource)
      case "ServiceControlPolicyInputList":
        request.serviceControlLevels = levels(member, kind: .serviceControl)
      case "ResourceControlPolicyInputList":
        request.resourceControlLevels = levels(member, kind: .resourceControl)
      case "ActionNames":
        sawActions = true
        if let list = strings(member) {
          for (name, span) in list where name != "*" && !name.contains(":") {
            error(
              .requestInvalidValue, "`\(name)` is not an action name",
              help: "write service:Action, such as s3:GetObject", at: span, path: key)
          }
          request.actionNames = list.map(\.0)
          if list.isEmpty {
            error(.requestInvalidValue, "`ActionNames` is empty", help: "name at least one action to simulate", at: member.value.span, path: key)
          }
        }
      case "ResourceArns":
        if let list = strings(member) {
          request.resourceArns = list.isEmpty ? ["*"] : list.map(\.0)
        }
      case "ResourceOwner":
        if let s = string(member) {
          if let account = SimulateRequest.account(of: s) { request.resourceOwner = account } else {
            error(
              .requestInvalidValue, "`ResourceOwner` must be an account ARN such as arn:aws:iam::111122223333:root",
              at: member.value.span, path: key)
          }
        }
      case "CallerArn":
        if let s = string(member) {
          if let principal = Principal(s) { request.caller = principal } else {
            error(
              .requestInvalidCaller, "`CallerArn` `\(s)` is not a principal",
              help: "use a user, role, assumed-role session or root ARN with a 12-digit account, or a service such as ec2.amazonaws.com",
              at: member.value.span, path: key)
          }
        }
      case "ContextEntries":
        request.context = contextEntries(member)
      case "ResourceHandlingOption":
        if let s = string(member), !SimulateRequest.resourceHandlingOptions.contains(s) {
          error(
            .requestInvalidValue, "unknown `ResourceHandlingOption` `\(s)`",
            help: "AWS accepts " + SimulateRequest.resourceHandlingOptions.joined(separator: ", "), at: member.value.span, path: key)
        }
      case "MaxItems":
        if case .number(let n) = member.value.kind, let v = Int(n), (1...1000).contains(v) { request.maxItems = v } else {
          error(.requestInvalidValue, "`MaxItems` must be a whole number from 1 to 1000", at: member.value.span, path: key)
        }
      case "Marker":
        if let s = string(member) {
          if let v = Int(s), v >= 0 { request.marker = v } else {
            error(.requestInvalidValue, "`Marker` `\(s)` is not a marker this tool returned", at: member.value.span, path: key)
          }
        }
      default:
        let suggestion = SimulateRequest.knownKeys.first { $0.lowercased() == key.lowercased() }
        error(
          .requestUnknownKey, "unknown key `\(key)`",
          help: suggestion.map { "keys are case-sensitive: write `\($0)`" }
            ?? "keys are those of aws iam simulate-custom-policy: " + SimulateRequest.knownKeys.prefix(8).joined(separator: ", ") + ", ...",
          at: member.keySpan, path: key)
      }
    }

    /// `arn:aws:iam::111122223333:root` or `111122223333` → the account ID.
    mutating func string(_ member: JSONMember) -> String? {
      if let s = member.value.stringValue { return s }
      error(.requestWrongType, "`\(member.key)` must be a string, found \(member.value.typeName)", at: member.value.span, path: member.key)
      return nil
    }

    mutating func strings(_ member: JSONMember) -> [(String, SourceSpan)]? {
      guard let elements = member.value.elements else {
        error(.requestWrongType, "`\(member.key)` must be an array of strings, found \(member.value.typeName)", at: member.value.span, path: member.key)
        return nil
      }
      var out: [(String, SourceSpan)] = []
      for (i, e) in elements.enumerated() {
        if let s = e.stringValue { out.append((s, e.span)) } else {
          error(.requestWrongType, "`\(member.key)[\(i)]` must be a string, found \(e.typeName)", at: e.span, path: "\(member.key)[\(i)]")
        }
      }
      return out
    }

    mutating func policies(_ member: JSONMember, kind: PolicyKind) -> [Policy] {
      guard let elements = member.value.elements else {
        error(
          .requestWrongType, "`\(member.key)` must be an array of policies, found \(member.value.typeName)",
          help: "each policy is a JSON string (as AWS takes it) or an object", at: member.value.span, path: member.key)
        return []
      }
      return elements.enumerated().compactMap { i, e in policy(e, id: "\(member.key).\(i + 1)", kind: kind) }
    }

    mutating func levels(_ member: JSONMember, kind: PolicyKind) -> [[Policy]]? {
      guard let levels = member.value.elements else {
        error(.requestWrongType, "`\(member.key)` must be an array of levels, found \(member.value.typeName)", at: member.value.span, path: member.key)
        return nil
      }
      var out: [[Policy]] = []
      for (i, level) in levels.enumerated() {
        guard let elements = level.elements else {
          error(
            .requestWrongType, "each level of `\(member.key)` must be an array of policies, found \(level.typeName)",
            help: "write levels from the organization root down to the account: [[root SCPs], [OU SCPs], [account SCPs]]",
            at: level.span, path: "\(member.key)[\(i)]")
          continue
        }
        out.append(elements.enumerated().compactMap { j, e in policy(e, id: "\(member.key).\(i + 1).\(j + 1)", kind: kind) })
      }
      return out
    }

    /// A policy given as a JSON string (AWS's shape, positions inside the string) or an object.
    mutating func policy(_ value: JSONValue, id: String, kind: PolicyKind) -> Policy? {
      let size = value.span.end - value.span.start
      if size > SimulateRequest.maxPolicyBytes {
        error(
          .requestPolicyTooLarge,
          "`\(id)` is \(size) bytes; iam-tutor reads policies of up to \(SimulateRequest.maxPolicyBytes) bytes",
          help: "AWS itself allows 2,048 characters for a user's inline policies, 10,240 for a role's and 6,144 for a managed policy",
          at: SourceSpan(start: value.span.start, end: value.span.start + 1), path: id)
        return nil
      }
      switch value.kind {
      case .string(let text):
        guard let cache else {
          let parsed = PolicyParser.parse(SourceFile(name: id, text: text), as: kind, id: id, limits: limits)
          diagnostics.append(contentsOf: parsed.diagnostics)
          return parsed.hasErrors ? nil : parsed.value
        }
        // The raw (still escaped) text identifies the policy without decoding it again.
        return file.bytes.withUnsafeBufferPointer { all in
          let raw = UnsafeBufferPointer(rebasing: all[value.span.start..<value.span.end])
          let hash = PolicyCache.hash(raw)
          if let hit = cache.lookup(raw, hash: hash, kind: kind, id: id) {
            diagnostics.append(contentsOf: hit.warnings)
            return hit.policy
          }
          let parsed = PolicyParser.parse(SourceFile(name: id, text: text), as: kind, id: id, limits: limits)
          diagnostics.append(contentsOf: parsed.diagnostics)
          if !parsed.hasErrors, let policy = parsed.value {
            cache.store(raw, hash: hash, kind: kind, policy: policy, warnings: parsed.diagnostics)
          }
          return parsed.hasErrors ? nil : parsed.value
        }
      case .object:
        let parsed = PolicyParser.parse(json: value, in: file, as: kind, id: id)
        diagnostics.append(contentsOf: parsed.diagnostics)
        return parsed.hasErrors ? nil : parsed.value
      default:
        error(
          .requestWrongType, "`\(id)` must be a policy (a JSON string or object), found \(value.typeName)",
          at: value.span, path: id)
        return nil
      }
    }

    mutating func contextEntries(_ member: JSONMember) -> RequestContext {
      var context = RequestContext()
      guard let entries = member.value.elements else {
        error(.requestWrongType, "`ContextEntries` must be an array, found \(member.value.typeName)", at: member.value.span, path: member.key)
        return context
      }
      for (i, entry) in entries.enumerated() {
        let path = "ContextEntries[\(i)]"
        guard let fields = entry.members else {
          error(.requestWrongType, "`\(path)` must be an object, found \(entry.typeName)", at: entry.span, path: path)
          continue
        }
        var name: String?
        var values: [(String, SourceSpan)] = []
        var type = ContextType.string
        var typeGiven = false
        for field in fields {
          switch field.key {
          case "ContextKeyName":
            name = field.value.stringValue
            if name == nil || name?.isEmpty == true {
              error(.requestWrongType, "`ContextKeyName` must be a non-empty string", at: field.value.span, path: path)
            }
          case "ContextKeyValues":
            if let elements = field.value.elements {
              for e in elements {
                if let s = e.scalarText { values.append((s, e.span)) } else {
                  error(.requestWrongType, "context values must be strings, found \(e.typeName)", at: e.span, path: path)
                }
              }
            } else if let s = field.value.scalarText {
              values.append((s, field.value.span))
            } else {
              error(.requestWrongType, "`ContextKeyValues` must be an array of strings", at: field.value.span, path: path)
            }
          case "ContextKeyType":
            typeGiven = true
            if let s = field.value.stringValue, let t = ContextType.allCases.first(where: { $0.rawValue.lowercased() == s.lowercased() }) {
              type = t
            } else {
              error(
                .requestInvalidContext, "unknown `ContextKeyType`",
                help: "types are " + ContextType.allCases.map(\.rawValue).joined(separator: ", "), at: field.value.span, path: path)
            }
          default:
            error(
              .requestUnknownKey, "unknown key `\(field.key)` in a context entry",
              help: "a context entry has ContextKeyName, ContextKeyValues and ContextKeyType", at: field.keySpan, path: path)
          }
        }
        guard let name, !name.isEmpty else {
          if fields.first(where: { $0.key == "ContextKeyName" }) == nil {
            error(.requestMissingKey, "the context entry has no `ContextKeyName`", at: entry.span, path: path)
          }
          continue
        }
        if !typeGiven && values.count > 1 { type = .stringList }
        if !type.isList && values.count > 1 {
          error(
            .requestInvalidContext, "`\(name)` has \(values.count) values but type `\(type.rawValue)` takes one",
            help: "use the list type `\(type.rawValue)List` for several values", at: entry.span, path: path)
          continue
        }
        for (v, span) in values where !SimulateRequest.valueFits(v, type) {
          error(.requestInvalidContext, "`\(v)` is not a valid \(type.rawValue) value for `\(name)`", at: span, path: path)
        }
        context[name] = ContextValue(type: type, values: values.map(\.0))
      }
      return context
    }
  }

  /// Far above AWS's own policy size limits, and small enough to answer any input at once.
  public static let maxPolicyBytes = 1 << 20

  static func account(of text: String) -> String? {
    if text.count == 12, text.allSatisfy(\.isNumber) { return text }
    guard let arn = ARN(text), arn.account.count == 12, arn.account.allSatisfy(\.isNumber) else { return nil }
    return arn.account
  }

  static func valueFits(_ value: String, _ type: ContextType) -> Bool {
    switch type {
    case .numeric, .numericList: NumericValue.parse(value) != nil
    case .boolean, .booleanList: BoolValue.parse(value) != nil
    case .ip, .ipList: IPNetwork(value) != nil
    case .date, .dateList: DateValue.parse(value) != nil
    default: true
    }
  }
}
