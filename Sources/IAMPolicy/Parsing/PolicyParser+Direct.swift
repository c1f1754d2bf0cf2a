/// Reads a policy in the common shape from its bytes straight into the model.
///
/// Most policies a batch meets are new to it, and building the JSON tree, reading it,
/// then freeing it cost about as much as the model itself. This reader takes only
/// documents the general reading accepts without a word (bar duplicate Sids): ASCII
/// strings without escapes, no repeated keys, every element of the type it should
/// have. On anything else it stops with `Unusual`, and `PolicyParser.parse` reads the
/// document the general way, which stays the definition; the model is built by the
/// same initializers, so the two agree wherever this reader finishes.
struct DirectPolicyReader {
  /// Something the general reading would comment on or that this reader does not handle.
  struct Unusual: Error {}

  let bytes: UnsafeBufferPointer<UInt8>
  let limits: JSONParser.Limits
  var index = 0
  var context: PolicyParser.Context

  /// The deepest nesting read here: statement list, statement, Condition, operator, values.
  static let depth = 6

  init(bytes: UnsafeBufferPointer<UInt8>, limits: JSONParser.Limits, context: PolicyParser.Context) {
    self.bytes = bytes
    self.limits = limits
    self.context = context
  }

  mutating func policy(id: String) throws(Unusual) -> Policy {
    guard bytes.count <= limits.maxBytes, limits.maxDepth >= DirectPolicyReader.depth else { throw Unusual() }
    var policyID: String?
    var sawVersion = false
    var statements: [Statement]?
    // Statements before the Version (keys sorted by name) are read as 2012-10-17, nearly
    // always what the Version then says; when it says otherwise, the general reading decides.
    var assumedVersion = false
    var seen = Seen()
    skipWhitespace()
    try objectMembers { reader, key throws(Unusual) in
      switch key {
      case "Version":
        try seen.insert(0)
        sawVersion = true
        let (_, span) = try reader.rawString()
        if reader.equals(span, #""2012-10-17""#) {
          reader.context.version = .v2012
        } else if reader.equals(span, #""2008-10-17""#) {
          reader.context.version = .v2008
        } else {
          throw Unusual()
        }
      case "Id":
        try seen.insert(1)
        policyID = try reader.string().0
      case "Statement":
        try seen.insert(2)
        if sawVersion {
          statements = try reader.statements()
        } else {
          assumedVersion = true
          reader.context.version = .v2012
          statements = try reader.statements()
          reader.context.version = .absent
        }
      default:
        throw Unusual()
      }
    }
    skipWhitespace()
    guard index == bytes.count, let statements, !assumedVersion || context.version == .v2012 else { throw Unusual() }
    // The general reading warns that `${...}` is literal text without 2012-10-17.
    if !sawVersion || context.version != .v2012, VariableTemplate.hasVariableOpening(bytes) { throw Unusual() }
    return Policy(
      id: id, kind: context.kind, version: context.version, policyID: policyID, statements: statements,
      source: context.file)
  }

  /// `Statement`: one statement object or a non-empty array of them.
  mutating func statements() throws(Unusual) -> [Statement] {
    var statements: [Statement] = []
    guard index < bytes.count else { throw Unusual() }
    if bytes[index] == UInt8(ascii: "{") {
      let statement = try self.statement(index: 0)
      context.noteDuplicateSid(of: statement, among: statements, path: "Statement")
      return [statement]
    }
    var count = 0
    try arrayElements { reader throws(Unusual) in
      let statement = try reader.statement(index: count)
      reader.context.noteDuplicateSid(of: statement, among: statements, path: "Statement[\(count)]")
      statements.append(statement)
      count += 1
    }
    guard count > 0 else { throw Unusual() }
    return statements
  }

