import IAMCatalog
import IAMEvaluator
import IAMPolicy

/// Grades answers to exercises with the shared evaluator.
///
/// A policy answer is placed where the exercise says (a role's trust policy, a
/// user's identity policy, ...) and every check is evaluated exactly as AWS
/// would; then the least-privilege sweep looks for anything else it allows.
public struct Grader: Sendable {
  /// The AWS action catalog; without it the sweep is skipped.
  public var catalog: ServiceCatalog? { catalogSource() }
  /// Where the catalog comes from: the tutor loads it in the background while the
  /// learner reads, so start-up does not wait for it.
  let catalogSource: @Sendable () -> ServiceCatalog?
  let evaluator = Evaluator(options: .init(recordsTrace: false))
  let explainer = Evaluator(options: .init(recordsTrace: true))

  public init(catalog: ServiceCatalog?) {
    catalogSource = { catalog }
  }

  /// A grader whose catalog is fetched when first needed.
  public init(catalogProvider: @escaping @Sendable () -> ServiceCatalog?) {
    catalogSource = catalogProvider
  }

  /// Grades a policy, can or predict answer.
  public func grade(_ answer: String, for exercise: Exercise, answerName: String = "your policy") -> Grade {
    switch exercise.kind {
    case .policy: gradePolicy(answer, for: exercise, answerName: answerName)
    case .can: gradeCan(answer, for: exercise)
    case .predict: gradePrediction(answer, for: exercise)
    }
  }

  // MARK: - Policy answers

  func gradePolicy(_ answer: String, for exercise: Exercise, answerName: String) -> Grade {
    let file = SourceFile(name: answerName, text: answer)
    let parsed = PolicyParser.parse(file, as: exercise.document, id: answerName)
    var grade = Grade(exerciseID: exercise.id, kind: .policy)
    grade.diagnostics = parsed.diagnostics
    guard let learner = parsed.value, !parsed.hasErrors else {
      grade.passed = false
      grade.answerIsMalformed = true
      grade.feedback.append("\(answerName) is not a valid \(exercise.document.displayName); fix the errors above and try again.")
      return grade
    }
    for check in exercise.checks {
      grade.checks.append(result(of: check, in: exercise, learner: learner, origin: .check))
    }
    if grade.checks.allSatisfy(\.passed), exercise.sweep.enabled, let catalog {
      let sweep = LeastPrivilegeSweep(exercise: exercise, catalog: catalog)
      for request in sweep.requests() {
        let (r, policies) = applicable(request, in: exercise, learner: learner, generous: true)
        let evaluation = evaluator.evaluate(r, against: policies)
        guard evaluation.decision == .allowed, !sweep.isIntended(request) else { continue }
        // Only what the answer itself opens up counts: without it, the request must be denied.
        let (baseRequest, basePolicies) = applicable(request, in: exercise, learner: nil, generous: true)
        guard evaluator.evaluate(baseRequest, against: basePolicies).decision != .allowed else { continue }
        let check = ExerciseCheck(request: request, expect: .deny, why: nil)
        grade.checks.append(result(of: check, in: exercise, learner: learner, origin: .sweep, generous: true))
        if grade.checks.filter({ $0.origin == .sweep }).count >= 3 { break }
      }
    }
    grade.passed = grade.checks.allSatisfy(\.passed)
    grade.feedback = feedback(for: grade, exercise: exercise)
    return grade
  }

  /// Evaluates one check, with the statement responsible when it fails.
  func result(
    of check: ExerciseCheck, in exercise: Exercise, learner: Policy?, origin: CheckResult.Origin, generous: Bool = false
  ) -> CheckResult {
    let (request, policies) = applicable(check.request, in: exercise, learner: learner, generous: generous)
    let evaluation = evaluator.evaluate(request, against: policies)
    var result = CheckResult(
      request: check.request, expected: check.expect, actual: evaluation.decision,
      passed: check.expect.accepts(evaluation.decision), why: check.why, origin: origin)
    if !result.passed {
      let explained = explainer.evaluate(request, against: policies)
      result.reason = TraceRenderer.summary(explained, for: request)
      result.responsible = responsibleStatement(explained, expected: check.expect, learnerID: learner?.id)
      if result.responsible == nil, let learner, let closest = closestMiss(explained, learnerID: learner.id) {
        result.responsible = closest.ref
        result.note = TraceRenderer.describe(closest.mismatch, request: request)
      }
    }
    return result
  }

