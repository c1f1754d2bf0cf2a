/// A resource type a service declares, with the ARN format that identifies it.
///
/// The tutor matches a request's resource ARN against these formats to tell which resource
/// type it is, and so which actions can be scoped to it.
public struct ResourceTypeInfo: Sendable, Hashable {
  /// The service prefix that declares the type. A few services declare types owned by
  /// another service (`ssm` declares `bucket` with an `s3` ARN format).
  public let service: String
  /// The resource type's name, such as `object`. A few contain spaces or `/`.
  public let name: String
  /// The ARN format, such as `arn:${Partition}:s3:::${BucketName}/${ObjectName}`.
  public let arnFormat: String
  /// Condition keys that apply to requests on this resource type.
  public let conditionKeys: [String]

  /// Makes a resource type; the catalog builds these from `catalog.tsv`.
  public init(service: String, name: String, arnFormat: String, conditionKeys: [String]) {
    self.service = service
    self.name = name
    self.arnFormat = arnFormat
    self.conditionKeys = conditionKeys
  }

  /// Whether a concrete ARN fits this type's ARN format; see `ARNFormat.matches(_:format:)`.
  public func matches(arn: String) -> Bool {
    ARNFormat.matches(arn, format: arnFormat)
  }
}
