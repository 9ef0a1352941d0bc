/// A Unix group: numeric id and, when the group database knows it, its name.
public struct UnixGroup: Sendable, Hashable, Codable {
    public var gid: UInt32
    public var name: String?

    public init(gid: UInt32, name: String?) {
        self.gid = gid
        self.name = name
    }
}

/// The Unix identity of a caller, as the kernel reported it for the connection (SO_PEERCRED) and the
/// account databases resolved it. Nothing a client sends can change it.
public struct UnixPrincipal: Sendable, Hashable, Codable {
    public var uid: UInt32
    public var gid: UInt32
    public var pid: Int32
    /// The user name for `uid`, when the password database has one.
    public var userName: String?
    /// Primary and supplementary groups of the user (at least the primary group).
    public var groups: [UnixGroup]

    public init(uid: UInt32, gid: UInt32, pid: Int32, userName: String?, groups: [UnixGroup]) {
        self.uid = uid
        self.gid = gid
        self.pid = pid
        self.userName = userName
        self.groups = groups
    }
}
