#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

@Suite("sealkeeperd on a real socket", .ownThreads)
struct DaemonLifecycleTests {
    @Test("status answers through sealctl and through a plain HTTP client; SIGTERM exits 0 and removes the socket")
    func statusAndShutdown() async throws {
        let daemon = try RunningDaemon(name: "status")
        try daemon.start()

        let human = try daemon.sealctl(["status"])
        #expect(human.status == 0, "\(human.stderr)")
        #expect(human.stdout.contains("0.1.0"))
        #expect(human.stdout.contains(daemon.stateDirectory))
        #expect(human.stdout.contains("synchronous=full"))
        #expect(human.stdout.contains("admin, clerk, approver, inspector"))

        let json = try daemon.sealctl(["--json", "status"])
        #expect(json.status == 0)
        let status = try jsonObject(json.stdout)
        #expect(status["version"] as? String == "0.1.0")
        #expect(status["state_directory"] as? String == daemon.stateDirectory)
        let database = try #require(status["database"] as? [String: Any])
        #expect(database["journal_mode"] as? String == "wal")
        #expect(database["synchronous"] as? String == "full")
        #expect((database["size_bytes"] as? Int ?? 0) > 0)
        let whoami = try #require(status["whoami"] as? [String: Any])
        #expect(whoami["uid"] as? Int == Int(getuid()))
        #expect(whoami["roles"] as? [String] == ["admin", "clerk", "approver", "inspector"])

        let (code, body) = try daemon.curl("/v1/status")
        #expect(code == 200)
        let plain = try jsonObject(body)
        #expect(plain["version"] as? String == "0.1.0")
        #expect(plain["uptime_seconds"] is Double || plain["uptime_seconds"] is Int)

        // The database was created private to the daemon.
        let dbMode = try FileManager.default.attributesOfItem(atPath: daemon.stateDirectory + "/registry.sqlite")[.posixPermissions] as? Int
        #expect(dbMode == 0o600)
        let dirMode = try FileManager.default.attributesOfItem(atPath: daemon.stateDirectory)[.posixPermissions] as? Int
        #expect(dirMode == 0o700)

        #expect(await daemon.stop() == 0)
        #expect(!FileManager.default.fileExists(atPath: daemon.socketPath))
        #expect(daemon.log.contains("stopped"))
    }

    @Test("the socket gets the configured mode", arguments: ["0600", "0660", "0666"])
    func socketMode(mode: String) async throws {
        let daemon = try RunningDaemon(name: "mode", socketMode: mode)
        try daemon.start()
        let attributes = try FileManager.default.attributesOfItem(atPath: daemon.socketPath)
        #expect(attributes[.posixPermissions] as? Int == Int(mode, radix: 8))
        #expect(await daemon.stop() == 0)
    }

    @Test("a caller with no role is refused with 403 forbidden")
    func noRoleForbidden() async throws {
        let daemon = try RunningDaemon(name: "norole", socketMode: "0666")
        try daemon.start()
        let (code, body) = try daemon.curl("/v1/status", asUID: 65534)
        #expect(code == 403)
        let error = try #require(try jsonObject(body)["error"] as? [String: Any])
        #expect(error["code"] as? String == "forbidden")
        #expect((error["message"] as? String ?? "").contains("65534"))
        // The same refusal through sealctl, with the error on stderr and a non-zero exit.
        let sealctl = try runCommand(
            "/usr/bin/setpriv",
            ["--reuid=65534", "--regid=65534", "--clear-groups", Binaries.sealctl, "--socket", daemon.socketPath, "status"]
        )
        if sealctl.status != 126 && sealctl.status != 127 {  // the build tree may not be readable by nobody
            #expect(sealctl.status != 0)
            #expect(sealctl.stderr.hasPrefix("error: forbidden: "))
        }
        #expect(await daemon.stop() == 0)
    }

