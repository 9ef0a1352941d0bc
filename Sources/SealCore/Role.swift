/// A role granted to Unix users and groups by the daemon's `[access]` configuration.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case admin
    case clerk
    case approver
    case inspector

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
