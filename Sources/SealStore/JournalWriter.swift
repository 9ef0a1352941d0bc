import Foundation
import GRDB
import Logging
import SealBook
import SealCore
import SealWire
import ServiceLifecycle

/// The single writer of the register. Concurrent writes queue here and are committed together, one transaction
/// per batch (group commit), each in its own savepoint so one refusal does not undo the others. Nothing is
/// acknowledged before the batch's transaction has committed with `synchronous=FULL`; a failed commit fails
/// every write in the batch and leaves nothing behind.
///
/// Batches are committed by `run()`, a service in the daemon's `ServiceGroup` (started first, stopped last, after
/// the server has drained): at graceful shutdown it commits what is queued and refuses what comes later.
public actor JournalWriter: Service {
    /// What a write does inside the batch's transaction: read the facts, check the rules, record its events (each
    /// journaled and projected onto the tables at once, `JournalTransaction.record`) and answer.
    public typealias Operation<T> = @Sendable (JournalTransaction) throws -> T

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

    private let database: RegistryDatabase
    private let signer: NoteSigner
    private let logger: Logger
    private var queue: [Pending] = []
    /// Wakes `run()` when writes are queued; one buffered wake-up covers any number of writes.
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    /// Set once `run()` has ended: later writes are refused instead of waiting for a batch that never comes.
    private var closed = false
    /// Set by the start-up check when the stored journal does not match its signed checkpoint; then every write is
    /// refused.
    public private(set) var tamper: TamperReport?
    /// Set by the start-up check when a registry table does not match what the daemon wrote (`RowSeals`); then
    /// every write is refused with `register-tampered`.
    public private(set) var tableTamper: TableTamper?
    /// True once the start-up check has run. Until then the daemon serves reads and holds writes: start-up does not
    /// wait for a pass over the whole journal.
    public private(set) var isVerified = false
    private let verifier: NoteVerifier
    /// Set when the county witness shows this register is not the one it cosigned (`register-rolled-back`,
    /// `register-forked`): every write is refused from then on, until an operator sorts it out and restarts.
    public private(set) var halted: SealError?

    /// What `status` says of the journal: `verifying` until the start-up check ends, then `verified` or `tampered: …`.
    public var integrity: String {
        if let tamper { return "tampered: \(tamper)" }
        if let tableTamper { return "tampered: \(tableTamper)" }
        if let halted { return "\(halted.code): \(halted.message)" }
        return isVerified ? "verified" : "verifying"
    }
    private var sizeWatchers: [(Int, CheckedContinuation<Void, Never>)] = []
    public private(set) var committedSize: Int
    /// Batches committed and the writes they held, for metrics and tests of group commit.
    public private(set) var batches = 0
    public private(set) var batchedWrites = 0
    /// Writes waiting for the next batch (tests queue a batch before the writer runs).
    var queuedWrites: Int { queue.count }

    /// Set when a commit failed for a storage reason: the next batch first replaces the connections and checks the
    /// journal they see (see `RegistryDatabase.reopen()`).
    private var faulted = false
    /// Observe every batch (metrics, the county witness client); called on the writer, so they must be quick.
    private var observers: [@Sendable (BatchOutcome) -> Void] = []

    /// What one batch did: how many writes, how long the durable commit took, whether storage failed.
    public struct BatchOutcome: Sendable {
        public var writes: Int
        public var seconds: Double
        public var storageFailed: Bool
        public var journalSize: Int
    }

    init(database: RegistryDatabase, signer: NoteSigner, logger: Logger, size: Int) {
        self.database = database
        self.signer = signer
        self.verifier = signer.verifier
        self.logger = logger
        self.committedSize = size
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Commits queued writes batch by batch until graceful shutdown (or cancellation), then the last of them.
    public func run() async {
        // The journal is checked first; writes queued meanwhile wait for it (a failure is retried by the next batch).
        _ = try? await verifyJournal()
        for await _ in wakeups.cancelOnGracefulShutdown() {
            await drain()
        }
        closed = true
        await drain()
    }

    /// Runs `operation` in the next batch and returns its result once the batch is durable.
    public func write<T: Sendable>(actor: JournalActor, _ operation: @escaping Operation<T>) async throws -> T {
        if let tamper { throw Self.tamperedRefusal(tamper) }
        if let tableTamper { throw Self.tamperedRefusal(tableTamper) }
        if let halted { throw halted }
        if closed { throw SealError(.storageUnavailable, "the register is closing: nothing was recorded") }
        return try await withCheckedThrowingContinuation { continuation in
            nonisolated(unsafe) var result: T?
            let pending = Pending(
                actor: actor,
                apply: { db, now, actor, time in
                    result = try operation(JournalTransaction(db: db, now: now, time: time, actor: actor))
                },
                finish: { outcome in
                    switch outcome {
                    case .success: continuation.resume(returning: result!)
                    case .failure(let error): continuation.resume(throwing: error)
                    }
                }
            )
            queue.append(pending)
            wake.yield()
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

    /// The start-up check (`JournalVerifier`), run once: every entry against its leaf and the latest signed
    /// checkpoint. Returns what it found; later calls return the first answer.
    @discardableResult
    public func verifyJournal() async throws -> TamperReport? {
        if isVerified { return tamper }
        let check = try await runChecks()
        if isVerified { return tamper }
        isVerified = true
        return check.journal
    }

    /// Runs both checks again now (`sealctl book check`). What they find refuses writes from then on, as at start-up.
    public func recheck() async throws -> RegisterCheckView {
        let check = try await runChecks()
        return RegisterCheckView(
            entries: check.entries, journal: check.journal.map { "tampered: \($0)" } ?? "verified",
            tables: check.tables.map { "tampered: \($0)" } ?? "verified", checkedTables: RowSeals.tables, seconds: check.seconds
        )
    }

    /// The journal and the tables checked side by side, on two read connections; what is found is kept (the first
    /// finding of each kind) and refuses writes from then on.
    private func runChecks() async throws -> (journal: TamperReport?, tables: TableTamper?, entries: Int, seconds: Double) {
        let verifier = self.verifier
        let rowKey = database.rowKey
        let started = ContinuousClock.now
        async let journalCheck = database.pool.read { db in
            (try JournalVerifier.verify(db, verifier: verifier), try JournalAppender.size(db), Self.seconds(since: started))
        }
        async let tableCheck = database.pool.read { db in (try RowSeals.check(db, key: rowKey), Self.seconds(since: started)) }
        let (report, size, journalSeconds) = try await journalCheck
        let (tables, tableSeconds) = try await tableCheck
        let seconds = Self.seconds(since: started)
        if let report, tamper == nil {
            tamper = report
            logger.critical(
                "journal check failed: writes refused",
                metadata: ["first_bad_sequence": "\(report.firstBadSequence)", "reason": "\(report.reason)", "seconds": "\(String(format: "%.2f", seconds))"]
            )
        }
        if let tables, tableTamper == nil {
            tableTamper = tables
            logger.critical("register table check failed: writes refused", metadata: ["table": "\(tables.table)", "row": "\(tables.row ?? "")", "change": "\(tables.change)"])
        }
        if report == nil, tables == nil {
            logger.info("journal and tables verified against the signed checkpoint", metadata: [
                "entries": "\(size)", "seconds": "\(String(format: "%.2f", seconds))", "journal_seconds": "\(String(format: "%.2f", journalSeconds))",
                "tables_seconds": "\(String(format: "%.2f", tableSeconds))",
            ])
        }
        return (report, tables, size, seconds)
    }

    private func drain() async {
        while !queue.isEmpty {
            let batch = queue
            queue.removeAll()
            await commit(batch)
        }
    }

    /// Adds an observer told of every batch.
    public func observe(_ observer: @escaping @Sendable (BatchOutcome) -> Void) {
        observers.append(observer)
    }

    /// Refuses every write from now on with `refusal` (the county witness found the register rolled back or forked).
    public func halt(_ refusal: SealError) {
        guard halted == nil else { return }
        halted = refusal
        logger.critical("writes refused", metadata: ["code": "\(refusal.code)", "reason": "\(refusal.message)"])
    }

    /// True while the last commit failed for a storage reason and no later one has succeeded.
    public var isFaulted: Bool { faulted }

    private func commit(_ batch: [Pending]) async {
        let signer = self.signer
        let rowKey = database.rowKey
        let now = Date()
        let time = JournalClock.timestamp(now)
        let started = ContinuousClock.now
        do {
            if faulted { try await recover() }
            if !isVerified { try await verifyJournal() }
            if let tamper { throw TamperedAfterFault(refusal: Self.tamperedRefusal(tamper)) }
            if let tableTamper { throw TamperedAfterFault(refusal: Self.tamperedRefusal(tableTamper)) }
            if let halted { throw TamperedAfterFault(refusal: halted) }
            // Each write's savepoint copied every page it changed (about twenty for a use) into SQLite's
            // sub-journal, a tenth of a use's cost. A refused write almost always fails before it changes a row, so
            // the batch first runs without savepoints; only when a write failed after changing rows is that attempt
            // rolled back whole and the batch run again with one savepoint per write. Nothing is answered before
            // the attempt that commits.
            func attempt(savepoints: Bool) async throws -> (Int, [Result<Void, any Error>]) {
                try await database.pool.write { db -> (Int, [Result<Void, any Error>]) in
                    let before = try JournalAppender.size(db)
                    let outcomes = try Self.apply(batch, db: db, now: now, time: time, savepoints: savepoints)
                    let after = try JournalAppender.size(db)
                    if after > before { _ = try JournalAppender.checkpoint(signer: signer, rowKey: rowKey, time: time, db: db) }
                    return (after, outcomes)
                }
            }
            let size: Int
            let outcomes: [Result<Void, any Error>]
            do {
                (size, outcomes) = try await attempt(savepoints: false)
            } catch is PartialWrite {
                (size, outcomes) = try await attempt(savepoints: true)
            }
            committedSize = size
            batches += 1
            batchedWrites += batch.count
            for (pending, outcome) in zip(batch, outcomes) { pending.finish(outcome) }
            releaseWatchers(force: false)
            let outcome = BatchOutcome(writes: batch.count, seconds: Self.seconds(since: started), storageFailed: false, journalSize: size)
            for observer in observers { observer(outcome) }
        } catch let error as TamperedAfterFault {
            for pending in batch { pending.finish(.failure(error.refusal)) }
        } catch {
            faulted = true
            logger.error("journal commit failed; the batch was not written", metadata: ["error": "\(error)", "writes": "\(batch.count)"])
            let refusal = SealError(
                .storageUnavailable,
                "the register cannot be written (\(Self.describe(error))); nothing was recorded, reads still work"
            )
            for pending in batch { pending.finish(.failure(refusal)) }
            let outcome = BatchOutcome(writes: batch.count, seconds: Self.seconds(since: started), storageFailed: true, journalSize: committedSize)
            for observer in observers { observer(outcome) }
        }
    }

    private struct TamperedAfterFault: Error {
        let refusal: SealError
    }

    /// A write failed after changing rows in an attempt without savepoints: the attempt must not commit.
    private struct PartialWrite: Error {}

    /// Runs each write of `batch`, in its own savepoint when `savepoints` is set; a write's failure is its own
    /// outcome, a storage failure ends the batch. Without savepoints, a write that fails after changing a row throws
    /// `PartialWrite` (its changes cannot be undone alone).
    private static func apply(_ batch: [Pending], db: Database, now: Date, time: String, savepoints: Bool) throws -> [Result<Void, any Error>] {
        var outcomes: [Result<Void, any Error>] = []
        outcomes.reserveCapacity(batch.count)
        for pending in batch {
            // A statement that fails is undone by SQLite and adds nothing here; only the write's completed
            // statements count.
            let changes = db.totalChangesCount
            do {
                if savepoints {
                    try db.inSavepoint {
                        try pending.apply(db, now, pending.actor, time)
                        return .commit
                    }
                } else {
                    try pending.apply(db, now, pending.actor, time)
                }
                outcomes.append(.success(()))
            } catch let error as DatabaseError where Self.isStorageFailure(error) {
                throw error
            } catch {
                if !savepoints && db.totalChangesCount != changes { throw PartialWrite() }
                outcomes.append(.failure(error))
            }
        }
        return outcomes
    }

    static func tamperedRefusal(_ report: TableTamper) -> SealError {
        SealError(
            .registerTampered,
            "the register's \(report); it was changed behind the daemon's back, so writes are refused until an operator restores the register"
        )
    }

    static func tamperedRefusal(_ report: TamperReport) -> SealError {
        SealError(
            .journalTampered,
            "the journal does not match its signed checkpoint (first bad entry: \(report.firstBadSequence)); writes are refused until an operator restores the register"
        )
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// After a storage failure: new connections, then proof that they see exactly the journal this writer last
    /// acknowledged (size, the last entry's leaf, the signed root), then one small durable write that must succeed.
    /// That write also overwrites whatever the failed commit left past the WAL's end, so a later restart cannot
    /// bring back a write that was answered `storage-unavailable`. Each batch tries once while the fault lasts: new
    /// connections cost a few milliseconds, and the first write after the fault clears goes through.
    private func recover() async throws {
        let pool = try await database.reopen()
        let expected = committedSize
        let verifier = signer.verifier
        let found: TamperReport? = try await pool.read { db in
            let size = try JournalAppender.size(db)
            guard size == expected else {
                return TamperReport(
                    firstBadSequence: min(size, expected) + 1,
                    reason: "after an I/O error the journal holds \(size) entries where \(expected) were acknowledged"
                )
            }
            guard size > 0 else { return nil }
            let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT entry, leaf_hash FROM journal WHERE seq = ?"), arguments: [size])
            let entry: String = row?["entry"] ?? ""
            let leaf: Data = row?["leaf_hash"] ?? Data()
            guard TreeHash.leaf(Array(entry.utf8)).bytes == Array(leaf) else {
                return TamperReport(firstBadSequence: size, reason: "after an I/O error the last entry does not hash to its leaf")
            }
            let note = try String.fetchOne(db.cachedStatement(sql: "SELECT note FROM checkpoint WHERE size = ?"), arguments: [size])
            let root = try MerkleTree(source: DatabaseMerkleNodes(db: db)).root(size: size)
            guard let note, let checkpoint = Checkpoint.open(note, verifier: verifier), checkpoint.root == root else {
                return TamperReport(firstBadSequence: size, reason: "after an I/O error the tree does not match the signed checkpoint")
            }
            return nil
        }
        if let found {
            logger.critical("journal changed under an I/O error: writes refused", metadata: ["report": "\(found)"])
            tamper = found
            throw TamperedAfterFault(refusal: Self.tamperedRefusal(found))
        }
        try await pool.write { db in
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO daemon_metadata(key, value) VALUES ('storage_recovered_at', ?)").execute(arguments: [JournalClock.timestamp()]
            )
        }
        faulted = false
        logger.notice("storage works again: new connections verified the journal", metadata: ["entries": "\(expected)"])
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

extension Register {
    /// Runs `body` with the writer committing batches meanwhile, for a register used outside the daemon's
    /// `ServiceGroup` (tests, tools); the writer stops when `body` returns.
    public func withWriter<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.writer.run() }
            defer { group.cancelAll() }
            return try await body()
        }
    }
}

/// One write inside a batch's transaction. The tables change only through `record`: the event is appended to the
/// journal and `RegisterProjection` applies it to the tables in the same transaction, so the tables are, by
/// construction, what the journal says.
public final class JournalTransaction {
    /// For the write's reads (facts for the rules, the answer after recording). Never written directly.
    public let db: Database
    /// The batch's time: every entry of the batch carries it.
    public let now: Date
    let time: String
    let actor: JournalActor

    init(db: Database, now: Date, time: String, actor: JournalActor) {
        self.db = db
        self.now = now
        self.time = time
        self.actor = actor
    }

    /// Journals `event` and applies it to the tables.
    public func record(_ event: JournalEvent, subject: String?) throws {
        try JournalAppender.append(try JournalRecord(event, subject: subject), actor: actor, time: time, db: db)
        try SQLiteProjection.apply(event, time: time, actor: actor, db: db)
    }
}
