import Foundation
import Logging
import NIOCore
import PostgresNIO
import SealBook
import SealCore

extension CountyStore {
    /// How far the county's copy of one township's journal reaches.
    public struct MirrorState: Sendable {
        /// Entries stored (the next one's index).
        public var next: Int
        /// The mirror checkpoint: every entry up to `size` is stored under it.
        public var size: Int
        public var root: TreeHash?
        public var checkpoint: String?
    }

    public func mirrorState(origin: String) async throws -> MirrorState? {
        let rows = try await client.query("SELECT next, size, root, checkpoint FROM mirror_state WHERE origin = \(origin)", logger: logger)
        for try await (next, size, root, checkpoint) in rows.decode((Int, Int, Data?, String?).self) {
            return MirrorState(next: next, size: size, root: root.flatMap { TreeHash(bytes: Array($0)) }, checkpoint: checkpoint)
        }
        return nil
    }

    enum PackageOutcome {
        /// Stored; the copy now reaches this far.
        case stored(Int)
        /// Already stored by another upload.
        case skipped(Int)
        /// The copy ends inside or before the package: the client resumes from there.
        case elsewhere(Int)
        case unproven(String)
    }

    struct Unprojectable: Error { let why: String }

    /// Stores one entry package if it extends the copy and is proven against the checkpoint of `end` entries with
    /// `root` (see `Mirror`). One transaction, the origin's row locked.
    func storePackage(
        origin: String, range: Range<Int>, package: AddEntriesRequest.EntryPackage, end: Int, root: TreeHash, logger: Logger
    ) async throws -> PackageOutcome {
        do {
            return try await database.transaction { connection in
                var next = 0
                var frontierBytes: [UInt8] = []
                let rows = try await connection.query("SELECT next, frontier FROM mirror_state WHERE origin = \(origin) FOR UPDATE", logger: logger)
                for try await (stored, frontier) in rows.decode((Int, ByteBuffer).self) {
                    next = stored
                    frontierBytes = Array(frontier.readableBytesView)
                }
                if next >= range.upperBound { return .skipped(next) }
                if next != range.lowerBound { return .elsewhere(next) }
                let hashes = stride(from: 0, to: frontierBytes.count, by: 32).compactMap { TreeHash(bytes: Array(frontierBytes[$0..<min($0 + 32, frontierBytes.count)])) }
                guard var frontier = MerkleFrontier(size: next, hashes: hashes) else {
                    throw SealError(.internalError, "the stored frontier of \(origin) does not match its size \(next)")
                }
                for entry in package.entries { frontier.append(TreeHash.leaf(entry)) }
                guard MerkleProof.verifyConsistency(firstSize: range.upperBound, secondSize: end, firstRoot: frontier.root, secondRoot: root, proof: package.proof) else {
                    return .unproven("entries [\(range.lowerBound), \(range.upperBound)) do not rebuild the checkpoint of \(end) entries with the package's proof")
                }
                var copyRows = ByteBuffer()
                let projection = PostgresProjection(origin: origin, connection: connection, logger: logger)
                for (offset, bytes) in package.entries.enumerated() {
                    let index = range.lowerBound + offset
                    guard let text = String(validating: bytes, as: UTF8.self), let json = try? JSONValue(parsing: text),
                        let entry = JournalEntry(json: json), entry.sequence == Int64(index + 1)
                    else { throw Unprojectable(why: "entry \(index + 1) is not a journal entry with sequence \(index + 1)") }
                    let event: JournalEvent
                    do {
                        guard let decoded = try JournalEvent(kind: entry.kind, payload: entry.payload) else {
                            throw Unprojectable(why: "entry \(index + 1): unknown kind \(entry.kind)")
                        }
                        event = decoded
                    } catch let error as Unprojectable {
                        throw error
                    } catch {
                        throw Unprojectable(why: "entry \(index + 1) (\(entry.kind)): \(error)")
                    }
                    let subject: String?
                    do {
                        subject = try await projection.apply(event, sequence: entry.sequence, time: entry.time, actor: entry.actor)
                    } catch let error as ProjectionError {
                        throw Unprojectable(why: "entry \(index + 1) (\(entry.kind)): \(error)")
                    }
                    Self.appendCopyRow([origin, String(index + 1), entry.time, entry.kind, subject, entry.actor.staff, text], to: &copyRows)
                }
                try await projection.flush()
                let copied = copyRows
                try await connection.copyFrom(table: "journal", columns: ["origin", "seq", "time", "kind", "subject", "actor_staff", "entry"], logger: logger) { writer in
                    try await writer.write(copied)
                }
                let now = frontier.size
                let frontierData = Data(frontier.hashes.flatMap(\.bytes))
                try await connection.query(
                    "UPDATE mirror_state SET next = \(now), frontier = \(frontierData), last_upload = now() WHERE origin = \(origin)", logger: logger
                )
                return .stored(now)
            }
        } catch let error as Unprojectable {
            return .unproven(error.why)
        } catch let error as PostgresTransactionError {
            if let unprojectable = error.closureError as? Unprojectable { return .unproven(unprojectable.why) }
            throw error
        }
    }

    /// One row in COPY's text format: values separated by tabs, `\N` for null, and backslash, tab, newline and
    /// carriage return escaped. Written byte by byte into the upload's buffer (a package's entries are a megabyte of
    /// text; building a string per field cost a tenth of ingestion's time in the daemon).
    static func appendCopyRow(_ values: [String?], to out: inout ByteBuffer) {
        for (i, value) in values.enumerated() {
            if i > 0 { out.writeInteger(UInt8(0x09)) }
            guard let value else {
                out.writeStaticString("\\N")
                continue
            }
            let utf8 = value.utf8
            if !utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
                out.writeString(value)
                continue
            }
            for byte in utf8 {
                switch byte {
                case 0x5C: out.writeStaticString("\\\\")
                case 0x09: out.writeStaticString("\\t")
                case 0x0A: out.writeStaticString("\\n")
                case 0x0D: out.writeStaticString("\\r")
                default: out.writeInteger(byte)
                }
            }
        }
        out.writeInteger(UInt8(0x0A))
    }

    /// Moves the mirror checkpoint to `size` once every entry up to it is stored (never back). False when it already
    /// holds a larger one.
    func commitMirror(origin: String, size: Int, root: TreeHash, checkpoint: String) async throws -> Bool {
        let rows = try await client.query(
            """
            UPDATE mirror_state SET size = \(size), root = \(Data(root.bytes)), checkpoint = \(checkpoint), mirrored_at = now()
            WHERE origin = \(origin) AND size <= \(size) AND next >= \(size)
            RETURNING size
            """, logger: logger
        )
        var changed = false
        for try await _ in rows { changed = true }
        return changed
    }

    /// The canonical entries `after+1 … through` of a township's copy, in order.
    func journalEntries(origin: String, after: Int, through: Int) async throws -> [String] {
        var out: [String] = []
        let rows = try await client.query("SELECT entry FROM journal WHERE origin = \(origin) AND seq > \(after) AND seq <= \(through) ORDER BY seq", logger: logger)
        for try await (entry) in rows.decode(String.self) { out.append(entry) }
        return out
    }
}
