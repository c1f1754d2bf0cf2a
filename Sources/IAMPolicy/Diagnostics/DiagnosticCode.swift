/// Stable identifiers for every diagnostic, so scripts and tests can match on them.
public enum DiagnosticCode: String, Sendable, Hashable, Codable, CaseIterable {
  // JSON text
  case jsonControlCharacter = "json.control-character"
  case jsonDuplicateKey = "json.duplicate-key"
  case jsonInvalidEscape = "json.invalid-escape"
  case jsonInvalidLiteral = "json.invalid-literal"
  case jsonInvalidNumber = "json.invalid-number"
  case jsonInvalidUTF8 = "json.invalid-utf8"
  case jsonStringTooLong = "json.string-too-long"
  case jsonTooDeep = "json.too-deep"
  case jsonTooLarge = "json.too-large"
  case jsonTrailingContent = "json.trailing-content"
  case jsonUnexpectedCharacter = "json.unexpected-character"
  case jsonUnexpectedEnd = "json.unexpected-end"
  // Policy documents
  case policyBareStatement = "policy.bare-statement"
  case policyDuplicateSid = "policy.duplicate-sid"
  case policyEmptyStatement = "policy.empty-statement"
  case policyInvalidVersion = "policy.invalid-version"
  case policyMissingStatement = "policy.missing-statement"
  case policyNotObject = "policy.not-object"
  case requestPolicyTooLarge = "request.policy-too-large"
  case policyUnknownElement = "policy.unknown-element"
  case policyVariablesIgnored = "policy.variables-ignored"
  case policyWrongType = "policy.wrong-type"
  // Statements
  case statementBothElements = "statement.both-elements"
  case statementElementNotAllowed = "statement.element-not-allowed"
  case statementEmptyList = "statement.empty-list"
  case statementInvalidAction = "statement.invalid-action"
  case statementInvalidEffect = "statement.invalid-effect"
  case statementInvalidPrincipal = "statement.invalid-principal"
  case statementInvalidResource = "statement.invalid-resource"
  case statementMissingAction = "statement.missing-action"
  case statementMissingEffect = "statement.missing-effect"
  case statementMissingPrincipal = "statement.missing-principal"
  case statementMissingResource = "statement.missing-resource"
  case statementNotPrincipalWithAllow = "statement.not-principal-with-allow"
  case statementUnknownElement = "statement.unknown-element"
  case statementWrongType = "statement.wrong-type"
  // Conditions
  case conditionInvalidValue = "condition.invalid-value"
  case conditionUnknownOperator = "condition.unknown-operator"
  case conditionWrongType = "condition.wrong-type"
  case conditionVariableNotAllowed = "condition.variable-not-allowed"
  // Simulator requests
  case requestInvalidCaller = "request.invalid-caller"
  case requestInvalidContext = "request.invalid-context"
  case requestInvalidValue = "request.invalid-value"
  case requestMissingKey = "request.missing-key"
  case requestNotObject = "request.not-object"
  case requestUnknownKey = "request.unknown-key"
  case requestWrongType = "request.wrong-type"
  // Files
  case fileUnreadable = "file.unreadable"
  case fileTooLarge = "file.too-large"
  // World files and authorization details
  case worldDangling = "world.dangling-reference"
  case worldInvalid = "world.invalid"
  case worldMissingKey = "world.missing-key"
  case worldUnknownKey = "world.unknown-key"
  case worldWrongType = "world.wrong-type"
  case worldYAML = "world.yaml"
  // Lessons and exercises
  case exerciseInvalid = "exercise.invalid"
  case lessonInvalid = "lesson.invalid"
}

