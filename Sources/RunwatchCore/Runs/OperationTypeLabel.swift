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

  /// The types with a label of their own (not derived from the name), sorted by type: the search index
  /// includes these labels, so "scheduled backup" finds `backup_schedule_run`.
  public static var ownLabels: [(type: String, label: String)] {
    known.sorted { $0.key < $1.key }.map { (type: $0.key, label: $0.value) }
  }

  /// A readable label for `type`; unknown types are turned into words (`report.export` → "Report export").
  public static func label(for type: String) -> String {
    if let label = known[type] { return label }
    // Type names from the API are ASCII; turning their bytes into words directly is some fifty times
    // cheaper than Foundation's search-and-replace, which list pages would pay on every row.
    guard type.utf8.allSatisfy({ $0 < 0x80 }) else { return words(fromUnicode: type) }
    var bytes = Array(type.utf8)
    for index in bytes.indices where bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: "_") {
      bytes[index] = UInt8(ascii: " ")
    }
    if let first = bytes.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) {
      bytes[0] = first - UInt8(ascii: "a") + UInt8(ascii: "A")
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// The same words for a type name outside ASCII (only possible for runs not created through the API).
  private static func words(fromUnicode type: String) -> String {
    let words = type.replacingOccurrences(of: ".", with: " ").replacingOccurrences(of: "_", with: " ")
    return words.prefix(1).uppercased() + words.dropFirst()
  }
}