  /// The statement that produced the wrong decision: an Allow that let it in, or a Deny that kept it out.
  func responsibleStatement(_ evaluation: Evaluation, expected: ExerciseCheck.Expectation, learnerID: String?) -> StatementRef? {
    let refs = evaluation.matchedStatements
    let preferred = refs.first { $0.policyID == learnerID } ?? refs.first
    switch (expected, evaluation.decision) {
    case (.deny, .allowed), (.allow, .explicitDeny): return preferred
    default: return nil
    }
  }

  /// The learner's statement that came closest to allowing the request (its action matched).
  func closestMiss(_ evaluation: Evaluation, learnerID: String) -> (ref: StatementRef, mismatch: Mismatch)? {
    var best: (StatementRef, Mismatch, Int)?
    for layer in evaluation.trace?.layers ?? [] {
      for s in layer.statements where s.ref.policyID == learnerID && s.ref.effect == .allow {
        guard case .doesNotApply(let m) = s.verdict else { continue }
        let score: Int
        switch m {
        case .condition: score = 4
        case .principal, .notPrincipal: score = 3
        case .resource, .notResource: score = 2
        case .action, .notAction: score = 1
        }
        if best == nil || score > best?.2 ?? 0 { best = (s.ref, m, score) }
      }
    }
    return best.map { ($0.0, $0.1) }
  }

  /// The request and every policy in play for it, with the learner's document in its place.
  ///
  /// With `generous`, a principal the exercise gives no identity policies gets one that
  /// allows everything, so only the learner's resource or trust policy can stop it:
  /// that is how the sweep finds a trust policy that lets in the whole account.
  public func applicable(
    _ exerciseRequest: ExerciseRequest, in exercise: Exercise, learner: Policy?, generous: Bool = false
  ) -> (Request, ApplicablePolicies) {
    let setup = exercise.setup
    let principal = Principal(exerciseRequest.principal) ?? .unspecified
    var context = RequestContext()
    for (k, v) in exerciseRequest.context { context[k] = v }
    if case .user(_, let name, _) = principal, !context.contains("aws:username") {
      context["aws:username"] = ContextValue(name)
    }
    let request = Request(principal: principal, action: exerciseRequest.action, resource: exerciseRequest.resource, context: context)
    let key = Grader.identityKey(principal)
    func policies(_ map: [String: [Policy]]) -> [Policy] {
      map.first { Grader.identityKey(Principal($0.key) ?? .unspecified) == key && key != nil }?.value ?? []
    }
    var identity = policies(setup.identity)
    var boundary = policies(setup.boundary)
    var session = policies(setup.session)
    var resource: [Policy] = setup.resource.filter { Grader.covers($0.key, exerciseRequest.resource) }.flatMap(\.value)
    var scp = setup.serviceControlLevels
    if let learner {
      let attachedHere = exercise.attachedToAll.isEmpty
        || exercise.attachedToAll.contains { Grader.identityKey(Principal($0) ?? .unspecified) == key }
      switch exercise.document {
      case .identity where attachedHere: identity.append(learner)
      case .permissionsBoundary where attachedHere: boundary.append(learner)
      case .session where attachedHere: session.append(learner)
      case .trust, .resource:
        if let target = exercise.attachedTo, Grader.covers(target, exerciseRequest.resource) { resource.append(learner) }
      case .serviceControl: scp = (scp ?? []) + [[learner]]
      default: break
      }
    }
    if generous && identity.isEmpty && principal.account != nil && !(exercise.document == .identity) {
      identity = [Grader.allowEverything]
    }
    let ownerAccount = Grader.owner(of: exerciseRequest.resource, setup: setup)
    let inOrganization = principal.account == setup.account
    return (
      request,
      ApplicablePolicies(
        identity: identity, resource: resource, permissionsBoundary: boundary, session: session,
        serviceControlLevels: inOrganization ? scp : nil,
        resourceControlLevels: ownerAccount == setup.account ? setup.resourceControlLevels : nil,
        resourceOwner: ownerAccount)
    )
  }

