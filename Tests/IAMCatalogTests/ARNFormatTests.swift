import IAMCatalog
import Testing

struct ARNFormatCase: Sendable, CustomTestStringConvertible {
  let arn: String
  let format: String
  let fits: Bool
  let why: String
  var testDescription: String { "\(arn) \(fits ? "fits" : "does not fit") \(format)" }
}

@Suite struct ARNFormatTests {
  static let cases: [ARNFormatCase] = [
    .init(
      arn: "arn:aws:s3:::b/k", format: "arn:${Partition}:s3:::${BucketName}/${ObjectName}",
      fits: true, why: "bucket and key"),
    .init(
      arn: "arn:aws:s3:::b/dir/k.txt", format: "arn:${Partition}:s3:::${BucketName}/${ObjectName}",
      fits: true, why: "the last placeholder takes the rest of the key, slashes included"),
    .init(
      arn: "arn:aws:s3:::b/k", format: "arn:${Partition}:s3:::${BucketName}", fits: false,
      why: "a resource part that is only a placeholder stays one segment"),
    .init(
      arn: "arn:aws:s3:::b/", format: "arn:${Partition}:s3:::${BucketName}/${ObjectName}",
      fits: false, why: "placeholders match non-empty text"),
    .init(
      arn: "arn:aws-cn:s3:::b", format: "arn:${Partition}:s3:::${BucketName}", fits: true,
      why: "any partition"),
    .init(
      arn: "arn:aws:sqs:us-east-1:123456789012:q",
      format: "arn:${Partition}:sqs:${Region}:${Account}:${QueueName}",
      fits: true, why: "region and account fields"),
    .init(
      arn: "arn:aws:sqs::123456789012:q",
      format: "arn:${Partition}:sqs:${Region}:${Account}:${QueueName}",
      fits: false, why: "a placeholder in the region field needs a region"),
    .init(
      arn: "arn:aws:sns:us-east-1:123456789012:q",
      format: "arn:${Partition}:sqs:${Region}:${Account}:${QueueName}",
      fits: false, why: "literal service field"),
    .init(
      arn: "arn:aws:iam::123456789012:role/service-role/r",
      format: "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}",
      fits: true, why: "role paths"),
    .init(
      arn: "arn:aws:lambda:us-east-1:123456789012:function:f:prod",
      format: "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}",
      fits: false, why: "a placeholder never spans a colon: this is an alias ARN"),
    .init(
      arn: "arn:aws:lambda:us-east-1:123456789012:function:f:prod",
      format: "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}:${Alias}",
      fits: true, why: "function alias"),
    .init(
      arn: "arn:aws:connect:us-east-1:123456789012:instance/i-1/queue/q-1",
      format: "arn:${Partition}:connect:${Region}:${Account}:instance/${InstanceId}/queue/*",
      fits: true, why: "a literal `*` in a format matches anything"),
    .init(
      arn: "arn:aws:s3:::B", format: "arn:${Partition}:s3:::b", fits: false,
      why: "ARN literals are case-sensitive"),
  ]

  @Test(arguments: cases)
  func fits(_ c: ARNFormatCase) {
    #expect(ARNFormat.matches(c.arn, format: c.format) == c.fits, "\(c.why)")
  }
}
