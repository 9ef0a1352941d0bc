import Foundation
import GRDB
import SealBook

/// The start-up check: every stored entry hashes to its stored leaf, sequence numbers have no gaps, and the tree
/// they form matches every signed checkpoint (and the stored nodes match the last one). One pass over the journal.
enum JournalVerifier {
    static func verify(_ db: Database, verifier: NoteVerifier) throws -> TamperReport? {
        let checkpoints = try Row.fetchAll(db, sql: "SELECT size, root, note FROM checkpoint ORDER BY size")
        var checkpointIndex = 0
        var frontier = MerkleFrontier()
        var previousCheckpointSize = 0
        var report: TamperReport?

        func checkCheckpoints(upTo size: Int) -> TamperReport? {
            while checkpointIndex < checkpoints.count, (checkpoints[checkpointIndex]["size"] as Int) == size {
                let row = checkpoints[checkpointIndex]
                checkpointIndex += 1
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
            if let bad = checkCheckpoints(upTo: sequence) { return bad }
            expected += 1
        }
        if checkpointIndex < checkpoints.count {
            let size: Int = checkpoints[checkpointIndex]["size"]
            return TamperReport(firstBadSequence: expected, reason: "the signed checkpoint covers \(size) entries but only \(expected - 1) are stored")
        }
        let size = expected - 1
        guard let lastRow = checkpoints.last else {
            return size == 0 ? nil : TamperReport(firstBadSequence: 1, reason: "entries exist but no signed checkpoint covers them")
        }
        let lastSize: Int = lastRow["size"]
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
