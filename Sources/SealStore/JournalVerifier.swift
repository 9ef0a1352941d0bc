import Foundation
import GRDB
import SealBook

/// The start-up check: every stored entry hashes to its stored leaf, sequence numbers have no gaps, and the tree
/// they form matches every signed checkpoint (and the stored nodes match the last one). One pass over the journal.
enum JournalVerifier {
    static func verify(_ db: Database, verifier: NoteVerifier) throws -> TamperReport? {
        // Walked in step with the entries (one checkpoint per commit batch: there are many), so start-up memory
        // does not grow with the register.
        let checkpoints = try Row.fetchCursor(db, sql: "SELECT size, note FROM checkpoint ORDER BY size")
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

        let cursor = try Row.fetchCursor(db, sql: "SELECT seq, entry, leaf_hash FROM journal ORDER BY seq")
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
