/// How much an action can do, as the Service Authorization Reference classifies it.
///
/// The tutor uses this to explain why, for example, `iam:PutRolePolicy` is riskier than
/// `iam:GetRole`: AWS groups actions into these five levels in every service's action table
/// (Service Authorization Reference, "Access level").
public enum AccessLevel: String, Sendable, CaseIterable, Hashable {
  case list = "List"
  case read = "Read"
  case write = "Write"
  case tagging = "Tagging"
  case permissionsManagement = "Permissions management"

  /// The one-letter code `catalog.tsv` stores, chosen to keep 20,000 action lines short.
  init?(code: UInt8) {
    switch code {
    case UInt8(ascii: "L"): self = .list
    case UInt8(ascii: "R"): self = .read
    case UInt8(ascii: "W"): self = .write
    case UInt8(ascii: "T"): self = .tagging
    case UInt8(ascii: "P"): self = .permissionsManagement
    default: return nil
    }
  }
}
