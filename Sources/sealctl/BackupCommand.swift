import ArgumentParser
import Crypto
import Foundation

/// `sealctl backup --out FILE`: a consistent online copy of the register, checked by the daemon and by sealctl.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the register online into FILE, checked (admin).",
        discussion: """
            The daemon copies registry.sqlite while it keeps serving (one consistent snapshot: writes go on), checks \
            the copy as start-up checks a register (PRAGMA integrity_check, every journal entry against its leaf, \
            the tree against every signed checkpoint) and sends it with what it found and its SHA-256. sealctl \
            writes FILE.part, checks the SHA-256 of what it received, and only then renames it to FILE.
            The copy does not hold register.key: keep a copy of that file (it never changes) in a safe place. To \
            restore: stop sealkeeperd, put the copy at STATE/registry.sqlite, delete registry.sqlite-wal and \
            registry.sqlite-shm, make sure STATE/register.key is the register's key, and start sealkeeperd; it \
            verifies the journal before it serves.
            """
    )
    @OptionGroup var global: GlobalOptions
    @Option(help: "The file to write (replaced if it exists).") var out: String

    struct Report: Encodable {
        var file: String
        var bytes: Int
        var sha256: String
        var origin: String
        var entries: Int
        var checkpointRoot: String
        var checkpointTime: String
        var integrity = "ok"
        var journal = "verified"
    }

    func run() async throws {
        try await runReporting {
            let part = out + ".part"
            guard FileManager.default.createFile(atPath: part, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw ClientError(code: "file-unwritable", message: "cannot create \(part)", exitCode: 73)
            }
            do {
                let output = try FileHandle(forWritingTo: URL(fileURLWithPath: part))
                var hasher = SHA256()
                let (bytes, headers) = try await global.client().download("/v1/backup", to: output) { chunk in
                    hasher.update(data: Data(chunk.readableBytesView))
                }
                try output.synchronize()
                try output.close()
                let received = hasher.finalize().map { String(format: "%02x", $0) }.joined()
                let sent = headers.first(name: "Sealkeeper-Backup-SHA256") ?? ""
                guard received == sent, headers.first(name: "Content-Length") == String(bytes) else {
                    throw ClientError(
                        code: "backup-corrupted",
                        message: "received \(bytes) bytes with SHA-256 \(received), but the daemon checked \(headers.first(name: "Content-Length") ?? "?") bytes with SHA-256 \(sent); nothing was written to \(out)",
                        exitCode: 1
                    )
                }
                _ = try? FileManager.default.removeItem(atPath: out)
                try FileManager.default.moveItem(atPath: part, toPath: out)
                let report = Report(
                    file: out, bytes: bytes, sha256: received, origin: headers.first(name: "Sealkeeper-Backup-Origin") ?? "",
                    entries: Int(headers.first(name: "Sealkeeper-Backup-Entries") ?? "") ?? 0,
                    checkpointRoot: headers.first(name: "Sealkeeper-Backup-Root") ?? "",
                    checkpointTime: headers.first(name: "Sealkeeper-Backup-Checkpoint-Time") ?? ""
                )
                if global.json {
                    let encoder = JSONEncoder()
                    encoder.keyEncodingStrategy = .convertToSnakeCase
                    encoder.outputFormatting = [.sortedKeys]
                    print(String(decoding: try encoder.encode(report), as: UTF8.self))
                } else {
                    print("wrote \(out) (\(Output.bytes(Int64(bytes)))), a copy of register \(report.origin)")
                    print("checked: integrity ok; \(report.entries) journal entries match the signed checkpoint (root \(report.checkpointRoot.prefix(16))…, signed \(report.checkpointTime))")
                    print("SHA-256 \(received): the bytes the daemon checked")
                }
            } catch {
                try? FileManager.default.removeItem(atPath: part)
                throw error
            }
        }
    }
}
