import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import SealCore
import SealWire
import SealStore

extension HTTPField.Name {
    static let backupEntries = Self("Sealkeeper-Backup-Entries")!
    static let backupRoot = Self("Sealkeeper-Backup-Root")!
    static let backupCheckpointTime = Self("Sealkeeper-Backup-Checkpoint-Time")!
    static let backupOrigin = Self("Sealkeeper-Backup-Origin")!
    static let backupSHA256 = Self("Sealkeeper-Backup-SHA256")!
}

/// `GET /v1/backup` (admin): a consistent online copy of `registry.sqlite`, checked before it is sent. The headers
/// say what was checked (entries, the signed root they match) and the copy's SHA-256, so `sealctl backup` can
/// prove the file it wrote is the file the daemon checked.
struct BackupRoutes {
    let register: Register
    let scratch: URL

    func addRoutes(to router: Router<SealRequestContext>) {
        router.get("/v1/backup") { _, context in
            _ = try context.caller(requiring: .admin)
            let backup = try await register.backup(into: scratch)
            let url = backup.url
            let digest: String
            do {
                digest = try await BlockingWork.run { try Self.sha256(of: url) }
            } catch {
                try? FileManager.default.removeItem(at: url)
                throw error
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/vnd.sqlite3",
                    .contentLength: String(backup.bytes),
                    .contentDisposition: "attachment; filename=\"registry.sqlite\"",
                    .backupEntries: String(backup.entries),
                    .backupRoot: backup.checkpointRootHex,
                    .backupCheckpointTime: backup.checkpointTime,
                    .backupOrigin: backup.origin,
                    .backupSHA256: digest,
                ],
                body: ResponseBody { writer in
                    defer { try? FileManager.default.removeItem(at: url) }
                    let handle = try FileHandle(forReadingFrom: url)
                    defer { try? handle.close() }
                    while true {
                        let chunk = try await BlockingWork.run { try handle.read(upToCount: 1 << 16) ?? Data() }
                        if chunk.isEmpty { break }
                        try await writer.write(ByteBuffer(bytes: chunk))
                    }
                    try await writer.finish(nil)
                }
            )
        }
    }

    static func sha256(of url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
