import IAMPolicy

/// Every account a question is asked about, and the organization policies over them.
///
/// A world is plain data: it comes from `get-account-authorization-details` dumps
/// (`AuthorizationDetails`) or from a hand-written world file (`WorldFile`), and
/// `WorldIndex` turns it into the principals and policy sets the evaluator takes.
public struct World: Sendable {
  public var accounts: [Account]
  /// SCP and RCP levels of each account that belongs to an organization, by account ID.
  public var organization: [String: OrganizationPolicies]
  /// AWS managed policies whose documents came with the input (the catalog supplies the rest).
  public var awsManagedPolicies: [ManagedPolicy]

  public init(
    accounts: [Account] = [], organization: [String: OrganizationPolicies] = [:], awsManagedPolicies: [ManagedPolicy] = []
  ) {
    self.accounts = accounts
    self.organization = organization
    self.awsManagedPolicies = awsManagedPolicies
  }

  /// The account with this 12-digit ID.
  public func account(_ id: String) -> Account? { accounts.first { $0.id == id } }

  /// Adds another world's accounts; an account that appears in both is merged member by member.
  public mutating func merge(_ other: World) {
    for account in other.accounts {
      if let i = accounts.firstIndex(where: { $0.id == account.id }) {
        accounts[i].merge(account)
      } else {
        accounts.append(account)
      }
    }
    for (id, org) in other.organization { organization[id] = org }
    for p in other.awsManagedPolicies where !awsManagedPolicies.contains(where: { $0.arn == p.arn }) {
      awsManagedPolicies.append(p)
    }
  }
}

/// The organization policies that bind one account.
///
/// Each level (root, each OU, the account) must allow an action
/// (Organizations User Guide, "SCP evaluation"); RCPs work the same way for
/// the account's resources ("Resource control policies").
public struct OrganizationPolicies: Sendable {
  public var serviceControlLevels: [[PolicyDocument]]?
  public var resourceControlLevels: [[PolicyDocument]]?

  public init(serviceControlLevels: [[PolicyDocument]]? = nil, resourceControlLevels: [[PolicyDocument]]? = nil) {
    self.serviceControlLevels = serviceControlLevels
    self.resourceControlLevels = resourceControlLevels
  }
}

/// One AWS account: its IAM entities, its customer managed policies and the
/// resources with resource-based policies that the world knows about.
public struct Account: Sendable {
  public var id: String
  /// A friendly name from a world file (`prod`, `Account B`); nil for dumps.
  public var alias: String?
  public var users: [User] = []
  public var groups: [Group] = []
  public var roles: [Role] = []
  public var instanceProfiles: [InstanceProfile] = []
  /// Customer managed policies, and AWS managed policies a dump carried documents for.
  public var managedPolicies: [ManagedPolicy] = []
  public var resources: [Resource] = []

  public init(id: String, alias: String? = nil) {
    self.id = id
    self.alias = alias
  }

  public var rootARN: String { "arn:aws:iam::\(id):root" }

  /// Adds the members of another description of the same account; later names win.
  public mutating func merge(_ other: Account) {
    alias = alias ?? other.alias
    func mergeList<T>(_ mine: inout [T], _ theirs: [T], key: (T) -> String) {
      for item in theirs {
        if let i = mine.firstIndex(where: { key($0) == key(item) }) { mine[i] = item } else { mine.append(item) }
      }
    }
    mergeList(&users, other.users, key: \.arn)
    mergeList(&groups, other.groups, key: \.arn)
    mergeList(&roles, other.roles, key: \.arn)
    mergeList(&instanceProfiles, other.instanceProfiles, key: \.arn)
    mergeList(&managedPolicies, other.managedPolicies, key: \.arn)
    mergeList(&resources, other.resources, key: \.arn)
  }

  public func managedPolicy(arn: String) -> ManagedPolicy? { managedPolicies.first { $0.arn == arn } }
}

/// A policy document with the text it was read from, so that it can be written back.
public struct PolicyDocument: Sendable {
  /// The document as compact JSON text (AWS's own shape).
  public var text: String
  public var policy: Policy

  public init(text: String, policy: Policy) {
    self.text = text
    self.policy = policy
  }
}

/// An inline policy: embedded in one user, group or role, named within it.
public struct InlinePolicy: Sendable {
  public var name: String
  public var document: PolicyDocument

  public init(name: String, document: PolicyDocument) {
    self.name = name
    self.document = document
  }
}

/// `Key`/`Value` pairs on users and roles; they become `aws:PrincipalTag/KEY`.
public struct Tag: Sendable, Hashable {
  public var key: String
  public var value: String

  public init(key: String, value: String) {
    self.key = key
    self.value = value
  }
}

