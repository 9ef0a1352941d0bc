import Foundation
import SealBook
import SealCore

/// A journal entry as readers see it.
public struct JournalEntryView: Sendable, Codable, Equatable {
    public var seq: Int64
    public var time: String
    public var kind: String
    public var subject: String?
    public var actor: JournalActor
    public var payload: JSONValue
    public var leafHash: String

    public init(
        seq: Int64,
        time: String,
        kind: String,
        subject: String? = nil,
        actor: JournalActor,
        payload: JSONValue,
        leafHash: String
    ) {
        self.seq = seq
        self.time = time
        self.kind = kind
        self.subject = subject
        self.actor = actor
        self.payload = payload
        self.leafHash = leafHash
    }
}

/// The latest signed checkpoint.
public struct CheckpointView: Sendable, Codable, Equatable {
    public var origin: String
    public var size: Int
    public var root: String
    public var rootHex: String
    public var time: String
    /// The C2SP signed note, as printed by `sealctl book checkpoint`.
    public var note: String

    public init(origin: String, size: Int, root: String, rootHex: String, time: String, note: String) {
        self.origin = origin
        self.size = size
        self.root = root
        self.rootHex = rootHex
        self.time = time
        self.note = note
    }
}

public struct ProofView: Sendable, Codable, Equatable {
    public var kind: String
    public var index: Int?
    public var size: Int?
    public var from: Int?
    public var to: Int?
    public var leafHash: String?
    public var hashes: [String]

    public init(
        kind: String,
        index: Int? = nil,
        size: Int? = nil,
        from: Int? = nil,
        to: Int? = nil,
        leafHash: String? = nil,
        hashes: [String]
    ) {
        self.kind = kind
        self.index = index
        self.size = size
        self.from = from
        self.to = to
        self.leafHash = leafHash
        self.hashes = hashes
    }
}

public struct KeyView: Sendable, Codable {
    public var origin: String
    /// C2SP note verifier key: `NAME+HASH+BASE64(0x01 ‖ key)`.
    public var vkey: String
    public var publicKey: String
    /// SHA-256 of the raw public key, hex.
    public var fingerprint: String

    public init(origin: String, vkey: String, publicKey: String, fingerprint: String) {
        self.origin = origin
        self.vkey = vkey
        self.publicKey = publicKey
        self.fingerprint = fingerprint
    }
}

/// `sealctl book check`: the register checked now as at start-up — every journal entry against the signed
/// checkpoint, every registry table against its row seals and the digests bound to the checkpoint.
public struct RegisterCheckView: Sendable, Codable, Equatable {
    /// Journal entries checked.
    public var entries: Int
    /// `verified`, or what was found (`entry N: …`).
    public var journal: String
    /// `verified`, or what was found (`table T, row K: edited`).
    public var tables: String
    /// The registry tables checked.
    public var checkedTables: [String]
    public var seconds: Double

    public var verified: Bool { journal == "verified" && tables == "verified" }

    public init(entries: Int, journal: String, tables: String, checkedTables: [String], seconds: Double) {
        self.entries = entries
        self.journal = journal
        self.tables = tables
        self.checkedTables = checkedTables
        self.seconds = seconds
    }
}