  mutating func statement(index position: Int) throws(Unusual) -> Statement {
    let start = index
    guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { throw Unusual() }
    var sid: String?
    var effect: Effect?
    var principal: PrincipalClause?
    var action: ActionClause?
    var resource: ResourceClause?
    var conditions: [Condition] = []
    var seen = Seen()
    let version = context.version
    try objectMembers { reader, key throws(Unusual) in
      switch key {
      case "Sid":
        try seen.insert(0)
        sid = try reader.string().0
      case "Effect":
        try seen.insert(1)
        let (_, span) = try reader.rawString()
        if reader.equals(span, #""Allow""#) {
          effect = .allow
        } else if reader.equals(span, #""Deny""#) {
          effect = .deny
        } else {
          throw Unusual()
        }
      case "Action", "NotAction":
        try seen.insert(2)
        var patterns: [ActionPattern] = []
        patterns.reserveCapacity(reader.elementCountHint())
        try reader.stringList { text, span throws(Unusual) in
          guard PolicyParser.isActionText(text) else { throw Unusual() }
          patterns.append(ActionPattern(text: text, span: span))
        }
        action = key == "Action" ? .action(patterns) : .notAction(patterns)
      case "Resource", "NotResource":
        try seen.insert(3)
        var patterns: [ResourcePattern] = []
        patterns.reserveCapacity(reader.elementCountHint())
        try reader.stringList { text, span throws(Unusual) in
          guard PolicyParser.isResourceText(text) else { throw Unusual() }
          patterns.append(ResourcePattern(text: text, span: span, substitutesVariables: version.substitutesVariables))
        }
        resource = key == "Resource" ? .resource(patterns) : .notResource(patterns)
      case "Principal", "NotPrincipal":
        try seen.insert(4)
        let patterns = try reader.principals()
        principal = key == "Principal" ? .principal(patterns) : .notPrincipal(patterns)
      case "Condition":
        try seen.insert(5)
        conditions = try reader.conditions()
      default:
        throw Unusual()
      }
    }
    let span = SourceSpan(start: start, end: index)
    guard let effect, let action else { throw Unusual() }
    // The element checks of `checkResourceElement` and `checkPrincipalElement`.
    switch context.kind {
    case .identity, .permissionsBoundary, .session, .resourceControl:
      if resource == nil { throw Unusual() }
    case .trust:
      if resource != nil { throw Unusual() }
    case .resource, .serviceControl:
      break
    }
    if context.kind.takesPrincipal {
      switch principal {
      case nil: throw Unusual()
      case .notPrincipal?: if context.kind != .resource || effect == .allow { throw Unusual() }
      case .principal(let patterns)?:
        if context.kind == .resourceControl && !patterns.allSatisfy({ $0.value == .anyone }) { throw Unusual() }
      }
    } else if principal != nil {
      throw Unusual()
    }
    return Statement(
      index: position, sid: sid, effect: effect, principal: principal, action: action, resource: resource,
      conditions: conditions, span: span)
  }

