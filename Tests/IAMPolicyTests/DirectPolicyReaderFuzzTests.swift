@testable import IAMPolicy
import Testing

/// Differential fuzzing of the direct reading against the general one: thousands of
/// policies from a small grammar, with mutations of their tree (wrong types, missing or
/// repeated elements, odd names, limits) and of their bytes (a byte deleted, inserted,
/// replaced, a slice repeated, the text cut short), each read as every kind. The direct
/// reading must decline or give exactly what the general reading gives.
@Suite struct DirectPolicyReaderFuzzTests {
  /// SplitMix64: small, fast and the same on every platform, so a seed names one document.
  struct Generator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 0x1234_5678 }

    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }

    mutating func pick<T>(_ options: [T]) -> T { options.randomElement(using: &self)! }
  }

  /// A JSON document as the generator builds it; strings hold their text as written
  /// between the quotes (escapes included), `raw` anything written as is.
  indirect enum Node {
    case object([(String, Node)])
    case array([Node])
    case string(String)
    case raw(String)
  }

  /// Builds one document: a tree from the grammar, then its text with random spacing.
  struct Builder {
    var rng: Generator
    /// How often this document goes wrong: never for some, so that many are read
    /// directly and compared; seldom for others, which then have one mistake or none
    /// (the inputs that tell a reader that misses one check); often for the rest.
    var noise: Double
    /// Whether this document may have spacing JSON does not allow, or trailing commas.
    var sloppy: Bool
    /// How likely a statement is to name a principal and a resource: the same for all the
    /// statements of most documents, so that one kind or another takes them all.
    var principalRate: Double
    var resourceRate: Double

    init(rng: Generator) {
      self.rng = rng
      noise = self.rng.pick([0, 0, 0.15, 0.15, 1])
      sloppy = self.rng.chance(0.04 * noise)
      principalRate = self.rng.pick([0, 1, 0.45])
      resourceRate = self.rng.pick([0, 1, 1, 0.75])
    }

    /// A mistake's chance, scaled by the document's noise.
    mutating func rare(_ p: Double) -> Bool { rng.chance(p * noise) }

    // MARK: Pools

    /// Values of one element: mostly ones the general reading takes without a word, now
    /// and then one it objects to.
    struct Pool {
      var good: [String]
      var bad: [String]
    }

    static let actions = Pool(
      good: ["s3:GetObject", "s3:*", "*", "ec2:Describe*", "iam:PassRole", "S3:Get?bject", "sts:AssumeRole", "s3:Get${aws:username}", "a:b:c"],
      bad: ["s3", ":s3", "s3:", "", "**"])
    static let resources = Pool(
      good: [
        "*", "arn:aws:s3:::b/*", "arn:aws:s3:::b", "arn:aws:s3:::${aws:username}/*", "arn:aws:iam::111122223333:role/R",
        "arn:aws:s3:::b/${aws:PrincipalTag/team, 'none'}/*", "arn:aws:s3:::b/${*}${?}${$}", "arn:aws:s3:::${x", "arn:",
        "arn:aws:s3:::b/${aws:username,'d'}?*",
      ],
      bad: ["bucket", "", "**", "ar", "ARN:aws:s3:::b"])
    static let awsPrincipals = Pool(
      good: [
        "*", "111122223333", "123", "arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:role/p/R",
        "arn:aws:sts::111122223333:assumed-role/R/S", "AROAEXAMPLE", "arn:aws:iam::111122223333:user/${aws:username}",
      ],
      bad: ["arn:aws:iam::1:role/*", "arn:aws:iam::*:root", "", "arn:aws:iam::1:role/R?"])
    static let services = Pool(good: ["ec2.amazonaws.com", "EC2.AmazonAWS.com", "*", "lambda.amazonaws.com"], bad: ["ec2", ""])
    static let federated = Pool(good: ["cognito-identity.amazonaws.com", "arn:aws:iam::1:saml-provider/X", "", "*"], bad: [])
    static let canonical = Pool(good: ["abc", "79a59df900b949e55d96a1e698fbaced", ""], bad: [])
    static let sids = Pool(good: ["A", "B", "Stmt1", "", "a b", "A", "${x}"], bad: [])
    static let ids = Pool(good: ["x", "Policy1", "", "${aws:username}"], bad: [])
    static let conditionKeys = [
      "aws:SourceIp", "aws:username", "s3:prefix", "aws:CurrentTime", "aws:TagKeys", "k", "", "aws:PrincipalTag/${x}",
      "K", "aws:sourceip",
    ]
    /// Condition values by the family of the operator that takes them without a word.
    static func conditionValues(_ family: ConditionOperator.Base.Family) -> [String] {
      switch family {
      case .string, .binary: ["v", "a*", "", "o-1", "${aws:username}", "${aws:PrincipalTag/team, 'blue'}", "${*}", "${?}", "${$}", "a${b"]
      case .arn: ["arn:aws:iam::*:role/x", "arn:aws:iam::111122223333:role/${aws:username}", "*", "arn:aws:s3:::b"]
      case .numeric: ["7", "-1.5", "1e5", "0", "-0", "12345678901234567890"]
      case .date: ["2030-01-01T00:00:00Z", "2030-01-01", "1700000000", "2030-01-01T00:00:00.123Z"]
      case .ipAddress: ["10.0.0.0/8", "203.0.113.0/24", "2001:db8::/32", "192.0.2.1"]
      case .bool, .null: ["true", "false"]
      }
    }
    static let conditionStrings = [
      "v", "a*", "2030-01-01T00:00:00Z", "10.0.0.0/33", "true", "TRUE", "7", "1e5", "${aws:username}", "${x}", "", "soon",
      "1.2.3", "2030-13-45",
    ]
    static let numbers = ["0", "-0", "7", "10", "1e5", "1E+2", "3e-1", "-1.5e3", "0.5", "12345678901234567890", "1e400", "-0.0"]
    static let badNumbers = ["01", "1.", "-", "1e", "+1", ".5", "--1", "1.5.2", "0x1", "-01"]
    static let whitespace = [" ", "\n", "\t", "\r\n", "  ", "\r"]
    static let badWhitespace = ["\u{0C}", "\u{A0}", "\u{FEFF}", "\u{0B}"]

    // MARK: Tree

    mutating func string(_ pool: Pool) -> Node {
      var text = !pool.bad.isEmpty && rare(0.03) ? rng.pick(pool.bad) : rng.pick(pool.good)
      if rare(0.01) {
        // Text the direct reading leaves to the general one, or long text for the string limit.
        text += rng.pick(["\\u0041", "\\\"", "\\/", "é", "\\n", String(repeating: "x", count: 40), "${aws:userid}", "\u{7F}"])
      }
      return .string(text)
    }

    /// A string, or a list of them (now and then empty, or holding something else).
    mutating func stringList(_ pool: Pool) -> Node {
      let r = rng.next() % 100
      if r < 50 { return string(pool) }
      if r < 52 && rare(1) { return r < 51 ? .array([]) : rng.pick([.raw("1"), .raw("null"), .raw("true"), .object([])]) }
      var items: [Node] = []
      for _ in 0..<(1 + Int(rng.next() % 3)) { items.append(string(pool)) }
      if rare(0.02) {
        let nested = Node.array([string(pool)])
        let odd = rng.pick([.raw("1"), .raw("null"), nested])
        items.insert(odd, at: Int(rng.next() % UInt64(items.count + 1)))
      }
      return .array(items)
    }

    mutating func principal() -> Node {
      let r = rng.next() % 100
      if r < 15 { return .string("*") }
      if r < 18 && rare(1) {
        return rng.pick([.string("111122223333"), .string("arn:aws:iam::1:root"), .array([.string("*")]), .raw("null"), .object([])])
      }
      var members: [(String, Node)] = []
      let types: [(String, Pool)] = [
        ("AWS", Self.awsPrincipals), ("Service", Self.services), ("Federated", Self.federated),
        ("CanonicalUser", Self.canonical),
      ]
      for (name, pool) in types.shuffled(using: &rng) where rng.chance(name == "AWS" ? 0.6 : 0.3) {
        members.append((name, stringList(pool)))
      }
      if members.isEmpty { members.append(("AWS", stringList(Self.awsPrincipals))) }
      if rare(0.02) { members.append((rng.pick(["aws", "Aws", "Services", "AWS", "Service"]), .string("*"))) }
      return .object(members)
    }

    /// A condition value for an operator of this family: mostly one it takes.
    mutating func scalar(_ family: ConditionOperator.Base.Family) -> Node {
      let r = rng.next() % 100
      if r < 80 || !rare(1) {
        let text = rng.pick(Self.conditionValues(family))
        // Numbers and booleans may be written bare.
        if (family == .numeric && text != "12345678901234567890" && rng.chance(0.5)) || ((family == .bool || family == .null) && rng.chance(0.5)) {
          return .raw(text)
        }
        return .string(text)
      }
      if r < 88 { return .string(rng.pick(Self.conditionStrings)) }
      if r < 92 { return .raw(rng.pick(Self.numbers)) }
      if r < 95 { return .raw(rng.pick(Self.badNumbers)) }
      if r < 99 { return .raw(rng.pick(["true", "false"])) }
      return rng.pick([.raw("null"), .raw("tru"), .raw("falsey"), .object([]), .array([])])
    }

    mutating func conditionValues(_ family: ConditionOperator.Base.Family) -> Node {
      let r = rng.next() % 100
      if r < 45 { return scalar(family) }
      if r < 47 && rare(1) { return .array([]) }
      var items: [Node] = []
      for _ in 0..<(1 + Int(rng.next() % 3)) { items.append(scalar(family)) }
      return .array(items)
    }

    mutating func operatorName() -> (String, ConditionOperator.Base.Family) {
      if rare(0.03) {
        return (rng.pick(["stringEquals", "NullIfExists", "Foo", "", "ForAnyValue:", "StringEqualsifexists", "ForAnyvalue:StringLike"]), .string)
      }
      let base = rng.pick(ConditionOperator.Base.allCases)
      let prefix = rng.chance(0.75) ? "" : rng.pick(["ForAnyValue:", "ForAllValues:"])
      let suffix = rng.chance(0.8) ? "" : "IfExists"
      return (prefix + base.rawValue + suffix, base.family)
    }

    mutating func condition() -> Node {
      if rare(0.02) { return rng.pick([.array([]), .string("x"), .raw("null")]) }
      var operators: [(String, Node)] = []
      for _ in 0..<Int(rng.next() % 4) {
        let (name, family) = operatorName()
        if rare(0.02) {
          operators.append((name, rng.pick([.string("x"), .array([]), .raw("1")])))
          continue
        }
        var keys: [(String, Node)] = []
        for _ in 0..<Int(rng.next() % 3) { keys.append((rng.pick(Self.conditionKeys), conditionValues(family))) }
        operators.append((name, .object(keys)))
      }
      return .object(operators)
    }

    mutating func statement() -> Node {
      if rare(0.01) { return rng.pick([.string("x"), .raw("1"), .array([]), .raw("null")]) }
      var members: [(String, Node)] = []
      if rng.chance(0.4) { members.append(("Sid", !rare(0.03) ? string(Self.sids) : .raw("1"))) }
      if !rare(0.03) {
        members.append(("Effect", !rare(0.04) ? .string(rng.pick(["Allow", "Deny"])) : rng.pick([.string("allow"), .string("DENY"), .raw("true"), .string("")])))
      }
      let actionName = rng.chance(0.8) ? "Action" : "NotAction"
      if !rare(0.03) { members.append((actionName, stringList(Self.actions))) }
      if rare(0.06) { members.append((actionName == "Action" ? "NotAction" : "Action", stringList(Self.actions))) }
      let resourceName = rng.chance(0.8) ? "Resource" : "NotResource"
      if rng.chance(resourceRate) { members.append((resourceName, stringList(Self.resources))) }
      if rare(0.06) { members.append((resourceName == "Resource" ? "NotResource" : "Resource", stringList(Self.resources))) }
      let principalName = rng.chance(0.85) ? "Principal" : "NotPrincipal"
      if rng.chance(principalRate) { members.append((principalName, principal())) }
      if rare(0.06) { members.append((principalName == "Principal" ? "NotPrincipal" : "Principal", principal())) }
      if rng.chance(0.4) { members.append(("Condition", condition())) }
      if rare(0.03) {
        let name = rng.pick(["Extra", "action", "effect", "Effect", "Condition", "Sid", "resource", "Principals"])
        members.append((name, .string(rng.pick(["Allow", "s3:Get", "*"]))))
      }
      if rng.chance(0.3) { members.shuffle(using: &rng) }
      return .object(members)
    }

    mutating func policy() -> Node {
      var members: [(String, Node)] = []
      let r = rng.next() % 100
      if r < 78 {
        members.append(("Version", .string("2012-10-17")))
      } else if r < 88 {
        members.append(("Version", .string("2008-10-17")))
      } else if r < 95 || !rare(1) {
        // No Version.
      } else {
        members.append(("Version", rng.pick([.string("2012-10-18"), .raw("20121017"), .raw("null"), .string(""), .string("2012-10-17 ")])))
      }
      if rng.chance(0.2) { members.append(("Id", !rare(0.1) ? string(Self.ids) : .raw("1"))) }
      let s = rng.next() % 100
      if s < 70 {
        var statements: [Node] = []
        for _ in 0..<(1 + Int(rng.next() % 3)) { statements.append(statement()) }
        members.append(("Statement", .array(statements)))
      } else if s < 93 || !rare(1) {
        members.append(("Statement", statement()))
      } else if s < 96 {
        members.append(("Statement", .array([])))
      } else if s < 98 {
        members.append(("Statement", rng.pick([.string("x"), .raw("null"), .object([])])))
      }
      if rare(0.03) {
        let name = rng.pick(["version", "Extra", "Statement", "Version", "Id", "statement"])
        let nested = Node.array([statement()])
        members.append((name, rng.pick([.string("2012-10-17"), nested, .string("x")])))
      }
      // Canonical order, keys sorted by name (Id, Statement, Version), or any order.
      let order = rng.next() % 10
      if order < 3 {
        members.sort { $0.0 < $1.0 }
      } else if order < 5 {
        members.shuffle(using: &rng)
      }
      if rare(0.01) { return rng.pick([.array([.object(members)]), .string("x"), .raw("null")]) }
      return .object(members)
    }

    // MARK: Text

    mutating func space() -> String {
      let r = rng.next() % 100
      if r < 55 { return "" }
      if r < 98 || !sloppy { return rng.pick(Self.whitespace) }
      return rng.pick(Self.badWhitespace)
    }

    mutating func write(_ node: Node, to out: inout String) {
      switch node {
      case .string(let s): out += "\"\(s)\""
      case .raw(let r): out += r
      case .array(let items):
        out += "["
        out += space()
        for (i, item) in items.enumerated() {
          if i > 0 { out += space() + "," + space() }
          write(item, to: &out)
        }
        out += space()
        if sloppy && rng.chance(0.05) { out += "," }
        out += "]"
      case .object(let members):
        out += "{"
        out += space()
        for (i, (key, value)) in members.enumerated() {
          if i > 0 { out += space() + "," + space() }
          out += "\"\(key)\"" + space() + ":" + space()
          write(value, to: &out)
        }
        out += space()
        if sloppy && rng.chance(0.05) { out += "," }
        out += "}"
      }
    }

    static let interestingBytes: [UInt8] = Array("{}[]:,\" \\0123456789-+.eEtfn$*a\t\n".utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xFF]

    /// A byte-level change: most documents keep theirs whole.
    mutating func mutate(_ bytes: inout [UInt8]) {
      guard !bytes.isEmpty else { return }
      let at = Int(rng.next() % UInt64(bytes.count))
      switch rng.next() % 6 {
      case 0: bytes.remove(at: at)
      case 1: bytes.insert(rng.pick(Self.interestingBytes), at: at)
      case 2: bytes[at] = rng.pick(Self.interestingBytes)
      case 3:
        let end = min(bytes.count, at + 1 + Int(rng.next() % 40))
        bytes.insert(contentsOf: bytes[at..<end], at: end)
      case 4: bytes.removeSubrange(at...)
      default:
        // Swap two bytes: quotes, brackets and commas move.
        let other = Int(rng.next() % UInt64(bytes.count))
        bytes.swapAt(at, other)
      }
    }

    mutating func document() -> (bytes: [UInt8], limits: JSONParser.Limits) {
      var text = space()
      write(policy(), to: &text)
      text += space()
      var bytes = Array(text.utf8)
      if rare(0.25) {
        mutate(&bytes)
        if rng.chance(0.3) { mutate(&bytes) }
      }
      var limits = JSONParser.Limits.default
      if rare(0.15) {
        switch rng.next() % 3 {
        case 0: limits.maxDepth = 1 + Int(rng.next() % 8)
        case 1: limits.maxStringBytes = Int(rng.next() % 45)
        default: limits.maxBytes = bytes.count - 2 + Int(rng.next() % 5)
        }
      }
      return (bytes, limits)
    }
  }

  /// Reads the document both ways as every kind; returns how many readings the direct
  /// reading took, and records a failure for each disagreement.
  static func compare(_ bytes: [UInt8], limits: JSONParser.Limits, seed: UInt64) -> Int {
    let file = SourceFile(name: "p", bytes: bytes)
    var taken = 0
    for kind in PolicyKind.allCases {
      guard let direct = PolicyParser.parseDirect(file, as: kind, id: "p", limits: limits) else { continue }
      taken += 1
      let general = PolicyParser.parseGeneral(file, as: kind, id: "p", limits: limits)
      let (d, g) = (DirectPolicyReaderTests.describe(direct), DirectPolicyReaderTests.describe(general))
      if d != g {
        Issue.record(
          """
          seed \(seed), \(kind), limits \(limits.maxDepth)/\(limits.maxBytes)/\(limits.maxStringBytes): \
          \(String(decoding: bytes, as: UTF8.self))
          --- direct
          \(d)
          --- general
          \(g)
          """)
      }
    }
    return taken
  }

  static let documents = 2500

  @Test func randomPoliciesReadDirectlyAsTheGeneralReadingReadsThem() {
    var taken = 0
    var documentsTaken = 0
    for seed in 0..<UInt64(Self.documents) {
      var builder = Builder(rng: Generator(seed: seed))
      let (bytes, limits) = builder.document()
      let n = Self.compare(bytes, limits: limits, seed: seed)
      taken += n
      if n > 0 { documentsTaken += 1 }
    }
    // The grammar makes mostly clean documents: a good share is read directly, for
    // some kinds at least, so the comparison is not vacuous.
    print("fuzz: \(documentsTaken) of \(Self.documents) documents read directly, \(taken) readings compared")
    #expect(documentsTaken > Self.documents / 4, "\(documentsTaken) documents read directly")
    #expect(taken > Self.documents / 2, "\(taken) readings taken")
  }
}