/// An IAM user: long-term credentials, its own policies plus its groups'.
public struct User: Sendable {
  public var name: String
  public var arn: String
  public var id: String?
  public var path: String
  public var groups: [String]
  public var inlinePolicies: [InlinePolicy]
  /// ARNs of attached managed policies (customer or AWS managed).
  public var attachedPolicies: [String]
  /// ARN of the managed policy used as the permissions boundary.
  public var permissionsBoundary: String?
  public var tags: [Tag]

  public init(
    name: String, arn: String, id: String? = nil, path: String = "/", groups: [String] = [],
    inlinePolicies: [InlinePolicy] = [], attachedPolicies: [String] = [], permissionsBoundary: String? = nil,
    tags: [Tag] = []
  ) {
    self.name = name
    self.arn = arn
    self.id = id
    self.path = path
    self.groups = groups
    self.inlinePolicies = inlinePolicies
    self.attachedPolicies = attachedPolicies
    self.permissionsBoundary = permissionsBoundary
    self.tags = tags
  }
}

/// A group: never a principal itself; its policies apply to its members
/// (IAM User Guide, "IAM user groups").
public struct Group: Sendable {
  public var name: String
  public var arn: String
  public var id: String?
  public var path: String
  public var inlinePolicies: [InlinePolicy]
  public var attachedPolicies: [String]

  public init(
    name: String, arn: String, id: String? = nil, path: String = "/", inlinePolicies: [InlinePolicy] = [],
    attachedPolicies: [String] = []
  ) {
    self.name = name
    self.arn = arn
    self.id = id
    self.path = path
    self.inlinePolicies = inlinePolicies
    self.attachedPolicies = attachedPolicies
  }
}

/// A role: a principal that others assume; its trust policy decides who may.
public struct Role: Sendable {
  public var name: String
  public var arn: String
  public var id: String?
  public var path: String
  /// `AssumeRolePolicyDocument`; nil when it was missing or unreadable.
  public var trustPolicy: PolicyDocument?
  public var inlinePolicies: [InlinePolicy]
  public var attachedPolicies: [String]
  public var permissionsBoundary: String?
  public var tags: [Tag]
  /// Names of the instance profiles that hold this role.
  public var instanceProfiles: [String]

  public init(
    name: String, arn: String, id: String? = nil, path: String = "/", trustPolicy: PolicyDocument? = nil,
    inlinePolicies: [InlinePolicy] = [], attachedPolicies: [String] = [], permissionsBoundary: String? = nil,
    tags: [Tag] = [], instanceProfiles: [String] = []
  ) {
    self.name = name
    self.arn = arn
    self.id = id
    self.path = path
    self.trustPolicy = trustPolicy
    self.inlinePolicies = inlinePolicies
    self.attachedPolicies = attachedPolicies
    self.permissionsBoundary = permissionsBoundary
    self.tags = tags
    self.instanceProfiles = instanceProfiles
  }
}

/// What EC2 needs to hand a role to an instance: an instance profile holding the role
/// (IAM User Guide, "Use instance profiles").
public struct InstanceProfile: Sendable {
  public var name: String
  public var arn: String
  public var path: String
  public var roles: [String]

  public init(name: String, arn: String, path: String = "/", roles: [String] = []) {
    self.name = name
    self.arn = arn
    self.path = path
    self.roles = roles
  }
}

/// A managed policy: customer managed (in the account) or AWS managed (`arn:aws:iam::aws:policy/...`).
public struct ManagedPolicy: Sendable {
  public var name: String
  public var arn: String
  public var path: String
  public var defaultVersionId: String
  /// The default version's document.
  public var document: PolicyDocument

  public init(name: String, arn: String, path: String = "/", defaultVersionId: String = "v1", document: PolicyDocument) {
    self.name = name
    self.arn = arn
    self.path = path
    self.defaultVersionId = defaultVersionId
    self.document = document
  }

  public var isAWSManaged: Bool { arn.hasPrefix("arn:aws:iam::aws:policy/") }
}

/// A resource with a resource-based policy: an S3 bucket, a KMS key, an SQS queue...
///
/// For an S3 bucket the policy also covers its objects (`arn:aws:s3:::bucket/key`).
public struct Resource: Sendable {
  public var arn: String
  public var policy: PolicyDocument?

  public init(arn: String, policy: PolicyDocument? = nil) {
    self.arn = arn
    self.policy = policy
  }

  /// Whether a request on `resourceARN` is governed by this resource's policy.
  public func covers(_ resourceARN: String) -> Bool {
    if resourceARN == arn { return true }
    // S3 object ARNs live under the bucket's: the bucket policy governs them too.
    if arn.hasPrefix("arn:aws:s3:::"), !arn.dropFirst("arn:aws:s3:::".count).contains("/") {
      return resourceARN.hasPrefix(arn + "/")
    }
    return false
  }
}
