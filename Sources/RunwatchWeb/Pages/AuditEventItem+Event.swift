import Foundation
import RunwatchCore
import RunwatchStore
import RunwatchTemplates

extension AuditEventItem {
  /// The view of a stored event, with the actor put in words.
  init(event: AuditEvent) {
    self.init(
      id: event.id, action: event.action,
      actorLabel: Self.describeActor(kind: event.actorKind, label: event.actorLabel, source: event.source),
      actorKind: event.actorKind, source: event.source, createdAt: event.createdAt, runID: event.runID,
      metadata: event.metadata)
  }

  /// `Scheduled reconciler`, `ana@example.com`, `worker token "fleet-1"`: who acted, in operator words.
  static func describeActor(kind: String, label: String, source: String) -> String {
    switch kind {
    case "system":
      let words = LifecycleExplanation.describeSource(source)
      let trimmed = words.hasPrefix("the ") ? String(words.dropFirst(4)) : words
      return trimmed.prefix(1).uppercased() + trimmed.dropFirst()
    case "user": return label.hasPrefix("user:") ? String(label.dropFirst(5)) : label
    case "token": return "worker token \"\(label.hasPrefix("token:") ? String(label.dropFirst(6)) : label)\""
    default: return label
    }
  }
}
