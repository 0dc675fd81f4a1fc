import RunwatchStore
import RunwatchTemplates

extension WebEnvironment {
  /// Tenants of the workspace inside `scope`, by name: what a page's tenant filter offers and accepts.
  func visibleTenants(scope: RunScope) throws -> [TenantOption] {
    let allowed = scope.tenantIDs.map(Set.init)
    return try database.tenants(workspaceID: scope.workspaceID)
      .filter { allowed?.contains($0.id) ?? true }
      .map { TenantOption(id: $0.id, name: $0.name) }
  }
}
