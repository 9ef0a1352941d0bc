import Foundation
import GRDB
import SealCore

/// The daemon's SQLite database (`registry.sqlite` in the state directory), opened through GRDB in WAL mode with
/// `synchronous=FULL`, so that a committed transaction survives power loss before the daemon acknowledges it.
public final class RegistryDatabase: Sendable {
    public let url: URL
    let pool: DatabasePool

    /// Opens (creating if needed) the database at `url` and migrates it to the current schema.
    public init(url: URL) throws {
        self.url = url
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        configuration.label = "registry"
        pool = try DatabasePool(path: url.path, configuration: configuration)
        // DatabasePool resets synchronous to NORMAL while it enables WAL (after prepareDatabase runs), so the
        // durability setting is applied here, on the single writer connection, and read back.
        let synchronous = try pool.barrierWriteWithoutTransaction { db -> Int in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            return try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
        }
        guard synchronous == 2 else {
            throw SealError(
                .storageMisconfigured, .internal,
                "PRAGMA synchronous reads back \(synchronous), expected 2 (FULL); refusing to run without durable commits"
            )
        }
        try Self.migrator.migrate(pool)
    }

    /// `PRAGMA synchronous` as the writer connection sees it (2 = FULL).
    public func synchronousLevel() throws -> Int {
        try pool.barrierWriteWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// `PRAGMA journal_mode` (expected `wal`).
    public func journalMode() throws -> String {
        try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
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
        try pool.close()
    }
}
