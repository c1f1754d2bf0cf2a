/// The AWS global condition keys, which the Service Authorization Reference does not list
/// per service but every request can carry.
///
/// Hand-written from the IAM User Guide, "AWS global condition context keys"; the types are
/// the ones that page gives. Only the three tag keys (`aws:RequestTag/${TagKey}`,
/// `aws:ResourceTag/${TagKey}`, `aws:TagKeys`) also appear in the generated data.
public enum GlobalConditionKeys {
  /// All global keys, sorted by name ignoring case.
  public static let all: [ConditionKeyInfo] =
    entries
    .map { ConditionKeyInfo(name: $0.0, type: $0.1, alsoAcceptedTypes: $0.2, service: nil) }
    .sorted { compareIgnoringASCIICase($0.name, $1.name) < 0 }

  private static let entries: [(String, ConditionKeyType, [ConditionKeyType])] = [
    // Properties of the principal
    ("aws:PrincipalArn", .arn, []),
    ("aws:PrincipalAccount", .string, []),
    ("aws:PrincipalOrgPaths", .arrayOfString, []),
    ("aws:PrincipalOrgID", .string, []),
    ("aws:PrincipalTag/${TagKey}", .string, []),
    ("aws:PrincipalIsAWSService", .bool, []),
    ("aws:PrincipalServiceName", .string, []),
    ("aws:PrincipalServiceNamesList", .arrayOfString, []),
    ("aws:PrincipalType", .string, []),
    ("aws:userid", .string, []),
    ("aws:username", .string, []),
    // Properties of a role session
    ("aws:AssumedRoot", .bool, []),
    ("aws:FederatedProvider", .string, []),
    ("aws:TokenIssueTime", .date, []),
    ("aws:MultiFactorAuthAge", .numeric, []),
    ("aws:MultiFactorAuthPresent", .bool, []),
    ("aws:Ec2InstanceSourceVpc", .string, []),
    ("aws:Ec2InstanceSourcePrivateIPv4", .ipAddress, []),
    ("aws:SourceIdentity", .string, []),
    // Properties of the network
    ("aws:SourceIp", .ipAddress, []),
    ("aws:SourceVpc", .string, []),
    ("aws:SourceVpcArn", .arn, []),
    ("aws:SourceVpce", .string, []),
    ("aws:VpcSourceIp", .ipAddress, []),
    ("aws:VpceAccount", .string, []),
    ("aws:VpceOrgID", .string, []),
    ("aws:VpceOrgPaths", .arrayOfString, []),
    // Properties of the resource
    ("aws:ResourceAccount", .string, []),
    ("aws:ResourceOrgID", .string, []),
    ("aws:ResourceOrgPaths", .arrayOfString, []),
    ("aws:ResourceTag/${TagKey}", .string, []),
    // Properties of the request
    ("aws:CalledVia", .arrayOfString, []),
    ("aws:CalledViaFirst", .string, []),
    ("aws:CalledViaLast", .string, []),
    ("aws:ViaAWSService", .bool, []),
    ("aws:CurrentTime", .date, []),
    ("aws:EpochTime", .date, [.numeric]),
    ("aws:Referer", .string, []),
    ("aws:RequestedRegion", .string, []),
    ("aws:RequestTag/${TagKey}", .string, []),
    ("aws:TagKeys", .arrayOfString, []),
    ("aws:SecureTransport", .bool, []),
    ("aws:SourceAccount", .string, []),
    ("aws:SourceArn", .arn, []),
    ("aws:SourceOrgID", .string, []),
    ("aws:SourceOrgPaths", .arrayOfString, []),
    ("aws:UserAgent", .string, []),
  ]
}
