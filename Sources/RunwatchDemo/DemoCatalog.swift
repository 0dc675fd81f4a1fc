import Foundation
import RunwatchCore
import RunwatchStore

/// One demo sign-in: the known password and what the account is for. Printed by `demo seed` and `serve --demo`.
public struct DemoCredential: Sendable, Equatable {
  /// Sign-in e-mail.
  public var email: String
  /// The demo password (public on purpose: this is demo data).
  public var password: String
  /// Display name.
  public var name: String
  /// Roles per workspace slug, in the order granted.
  public var roles: [(workspaceSlug: String, role: Role)]
  /// What the account shows, in a few words.
  public var purpose: String

  /// Compares e-mail, password, name, roles and purpose.
  public static func == (lhs: DemoCredential, rhs: DemoCredential) -> Bool {
    lhs.email == rhs.email && lhs.password == rhs.password && lhs.name == rhs.name
      && lhs.purpose == rhs.purpose && lhs.roles.map(\.workspaceSlug) == rhs.roles.map(\.workspaceSlug)
      && lhs.roles.map(\.role) == rhs.roles.map(\.role)
  }

  /// `northwind:owner, globex:manager`.
  public var roleSummary: String {
    roles.map { "\($0.workspaceSlug):\($0.role.rawValue)" }.joined(separator: ", ")
  }

  /// The credentials as an aligned text table (header first), for terminals.
  public static func tableLines(_ credentials: [DemoCredential] = DemoCatalog.credentials) -> [String] {
    let header = ["E-MAIL", "PASSWORD", "ROLES", "SHOWS"]
    let rows = credentials.map { [$0.email, $0.password, $0.roleSummary, $0.purpose] }
    let widths = (0..<header.count).map { column in
      ([header] + rows).map { $0[column].count }.max() ?? 0
    }
    return ([header] + rows).map { cells in
      cells.enumerated().map { index, cell in
        index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
      }.joined(separator: "  ")
    }
  }
}

/// The fixed cast of the demo: workspaces, tenants and people. Run data varies with the seed; these do not, so
/// the printed credentials are always the same.
public enum DemoCatalog {
  /// A demo workspace and its tenants.
  public struct WorkspaceSpec: Sendable {
    /// URL slug.
    public var slug: String
    /// Display name.
    public var name: String
    /// Tenant names.
    public var tenants: [String]
    /// Names of tenants that end up archived.
    public var archivedTenants: [String]
  }

  /// The two demo workspaces.
  public static let workspaces: [WorkspaceSpec] = [
    WorkspaceSpec(
      slug: "northwind", name: "Northwind Ops",
      tenants: [
        "Contoso Retail", "Fabrikam Health", "Tailspin Toys", "Woodgrove Bank", "Adventure Works Legacy",
      ],
      archivedTenants: ["Adventure Works Legacy"]),
    WorkspaceSpec(
      slug: "globex", name: "Globex IT", tenants: ["Initech", "Umbrella Labs", "Hooli EU"],
      archivedTenants: []),
  ]

  /// The tenant the single-tenant operator is entitled to.
  public static let singleTenantName = "Contoso Retail"

  /// Every demo account. Operators and read-only members are entitled to tenants as `purpose` says.
  public static let credentials: [DemoCredential] = [
    DemoCredential(
      email: "olivia@northwind.example", password: "demo-owner", name: "Olivia Hart",
      roles: [("northwind", .owner), ("globex", .manager)], purpose: "everything, both workspaces"),
    DemoCredential(
      email: "marcus@northwind.example", password: "demo-manager", name: "Marcus Chen",
      roles: [("northwind", .manager)], purpose: "every tenant and capability"),
    DemoCredential(
      email: "priya@northwind.example", password: "demo-operator", name: "Priya Nair",
      roles: [("northwind", .operator)], purpose: "operator of every Northwind tenant"),
    DemoCredential(
      email: "sam@northwind.example", password: "demo-single-tenant", name: "Sam Okafor",
      roles: [("northwind", .operator)], purpose: "operator of Contoso Retail only"),
    DemoCredential(
      email: "rita@northwind.example", password: "demo-readonly", name: "Rita Alvarez",
      roles: [("northwind", .readonly)], purpose: "read-only, every tenant, no restore.view"),
    DemoCredential(
      email: "gina@globex.example", password: "demo-globex", name: "Gina Fox",
      roles: [("globex", .manager)], purpose: "member of Globex IT only"),
  ]

  /// The uncovered type seeded so the `unknown` freshness state shows: no policy, never reconciled.
  public static let uncoveredType = "legacy.csv_export"
}