  /// An identity policy that allows every action, for principals the sweep invents.
  static let allowEverything: Policy = {
    let text = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
    return PolicyParser.parse(SourceFile(name: "full-access", text: text), as: .identity, id: "full-access (sweep)").value
      ?? Policy(id: "full-access", kind: .identity, version: .v2012, statements: [], source: SourceFile(name: "", text: ""))
  }()

  /// Which identity a principal's policies belong to: a role and its sessions share one.
  static func identityKey(_ principal: Principal) -> String? {
    switch principal {
    case .user(_, _, let arn): arn
    case .role(let account, let name, _, _), .assumedRole(let account, let name, _, _): "role:\(account):\(name)"
    case .accountRoot(let a): "root:\(a)"
    case .federatedUser(_, _, let arn): arn
    case .service(let s): "service:\(s)"
    case .anonymous, .unspecified: nil
    }
  }

  /// A policy attached to a bucket covers its objects; otherwise the ARN must match exactly.
  static func covers(_ attached: String, _ resource: String) -> Bool {
    resource == attached || (attached.hasPrefix("arn:aws:s3:::") && resource.hasPrefix(attached + "/"))
  }

  /// The account that owns a resource: from its ARN, the exercise's owners, or the exercise account.
  static func owner(of resource: String, setup: ExerciseSetup) -> String {
    if let arn = ARN(resource), arn.account.count == 12 { return arn.account }
    for (key, account) in setup.owners where covers(key, resource) { return account }
    return setup.account
  }

  // MARK: - Can and predict answers

  /// What the evaluator says about a request in the exercise's world.
  public func decide(_ request: ExerciseRequest, in exercise: Exercise) -> Evaluation {
    let (r, policies) = applicable(request, in: exercise, learner: nil)
    return explainer.evaluate(r, against: policies)
  }

  func gradeCan(_ answer: String, for exercise: Exercise) -> Grade {
    var grade = Grade(exerciseID: exercise.id, kind: .can)
    guard let question = exercise.question else { return grade }
    let evaluation = decide(question, in: exercise)
    let truth = evaluation.decision == .allowed
    let reason = ReasonCategory(evaluation.reason)
    let parsed = CanAnswer.parse(answer)
    guard let parsed else {
      grade.answerIsMalformed = true
      grade.feedback.append(
        "Answer `yes` or `no`, and for no add the reason's letter, e.g. `no b`. Type `show` to see the choices again.")
      return grade
    }
    var check = CheckResult(
      request: question, expected: truth ? .allow : .deny, actual: parsed.allowed ? .allowed : .implicitDeny,
      passed: parsed.allowed == truth, why: nil, origin: .check)
    check.reason = TraceRenderer.summary(evaluation, for: Request(principal: Principal(question.principal) ?? .unspecified, action: question.action, resource: question.resource))
    grade.checks.append(check)
    if parsed.allowed == truth && !truth {
      if let choice = parsed.reason, choice != reason {
        grade.checks[0].passed = false
        grade.feedback.append("Right that it is denied, but not why: \(choice.text) is not what stops it.")
      } else if parsed.reason == nil {
        grade.checks[0].passed = false
        grade.feedback.append("Right that it is denied; now say why: add the letter of the reason (`show` lists them).")
      }
    }
    grade.passed = grade.checks.allSatisfy(\.passed)
    if !grade.passed && parsed.allowed != truth {
      grade.feedback.append(truth ? "It is allowed." : "It is not allowed.")
    }
    if grade.passed { grade.feedback.append(check.reason ?? "") }
    return grade
  }

