/// Human names for operation types, used in pages, notifications and the CLI.
public enum OperationTypeLabel {
  private static let known: [String: String] = [
    "baseline_capture": "Baseline capture",
    "baseline_compare": "Baseline compare",
    "inventory_sync": "Inventory sync",
    "policy.sync": "Policy sync",
    "policy.sync_one": "Single policy sync",
    "entra_group_sync": "Entra group sync",
    "directory_role_definitions.sync": "Directory role definitions sync",
    "backup_schedule_run": "Scheduled backup",
    "restore.execute": "Restore",
    "tenant.review_pack.generate": "Review pack generation",
    "tenant.review.compose": "Tenant review",
    "tenant.evidence.snapshot.generate": "Evidence snapshot",
  ]

  /// A readable label for `type`; unknown types are turned into words (`report.export` → "Report export").
  public static func label(for type: String) -> String {
    if let label = known[type] { return label }
    let words = type.replacingOccurrences(of: ".", with: " ").replacingOccurrences(of: "_", with: " ")
    return words.prefix(1).uppercased() + words.dropFirst()
  }
}
