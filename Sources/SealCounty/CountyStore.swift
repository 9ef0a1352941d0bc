import Foundation
import Logging
import PostgresNIO
import SealBook
import SealCore
import SealWire

/// The county's queries: townships, the witness's state per origin, fork evidence. Every write is one statement or
/// one transaction, committed (synchronous_commit) before the caller answers anyone.
public struct CountyStore: Sendable {
    public let database: CountyDatabase
    var client: PostgresClient { database.client }
    var logger: Logger { database.logger }

    public init(database: CountyDatabase) { self.database = database }

    // MARK: Townships

    /// Adds a township and records the change; `township-exists` when its origin or name is taken.
    public func addTownship(_ township: TownshipEntry, actor: String) async throws -> CountyTownshipView {
        let vkey = township.verifier.vkey
        do {
            return try await database.transaction { connection in
                let taken = try await connection.query(
                    "SELECT origin, name FROM township WHERE origin = \(township.origin) OR name = \(township.name)", logger: logger
                )
                for try await (origin, name) in taken.decode((String, String).self) {
                    throw SealError(
                        .townshipExists,
                        origin == township.origin ? "a township with origin \(origin) is already witnessed (as \(name))" : "a township named \(name) exists (origin \(origin))"
                    )
                }
                let rows = try await connection.query(
                    """
                    INSERT INTO township (origin, name, vkey, added_by) VALUES (\(township.origin), \(township.name), \(vkey), \(actor))
                    RETURNING added_at
                    """, logger: logger
                )
                var addedAt = Date()
                for try await (time) in rows.decode(Date.self) { addedAt = time }
                try await connection.query("INSERT INTO witness_state (origin) VALUES (\(township.origin))", logger: logger)
                try await connection.query("INSERT INTO mirror_state (origin) VALUES (\(township.origin))", logger: logger)
                try await connection.query(
                    """
                    INSERT INTO township_change (actor, action, name, origin, vkey)
                    VALUES (\(actor), 'added', \(township.name), \(township.origin), \(vkey))
                    """, logger: logger
                )
                return CountyTownshipView(name: township.name, origin: township.origin, vkey: vkey, addedAt: addedAt, addedBy: actor)
            }
        } catch where CountyDatabase.isUniqueViolation(error) {
            // Another admin added the same origin or name between our check and our insert.
            throw SealError(.townshipExists, "a township with origin \(township.origin) or name \(township.name) was added meanwhile")
        }
    }

    /// Adds the configuration's townships that are not there yet. One whose origin is known with another key or name
    /// is refused: changing a township's key is a decision for a county admin, not a side effect of a config edit.
    public func addConfigured(_ townships: [TownshipEntry]) async throws -> [String] {
        var added: [String] = []
        let known = try await self.townships()
        for township in townships {
            if let existing = known.first(where: { $0.origin == township.origin }) {
                guard existing.vkey == township.verifier.vkey, existing.name == township.name else {
                    throw SealError(
                        .townshipExists,
                        "[[township]] \(township.origin): the database has it as \(existing.name) with key \(existing.vkey); the configuration disagrees"
                    )
                }
                continue
            }
            do {
                _ = try await addTownship(township, actor: "config")
                added.append(township.origin)
            } catch let error as SealError where error.code == .townshipExists {
                // Another sealcountyd on this database, starting with the same configuration, added it first.
                let now = try await self.townships().first { $0.origin == township.origin }
                guard now?.vkey == township.verifier.vkey, now?.name == township.name else { throw error }
            }
        }
        return added
    }

    public func townships() async throws -> [CountyTownshipView] {
        let rows = try await client.query("SELECT name, origin, vkey, added_at, added_by FROM township ORDER BY name", logger: logger)
        var out: [CountyTownshipView] = []
        for try await (name, origin, vkey, addedAt, addedBy) in rows.decode((String, String, String, Date, String).self) {
            out.append(CountyTownshipView(name: name, origin: origin, vkey: vkey, addedAt: addedAt, addedBy: addedBy))
        }
        return out
    }

    public func townshipChanges() async throws -> [TownshipChangeView] {
        let rows = try await client.query("SELECT id, time, actor, action, name, origin, vkey FROM township_change ORDER BY id", logger: logger)
        var out: [TownshipChangeView] = []
        for try await (id, time, actor, action, name, origin, vkey) in rows.decode((Int, Date, String, String, String, String, String).self) {
            out.append(TownshipChangeView(id: id, time: time, actor: actor, action: action, name: name, origin: origin, vkey: vkey))
        }
        return out
    }

    // MARK: The witness

    /// What the witness holds for an origin: the township's key and the checkpoint it last cosigned.
    public struct WitnessRecord: Sendable {
        public var name: String
        public var verifier: NoteVerifier
        public var size: Int
        public var root: TreeHash?
        public var checkpoint: String?
    }

