import Foundation
import GRDB
import SealBook
import SealCore
import SealWire

extension Register {
    public func journalSize() async throws -> Int {
        try await pool.read { db in try JournalAppender.size(db) }
    }

    /// Entries after `since`, optionally of one kind (or kind prefix ending in `.`), at most `limit`.
    public func events(since: Int, kind: String?, subject: String? = nil, limit: Int) async throws -> [JournalEntryView] {
        try await pool.read { db in
            var sql = "SELECT seq, time, kind, subject, entry, leaf_hash FROM journal WHERE seq > ?"
            var arguments: StatementArguments = [since]
            if let kind {
                let (condition, values) = Self.kindCondition(kind)
                sql += " AND " + condition
                _ = arguments.append(contentsOf: StatementArguments(values))
            }
            if let subject {
                sql += " AND subject = ?"
                _ = arguments.append(contentsOf: [subject])
            }
            sql += " ORDER BY seq LIMIT ?"
            _ = arguments.append(contentsOf: [limit])
            return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map(Self.entryView)
        }
    }

    /// Whether any entry has the kind `filter` (or, ending in `.`, a kind with that prefix), on the kind index.
    public func hasEntries(kind filter: String) async throws -> Bool {
        try await pool.read { db in
            let (condition, values) = Self.kindCondition(filter)
            return try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM journal WHERE \(condition))"), arguments: StatementArguments(values)) ?? false
        }
    }

    /// The SQL condition on `kind` for a kind filter and its arguments: equal, or for a prefix ending in `.` the
    /// range up to the same prefix ending in `/` (the next character): exact and case-sensitive as kinds are, on the
    /// kind index, where `LIKE` ignored ASCII case and read `%` and `_` in the filter as wildcards.
    static func kindCondition(_ filter: String) -> (sql: String, arguments: [String]) {
        guard filter.hasSuffix(".") else { return ("kind = ?", [filter]) }
        return ("kind >= ? AND kind < ?", [filter, String(filter.dropLast()) + "/"])
    }

    static func entryView(_ row: Row) throws -> JournalEntryView {
        let entryText: String = row["entry"]
        let json = try JSONValue(parsing: entryText)
        guard let entry = JournalEntry(json: json) else {
            throw SealError(.internalError, "stored entry \(row["seq"] as Int) is not a journal entry")
        }
        let leaf: Data = row["leaf_hash"]
        return JournalEntryView(
            seq: entry.sequence, time: entry.time, kind: entry.kind, subject: row["subject"], actor: entry.actor,
            payload: entry.payload, leafHash: TreeHash(bytes: Array(leaf))?.hex ?? ""
        )
    }

    public func latestCheckpoint() async throws -> CheckpointView? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT size, root, time, note FROM checkpoint ORDER BY size DESC LIMIT 1"))
            else { return nil }
            let root = TreeHash(bytes: Array(row["root"] as Data))!
            return CheckpointView(origin: self.origin, size: row["size"], root: root.base64, rootHex: root.hex, time: row["time"], note: row["note"])
        }
    }

    public func inclusionProof(index: Int, size: Int) async throws -> ProofView {
        try await pool.read { db in
            let current = try JournalAppender.size(db)
            guard size >= 1, size <= current else {
                throw SealError(.invalidField, "size must be between 1 and the journal size \(current)")
            }
            guard index >= 0, index < size else {
                throw SealError(.invalidField, "index must be between 0 and size-1 (leaf index = sequence number - 1)")
            }
            let tree = MerkleTree(source: DatabaseMerkleNodes(db: db))
            let leaf = try DatabaseMerkleNodes(db: db).node(level: 0, index: index)
            return ProofView(
                kind: "inclusion", index: index, size: size, leafHash: leaf.hex,
                hashes: try tree.inclusionProof(index: index, size: size).map(\.hex)
            )
        }
    }

    public func consistencyProof(from: Int, to: Int) async throws -> ProofView {
        try await pool.read { db in
            let current = try JournalAppender.size(db)
            guard from >= 0, from <= to, to <= current else {
                throw SealError(.invalidField, "need 0 ≤ from ≤ to ≤ journal size \(current)")
            }
            let tree = MerkleTree(source: DatabaseMerkleNodes(db: db))
            return ProofView(kind: "consistency", from: from, to: to, hashes: try tree.consistencyProof(from: from, to: to).map(\.hex))
        }
    }

    /// The root of the tree of `size` entries (for checking proofs against older checkpoints).
    public func root(size: Int) async throws -> String {
        try await pool.read { db in try MerkleTree(source: DatabaseMerkleNodes(db: db)).root(size: size).hex }
    }
}