    @Test("Sealkeeper-On-Behalf-Of from a caller that is not a trusted tool is refused")
    func onBehalfOfRefused() async throws {
        let daemon = try RunningDaemon(
            name: "obo", access: "[access]\nadmin = [\"uid:0\"]\ntrusted_tools = []\n"
        )
        try daemon.start()
        let (code, body) = try daemon.curl("/v1/status", headers: ["Sealkeeper-On-Behalf-Of: S001"])
        #expect(code == 403)
        #expect((try jsonObject(body)["error"] as? [String: Any])?["code"] as? String == "on-behalf-of-not-allowed")
        let sealctl = try daemon.sealctl(["--as", "S001", "status"])
        #expect(sealctl.status == 1)
        #expect(sealctl.stderr.hasPrefix("error: on-behalf-of-not-allowed: "))
        #expect(await daemon.stop() == 0)
    }

    @Test("unknown routes get a JSON 404; malformed bodies a JSON 400; oversized bodies a JSON 413")
    func notFoundAndTooLarge() async throws {
        let daemon = try RunningDaemon(name: "errors", extra: "max_request_body = 2048")
        try daemon.start()
        let (code, body) = try daemon.curl("/v1/no-such-thing")
        #expect(code == 404)
        #expect((try jsonObject(body)["error"] as? [String: Any])?["code"] as? String == "not-found")
        let (badCode, badBody) = try daemon.curl("/v1/staff", method: "POST", body: "{\"id\": ")
        #expect(badCode == 400)
        #expect((try jsonObject(badBody)["error"] as? [String: Any])?["code"] as? String == "bad-request")
        let (typeCode, typeBody) = try daemon.curl("/v1/staff", method: "POST", body: "{\"id\": 5, \"name\": \"x\", \"roles\": []}")
        #expect(typeCode == 400)
        #expect(((try jsonObject(typeBody)["error"] as? [String: Any])?["message"] as? String)?.contains("id") == true)
        let big = "{\"x\":\"" + String(repeating: "a", count: 4096) + "\"}"
        let (bigCode, bigBody) = try daemon.curl("/v1/status", method: "POST", body: big)
        #expect(bigCode == 413)
        #expect((try jsonObject(bigBody)["error"] as? [String: Any])?["code"] as? String == "payload-too-large")
        #expect(await daemon.stop() == 0)
    }

    @Test("a second daemon on the same socket refuses to start and leaves the first serving")
    func secondDaemonRefused() async throws {
        let daemon = try RunningDaemon(name: "twice")
        try daemon.start()
        let second = try runCommand(Binaries.sealkeeperd, ["--config", daemon.configPath])
        #expect(second.status != 0)
        #expect(second.stderr.contains("another daemon is already serving"))
        #expect(try daemon.sealctl(["status"]).status == 0)
        #expect(await daemon.stop() == 0)
    }

    @Test("a stale socket file left by a dead daemon is replaced")
    func staleSocketReplaced() async throws {
        let daemon = try RunningDaemon(name: "stale")
        // Bind a socket file and close it without listening: what a killed daemon leaves behind.
        let fd = socket(AF_UNIX, CInt(SOCK_STREAM.rawValue), 0)
        var address = unixAddress(daemon.socketPath)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        close(fd)
        #expect(FileManager.default.fileExists(atPath: daemon.socketPath))
        try daemon.start()
        #expect(try daemon.sealctl(["status"]).status == 0)
        #expect(await daemon.stop() == 0)
    }

    @Test("READY=1 and STOPPING=1 arrive on NOTIFY_SOCKET; WATCHDOG=1 when systemd asks for it")
    func systemdNotifications() async throws {
        let daemon = try RunningDaemon(name: "notify")
        try daemon.start()
        #expect(daemon.notifications.contains { $0.contains("READY=1") })
        #expect(await daemon.stop() == 0)
        let after = daemon.notify.wait(for: "STOPPING=1", timeout: 5)
        #expect(after.contains { $0.contains("STOPPING=1") })
    }

