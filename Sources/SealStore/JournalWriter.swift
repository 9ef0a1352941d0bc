import Foundation
import GRDB
import Logging
import SealBook
import SealCore

/// The single writer of the register. Concurrent writes queue here and are committed together, one transaction
/// per batch (group commit), each in its own savepoint so one refusal does not undo the others. Nothing is
/// acknowledged before the batch's transaction has committed with `synchronous=FULL`; a failed commit fails
/// every write in the batch and leaves nothing behind.
public actor JournalWriter {
    /// What a write does inside the transaction: check, change the tables, and say what to journal.
    public typealias Operation<T> = @Sendable (Database, Date) throws -> (T, [JournalRecord])

    private final class Pending: @unchecked Sendable {
        let actor: JournalActor
        let apply: (Database, Date, JournalActor, String) throws -> Void
        let finish: (Result<Void, any Error>) -> Void
        init(actor: JournalActor, apply: @escaping (Database, Date, JournalActor, String) throws -> Void,
             finish: @escaping (Result<Void, any Error>) -> Void) {
            self.actor = actor
            self.apply = apply
            self.finish = finish
        }
    }

    private let pool: DatabasePool
    private let signer: NoteSigner
    private let logger: Logger
    private var queue: [Pending] = []
    private var draining = false
    /// Set at start-up when the stored journal does not match its signed checkpoints; then every write is refused.
    public private(set) var tamper: TamperReport?
    private var sizeWatchers: [(Int, CheckedContinuation<Void, Never>)] = []
    public private(set) var committedSize: Int
    /// Batches committed and the writes they held, for metrics and tests of group commit.
    public private(set) var batches = 0
    public private(set) var batchedWrites = 0

    init(pool: DatabasePool, signer: NoteSigner, logger: Logger, tamper: TamperReport?, size: Int) {
        self.pool = pool
        self.signer = signer
        self.logger = logger
        self.tamper = tamper
        self.committedSize = size
    }

    /// Runs `operation` in the next batch and returns its result once the batch is durable.
    public func write<T: Sendable>(actor: JournalActor, _ operation: @escaping Operation<T>) async throws -> T {
        if let tamper {
            throw SealError(
                .journalTampered, .unavailable,
                "the journal does not match its signed checkpoint (first bad entry: \(tamper.firstBadSequence)); writes are refused until an operator restores the register"
            )
        }
        return try await withCheckedThrowingContinuation { continuation in
            nonisolated(unsafe) var result: T?
            let pending = Pending(
                actor: actor,
                apply: { db, now, actor, time in
                    let (value, records) = try operation(db, now)
                    for record in records {
                        try JournalAppender.append(record, actor: actor, time: time, db: db)
                    }
                    result = value
                },
                finish: { outcome in
                    switch outcome {
                    case .success: continuation.resume(returning: result!)
                    case .failure(let error): continuation.resume(throwing: error)
                    }
                }
            )
            queue.append(pending)
            if !draining {
                draining = true
                Task { await self.drain() }
            }
        }
    }

    private var stopping = false
    public var isStopping: Bool { stopping }

    /// Ends every pending and future wait at once: shutdown must not be held up by long polls.
    public func stopWaiting() {
        stopping = true
        releaseWatchers(force: true)
    }

    /// Waits until the journal holds more than `size` entries, `timeout` passes, or the daemon stops.
    public func waitForGrowth(beyond size: Int, timeout: Duration) async {
        if committedSize > size || stopping { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.registerWatcher(size) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
            self.releaseWatchers(force: true)
        }
    }

    private func registerWatcher(_ size: Int) async {
        if committedSize > size || stopping { return }
        await withCheckedContinuation { sizeWatchers.append((size, $0)) }
    }

    private func releaseWatchers(force: Bool) {
        var keep: [(Int, CheckedContinuation<Void, Never>)] = []
        for (size, continuation) in sizeWatchers {
            if force || committedSize > size { continuation.resume() } else { keep.append((size, continuation)) }
        }
        sizeWatchers = keep
    }

    private func drain() async {
        while !queue.isEmpty {
            let batch = queue
            queue.removeAll()
            await commit(batch)
        }
        draining = false
    }

    private func commit(_ batch: [Pending]) async {
        let signer = self.signer
        let now = Date()
        let time = JournalClock.timestamp(now)
        do {
            let (size, outcomes) = try await pool.write { db -> (Int, [Result<Void, any Error>]) in
                var outcomes: [Result<Void, any Error>] = []
                let before = try JournalAppender.size(db)
                for pending in batch {
                    do {
                        try db.inSavepoint {
                            try pending.apply(db, now, pending.actor, time)
                            return .commit
                        }
                        outcomes.append(.success(()))
                    } catch let error as SealError {
                        outcomes.append(.failure(error))
                    } catch let error as DatabaseError where Self.isStorageFailure(error) {
                        throw error
                    } catch {
                        outcomes.append(.failure(error))
                    }
                }
                let after = try JournalAppender.size(db)
                if after > before { _ = try JournalAppender.checkpoint(signer: signer, time: time, db: db) }
                return (after, outcomes)
            }
            committedSize = size
            batches += 1
            batchedWrites += batch.count
            for (pending, outcome) in zip(batch, outcomes) { pending.finish(outcome) }
            releaseWatchers(force: false)
        } catch {
            logger.error("journal commit failed; the batch was not written", metadata: ["error": "\(error)", "writes": "\(batch.count)"])
            let refusal = SealError(
                .storageUnavailable, .unavailable,
                "the register cannot be written (\(Self.describe(error))); nothing was recorded, reads still work"
            )
            for pending in batch { pending.finish(.failure(refusal)) }
        }
    }

    static func isStorageFailure(_ error: DatabaseError) -> Bool {
        [.SQLITE_FULL, .SQLITE_IOERR, .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_CORRUPT, .SQLITE_NOTADB]
            .contains(error.resultCode)
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_FULL: return "disk full"
            case .SQLITE_READONLY: return "read-only"
            case .SQLITE_IOERR: return "I/O error"
            default: return error.message ?? "\(error.resultCode)"
            }
        }
        return "\(error)"
    }
}