    public func witnessRecord(origin: String) async throws -> WitnessRecord? {
        let rows = try await client.query(
            """
            SELECT t.name, t.vkey, w.size, w.root, w.checkpoint
            FROM township t JOIN witness_state w USING (origin) WHERE t.origin = \(origin)
            """, logger: logger
        )
        for try await (name, vkey, size, root, checkpoint) in rows.decode((String, String, Int, Data?, String?).self) {
            guard let verifier = NoteVerifier(vkey: vkey) else {
                throw SealError(.internalError, "the stored key of \(origin) does not parse")
            }
            return WitnessRecord(name: name, verifier: verifier, size: size, root: root.flatMap { TreeHash(bytes: Array($0)) }, checkpoint: checkpoint)
        }
        return nil
    }

    /// Moves the origin's cosigned checkpoint from `oldSize` to `checkpoint`, only if it is still at `oldSize`: the
    /// compare-and-swap tlog-witness requires. In READ COMMITTED a concurrent UPDATE of the row waits and then
    /// re-checks `size = old`, so of two racing witnesses exactly one moves it. False when another got there first.
    public func advance(origin: String, from oldSize: Int, to checkpoint: Checkpoint, note: String) async throws -> Bool {
        let rows = try await client.query(
            """
            UPDATE witness_state SET size = \(checkpoint.size), root = \(Data(checkpoint.root.bytes)), checkpoint = \(note),
                cosigned_at = now(), seen_size = GREATEST(seen_size, \(checkpoint.size)), last_contact = now(), last_refusal = NULL
            WHERE origin = \(origin) AND size = \(oldSize)
            RETURNING size
            """, logger: logger
        )
        var changed = false
        for try await _ in rows { changed = true }
        return changed
    }

    /// Records a contact that did not move the witness: the same checkpoint cosigned again, or a refusal.
    public func touch(origin: String, seenSize: Int, refusal: String?) async throws {
        try await client.query(
            """
            UPDATE witness_state SET last_contact = now(), seen_size = GREATEST(seen_size, \(seenSize)), last_refusal = \(refusal)
            WHERE origin = \(origin)
            """, logger: logger
        )
    }

    /// Keeps two validly signed, contradicting checkpoints of one origin (once per pair).
    public func recordFork(origin: String, reason: String, cosigned: String, conflicting: String, oldSize: Int, proof: [TreeHash]) async throws {
        let proofText = proof.map(\.base64).joined(separator: "\n")
        try await client.query(
            """
            INSERT INTO fork_evidence (origin, reason, cosigned_checkpoint, conflicting_checkpoint, old_size, proof)
            VALUES (\(origin), \(reason), \(cosigned), \(conflicting), \(oldSize), \(proofText))
            ON CONFLICT DO NOTHING
            """, logger: logger
        )
    }

    public func forks() async throws -> [ForkEvidenceView] {
        let rows = try await client.query(
            """
            SELECT f.id, t.name, f.origin, f.detected_at, f.reason, f.cosigned_checkpoint, f.conflicting_checkpoint, f.old_size, f.proof
            FROM fork_evidence f JOIN township t USING (origin) ORDER BY f.id
            """, logger: logger
        )
        var out: [ForkEvidenceView] = []
        for try await (id, name, origin, detectedAt, reason, cosigned, conflicting, oldSize, proof)
            in rows.decode((Int, String, String, Date, String, String, String, Int, String).self)
        {
            out.append(ForkEvidenceView(
                id: id, township: name, origin: origin, detectedAt: detectedAt, reason: reason, cosignedCheckpoint: cosigned,
                conflictingCheckpoint: conflicting, oldSize: oldSize, proof: proof.split(separator: "\n").map(String.init)
            ))
        }
        return out
    }

    public func witnessViews() async throws -> [TownshipWitnessView] {
        let rows = try await client.query(
            """
            SELECT t.name, t.origin, w.size, w.cosigned_at, w.seen_size, w.last_contact, w.last_refusal,
                (SELECT count(*) FROM fork_evidence f WHERE f.origin = t.origin), m.size, m.mirrored_at
            FROM township t JOIN witness_state w USING (origin) JOIN mirror_state m USING (origin) ORDER BY t.name
            """, logger: logger
        )
        var out: [TownshipWitnessView] = []
        for try await (name, origin, size, cosignedAt, seen, lastContact, refusal, forks, mirrored, mirroredAt)
            in rows.decode((String, String, Int, Date?, Int, Date?, String?, Int, Int, Date?).self)
        {
            out.append(TownshipWitnessView(
                name: name, origin: origin, cosignedSize: size, cosignedAt: cosignedAt, seenSize: seen, lag: max(0, seen - size),
                lastContact: lastContact, lastRefusal: refusal, forks: forks, mirroredSize: mirrored, mirroredAt: mirroredAt
            ))
        }
        return out
    }
}
