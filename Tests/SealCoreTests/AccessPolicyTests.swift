import SealCore
import Testing

@Suite("Access rules and roles")
struct AccessPolicyTests {
    static let alice = UnixPrincipal(
        uid: 1001, gid: 1001, pid: 42, userName: "alice",
        groups: [UnixGroup(gid: 1001, name: "alice"), UnixGroup(gid: 2001, name: "sealkeeper-clerk")]
    )
    static let ghost = UnixPrincipal(uid: 4242, gid: 4242, pid: 7, userName: nil, groups: [UnixGroup(gid: 4242, name: nil)])

    @Test(
        "parses the four entry forms and nothing else",
        arguments: [
            ("user:alice", AccessRule.user("alice")),
            ("uid:0", .uid(0)),
            ("group:sealkeeper-admin", .group("sealkeeper-admin")),
            ("gid:2001", .gid(2001)),
        ] as [(String, AccessRule)]
    )
    func parsesValidEntries(text: String, expected: AccessRule) {
        #expect(AccessRule(text) == expected)
        #expect(AccessRule(text)?.description == text)
    }

    @Test("refuses malformed entries", arguments: ["alice", "user:", "uid:-1", "uid:abc", "gid:1.5", "role:admin", "user:a b", ":x"])
    func refusesMalformed(text: String) {
        #expect(AccessRule(text) == nil)
    }

    @Test(
        "matches users by name and uid, groups by name and gid",
        arguments: [
            (AccessRule.user("alice"), alice, true),
            (.user("bob"), alice, false),
            (.uid(1001), alice, true),
            (.uid(0), alice, false),
            (.group("sealkeeper-clerk"), alice, true),
            (.group("sealkeeper-admin"), alice, false),
            (.gid(2001), alice, true),
            (.gid(1001), alice, true),
            (.user("alice"), ghost, false),
            (.uid(4242), ghost, true),
            (.group("x"), ghost, false),
            (.gid(4242), ghost, true),
        ] as [(AccessRule, UnixPrincipal, Bool)]
    )
    func matching(rule: AccessRule, principal: UnixPrincipal, expected: Bool) {
        #expect(rule.matches(principal) == expected)
    }

    @Test("grants every role whose list names the caller, and only those")
    func rolesFromGrants() {
        let policy = AccessPolicy(
            grants: [
                .admin: [.group("sealkeeper-admin")],
                .clerk: [.group("sealkeeper-clerk")],
                .approver: [.user("alice"), .uid(5)],
                .inspector: [.gid(9999)],
            ],
            trustedTools: [.user("frontdesk")]
        )
        #expect(policy.roles(for: Self.alice) == [.clerk, .approver])
        #expect(policy.roles(for: Self.ghost) == [])
        #expect(!policy.isTrustedTool(Self.alice))
        var tool = Self.ghost
        tool.userName = "frontdesk"
        #expect(policy.isTrustedTool(tool))
        #expect(policy.roles(for: tool) == [])
    }
}
