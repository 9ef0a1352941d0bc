import Foundation
import SealBook
import SealCore

/// `GET /v1/status`: what the daemon is and who the caller is.
public struct StatusView: Sendable, Codable, Equatable {
    public struct Database: Sendable, Codable, Equatable {
        public var path: String
        public var sizeBytes: Int64
        public var journalMode: String
        public var synchronous: String
        /// "ok", or "storage-unavailable" while the last commit failed for a storage reason (writes answer 503
        /// until storage works again; reads go on).
        public var writable: String

        public init(path: String, sizeBytes: Int64, journalMode: String, synchronous: String, writable: String) {
            self.path = path
            self.sizeBytes = sizeBytes
            self.journalMode = journalMode
            self.synchronous = synchronous
            self.writable = writable
        }
    }
    public struct Journal: Sendable, Codable, Equatable {
        public var entries: Int
        public var checkpointSize: Int
        public var origin: String
        /// "verified", or why writes are refused.
        public var integrity: String

        public init(entries: Int, checkpointSize: Int, origin: String, integrity: String) {
            self.entries = entries
            self.checkpointSize = checkpointSize
            self.origin = origin
            self.integrity = integrity
        }
    }
    public var version: String
    public var uptimeSeconds: Double
    public var stateDirectory: String
    public var database: Database
    public var journal: Journal
    /// Key cards: whether PC/SC (pcscd) answers, readers and cards seen.
    public var pcsc: CardHealthView
    /// The county witness, when one is configured.
    public var witness: WitnessStatusView?
    public var whoami: WhoAmIView

    public init(
        version: String,
        uptimeSeconds: Double,
        stateDirectory: String,
        database: Database,
        journal: Journal,
        pcsc: CardHealthView,
        witness: WitnessStatusView? = nil,
        whoami: WhoAmIView
    ) {
        self.witness = witness
        self.version = version
        self.uptimeSeconds = uptimeSeconds
        self.stateDirectory = stateDirectory
        self.database = database
        self.journal = journal
        self.pcsc = pcsc
        self.whoami = whoami
    }
}

/// The caller as the daemon sees it.
public struct WhoAmIView: Sendable, Codable, Equatable {
    public struct Group: Sendable, Codable, Equatable {
        public var gid: UInt32
        public var name: String?

        public init(gid: UInt32, name: String? = nil) {
            self.gid = gid
            self.name = name
        }
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

    public init(
        uid: UInt32,
        gid: UInt32,
        pid: Int32,
        user: String? = nil,
        groups: [Group],
        roles: [Role],
        trustedTool: Bool,
        onBehalfOf: String? = nil,
        staff: String? = nil
    ) {
        self.uid = uid
        self.gid = gid
        self.pid = pid
        self.user = user
        self.groups = groups
        self.roles = roles
        self.trustedTool = trustedTool
        self.onBehalfOf = onBehalfOf
        self.staff = staff
    }
}
