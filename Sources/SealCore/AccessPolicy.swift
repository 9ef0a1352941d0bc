/// Maps Unix principals to roles, and says which principals are trusted tools that may act on behalf of staff.
///
/// ```swift
/// let policy = AccessPolicy(grants: [.admin: [.group("sealkeeper-admin")]], trustedTools: [.user("frontdesk")])
/// policy.roles(for: caller)   // [.admin] when the caller is in group sealkeeper-admin
/// ```
public struct AccessPolicy: Sendable, Equatable {
    public var grants: [Role: [AccessRule]]
    public var trustedTools: [AccessRule]

    public init(grants: [Role: [AccessRule]] = [:], trustedTools: [AccessRule] = []) {
        self.grants = grants
        self.trustedTools = trustedTools
    }

    /// The roles the configuration grants to this principal, in a stable order.
    public func roles(for principal: UnixPrincipal) -> [Role] {
        Role.allCases.filter { role in
            grants[role, default: []].contains { $0.matches(principal) }
        }
    }

    /// Whether the principal may send `Sealkeeper-On-Behalf-Of`.
    public func isTrustedTool(_ principal: UnixPrincipal) -> Bool {
        trustedTools.contains { $0.matches(principal) }
    }
}
