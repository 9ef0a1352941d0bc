import Hummingbird
import SealCore

/// `GET /v1/status`: what the daemon is and who the caller is.
public struct StatusDTO: ResponseCodable, Sendable, Equatable {
    public struct Database: Codable, Sendable, Equatable {
        public var path: String
        public var sizeBytes: Int64
        public var journalMode: String
        public var synchronous: String
        /// "ok", or "storage-unavailable" while the last commit failed for a storage reason (writes answer 503
        /// until storage works again; reads go on).
        public var writable: String
    }
    public struct Journal: Codable, Sendable, Equatable {
        public var entries: Int
        public var checkpointSize: Int
        public var origin: String
        /// "verified", or why writes are refused.
        public var integrity: String
    }
    public var version: String
    public var uptimeSeconds: Double
    public var stateDirectory: String
    public var database: Database
    public var journal: Journal
    /// Key cards: whether PC/SC (pcscd) answers, readers and cards seen.
    public var pcsc: CardService.Health
    public var whoami: WhoAmIDTO
}

/// The caller as the daemon sees it.
public struct WhoAmIDTO: ResponseCodable, Sendable, Equatable {
    public struct Group: Codable, Sendable, Equatable {
        public var gid: UInt32
        public var name: String?
    }
    public var uid: UInt32
    public var gid: UInt32
    public var pid: Int32
    public var user: String?
    public var groups: [Group]
    public var roles: [Role]
    public var trustedTool: Bool
    public var onBehalfOf: String?
    /// The staff member the caller acts as, if any.
    public var staff: String?

    init(_ caller: Caller) {
        uid = caller.principal.uid
        gid = caller.principal.gid
        pid = caller.principal.pid
        user = caller.principal.userName
        groups = caller.principal.groups.map { Group(gid: $0.gid, name: $0.name) }
        roles = caller.roles
        trustedTool = caller.isTrustedTool
        onBehalfOf = caller.onBehalfOf
        staff = caller.staffID
    }
}
