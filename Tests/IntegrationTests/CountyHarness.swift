#if canImport(Glibc)
import Glibc
#endif
import Foundation

extension Binaries {
    static var sealcountyd: String { directory.appendingPathComponent("sealcountyd").path }
}

/// A private PostgreSQL cluster for one test (scripts/county-postgres.sh: initdb into a temporary directory, a Unix
/// socket there and no TCP), stopped and removed when the test ends.
final class PrivatePostgres: @unchecked Sendable {
    let directory: URL
    var socketDirectory: String { directory.path }

    init(name: String) async throws {
        directory = try makeTemporaryDirectory("pg-\(name)")
        // Output to a file, not a pipe, and reaped with waitpid: the cluster's server outlives the script.
        let log = directory.path + ".log"
        let pid = try spawn(Self.script, ["start", directory.path], environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"], logPath: log)
        let status = await waitForExit(pid)
        guard status == 0 else { throw HarnessError("PostgreSQL did not start (\(status)): \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")") }
    }

    static var script: String { Binaries.repositoryRoot.appendingPathComponent("scripts/county-postgres.sh").path }

    deinit {
        if let pid = try? spawn(Self.script, ["stop", directory.path], environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"], logPath: "/dev/null") {
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        try? FileManager.default.removeItem(at: directory)
        unlink(directory.path + ".log")
    }
}

/// A real sealcountyd on a PostgreSQL, a temporary staff socket and key directory, the witness on a loopback port
/// the kernel picks (read back from its log).
final class RunningCounty: @unchecked Sendable {
    let directory: URL
    let socketPath: String
    let configPath: String
    let logPath: String
    private(set) var pid: pid_t = 0
    private(set) var port = 0

    /// With `tls` (certificate and key PEM files) townships must use https.
    let tls: Bool

    init(
        name: String, postgres: PrivatePostgres, townships: String = "", stateDirectory: String? = nil, tls: (certificate: String, key: String)? = nil,
        listener: String = ""
    ) throws {
        self.tls = tls != nil
        directory = try makeTemporaryDirectory("county-\(name)")
        socketPath = directory.appendingPathComponent("county.sock").path
        configPath = directory.appendingPathComponent("county.toml").path
        logPath = directory.appendingPathComponent("county.log").path
        let config = """
            [county]
            name = "county.test/witness"
            state_directory = "\(stateDirectory ?? directory.appendingPathComponent("state").path)"
            socket = "\(socketPath)"
            socket_mode = "0666"
            [database]
            socket_directory = "\(postgres.socketDirectory)"
            [townships]
            listen = "127.0.0.1:0"
            \(listener)
            \(tls.map { "tls_certificate = \"\($0.certificate)\"\ntls_key = \"\($0.key)\"" } ?? "")
            [access]
            county-admin = ["uid:0"]
            county-inspector = ["uid:0", "uid:65534"]
            \(townships)
            """
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    var url: String { "\(tls ? "https" : "http")://127.0.0.1:\(port)" }
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Starts (again, on the same port once it has one, so townships keep their `[county] url`).
    func start() throws {
        if port != 0 {
            let config = try String(contentsOfFile: configPath, encoding: .utf8).replacing("listen = \"127.0.0.1:0\"", with: "listen = \"127.0.0.1:\(port)\"")
            try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        }
        // A fresh log each start: the port is read back from it.
        unlink(logPath)
        pid = try spawn(Binaries.sealcountyd, ["--config", configPath], environment: ["PATH": "/usr/bin:/bin"], logPath: logPath)
        for _ in 0..<300 {
            if let match = log.firstMatch(of: /address=127\.0\.0\.1:(\d+) .*witness listening/), let port = Int(match.1), port > 0,
                FileManager.default.fileExists(atPath: socketPath)
            {
                self.port = port
                return
            }
            usleep(100_000)
        }
        kill(pid, SIGKILL)
        throw HarnessError("sealcountyd did not start; log:\n\(log)")
    }

    func stop() async -> Int32 {
        guard pid > 0 else { return -1 }
        kill(pid, SIGTERM)
        let status = await waitForExit(pid)
        pid = 0
        return status
    }

    /// `sealctl county …` against this county, as root or (with `asUID`) as another user.
    func sealctl(_ arguments: [String], asUID: UInt32? = nil) throws -> CommandResult {
        let command = [Binaries.sealctl, "county"] + arguments + ["--county-socket", socketPath]
        guard let asUID else { return try runCommand(command[0], Array(command.dropFirst()), environment: ["PATH": "/usr/bin:/bin"]) }
        return try runCommand("/usr/bin/setpriv", ["--reuid=\(asUID)", "--regid=\(asUID)", "--clear-groups"] + command, environment: ["PATH": "/usr/bin:/bin"])
    }

    /// The cosigner's verifier key.
    func vkey() throws -> String { try sealctl(["key"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) }

    /// POSTs a hand-built add-checkpoint body with curl: status, content type, body.
    func addCheckpoint(_ body: String, to url: String? = nil) throws -> (status: Int, contentType: String, body: String) {
        let file = directory.appendingPathComponent("body-\(UUID().uuidString)").path
        try body.write(toFile: file, atomically: true, encoding: .utf8)
        defer { unlink(file) }
        let result = try runCommand(
            "/usr/bin/curl", ["-s", "-o", "-", "-w", "\n%{http_code} %{content_type}", "--data-binary", "@\(file)", "\(url ?? self.url)/add-checkpoint"]
        )
        var lines = result.stdout.components(separatedBy: "\n")
        let trailer = lines.removeLast().split(separator: " ", maxSplits: 1)
        return (Int(trailer.first ?? "") ?? 0, trailer.count > 1 ? String(trailer[1]) : "", lines.joined(separator: "\n"))
    }

    deinit {
        if pid > 0 {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A test CA and a server certificate for 127.0.0.1 it signed (openssl, P-256), in `directory`.
func makeTestCertificates(in directory: URL, name: String) throws -> (ca: String, certificate: String, key: String) {
    let d = directory.path
    let ext = "\(d)/\(name)-san.cnf"
    try "subjectAltName=IP:127.0.0.1\n".write(toFile: ext, atomically: true, encoding: .utf8)
    for arguments in [
        ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "\(d)/\(name)-ca.key", "-out", "\(d)/\(name)-ca.pem",
         "-days", "2", "-subj", "/CN=\(name) test CA"],
        ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "\(d)/\(name)-server.key", "-out", "\(d)/\(name)-server.csr",
         "-subj", "/CN=127.0.0.1"],
        ["x509", "-req", "-in", "\(d)/\(name)-server.csr", "-CA", "\(d)/\(name)-ca.pem", "-CAkey", "\(d)/\(name)-ca.key", "-CAcreateserial",
         "-out", "\(d)/\(name)-server.pem", "-days", "2", "-extfile", ext],
    ] {
        let result = try runCommand("/usr/bin/openssl", arguments)
        guard result.status == 0 else { throw HarnessError("openssl \(arguments[0]): \(result.stderr)") }
    }
    return ("\(d)/\(name)-ca.pem", "\(d)/\(name)-server.pem", "\(d)/\(name)-server.key")
}
