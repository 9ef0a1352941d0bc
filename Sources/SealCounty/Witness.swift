import Foundation
import Logging
import SealBook
import SealCore

/// The witness of C2SP tlog-witness v1.0.0: checks an add-checkpoint request against the township's key and the
/// checkpoint it last cosigned, persists the new one with a compare-and-swap, and cosigns it.
///
/// One choice the spec leaves open: a checkpoint of the cosigned size with another root answers 409 (v1.0.0's
/// text), with the cosigned size as body, and is kept as fork evidence like a failing proof (422). A checkpoint
/// smaller than the cosigned one (a township running an older copy) answers 409 as the spec says and is kept too.
public struct Witness: Sendable {
    public let store: CountyStore
    public let key: CosignerKey
    let logger: Logger

    public init(store: CountyStore, key: CosignerKey, logger: Logger) {
        self.store = store
        self.key = key
        self.logger = logger
    }

    public func addCheckpoint(body: [UInt8]) async throws -> ProtocolAnswer {
        let request: AddCheckpointRequest
        do {
            request = try AddCheckpointRequest(parsing: body)
        } catch {
            return .text(400, "malformed add-checkpoint request: \(error)")
        }
        guard let note = SignedNote(parsing: request.checkpoint) else {
            return .text(400, "the checkpoint is not a signed note")
        }
        let origin = String(note.text.prefix { $0 != "\n" })
        guard let record = try await store.witnessRecord(origin: origin) else {
            return .text(404, "unknown log origin \"\(origin)\"")
        }
        // Signatures by keys other than the township's are ignored, as the spec asks.
        guard record.verifier.verify(note) else {
            try await store.touch(origin: origin, seenSize: 0, refusal: "403 no valid signature by the township's key")
            return .text(403, "no signature by a trusted key of \(origin)")
        }
        guard let checkpoint = Checkpoint(noteText: note.text), checkpoint.origin == origin else {
            return .text(400, "the signed note is not a checkpoint (origin, size, base64 root)")
        }
        let stored = record.root.map { (size: record.size, root: $0) }
        let verdict = WitnessVerdict.judge(request: request, checkpoint: checkpoint, stored: stored)
        var log = logger
        log[metadataKey: "origin"] = "\(origin)"
        switch verdict {
        case .oldAfterNew:
            return .text(400, "old size \(request.oldSize) is larger than the checkpoint's size \(checkpoint.size)")
        case .conflict(let storedSize):
            if checkpoint.size < storedSize, let cosigned = record.checkpoint {
                // A validly signed tree head older than one already cosigned: the township runs an older copy of its
                // register (a restored state directory). Kept, like a fork, as evidence.
                log.warning("rollback: a checkpoint smaller than the cosigned one", metadata: ["size": "\(checkpoint.size)", "cosigned": "\(storedSize)"])
                try await store.recordFork(
                    origin: origin, reason: "rolled-back", cosigned: cosigned, conflicting: request.checkpoint, oldSize: request.oldSize,
                    proof: request.proof
                )
            }
            try await store.touch(origin: origin, seenSize: checkpoint.size, refusal: "409 old size \(request.oldSize), cosigned \(storedSize)")
            return .size(storedSize)
        case .sameSizeOtherRoot(let storedSize):
            log.warning("fork: a checkpoint of the cosigned size with another root", metadata: ["size": "\(storedSize)"])
            try await store.recordFork(
                origin: origin, reason: "same-size-other-root", cosigned: record.checkpoint ?? "", conflicting: request.checkpoint,
                oldSize: request.oldSize, proof: request.proof
            )
            try await store.touch(origin: origin, seenSize: checkpoint.size, refusal: "409 size \(storedSize) with another root (fork)")
            return .size(storedSize)
        case .badProof:
            if let cosigned = record.checkpoint, record.size > 0 {
                log.warning("fork: the consistency proof does not verify", metadata: ["old": "\(request.oldSize)", "new": "\(checkpoint.size)"])
                try await store.recordFork(
                    origin: origin, reason: "inconsistent-proof", cosigned: cosigned, conflicting: request.checkpoint,
                    oldSize: request.oldSize, proof: request.proof
                )
            }
            try await store.touch(origin: origin, seenSize: checkpoint.size, refusal: "422 consistency proof from \(request.oldSize) to \(checkpoint.size) does not verify")
            return .text(422, "the consistency proof from \(request.oldSize) to \(checkpoint.size) does not verify")
        case .cosign:
            if checkpoint.size == record.size && record.root != nil {
                try await store.touch(origin: origin, seenSize: checkpoint.size, refusal: nil)
            } else if try await !store.advance(origin: origin, from: request.oldSize, to: checkpoint, note: request.checkpoint) {
                // Another witness process moved it between our read and our update: answer as if we had read theirs.
                let now = try await store.witnessRecord(origin: origin)?.size ?? 0
                return .size(now)
            } else {
                log.debug("cosigned", metadata: ["size": "\(checkpoint.size)"])
            }
            let signature = try key.cosign(noteText: note.text, time: UInt64(Date().timeIntervalSince1970))
            return ProtocolAnswer(status: 200, contentType: "text/plain; charset=utf-8", body: signature.line)
        }
    }
}
