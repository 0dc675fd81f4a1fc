import StorageEngine

extension SQLiteSchema {
  /// Indexes the Operations pages need to stay fast with a million runs under any single filter and any viewer
  /// scope (all tenants, a few tenants, hidden types):
  /// - `runs_active_covering` replaces `runs_active_by_workspace` (same leading columns, so the planner
  ///   picked the narrower one and read every active row from the table): the active runs of a workspace in
  ///   id order with everything the freshness filters and list scopes test, so the aggregate tiles count from
  ///   the index alone and the active freshness filters skip non-matching rows without reading them.
  /// - `runs_by_outcome`: the `outcome` filter (rare outcomes such as `cancelled` would otherwise walk the
  ///   whole workspace).
  /// - `runs_by_type_tenant`: "is there a run of this uncovered type the viewer may open?" as one seek per
  ///   visible tenant.
  ///
  /// The two full indexes lead with the filtered column, not `workspace_id`: an index starting with
  /// `workspace_id` but without statistics (a file analyzed before this migration) looks so selective to the
  /// planner that it walked the whole workspace through it and sorted, instead of reading 50 rows in id order.
  static let pageIndexes = Migration(
    "2026_11_23_002_page_indexes",
    sql: """
      DROP INDEX runs_active_by_workspace;
      CREATE INDEX runs_active_covering ON operation_runs(workspace_id, id, stale_at, status, tenant_id, type)
        WHERE status IN ('queued', 'running');
      CREATE INDEX runs_by_outcome ON operation_runs(outcome, workspace_id, id);
      CREATE INDEX runs_by_type_tenant ON operation_runs(type, tenant_id, workspace_id);
      """)
}
