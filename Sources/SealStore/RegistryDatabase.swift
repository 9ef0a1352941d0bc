import Dispatch
import Crypto
import Foundation
import GRDB
import SealCore
import SealWire
import Synchronization

/// The daemon's SQLite database (`registry.sqlite` in the state directory), opened through GRDB in WAL mode with
/// `synchronous=FULL`, so that a committed transaction survives power loss before the daemon acknowledges it.
///
/// After an I/O error the connections are replaced, never reused (see `reopen()`): that is why the pool sits
/// behind a lock instead of in a constant.
public final class RegistryDatabase: Sendable {
    public let url: URL
    /// The pool, and the watch on its `staff` table for `staffDirectory`.
    private let current: Mutex<(pool: DatabasePool, staffWatch: AnyDatabaseCancellable)>

    /// The connections in use now. A read that started on a replaced pool finishes on it.
    var pool: DatabasePool { current.withLock { $0.pool } }

    /// The staff table in memory, dropped at every commit that changes it on whichever pool is current.
    let staffDirectory = StaffDirectory()

    /// The key of the rows' seals (`RowSeals`), for the SQL functions every connection registers.
    let rowKey: SymmetricKey

    /// Opens (creating if needed) the database at `url` and migrates it to the current schema.
    public init(url: URL, rowKey: SymmetricKey) throws {
        self.url = url
        self.rowKey = rowKey
        let pool = try Self.open(url, rowKey: rowKey)
        try Self.migrator.migrate(pool)
        current = Mutex((pool, try staffDirectory.observe(pool)))
    }

    static func open(_ url: URL, rowKey: SymmetricKey) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.prepareDatabase { db in RowSeals.register(db, key: rowKey) }
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        configuration.label = "registry"
        let pool = try DatabasePool(path: url.path, configuration: configuration)
        // DatabasePool resets synchronous to NORMAL while it enables WAL (after prepareDatabase runs), so the
        // durability setting is applied here, on the single writer connection, and read back.
        let synchronous = try pool.barrierWriteWithoutTransaction { db -> Int in
            try db.cachedStatement(sql: "PRAGMA synchronous = FULL").execute()
            return try Int.fetchOne(db.cachedStatement(sql: "PRAGMA synchronous")) ?? -1
        }
        guard synchronous == 2 else {
            throw SealError(
                .storageMisconfigured,
                "PRAGMA synchronous reads back \(synchronous), expected 2 (FULL); refusing to run without durable commits"
            )
        }
        return pool
    }

    /// Replaces every connection with new ones and returns the new pool.
    ///
    /// After a failed fsync or write, Linux may already have dropped the dirty pages and marked them clean, so a
    /// retried fsync on the same descriptor can report success for data that never reached the disk (PostgreSQL's
    /// "fsyncgate", 2018). The writer therefore never retries on the connections that saw the error: it opens
    /// new ones, which re-read the WAL from disk, and checks what they see before it accepts writes again.
    /// Blocking file I/O: runs on a dispatch queue, off Swift concurrency's threads.
    func reopen() async throws -> DatabasePool {
        let url = self.url
        let rowKey = self.rowKey
        let fresh = try await BlockingWork.run { try Self.open(url, rowKey: rowKey) }
        let watch = try await BlockingWork.run { [staffDirectory] in try staffDirectory.observe(fresh) }
        // Reads still running on the old pool keep it alive; it closes when the last of them ends.
        current.withLock { $0 = (fresh, watch) }
        staffDirectory.invalidate()
        return fresh
    }

    /// `PRAGMA synchronous` as the writer connection sees it (2 = FULL).
    public func synchronousLevel() async throws -> Int {
        try await pool.writeWithoutTransaction { db in try Int.fetchOne(db.cachedStatement(sql: "PRAGMA synchronous")) ?? -1 }
    }

    /// `PRAGMA journal_mode` (expected `wal`).
    public func journalMode() async throws -> String {
        try await pool.read { db in try String.fetchOne(db.cachedStatement(sql: "PRAGMA journal_mode")) ?? "" }
    }

    /// Bytes on disk of the database and its WAL.
    public func sizeOnDisk() -> Int64 {
        [url.path, url.path + "-wal"].reduce(0) { total, path in
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value
            return total + (size ?? 0)
        }
    }

    /// Closes every connection; later calls fail.
    public func close() throws {
        current.withLock { $0.staffWatch.cancel() }
        try pool.close()
    }
}
