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

    var pool: DatabasePool { database.pool }

    /// Opens `registry.sqlite` and `register.key` in `stateDirectory`, creating both on first start. The journal is
    /// checked against its signed checkpoint by the writer when it starts (`JournalWriter.verifyJournal()`), so
    /// reads are served at once whatever the register's size, and writes wait for the check.
    public init(stateDirectory: URL, logger: Logger, useSettings: UsePolicySettings = UsePolicySettings()) throws {
        self.useSettings = useSettings
        database = try RegistryDatabase(url: stateDirectory.appendingPathComponent("registry.sqlite"))
        let pool = database.pool
        origin = try pool.write { db -> String in
            if let existing = try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM daemon_metadata WHERE key = 'origin'")) {
                return existing
            }
            // A name unique to this register, used as the checkpoint origin and the key name.
            let host = ProcessInfo.processInfo.hostName.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }
            let random = (0..<4).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
            let origin = "sealkeeper/\(host.isEmpty ? "register" : host)/\(random)"
            try db.cachedStatement(sql: "INSERT INTO daemon_metadata(key, value) VALUES ('origin', ?)").execute(arguments: [origin])
            return origin
        }
        let signer = try RegisterKey.loadOrCreate(stateDirectory: stateDirectory, origin: origin)
        verifier = signer.verifier
        let size = try pool.read { db in try JournalAppender.size(db) }
        writer = JournalWriter(database: database, signer: signer, logger: logger, size: size)
    }

    public func close() throws { try database.close() }
}
