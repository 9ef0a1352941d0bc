import Foundation
import Logging
import NIOCore
import PostgresNIO
import SealBook
import SealCore

/// The county mirror (C2SP tlog-mirror semantics): stores each township's journal entries once they are proven
/// against the checkpoint the witness holds for it, and projects them into the county's registry tables with the
/// township's own projection. The pending checkpoint is the witness's: a township's add-checkpoint to the witness
/// is the mirror's add-checkpoint too.
///
/// Each package is one PostgreSQL transaction: the origin's mirror row locked, the package's leaves appended to the
/// stored frontier and the root checked against the checkpoint with the package's proof, the entries copied in
/// (`COPY`), projected, and the frontier moved on. So nothing unproven is stored, an interrupted upload keeps every
/// package that was committed, and two uploads of the same range store it once.
public struct Mirror: Sendable {
    public let store: CountyStore
    /// The mirror's own cosigner (not the witness's key: the spec keeps the two statements apart).
    public let key: CosignerKey
    /// The witness's key, to cosign the checkpoint a restored register starts from (the witness cosigned a tree it
    /// extends, so its statement holds for it).
    public let witnessKey: CosignerKey
    let logger: Logger

    public init(store: CountyStore, key: CosignerKey, witnessKey: CosignerKey, logger: Logger) {
        self.store = store
        self.key = key
        self.witnessKey = witnessKey
        self.logger = logger
    }

    /// A restore request's answer: the head (checkpoint and the witness's cosignature) as the first line, then up to
    /// `limit` entries from `start`, one per line; or a refusal in the protocol's plain text.
    public func restore(body: [UInt8], start: Int, limit: Int) async throws -> (head: RestoreHead, entries: [String])? {
        guard let text = String(validating: body, as: UTF8.self), let note = SignedNote(parsing: text),
            let request = RestoreRequest.parse(note.text), let record = try await store.witnessRecord(origin: request.origin),
            record.verifier.verify(note), abs(Date().timeIntervalSince1970 - TimeInterval(request.time)) <= RestoreRequest.window
        else { return nil }
        guard let state = try await store.mirrorState(origin: request.origin), let checkpoint = state.checkpoint,
            let signed = SignedNote(parsing: checkpoint)
        else {
            return (RestoreHead(origin: request.origin, size: 0, checkpoint: "", cosignature: nil, witness: nil), [])
        }
        let cosignature = try witnessKey.cosign(noteText: signed.text, time: UInt64(Date().timeIntervalSince1970))
        logger.notice("restore: entries sent to the township", metadata: ["origin": "\(request.origin)", "start": "\(start)", "size": "\(state.size)"])
        return (
            RestoreHead(origin: request.origin, size: state.size, checkpoint: checkpoint, cosignature: cosignature.line, witness: witnessKey.name),
            try await store.journalEntries(origin: request.origin, after: start, through: min(state.size, start + limit))
        )
    }

    public func addEntries(body: [UInt8]) async throws -> ProtocolAnswer {
        var reader = AddEntriesReader(body)
        do {
            try reader.readHeader()
        } catch {
            return .text(400, "malformed add-entries request: \(error)")
        }
        let origin = reader.origin
        guard let witness = try await store.witnessRecord(origin: origin), let state = try await store.mirrorState(origin: origin) else {
            return .text(404, "unknown log origin \"\(origin)\"")
        }
        // The checkpoint the upload is proven against: the pending one (the witness's), or the mirror's own.
        let target: (root: TreeHash, note: String)
        if reader.end == witness.size, let root = witness.root, let note = witness.checkpoint, reader.end >= state.size {
            target = (root, note)
        } else if reader.end == state.size, let root = state.root, let note = state.checkpoint {
            target = (root, note)
        } else {
            return .info(MirrorInfo(pendingSize: witness.size, next: state.next))
        }
        guard reader.start == state.next || (reader.start == reader.end && reader.end <= state.next) else {
            return .info(MirrorInfo(pendingSize: reader.end, next: state.next))
        }
        var stored = 0
        var next = state.next
        while let range = reader.nextRange {
            let package: AddEntriesRequest.EntryPackage?
            do {
                package = try reader.readPackage()
            } catch {
                return stored > 0 ? .accepted(MirrorInfo(pendingSize: reader.end, next: next)) : .text(400, "\(error)")
            }
            guard let package else { break }
            switch try await store.storePackage(origin: origin, range: range, package: package, end: reader.end, root: target.root, logger: logger) {
            case .stored(let now):
                stored += 1
                next = now
            case .skipped(let now):
                next = now
            case .elsewhere(let now):
                return .info(MirrorInfo(pendingSize: reader.end, next: now))
            case .unproven(let why):
                logger.warning("add-entries: a package does not verify", metadata: ["origin": "\(origin)", "range": "\(range)", "why": "\(why)"])
                return .text(422, why)
            }
        }
        if reader.hasTrailingBytes, stored == 0 { return .text(400, "bytes after the last package of [\(reader.start), \(reader.end))") }
        guard next >= reader.end else {
            if stored == 0 && reader.start < reader.end {
                return .text(400, "no complete entry package in the body")
            }
            return .accepted(MirrorInfo(pendingSize: reader.end, next: next))
        }
        guard try await store.commitMirror(origin: origin, size: reader.end, root: target.root, checkpoint: target.note) else {
            let now = try await store.mirrorState(origin: origin)
            return .info(MirrorInfo(pendingSize: witness.size, next: now?.next ?? next))
        }
        guard let note = SignedNote(parsing: target.note) else { return .text(500, "the stored checkpoint is not a signed note") }
        let signature = try key.cosign(noteText: note.text, time: UInt64(Date().timeIntervalSince1970))
        return ProtocolAnswer(status: 200, contentType: "text/plain; charset=utf-8", body: signature.line)
    }
}

/// An answer in a tlog protocol's own terms: status, content type, body (the witness's and the mirror's).
public struct ProtocolAnswer: Sendable, Equatable {
    public var status: Int
    public var contentType: String
    public var body: String

    public init(status: Int, contentType: String, body: String) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    static func text(_ status: Int, _ message: String) -> ProtocolAnswer {
        ProtocolAnswer(status: status, contentType: "text/plain; charset=utf-8", body: message + "\n")
    }
    static func size(_ size: Int) -> ProtocolAnswer { ProtocolAnswer(status: 409, contentType: "text/x.tlog.size", body: "\(size)\n") }
    static func info(_ info: MirrorInfo) -> ProtocolAnswer { ProtocolAnswer(status: 409, contentType: MirrorInfo.contentType, body: info.body) }
    static func accepted(_ info: MirrorInfo) -> ProtocolAnswer { ProtocolAnswer(status: 202, contentType: MirrorInfo.contentType, body: info.body) }
}
