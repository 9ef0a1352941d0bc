import Foundation
import GRDB
import SealBook
import SealCore
import SealWire

/// A checked copy of the register, made online.
public struct RegisterBackup: Sendable {
    /// The copy: a complete SQLite database (no WAL beside it), mode 0600.
    public var url: URL
    public var bytes: Int64
    /// Journal entries in the copy, and the signed checkpoint they were checked against.
    public var entries: Int
    public var checkpointRootHex: String
    public var checkpointTime: String
    public var origin: String
}

extension Register {
    /// Copies the register into a new file in `directory` while it keeps serving, then checks the copy as start-up
    /// would check a register: `PRAGMA integrity_check`, every entry against its leaf, the tree against the signed
    /// checkpoint, every table against its row seals. The copy is one read transaction's snapshot (SQLite's online backup API), so writes go on
    /// while it is made and it holds exactly the entries committed when it began.
    public func backup(into directory: URL) async throws -> RegisterBackup {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let url = directory.appendingPathComponent("registry-\(UUID().uuidString).sqlite")
        let pool = database.pool
        let verifier = self.verifier
        let origin = self.origin
        let rowKey = database.rowKey
        return try await BlockingWork.run {
            do {
                let destination = try DatabaseQueue(path: url.path)
                try pool.backup(to: destination)
                // The pages carry the register's WAL mode; a copy to keep is one self-contained file.
                try destination.writeWithoutTransaction { db in try db.cachedStatement(sql: "PRAGMA journal_mode = DELETE").execute() }
                try destination.close()
                var configuration = Configuration()
                configuration.readonly = true
                configuration.prepareDatabase { db in RowSeals.register(db, key: rowKey) }
                let copy = try DatabaseQueue(path: url.path, configuration: configuration)
                defer { try? copy.close() }
                return try copy.read { db in
                    let integrity = try String.fetchAll(db.cachedStatement(sql: "PRAGMA integrity_check"))
                    guard integrity == ["ok"] else {
                        throw SealError(.backupFailed, "the copy fails PRAGMA integrity_check: \(integrity.prefix(3).joined(separator: "; "))")
                    }
                    if let report = try JournalVerifier.verify(db, verifier: verifier) {
                        throw SealError(.backupFailed, "the copy's journal does not verify: \(report)")
                    }
                    if let report = try RowSeals.check(db, key: rowKey) {
                        throw SealError(.backupFailed, "the copy's tables do not verify: \(report)")
                    }
                    let size = try JournalAppender.size(db)
                    let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT root, time FROM checkpoint WHERE size = ?"), arguments: [size])
                    let root: Data = row?["root"] ?? Data()
                    let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
                    return RegisterBackup(
                        url: url, bytes: (attributes[.size] as? NSNumber)?.int64Value ?? 0, entries: size,
                        checkpointRootHex: Hex.lowercase(root), checkpointTime: row?["time"] ?? "",
                        origin: origin
                    )
                }
            } catch {
                try? FileManager.default.removeItem(at: url)
                if let error = error as? SealError { throw error }
                throw SealError(.backupFailed, "the copy could not be made: \(JournalWriter.describe(error))")
            }
        }
    }
}

