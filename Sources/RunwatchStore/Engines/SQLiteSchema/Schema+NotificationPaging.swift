import StorageEngine

extension SQLiteSchema {
  /// Notifications newest first for one user, read or not (keyset paging of `/notifications?show=all`; the
  /// unread list already has `notifications_by_user`), and each user's "notify me about" preference.
  static let notificationPaging = Migration(
    "2026_12_06_004_notification_paging",
    sql: """
      CREATE INDEX notifications_by_user_id ON notifications(user_id, id);
      ALTER TABLE users ADD COLUMN notify_on TEXT NOT NULL DEFAULT 'all' CHECK (notify_on IN ('all', 'failures'));
      """)
}