  /// `"*"` or an object of principal types, each a string or a non-empty list of them.
  mutating func principals() throws(Unusual) -> [PrincipalPattern] {
    guard index < bytes.count else { throw Unusual() }
    if bytes[index] == UInt8(ascii: "\"") {
      let (_, span) = try rawString()
      guard equals(span, #""*""#) else { throw Unusual() }
      return [PrincipalPattern(value: .anyone, text: "*", span: span)]
    }
    var out: [PrincipalPattern] = []
    var seen = Seen()
    try objectMembers { reader, key throws(Unusual) in
      switch key {
      case "AWS":
        try seen.insert(0)
        try reader.stringList { text, span throws(Unusual) in
          guard let value = PrincipalPattern.awsValue(text) else { throw Unusual() }
          out.append(PrincipalPattern(value: value, text: text, span: span))
        }
      case "Service":
        try seen.insert(1)
        try reader.stringList { text, span throws(Unusual) in
          if text == "*" {
            out.append(PrincipalPattern(value: .anyone, text: text, span: span))
          } else {
            guard text.utf8.contains(UInt8(ascii: ".")) else { throw Unusual() }
            out.append(PrincipalPattern(value: .service(text.lowercased()), text: text, span: span))
          }
        }
      case "Federated":
        try seen.insert(2)
        try reader.stringList { text, span throws(Unusual) in
          out.append(PrincipalPattern(value: .federated(text), text: text, span: span))
        }
      case "CanonicalUser":
        try seen.insert(3)
        try reader.stringList { text, span throws(Unusual) in
          out.append(PrincipalPattern(value: .canonicalUser(text), text: text, span: span))
        }
      default:
        throw Unusual()
      }
    }
    guard !out.isEmpty else { throw Unusual() }
    return out
  }

  /// `Condition`: operators, each mapping keys to a scalar or a non-empty list of them.
  mutating func conditions() throws(Unusual) -> [Condition] {
    var conditions: [Condition] = []
    var operatorKeys = KeySet()
    try objectMembers { reader, _ throws(Unusual) in
      let operatorSpan = reader.lastKeySpan
      try operatorKeys.insert(operatorSpan, in: reader.bytes)
      let name = reader.text(inside: operatorSpan)
      guard let op = ConditionOperator(name) else { throw Unusual() }
      var keys = KeySet()
      try reader.objectMembers { reader, _ throws(Unusual) in
        let keySpan = reader.lastKeySpan
        try keys.insert(keySpan, in: reader.bytes)
        var values: [ConditionValue] = []
        let substitutes = reader.context.version.substitutesVariables
        try reader.scalarList { text, span throws(Unusual) in
          values.append(ConditionValue(text: text, span: span, op: op.base, substitutesVariables: substitutes))
        }
        guard !values.isEmpty else { throw Unusual() }
        // The value checks of the general reading; any warning is left to it.
        let before = reader.context.diagnostics.count
        for v in values { reader.context.checkValue(v, op: op, path: "") }
        guard reader.context.diagnostics.count == before else { throw Unusual() }
        conditions.append(
          Condition(
            op: op, key: reader.text(inside: keySpan), values: values,
            span: SourceSpan(start: keySpan.start, end: reader.index), operatorSpan: operatorSpan))
      }
    }
    return conditions
  }

  // MARK: JSON

  /// The span of the key `objectMembers` last read, quotes included.
  var lastKeySpan = SourceSpan(start: 0, end: 0)

  /// Reads an object, calling `member` with each key's text when it is one `Key`
  /// names, else the empty string (`lastKeySpan` has the span); `member` reads the value.
  mutating func objectMembers(_ member: (inout DirectPolicyReader, Key) throws(Unusual) -> Void) throws(Unusual) {
    guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { throw Unusual() }
    index += 1
    skipWhitespace()
    if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
      index += 1
      return
    }
    while true {
      skipWhitespace()
      let (_, keySpan) = try rawString()
      lastKeySpan = keySpan
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw Unusual() }
      index += 1
      skipWhitespace()
      try member(&self, Key(bytes, keySpan))
      skipWhitespace()
      guard index < bytes.count else { throw Unusual() }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        continue
      }
      guard bytes[index] == UInt8(ascii: "}") else { throw Unusual() }
      index += 1
      return
    }
  }

  mutating func arrayElements(_ element: (inout DirectPolicyReader) throws(Unusual) -> Void) throws(Unusual) {
    guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else { throw Unusual() }
    index += 1
    skipWhitespace()
    if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
      index += 1
      return
    }
    while true {
      skipWhitespace()
      try element(&self)
      skipWhitespace()
      guard index < bytes.count else { throw Unusual() }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        continue
      }
      guard bytes[index] == UInt8(ascii: "]") else { throw Unusual() }
      index += 1
      return
    }
  }

  /// A string, or a non-empty array of strings (`stringList` of the general reading).
  mutating func stringList(_ each: (String, SourceSpan) throws(Unusual) -> Void) throws(Unusual) {
    guard index < bytes.count else { throw Unusual() }
    if bytes[index] != UInt8(ascii: "[") {
      let (text, span) = try string()
      try each(text, span)
      return
    }
    var count = 0
    try arrayElements { reader throws(Unusual) in
      let (text, span) = try reader.string()
      try each(text, span)
      count += 1
    }
    guard count > 0 else { throw Unusual() }
  }

  /// How many strings the list at `index` holds, as a capacity to reserve: its quotes
  /// up to the first `]`, halved (a `]` inside a string only makes it low).
  func elementCountHint() -> Int {
    guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else { return 1 }
    var quotes = 0
    var i = index + 1
    while i < bytes.count && bytes[i] != UInt8(ascii: "]") {
      if bytes[i] == UInt8(ascii: "\"") { quotes += 1 }
      i += 1
    }
    return max(quotes / 2, 1)
  }

  /// A condition's values: a string, number or boolean, or an array of them, as the text
  /// the general reading gives (`JSONValue.scalarText`).
  mutating func scalarList(_ each: (String, SourceSpan) throws(Unusual) -> Void) throws(Unusual) {
    guard index < bytes.count else { throw Unusual() }
    if bytes[index] != UInt8(ascii: "[") {
      let (text, span) = try scalar()
      try each(text, span)
      return
    }
    try arrayElements { reader throws(Unusual) in
      let (text, span) = try reader.scalar()
      try each(text, span)
    }
  }

  mutating func scalar() throws(Unusual) -> (String, SourceSpan) {
    guard index < bytes.count else { throw Unusual() }
    let start = index
    switch bytes[index] {
    case UInt8(ascii: "\""):
      return try string()
    case UInt8(ascii: "t"):
      try literal("true")
      return ("true", SourceSpan(start: start, end: index))
    case UInt8(ascii: "f"):
      try literal("false")
      return ("false", SourceSpan(start: start, end: index))
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      try number()
      return (String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self), SourceSpan(start: start, end: index))
    default:
      throw Unusual()
    }
  }

  mutating func literal(_ word: StaticString) throws(Unusual) {
    let count = word.utf8CodeUnitCount
    guard index + count <= bytes.count, equals(SourceSpan(start: index, end: index + count), word) else { throw Unusual() }
    index += count
  }

  /// A JSON number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
  mutating func number() throws(Unusual) {
    if bytes[index] == UInt8(ascii: "-") { index += 1 }
    let intStart = index
    let intDigits = digits()
    guard intDigits > 0, intDigits == 1 || bytes[intStart] != UInt8(ascii: "0") else { throw Unusual() }
    if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
      index += 1
      guard digits() > 0 else { throw Unusual() }
    }
    if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
      index += 1
      if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) { index += 1 }
      guard digits() > 0 else { throw Unusual() }
    }
  }

  mutating func digits() -> Int {
    let from = index
    while index < bytes.count && bytes[index] >= 0x30 && bytes[index] <= 0x39 { index += 1 }
    return index - from
  }

  /// A string of printable ASCII without escapes, and its span (quotes included).
  mutating func string() throws(Unusual) -> (String, SourceSpan) {
    let (_, span) = try rawString()
    return (text(inside: span), span)
  }

  /// The span of a string as `string()` takes it, without making the String.
  mutating func rawString() throws(Unusual) -> ((), SourceSpan) {
    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw Unusual() }
    let start = index
    index += 1
    while index < bytes.count {
      let b = bytes[index]
      if b == UInt8(ascii: "\"") {
        index += 1
        guard index - start - 2 <= limits.maxStringBytes else { throw Unusual() }
        return ((), SourceSpan(start: start, end: index))
      }
      // Escapes, control bytes and non-ASCII text are left to the general reading.
      if b == UInt8(ascii: "\\") || b < 0x20 || b >= 0x80 { throw Unusual() }
      index += 1
    }
    throw Unusual()
  }

  func text(inside span: SourceSpan) -> String {
    String(decoding: UnsafeBufferPointer(rebasing: bytes[(span.start + 1)..<(span.end - 1)]), as: UTF8.self)
  }

  func equals(_ span: SourceSpan, _ word: StaticString) -> Bool {
    let count = word.utf8CodeUnitCount
    guard span.end - span.start == count else { return false }
    let p = word.utf8Start
    for i in 0..<count where bytes[span.start + i] != p[i] { return false }
    return true
  }

  @inline(__always) mutating func skipWhitespace() {
    while index < bytes.count {
      let b = bytes[index]
      if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { index += 1 } else { return }
    }
  }

  /// A member name compared on its bytes, for the `switch`es above.
  struct Key {
    let bytes: UnsafeBufferPointer<UInt8>

    init(_ all: UnsafeBufferPointer<UInt8>, _ span: SourceSpan) {
      bytes = UnsafeBufferPointer(rebasing: all[(span.start + 1)..<(span.end - 1)])
    }

    static func ~= (word: StaticString, key: Key) -> Bool {
      let count = word.utf8CodeUnitCount
      guard key.bytes.count == count else { return false }
      let p = word.utf8Start
      for i in 0..<count where key.bytes[i] != p[i] { return false }
      return true
    }

    static func == (key: Key, word: StaticString) -> Bool { word ~= key }
  }

  /// Which of a few known member names an object has had: a repeated one is a
  /// duplicate key, which the general reading reports.
  struct Seen {
    var bits: UInt8 = 0

    mutating func insert(_ bit: UInt8) throws(Unusual) {
      guard bits & (1 << bit) == 0 else { throw Unusual() }
      bits |= 1 << bit
    }
  }

  /// The member names of an object with free-form names (operators, condition keys),
  /// compared on their bytes (ASCII, so as the general reading's String comparison).
  struct KeySet {
    var spans: [SourceSpan] = []

    mutating func insert(_ span: SourceSpan, in bytes: UnsafeBufferPointer<UInt8>) throws(Unusual) {
      let key = UnsafeBufferPointer(rebasing: bytes[span.start..<span.end])
      for earlier in spans where UnsafeBufferPointer(rebasing: bytes[earlier.start..<earlier.end]).elementsEqual(key) {
        throw Unusual()
      }
      spans.append(span)
    }
  }
}
