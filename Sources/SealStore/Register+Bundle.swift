import Foundation
import GRDB
import SealBook
import SealCore
import SealWire

extension Register {
    /// The checkpoint to cut from — the newest one the county witness cosigned when it covers every entry of the range
    /// (its note then carries the county's cosignature for `book verify --witness`), else the latest signed one — the entry range that falls in the filter's dates (all entries without dates),
    /// the boundary hashes that tie that range to the checkpoint's root, and the bound card certificates.
    public func bundleHead(_ filter: BookFilter) async throws -> BundleHead {
        let zone = useSettings.zone
        let origin = self.origin
        let vkey = verifier.vkey
        return try await pool.read { db in
            guard let checkpoint = try Row.fetchOne(db.cachedStatement(sql: "SELECT size, note FROM checkpoint ORDER BY size DESC LIMIT 1")) else {
                throw SealError(.noCheckpoint, "the register has no signed checkpoint yet")
            }
            var size: Int = checkpoint["size"]
            var note: String = checkpoint["note"]
            let (lower, upper) = Self.bounds(filter, zone: zone)
            if let cosigned = try Row.fetchOne(db.cachedStatement(sql: "SELECT size, note FROM cosigned_checkpoint ORDER BY size DESC LIMIT 1")) {
                let cosignedSize: Int = cosigned["size"]
                let last = try Int.fetchOne(db.cachedStatement(sql: "SELECT MAX(seq) FROM journal WHERE time >= ? AND time < ? AND seq <= ?"), arguments: [lower, upper, size])
                if cosignedSize == size || (cosignedSize > 0 && (last ?? 0) <= cosignedSize) {
                    size = cosignedSize
                    note = cosigned["note"]
                }
            }
            let first = try Int.fetchOne(db.cachedStatement(sql: "SELECT MIN(seq) FROM journal WHERE time >= ? AND time < ? AND seq <= ?"), arguments: [lower, upper, size])
            let last = try Int.fetchOne(db.cachedStatement(sql: "SELECT MAX(seq) FROM journal WHERE time >= ? AND time < ? AND seq <= ?"), arguments: [lower, upper, size])
            let begin = try first.map { $0 - 1 } ?? (Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM journal WHERE time < ? AND seq <= ?"), arguments: [lower, size]) ?? 0)
            let end = last ?? begin
            let nodes = DatabaseMerkleNodes(db: db)
            let left = try CompactRange.decomposition(0, begin).map { try nodes.node(level: $0.level, index: $0.index) }
            let right = try CompactRange.decomposition(end, size).map { try nodes.node(level: $0.level, index: $0.index) }
            var certificates: [(seal: String, fingerprint: String, der: String)] = []
            for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT entry FROM journal WHERE kind = 'card.bound' AND seq <= ? ORDER BY seq"), arguments: [size]) {
                guard let entry = JournalEntry(json: try JSONValue(parsing: row["entry"] as String)),
                      let seal = entry.payload["seal"]?.stringValue, let fingerprint = entry.payload["fingerprint"]?.stringValue,
                      let der = entry.payload["certificate"]?.stringValue
                else { continue }
                certificates.append((seal, fingerprint, der))
            }
            return BundleHead(
                origin: origin, verifierKey: vkey, checkpointNote: note, size: size, begin: begin, end: end,
                left: left, right: right, certificates: certificates
            )
        }
    }

    /// Journal entries with sequence numbers in `from…to`, at most `limit`: (seq, canonical entry text, leaf hash).
    public func journalSlice(from: Int, to: Int, limit: Int) async throws -> [(seq: Int, entry: String, leaf: TreeHash)] {
        try await pool.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT seq, entry, leaf_hash FROM journal WHERE seq >= ? AND seq <= ? ORDER BY seq LIMIT ?"), arguments: [from, to, limit])
                .map { ($0["seq"], $0["entry"], TreeHash(bytes: Array($0["leaf_hash"] as Data))!) }
        }
    }
}
