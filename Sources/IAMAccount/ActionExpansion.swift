import IAMCatalog
import IAMPolicy

/// `expand 's3:Get*'`: the actions an IAM action pattern matches, from the catalog.
///
/// Matching is IAM's: case-insensitive, `*` any run, `?` one character
/// (IAM User Guide, "IAM JSON policy elements: Action").
public enum ActionExpansion {
  public static func expand(_ pattern: String, in catalog: ServiceCatalog) -> [ActionInfo] {
    let p = WildcardPattern(pattern, wildcards: true, caseFolded: true)
    return catalog.actions { p.matches($0) }
  }
}
