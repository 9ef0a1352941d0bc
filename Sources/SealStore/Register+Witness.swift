import Foundation
import GRDB
import SealBook
import SealCore

/// A checkpoint the county witness cosigned, with the witness's line(s) appended to the register's note.
public struct CosignedCheckpoint: Sendable, Equatable {
    public var size: Int
    public var witness: String
    public var note: String
    /// POSIX seconds the cosignature states.
    public var cosignedAt: Int64

    public init(size: Int, witness: String, note: String, cosignedAt: Int64) {
        self.size = size
        self.witness = witness
        self.note = note
        self.cosignedAt = cosignedAt
    }
}

extension Register {
    /// The largest checkpoint `witness` has cosigned.
    public func latestCosigned(witness: String) async throws -> CosignedCheckpoint? {
        try await pool.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT size, note, cosigned_at FROM cosigned_checkpoint WHERE witness = ? ORDER BY size DESC LIMIT 1"),
                arguments: [witness]
            ).map { CosignedCheckpoint(size: $0["size"], witness: witness, note: $0["note"], cosignedAt: $0["cosigned_at"]) }
        }
    }

    /// The cosigned checkpoint of exactly `size` entries, if the witness cosigned one.
    public func cosigned(size: Int) async throws -> CosignedCheckpoint? {
        try await pool.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT witness, note, cosigned_at FROM cosigned_checkpoint WHERE size = ?"), arguments: [size]
            ).map { CosignedCheckpoint(size: size, witness: $0["witness"], note: $0["note"], cosignedAt: $0["cosigned_at"]) }
        }
    }

    /// Keeps a cosigned checkpoint (replacing an older cosignature of the same size).
    public func storeCosigned(_ cosigned: CosignedCheckpoint) async throws {
        try await pool.write { db in
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO cosigned_checkpoint(size, witness, note, cosigned_at) VALUES (?, ?, ?, ?)")
                .execute(arguments: [cosigned.size, cosigned.witness, cosigned.note, cosigned.cosignedAt])
        }
    }

    /// The signed checkpoint note of exactly `size` entries, when the register made one.
    public func checkpointNote(size: Int) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db.cachedStatement(sql: "SELECT note FROM checkpoint WHERE size = ?"), arguments: [size])
        }
    }

    /// The first entry after `size` (the oldest one a witness has not cosigned) and how many follow `size`.
    public func entriesAfter(size: Int) async throws -> (oldest: (seq: Int, time: Date)?, count: Int) {
        try await pool.read { db in
            let total = try JournalAppender.size(db)
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, time FROM journal WHERE seq > ? ORDER BY seq LIMIT 1"), arguments: [size]),
                let stored = CivilTime.parseStored(Array((row["time"] as String).utf8))
            else { return (nil, 0) }
            return ((row["seq"], Date(timeIntervalSince1970: TimeInterval(stored.secondsSince1970))), max(0, total - size))
        }
    }

    /// The canonical bytes of entries `after+1 … through` (leaf indices `after ..< through`), in order: what a mirror
    /// upload carries.
    public func journalEntries(after: Int, through: Int) async throws -> [[UInt8]] {
        try await pool.read { db in
            try String.fetchAll(db.cachedStatement(sql: "SELECT entry FROM journal WHERE seq > ? AND seq <= ? ORDER BY seq"), arguments: [after, through])
                .map { Array($0.utf8) }
        }
    }
}