extension DiagnosticCode {
  /// The teaching line shown when a diagnostic has no more specific help.
  public var defaultHelp: String {
    switch self {
    case .jsonControlCharacter: "escape control characters inside strings (\\n, \\t, \\u0001)"
    case .jsonDuplicateKey: "each key may appear once in an object; merge the two"
    case .jsonInvalidEscape: "JSON escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX"
    case .jsonInvalidLiteral: "the only bare words in JSON are true, false and null; quote text"
    case .jsonInvalidNumber: "JSON numbers have no leading zeros, no trailing dot and no bare signs; quote the value if it is text"
    case .jsonInvalidUTF8: "save the file as UTF-8"
    case .jsonStringTooLong: "no IAM value is this long; check the input"
    case .jsonTooDeep: "IAM documents nest only a few levels; this input is not a policy"
    case .jsonTooLarge: "IAM policies are at most a few kilobytes; check that this is the right file"
    case .jsonTrailingContent: "a document holds exactly one JSON value; remove what follows it"
    case .jsonUnexpectedCharacter: "check the punctuation just before this point: a missing comma, colon or quote"
    case .jsonUnexpectedEnd: "the document is cut short: check for a missing `}`, `]` or `\"`"
    case .policyBareStatement: #"a policy wraps its statements: {"Version": "2012-10-17", "Statement": [ ... ]}"#
    case .policyDuplicateSid: "Sid values must be unique within a policy"
    case .policyEmptyStatement: "add at least one statement, or remove the policy"
    case .policyInvalidVersion: "use \"Version\": \"2012-10-17\""
    case .policyMissingStatement: #"add "Statement": [ {"Effect": "Allow", "Action": ..., "Resource": ...} ]"#
    case .policyNotObject: #"a policy is a JSON object: {"Version": "2012-10-17", "Statement": [ ... ]}"#
    case .requestPolicyTooLarge: "AWS allows 2,048 characters for a user's inline policies, 10,240 for a role's and 6,144 for a managed policy"
    case .policyUnknownElement: "a policy has only Version, Id and Statement"
    case .policyVariablesIgnored: "add \"Version\": \"2012-10-17\" to use policy variables"
    case .policyWrongType: "check the element's type against the IAM policy grammar"
    case .statementBothElements: "keep one of the pair: the element or its Not- form"
    case .statementElementNotAllowed: "this kind of policy does not take that element"
    case .statementEmptyList: "list at least one value"
    case .statementInvalidAction: "actions are written service:Action, such as s3:GetObject or ec2:Describe*"
    case .statementInvalidEffect: "write \"Effect\": \"Allow\" or \"Effect\": \"Deny\""
    case .statementInvalidPrincipal: #"write "Principal": {"AWS": "arn:aws:iam::111122223333:root"} or {"Service": "ec2.amazonaws.com"}"#
    case .statementInvalidResource: "resources are ARNs such as arn:aws:s3:::my-bucket/*, or *"
    case .statementMissingAction: #"name the actions it covers, such as "Action": "s3:GetObject""#
    case .statementMissingEffect: "add \"Effect\": \"Allow\" or \"Effect\": \"Deny\""
    case .statementMissingPrincipal: "a resource-based or trust policy names who it applies to with Principal"
    case .statementMissingResource: #"add "Resource": "*" or the ARNs it covers"#
    case .statementNotPrincipalWithAllow: "NotPrincipal works only with Deny"
    case .statementUnknownElement: "statement elements are Sid, Effect, Principal, Action, Resource, Condition, and their Not- forms"
    case .statementWrongType: #"a statement is an object such as {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}; values are strings or arrays of strings"#
    case .conditionInvalidValue: "check the value against the operator's type (number, date, IP range, true/false)"
    case .conditionUnknownOperator: "operators include StringEquals, StringLike, NumericLessThan, DateGreaterThan, Bool, IpAddress, ArnLike and Null"
    case .conditionWrongType: #"write "Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue"}}"#
    case .conditionVariableNotAllowed: "variables work only with String and ARN operators"
    case .requestInvalidCaller: "use a user, role, assumed-role session or root ARN, or a service such as ec2.amazonaws.com"
    case .requestInvalidContext: "ContextKeyType is one of string, stringList, numeric, numericList, boolean, booleanList, ip, ipList, binary, binaryList, date, dateList, and each value must fit it"
    case .requestInvalidValue: "see `iam-tutor simulate --help` for the request document's keys and values"
    case .requestMissingKey: "a request needs PolicyInputList and ActionNames"
    case .requestNotObject: #"write {"PolicyInputList": [...], "ActionNames": [...]}"#
    case .requestUnknownKey: "keys are those of aws iam simulate-custom-policy --cli-input-json"
    case .requestWrongType: "check the key's type: policies are JSON strings or objects, lists are arrays of strings"
    case .fileUnreadable: "check the path and its permissions"
    case .fileTooLarge: "the file is larger than any IAM document; check that it is the right one"
    case .worldDangling: "add the missing group or policy to the file, or remove the reference"
    case .worldInvalid: "see the README's world format section"
    case .worldMissingKey: "the entry is skipped; add the key"
    case .worldUnknownKey: "see the README's world format section for the keys"
    case .worldWrongType: "see the README's world format section for each key's type"
    case .worldYAML: "check the indentation and the quotes around the line shown"
    case .exerciseInvalid: "see Exercises/README.md for the exercise format"
    case .lessonInvalid: "see Lessons/README.md for the lesson format"
    }
  }
}
