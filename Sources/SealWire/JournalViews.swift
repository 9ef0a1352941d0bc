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