  func gradePrediction(_ answer: String, for exercise: Exercise) -> Grade {
    var grade = Grade(exerciseID: exercise.id, kind: .predict)
    let words = answer.split(whereSeparator: { $0.isWhitespace || $0 == "," }).map { $0.lowercased() }
    guard words.count == exercise.predictions.count,
      words.allSatisfy({ ["allow", "allowed", "a", "deny", "denied", "d", "yes", "no", "y", "n"].contains($0) })
    else {
      grade.answerIsMalformed = true
      grade.feedback.append(
        "Answer with one word per request, in order: allow or deny (a/d), e.g. `\(exercise.predictions.map { _ in "a" }.joined(separator: " "))`.")
      return grade
    }
    for (prediction, word) in zip(exercise.predictions, words) {
      let said: ExerciseCheck.Expectation = ["allow", "allowed", "a", "yes", "y"].contains(word) ? .allow : .deny
      let evaluation = decide(prediction.request, in: exercise)
      let truth: ExerciseCheck.Expectation = evaluation.decision == .allowed ? .allow : .deny
      var check = CheckResult(
        request: prediction.request, expected: truth, actual: said == .allow ? .allowed : .implicitDeny, passed: said == truth,
        why: prediction.why, origin: .check)
      let p = Principal(prediction.request.principal) ?? .unspecified
      check.reason = TraceRenderer.summary(
        evaluation, for: Request(principal: p, action: prediction.request.action, resource: prediction.request.resource))
      grade.checks.append(check)
    }
    grade.passed = grade.checks.allSatisfy(\.passed)
    return grade
  }

  func feedback(for grade: Grade, exercise: Exercise) -> [String] {
    if grade.passed { return ["All \(grade.checks.count) requests behave as the task asks."] }
    var lines: [String] = []
    let failed = grade.checks.filter { !$0.passed }
    if failed.contains(where: { $0.origin == .sweep }) {
      lines.append("Your policy allows more than the task asks: least privilege means nothing else.")
    }
    if failed.contains(where: { $0.origin == .check && $0.expected == .allow }) {
      lines.append("Your policy does not allow everything the task needs.")
    }
    return lines
  }
}

/// A parsed answer to a can exercise: `yes`, `no`, `no b`, `no trust-policy`.
public struct CanAnswer: Sendable, Equatable {
  public var allowed: Bool
  public var reason: ReasonCategory?

  public static func parse(_ text: String) -> CanAnswer? {
    let words = text.lowercased().split(whereSeparator: { $0.isWhitespace || $0 == "," || $0 == ":" }).map(String.init)
    guard let first = words.first else { return nil }
    let allowed: Bool
    switch first {
    case "yes", "y", "allowed", "allow": allowed = true
    case "no", "n", "denied", "deny": allowed = false
    default: return nil
    }
    var reason: ReasonCategory?
    if words.count > 1 {
      let word = words[1]
      if word.count == 1, let scalar = word.unicodeScalars.first, scalar.value >= 97, scalar.value < 97 + UInt32(CanAnswer.choices.count) {
        reason = CanAnswer.choices[Int(scalar.value - 97)]
      } else {
        reason = ReasonCategory(rawValue: word)
      }
    }
    return CanAnswer(allowed: allowed, reason: reason)
  }

  /// The reasons a learner chooses from, lettered a, b, c...
  public static let choices: [ReasonCategory] = ReasonCategory.allCases.filter { $0 != .allowed }
}

/// The outcome of grading one answer.
public struct Grade: Sendable {
  public var exerciseID: String
  public var kind: Exercise.Kind
  public var passed = false
  /// Problems parsing the answer itself, located in it.
  public var diagnostics: [Diagnostic] = []
  public var checks: [CheckResult] = []
  public var feedback: [String] = []
  /// The answer could not be read at all (not a policy, not yes/no, wrong number of words).
  public var answerIsMalformed = false

  public init(exerciseID: String, kind: Exercise.Kind) {
    self.exerciseID = exerciseID
    self.kind = kind
  }
}

/// One graded request: what the task wanted, what happened, and why.
public struct CheckResult: Sendable {
  public enum Origin: String, Sendable {
    /// Written by the exercise's author.
    case check
    /// Found by the least-privilege sweep.
    case sweep
  }

  public var request: ExerciseRequest
  public var expected: ExerciseCheck.Expectation
  public var actual: Decision
  public var passed: Bool
  public var why: String?
  public var origin: Origin
  /// The evaluator's explanation of the actual decision.
  public var reason: String?
  /// The statement that produced the wrong decision, or the one that came closest.
  public var responsible: StatementRef?
  /// Why that closest statement did not apply.
  public var note: String?

  public init(
    request: ExerciseRequest, expected: ExerciseCheck.Expectation, actual: Decision, passed: Bool, why: String?,
    origin: Origin
  ) {
    self.request = request
    self.expected = expected
    self.actual = actual
    self.passed = passed
    self.why = why
    self.origin = origin
  }
}
