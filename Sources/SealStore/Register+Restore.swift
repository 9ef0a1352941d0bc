import Foundation
import GRDB
import SealBook
import SealCore

extension Register {
    /// Appends entries of a journal copied elsewhere (the county's mirror) to this empty or partly restored register:
    /// each stored exactly as given (its leaf hash covers those bytes) and projected onto the tables, as the writer
    /// would have. Entries must follow on from the journal's size; `finishRestore` then proves the whole.
    public func restoreEntries(_ entries: [String]) async throws {
        try await pool.write { db in
            var next = try JournalAppender.size(db) + 1
            for text in entries {
                guard let entry = JournalEntry(json: try JSONValue(parsing: text)), entry.sequence == Int64(next) else {
                    throw SealError(.invalidField, "entry \(next) of the copy is not a journal entry with sequence \(next)")
                }
                guard let event = try JournalEvent(kind: entry.kind, payload: entry.payload) else {
                    throw SealError(.invalidField, "entry \(next) of the copy has an unknown kind \(entry.kind)")
                }
                let subject = try SQLiteProjection.apply(event, time: entry.time, actor: entry.actor, db: db)
                try JournalAppender.append(entry: entry, bytes: Array(text.utf8), subject: subject, db: db)
                next += 1
            }
        }
    }

    /// Ends a restore: the restored journal must rebuild the root of `checkpointNote` (a checkpoint this register's key
    /// signed), which is stored as the register's checkpoint with its tables' digests; the county's cosignature of it,
    /// when given, is kept as the witness's. Throws `journal-tampered` when the copy does not prove out.
    public func finishRestore(checkpointNote: String, cosigned: CosignedCheckpoint?) async throws -> Int {
        guard let note = SignedNote(parsing: checkpointNote), verifier.verify(note), let checkpoint = Checkpoint(noteText: note.text),
            checkpoint.origin == origin
        else {
            throw SealError(.journalTampered, "the copy's checkpoint is not signed by this register's key (\(origin))")
        }
        let rowKey = database.rowKey
        return try await pool.write { db in
            let size = try JournalAppender.size(db)
            guard size == checkpoint.size else {
                throw SealError(.journalTampered, "the copy holds \(size) entries but its checkpoint says \(checkpoint.size)")
            }
            let root = try MerkleTree(source: DatabaseMerkleNodes(db: db)).root(size: size)
            guard root == checkpoint.root else {
                throw SealError(.journalTampered, "the copy's \(size) entries do not rebuild the signed root \(checkpoint.root.hex)")
            }
            let stateMAC = try RowSeals.stateMAC(db, size: size, root: root, key: rowKey)
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO checkpoint(size, root, time, note, state_mac) VALUES (?, ?, ?, ?, ?)")
                .execute(arguments: [size, Data(root.bytes), checkpoint.time, checkpointNote, stateMAC])
            if let cosigned {
                try db.cachedStatement(sql: "INSERT OR REPLACE INTO cosigned_checkpoint(size, witness, note, cosigned_at) VALUES (?, ?, ?, ?)")
                    .execute(arguments: [cosigned.size, cosigned.witness, cosigned.note, cosigned.cosignedAt])
            }
            return size
        }
    }
}