    @Test("sealctl says plainly when the daemon is not running")
    func daemonNotRunning() throws {
        let directory = try makeTemporaryDirectory("absent")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try runCommand(Binaries.sealctl, ["--socket", directory.path + "/none.sock", "status"])
        #expect(result.status == 69)
        #expect(result.stderr.contains("sealkeeperd is not running"))
        let viaEnv = try runCommand(Binaries.sealctl, ["status"], environment: ["SEALKEEPER_SOCKET": directory.path + "/env.sock"])
        #expect(viaEnv.stderr.contains(directory.path + "/env.sock"))
    }

    @Test("sealctl says plainly when the socket denies permission")
    func socketPermissionDenied() async throws {
        let daemon = try RunningDaemon(name: "perm", socketMode: "0600")
        try daemon.start()
        let result = try runCommand(
            "/usr/bin/setpriv",
            ["--reuid=65534", "--regid=65534", "--clear-groups", Binaries.sealctl, "--socket", daemon.socketPath, "status"]
        )
        if result.status != 126 && result.status != 127 {
            #expect(result.status == 77)
            #expect(result.stderr.contains("permission denied"))
        }
        #expect(await daemon.stop() == 0)
    }

    @Test("an invalid configuration stops start-up with the file and key named")
    func invalidConfiguration() throws {
        let directory = try makeTemporaryDirectory("badconf")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.path + "/bad.toml"
        try "[daemon]\nsocket_mode = \"0999\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try runCommand(Binaries.sealkeeperd, ["--config", path])
        #expect(result.status != 0)
        #expect(result.stderr.contains(path))
        #expect(result.stderr.contains("daemon.socket_mode"))
    }
}

@Suite("systemd socket activation and units", .ownThreads)
struct SystemdIntegrationTests {
    @Test("the daemon serves on a listening socket passed as fd 3 and never deletes its file")
    func socketActivation() async throws {
        let daemon = try RunningDaemon(name: "activate")
        let path = daemon.directory.path + "/activated.sock"
        let fd = socket(AF_UNIX, CInt(SOCK_STREAM.rawValue), 0)
        var address = unixAddress(path)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0 && listen(fd, 16) == 0)
        try daemon.startActivated(listeningFD: fd)
        close(fd)

        let result = try runCommand(Binaries.sealctl, ["--socket", path, "--json", "status"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try jsonObject(result.stdout)["version"] as? String == "0.1.0")
        // The configured socket path was not bound: the adopted one is the only socket.
        #expect(!FileManager.default.fileExists(atPath: daemon.socketPath))
        #expect(daemon.log.contains("adopted socket from systemd"))
        #expect(await daemon.stop() == 0)
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test("systemd-analyze verify accepts the units with the built binary as ExecStart")
    func unitsVerify() throws {
        guard FileManager.default.fileExists(atPath: "/usr/bin/systemd-analyze") else {
            Issue.record("systemd-analyze is missing: install the systemd package (make deps does)")
            return
        }
        let directory = try makeTemporaryDirectory("units")
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = Binaries.repositoryRoot.appendingPathComponent("systemd")
        for name in ["sealkeeperd.service", "sealkeeperd.socket"] {
            var text = try String(contentsOf: source.appendingPathComponent(name), encoding: .utf8)
            text = text.replacingOccurrences(of: "/usr/local/bin/sealkeeperd", with: Binaries.sealkeeperd)
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let result = try runCommand(
            "/usr/bin/systemd-analyze",
            ["verify", directory.path + "/sealkeeperd.service", directory.path + "/sealkeeperd.socket"]
        )
        let output = result.stdout + result.stderr
        #expect(result.status == 0, "\(output)")
        #expect(!output.contains("Unknown key"), "\(output)")
        #expect(!output.contains("Unknown section"), "\(output)")
        #expect(!output.contains("ignoring"), "\(output)")
    }
}
