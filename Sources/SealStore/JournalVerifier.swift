import Foundation
import GRDB
import GRDBSQLite
import SealBook

/// The start-up check: every stored entry hashes to its stored leaf, sequence numbers have no gaps, and the tree
/// they form has the root of the latest signed checkpoint (and the stored nodes agree). One pass over the journal,
/// in constant memory; the entries' bytes are hashed where SQLite holds them, never copied into strings.
///
/// The latest signed checkpoint covers every entry, so it alone decides; the older checkpoints (one per commit
/// batch) are read only when the root does not match, to say from which entry on the journal was changed.
enum JournalVerifier {
    static func verify(_ db: Database, verifier: NoteVerifier) throws -> TamperReport? {
        var frontier = MerkleFrontier()
        var expected: Int64 = 1
        // Stepped through SQLite's C API: each entry's bytes are hashed in place (a million entries is a million
        // rows, where GRDB's row objects cost more than the hashing).
        let statement = try db.makeStatement(sql: "SELECT seq, entry, leaf_hash FROM journal ORDER BY seq")
        let raw = statement.sqliteStatement
        while true {
            let step = sqlite3_step(raw)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else { throw DatabaseError(resultCode: ResultCode(rawValue: step), message: "reading the journal") }
            let sequence = sqlite3_column_int64(raw, 0)
            guard sequence == expected else {
                return TamperReport(firstBadSequence: Int(expected), reason: "entry \(expected) is missing")
            }
            let entry = sqlite3_column_blob(raw, 1)
            let entryLength = Int(sqlite3_column_bytes(raw, 1))
            let leaf = TreeHash.leaf(UnsafeRawBufferPointer(start: entry, count: entryLength))
            let stored = sqlite3_column_blob(raw, 2)
            guard sqlite3_column_bytes(raw, 2) == 32, let stored,
                leaf.bytes.withUnsafeBytes({ memcmp($0.baseAddress!, stored, 32) == 0 })
            else {
                return TamperReport(firstBadSequence: Int(sequence), reason: "the entry does not hash to its stored leaf")
            }
            frontier.append(leaf)
            expected += 1
        }
        let size = Int(expected - 1)
        guard let latest = try Row.fetchOne(db.cachedStatement(sql: "SELECT size, note FROM checkpoint ORDER BY size DESC LIMIT 1")) else {
            return size == 0 ? nil : TamperReport(firstBadSequence: 1, reason: "entries exist but no signed checkpoint covers them")
        }
        let signedSize: Int = latest["size"]
        if signedSize > size {
            return TamperReport(firstBadSequence: size + 1, reason: "the signed checkpoint covers \(signedSize) entries but only \(size) are stored")
        }
        if size > signedSize {
            return TamperReport(firstBadSequence: signedSize + 1, reason: "entries after the last signed checkpoint (size \(signedSize))")
        }
        guard let checkpoint = Checkpoint.open(latest["note"], verifier: verifier), checkpoint.size == size else {
            return TamperReport(firstBadSequence: 1, reason: "the checkpoint for size \(size) is not signed by the register key")
        }
        guard checkpoint.root == frontier.root else {
            return try locate(db, verifier: verifier)
                ?? TamperReport(firstBadSequence: 1, reason: "the entries do not hash to the signed root for size \(size)")
        }
        if size > 0, (try? MerkleTree(source: DatabaseMerkleNodes(db: db)).root(size: size)) != frontier.root {
            return TamperReport(firstBadSequence: 1, reason: "the stored Merkle nodes do not match the entries")
        }
        return nil
    }

    /// After a root mismatch: walks every signed checkpoint in step with the entries to find the first range that
    /// no longer hashes to what was signed for it.
    static func locate(_ db: Database, verifier: NoteVerifier) throws -> TamperReport? {
        // Walked in step with the entries (one checkpoint per commit batch: there are many), so start-up memory
        // does not grow with the register.
        let checkpoints = try Row.fetchCursor(db.cachedStatement(sql: "SELECT size, note FROM checkpoint ORDER BY size"))
        var pending = try checkpoints.next()?.copy()
        var lastCheckpointSize: Int?
        var frontier = MerkleFrontier()
        var previousCheckpointSize = 0
        var report: TamperReport?

        func checkCheckpoints(upTo size: Int) throws -> TamperReport? {
            while let row = pending, (row["size"] as Int) == size {
                pending = try checkpoints.next()?.copy()
                lastCheckpointSize = size
                let note: String = row["note"]
                guard let checkpoint = Checkpoint.open(note, verifier: verifier), checkpoint.size == size else {
                    return TamperReport(firstBadSequence: previousCheckpointSize + 1, reason: "the checkpoint for size \(size) is not signed by the register key")
                }
                guard checkpoint.root == frontier.root else {
                    return TamperReport(
                        firstBadSequence: previousCheckpointSize + 1,
                        reason: "entries \(previousCheckpointSize + 1)…\(size) do not hash to the signed root for size \(size)"
                    )
                }
                previousCheckpointSize = size
            }
            return nil
        }

        let cursor = try Row.fetchCursor(db.cachedStatement(sql: "SELECT seq, entry, leaf_hash FROM journal ORDER BY seq"))
        var expected = 1
        while let row = try cursor.next() {
            let sequence: Int = row["seq"]
            guard sequence == expected else {
                return TamperReport(firstBadSequence: expected, reason: "entry \(expected) is missing")
            }
            let entry: String = row["entry"]
            let stored: Data = row["leaf_hash"]
            let leaf = TreeHash.leaf(Array(entry.utf8))
            guard leaf.bytes == Array(stored) else {
                return TamperReport(firstBadSequence: sequence, reason: "the entry does not hash to its stored leaf")
            }
            frontier.append(leaf)
            if let bad = try checkCheckpoints(upTo: sequence) { return bad }
            expected += 1
        }
        if let row = pending {
            let size: Int = row["size"]
            return TamperReport(firstBadSequence: expected, reason: "the signed checkpoint covers \(size) entries but only \(expected - 1) are stored")
        }
        let size = expected - 1
        guard let lastSize = lastCheckpointSize else {
            return size == 0 ? nil : TamperReport(firstBadSequence: 1, reason: "entries exist but no signed checkpoint covers them")
        }
        if size > lastSize {
            report = TamperReport(firstBadSequence: lastSize + 1, reason: "entries after the last signed checkpoint (size \(lastSize))")
        }
        if report == nil, size > 0 {
            let stored = try? MerkleTree(source: DatabaseMerkleNodes(db: db)).root(size: size)
            if stored != frontier.root {
                report = TamperReport(firstBadSequence: 1, reason: "the stored Merkle nodes do not match the entries")
            }
        }
        return report
    }
}
