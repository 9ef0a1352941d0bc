import Hummingbird
import SealBook
import SealCore
import SealWire
import SealStore

/// The journal and its proofs: `/v1/events` and `/v1/book/check` (inspector or admin), `/v1/book/checkpoint`,
/// `/v1/book/key` and `/v1/book/proof` (any role).
struct JournalRoutes {
    let register: Register

    func addRoutes(to router: Router<SealRequestContext>) {
        router.get("/v1/events") { request, context in
            _ = try context.caller(requiring: .inspector, .admin)
            let since = try request.queryInt("since", default: 0, in: 0...Int.max)!
            let limit = try request.queryInt("limit", default: 1000, in: 1...10000)!
            let wait = try request.queryInt("wait", default: 0, in: 0...60)!
            let kind = request.query("kind")
            // A kind this build writes answers even before its first entry (a follower waits for it); any other
            // kind only when the journal holds it (written by another build). Else it is a typo, not an empty list.
            if let kind, !JournalEvent.namesKnownKind(kind), try await !register.hasEntries(kind: kind) {
                throw SealError(
                    .invalidField,
                    "kind \"\(kind)\": no such kind; give a kind or a prefix ending in \".\" (\"use.\"): \(JournalEvent.kinds.joined(separator: ", "))"
                )
            }
            var events = try await register.events(since: since, kind: kind, limit: limit)
            // Long poll: with `wait`, an empty answer waits for the journal to grow (sealctl events --follow).
            var deadline = ContinuousClock.now + .seconds(wait)
            while events.isEmpty && wait > 0 && ContinuousClock.now < deadline {
                let size = try await register.journalSize()
                await register.writer.waitForGrowth(beyond: max(size, since), timeout: deadline - ContinuousClock.now)
                events = try await register.events(since: since, kind: kind, limit: limit)
                let stopping = await register.writer.isStopping
                if Task.isCancelled || stopping { deadline = .now }
            }
            return EventListView(events)
        }
        router.get("/v1/book/checkpoint") { _, context in
            _ = try context.requireCaller()
            guard let checkpoint = try await register.latestCheckpoint() else {
                throw SealError(.notFound, "the journal is empty: no checkpoint yet")
            }
            return checkpoint
        }
        router.get("/v1/book/check") { _, context in
            _ = try context.caller(requiring: .inspector, .admin)
            return try await register.writer.recheck()
        }
        router.get("/v1/book/key") { _, context in
            _ = try context.requireCaller()
            let v = register.verifier
            return KeyView(
                origin: register.origin, vkey: v.vkey, publicKey: v.publicKey.rawRepresentation.base64EncodedString(),
                fingerprint: v.fingerprint
            )
        }
        router.get("/v1/book/proof") { request, context in
            _ = try context.requireCaller()
            if let index = try request.queryInt("index") {
                let size = try request.queryInt("size", default: try await register.journalSize())!
                return try await register.inclusionProof(index: index, size: size)
            }
            if let from = try request.queryInt("from"), let to = try request.queryInt("to") {
                return try await register.consistencyProof(from: from, to: to)
            }
            throw SealError(.invalidField, "give index (and size) for an inclusion proof, or from and to for a consistency proof")
        }
    }
}

