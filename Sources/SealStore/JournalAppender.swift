import Crypto
import Foundation
import GRDB
import SealBook
import SealCore
import SealWire

/// One change to be journaled: what happened, to what, and its payload.
public struct JournalRecord: Sendable {
    public var kind: String
    /// The thing the change is about (a seal id, a delegation id, …), for history queries.
    public var subject: String?
    public var payload: JSONValue

    public init(kind: String, subject: String?, payload: JSONValue) {
        self.kind = kind
        self.subject = subject
        self.payload = payload
    }

    /// The record of a typed event (every change the register makes is one).
    public init(_ event: JournalEvent, subject: String?) throws {
        self.init(kind: event.kind, subject: subject, payload: try event.payload())
    }
}

/// Merkle nodes as stored in `merkle_node`.
struct DatabaseMerkleNodes: MerkleNodeSource {
    let db: Database

    func node(level: Int, index: Int) throws -> TreeHash {
        guard let data = try Data.fetchOne(db.cachedStatement(sql: "SELECT hash FROM merkle_node WHERE level = ? AND idx = ?"), arguments: [level, index]),
            let hash = TreeHash(bytes: Array(data))
        else { throw MerkleError.missingNode(level: level, index: index) }
        return hash
    }
}

/// Appends entries to the journal inside the caller's transaction: the entry row, its leaf and every Merkle
/// node it completes. Rolled back with the transaction, so an entry and its effect land together or not at all.
enum JournalAppender {
    static func size(_ db: Database) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(MAX(seq), 0) FROM journal")) ?? 0
    }

    @discardableResult
    static func append(_ record: JournalRecord, actor: JournalActor, time: String, db: Database) throws -> JournalEntry {
        let sequence = try size(db) + 1
        let entry = JournalEntry(sequence: Int64(sequence), time: time, actor: actor, kind: record.kind, payload: record.payload)
        try append(entry: entry, bytes: entry.canonicalBytes, subject: record.subject, db: db)
        return entry
    }

    /// Stores an entry as given (its canonical bytes, which the leaf hash covers), with its Merkle nodes: a new one,
    /// or one of a journal restored from the county's copy.
    static func append(entry: JournalEntry, bytes: [UInt8], subject: String?, db: Database) throws {
        let sequence = Int(entry.sequence)
        let leaf = TreeHash.leaf(bytes)
        try db.cachedStatement(sql: "INSERT INTO journal(seq, time, kind, subject, actor_staff, entry, leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?)").execute(arguments: [sequence, entry.time, entry.kind, subject, entry.actor.staff, String(decoding: bytes, as: UTF8.self), Data(leaf.bytes)]
        )
        let nodes = DatabaseMerkleNodes(db: db)
        for node in try merkleNodesCompleted(byAppending: leaf, at: sequence - 1, leftSibling: nodes.node) {
            try db.cachedStatement(sql: "INSERT INTO merkle_node(level, idx, hash) VALUES (?, ?, ?)").execute(arguments: [node.level, node.index, Data(node.hash.bytes)]
            )
        }
    }

    /// Signs and stores the checkpoint for the current tree.
    static func checkpoint(signer: NoteSigner, rowKey: SymmetricKey, time: String, db: Database) throws -> Checkpoint {
        let size = try size(db)
        let root = try MerkleTree(source: DatabaseMerkleNodes(db: db)).root(size: size)
        let checkpoint = Checkpoint(origin: signer.name, size: size, root: root, time: time)
        let note = try checkpoint.signed(by: signer)
        // The tables' digests as they stand with this checkpoint, bound to it (RowSeals).
        let stateMAC = try RowSeals.stateMAC(db, size: size, root: root, key: rowKey)
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO checkpoint(size, root, time, note, state_mac) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [size, Data(root.bytes), time, note.serialized, stateMAC])
        return checkpoint
    }
}
