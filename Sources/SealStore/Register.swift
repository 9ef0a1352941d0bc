import Foundation
import GRDB
import Logging
import SealBook
import SealCore
import SealWire

/// The township's register: the database, its journal writer and the checkpoint key, opened and checked.
///
/// Reads go straight to the database pool (readers never wait for the writer); every change goes through
/// `writer`, which journals it and commits it durably.
public final class Register: Sendable {
    public let database: RegistryDatabase
    public let writer: JournalWriter
    public let verifier: NoteVerifier
    public let origin: String
    /// The use rules' settings (`[policy]`).
    public let useSettings: UsePolicySettings
    /// Staff as every request's identity reads them (see `StaffDirectory`).
    var staffDirectory: StaffDirectory { database.staffDirectory }

    var pool: DatabasePool { database.pool }

    /// Opens `registry.sqlite` and `register.key` in `stateDirectory`, creating both on first start. The journal is
    /// checked against its signed checkpoint by the writer when it starts (`JournalWriter.verifyJournal()`), so
    /// reads are served at once whatever the register's size, and writes wait for the check.
    public init(stateDirectory: URL, logger: Logger, useSettings: UsePolicySettings = UsePolicySettings()) throws {
        self.useSettings = useSettings
        let url = stateDirectory.appendingPathComponent("registry.sqlite")
        // The key comes first: the rows' seals are keyed by it, and every connection needs that key when it opens.
        // Its name is the register's origin; on first start the origin is the one a register file already holds
        // (a key lost with the file kept), or a new one.
        let signer = try RegisterKey.loadOrCreate(stateDirectory: stateDirectory) { try Self.storedOrigin(url) ?? Self.newOrigin() }
        database = try RegistryDatabase(url: url, rowKey: signer.derivedKey(RowSeals.keyLabel))
        let pool = database.pool
        origin = try pool.write { db -> String in
            if let existing = try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM daemon_metadata WHERE key = 'origin'")) {
                guard existing == signer.name else {
                    throw SealError(.storageMisconfigured, "register.key is the key of \(signer.name), not of this register (\(existing))")
                }
                return existing
            }
            try db.cachedStatement(sql: "INSERT INTO daemon_metadata(key, value) VALUES ('origin', ?)").execute(arguments: [signer.name])
            return signer.name
        }
        verifier = signer.verifier
        let size = try pool.read { db in try JournalAppender.size(db) }
        writer = JournalWriter(database: database, signer: signer, logger: logger, size: size)
    }

    public func close() throws { try database.close() }

    /// The origin a register file holds, if it exists and has one.
    static func storedOrigin(_ url: URL) throws -> String? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: url.path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            guard try db.tableExists("daemon_metadata") else { return nil }
            return try String.fetchOne(db, sql: "SELECT value FROM daemon_metadata WHERE key = 'origin'")
        }
    }

    /// A name unique to this register, used as the checkpoint origin and the key name.
    static func newOrigin() -> String {
        let host = ProcessInfo.processInfo.hostName.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }
        let random = (0..<4).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        return "sealkeeper/\(host.isEmpty ? "register" : host)/\(random)"
    }
}
