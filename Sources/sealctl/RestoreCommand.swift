import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOSSL
import SealBook
import SealCore
import SealStore

/// `sealctl restore --from-county URL --state-dir DIR`: rebuilds a township's register from the county's copy, with
/// the register key from the operator's own backup.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Rebuild a lost register from the county's copy (with sealkeeperd stopped).",
        discussion: """
            Put the register's key (register.key, from your own backup) into an empty state directory, then run \
            `sealctl restore --from-county URL --state-dir DIR` as the user sealkeeperd runs as. sealctl asks the \
            county (the [county] url of sealkeeper.toml; its CA with --ca-certificate for https) for the journal, \
            with a request signed by that key, stores every entry as the county holds it and projects it onto the \
            registry tables, and keeps the county's checkpoint only if the entries rebuild its signed root. Then \
            start sealkeeperd: it verifies the whole register before it serves and goes on from the restored size, \
            and the county witness accepts it again. Entries the county never received are lost.
            """
    )
    @Option(name: .customLong("from-county"), help: "The county's URL prefix ([county] url), e.g. https://county.example:7380.") var url: String
    @Option(name: .customLong("state-dir"), help: "The state directory holding register.key and no registry.sqlite.") var stateDirectory: String
    @Option(name: .customLong("ca-certificate"), help: "The county's CA certificate (PEM), pinned, for https.") var caCertificate: String?
    /// For --json, as every verb takes it (the socket is not used: sealkeeperd is stopped).
    @OptionGroup var global: GlobalOptions

    struct Outcome: Encodable {
        var origin: String
        var entries: Int
        var root: String
        var witness: String?
        var stateDirectory: String
    }

    func run() async throws {
        try await runReporting {
            let directory = URL(fileURLWithPath: stateDirectory, isDirectory: true)
            let keyFile = directory.appendingPathComponent(RegisterKey.fileName)
            guard let keyText = try? String(contentsOf: keyFile, encoding: .utf8), let signer = NoteSigner(encoded: keyText.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw ClientError(code: "bad-argument", message: "\(keyFile.path) is not a register key: put the register's key (from your backup) there first", exitCode: 64)
            }
            let database = directory.appendingPathComponent("registry.sqlite")
            guard !FileManager.default.fileExists(atPath: database.path) else {
                throw ClientError(code: "bad-argument", message: "\(database.path) exists: restore only into a state directory without a register", exitCode: 64)
            }
            var configuration = HTTPClient.Configuration()
            if let caCertificate {
                var tls = TLSConfiguration.makeClientConfiguration()
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caCertificate))
                configuration.tlsConfiguration = tls
            } else if url.hasPrefix("https:") {
                throw ClientError(code: "bad-argument", message: "https needs --ca-certificate (the county's CA, pinned)", exitCode: 64)
            }
            configuration.timeout = .init(connect: .seconds(5), read: .seconds(120))
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)

            do {
                try await restore(http, signer: signer, directory: directory, database: database)
                try? await http.shutdown()
            } catch {
                try? await http.shutdown()
                throw error
            }
        }
    }

    /// Fetches the county's copy page by page into a new register in `directory`, proves it, and reports.
    func restore(_ http: HTTPClient, signer: NoteSigner, directory: URL, database: URL) async throws {
        var logger = Logger(label: "sealctl")
        logger.logLevel = .warning
        let register: Register
        do {
            register = try Register(stateDirectory: directory, logger: logger)
        } catch {
            throw ClientError(code: "storage-misconfigured", message: "cannot create the register in \(directory.path): \(error)", exitCode: 73)
        }
        do {
            var start = 0
            var first: RestoreHead?
            repeat {
                let (page, entries) = try await fetch(http, signer: signer, start: start)
                if first == nil {
                    guard page.size > 0 else {
                        throw ClientError(code: "county-empty", message: "the county holds no entries of \(signer.name)", exitCode: 69)
                    }
                    first = page
                }
                guard !entries.isEmpty else {
                    throw ClientError(code: "county-incomplete", message: "the county sent \(start) of \(page.size) entries and then none", exitCode: 69)
                }
                try await register.restoreEntries(entries)
                start += entries.count
                FileHandle.standardError.write(Data("restored \(start) of \(first!.size) entries\r".utf8))
            } while start < first!.size
            FileHandle.standardError.write(Data("\n".utf8))
            let head = first!
            // The county's cosignature is not kept here: the daemon's witness client has it cosigned again at start, checked
            // against [county] witness_key.
            let size = try await register.finishRestore(checkpointNote: head.checkpoint, cosigned: nil)
            try register.close()
            let root = SignedNote(parsing: head.checkpoint).flatMap { Checkpoint(noteText: $0.text) }?.root.hex ?? ""
            let outcome = Outcome(origin: signer.name, entries: size, root: root, witness: head.witness, stateDirectory: directory.path)
            if global.json { return Output.printJSON(try JSONEncoder().encode(outcome)) }
            print("restored \(size) entries of \(signer.name) into \(directory.path); root \(root)")
            print("start sealkeeperd: it verifies the register before it serves")
        } catch {
            // Nothing half-written stays behind: the register files go, the key stays.
            try? register.close()
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database.path + suffix) }
            if let error = error as? ClientError { throw error }
            if let error = error as? SealError {
                throw ClientError(code: error.code.rawValue, message: error.message, exitCode: 65)
            }
            throw ClientError(code: "county-unreachable", message: "\(error)", exitCode: 69)
        }
    }

    /// One page of entries from `start`, asked for with a request signed by the register's key.
    func fetch(_ http: HTTPClient, signer: NoteSigner, start: Int) async throws -> (RestoreHead, [String]) {
        let note = try signer.sign(RestoreRequest.text(origin: signer.name, time: Int64(Date().timeIntervalSince1970)))
        var request = HTTPClientRequest(url: url + "/restore?start=\(start)&limit=10000")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        request.body = .bytes(ByteBuffer(string: note.serialized))
        let response = try await http.execute(request, timeout: .seconds(120))
        let body = try await response.body.collect(upTo: 1 << 30)
        let text = String(buffer: body)
        guard response.status.code == 200 else {
            throw ClientError(
                code: "county-refused", message: "\(response.status.code): \(text.trimmingCharacters(in: .whitespacesAndNewlines).prefix(300))", exitCode: 69
            )
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard !lines.isEmpty, let head = try? JSONDecoder().decode(RestoreHead.self, from: Data(lines.removeFirst().utf8)), head.origin == signer.name else {
            throw ClientError(code: "county-refused", message: "the county's answer does not start with the restore head of \(signer.name)", exitCode: 69)
        }
        return (head, lines.map(String.init))
    }
}
