#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// The built executables, next to the test bundle in `.build/debug`.
enum Binaries {
    static let directory: URL = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent()
    }()
    static var sealkeeperd: String { directory.appendingPathComponent("sealkeeperd").path }
    static var sealctl: String { directory.appendingPathComponent("sealctl").path }
    static var sealcardSim: String { directory.appendingPathComponent("sealcard-sim").path }
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
}

/// What a finished command printed and how it exited.
struct CommandResult: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a short-lived command to completion.
func runCommand(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, stdin: String? = nil)
    throws -> CommandResult
{
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let input = Pipe()
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    // Read both pipes to the end before waiting, so a large output cannot block the child.
    let group = DispatchGroup()
    nonisolated(unsafe) var outData = Data()
    nonisolated(unsafe) var errData = Data()
    group.enter()
    DispatchQueue.global().async {
        outData = out.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    errData = err.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return CommandResult(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self)
    )
}

/// A datagram socket standing in for systemd's NOTIFY_SOCKET.
final class NotifyListener: @unchecked Sendable {
    let path: String
    let fd: CInt

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, CInt(SOCK_DGRAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
        var address = unixAddress(path)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard fd >= 0, rc == 0 else { throw HarnessError("cannot bind notify socket \(path)") }
    }

    deinit { close(fd) }

    /// Waits (up to `timeout` seconds) for the next datagram; nil on timeout.
    func receive(timeout: Int) -> String? {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, Int32(timeout * 1000)) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &buffer, buffer.count, 0)
        return n > 0 ? String(decoding: buffer[..<n], as: UTF8.self) : nil
    }

    /// Waits for a datagram containing `line` (e.g. `READY=1`), collecting everything received on the way.
    func wait(for line: String, timeout: Int = 60) -> [String] {
        var seen: [String] = []
        let deadline = Date().addingTimeInterval(TimeInterval(timeout))
        while Date() < deadline {
            guard let message = receive(timeout: max(1, Int(deadline.timeIntervalSinceNow))) else { break }
            seen.append(message)
            if message.split(separator: "\n").contains(Substring(line)) { return seen }
        }
        return seen
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func unixAddress(_ path: String) -> sockaddr_un {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        let bytes = Array(path.utf8)
        raw.copyBytes(from: bytes)
        raw[bytes.count] = 0
    }
    return address
}

/// Starts a process with posix_spawn, optionally handing it `passFD` as fd 3 (systemd socket activation).
func spawn(_ executable: String, _ arguments: [String], environment: [String: String], logPath: String, passFD: CInt? = nil)
    throws -> pid_t
{
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    if let passFD { posix_spawn_file_actions_adddup2(&actions, passFD, 3) }
    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        argv.forEach { free($0) }
        envp.forEach { free($0) }
    }
    // The child must not inherit the test thread's blocked signals (it would never see SIGTERM or SIGUSR1).
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGTERM, SIGINT, SIGUSR1, SIGUSR2, SIGPIPE, SIGHUP] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
    guard rc == 0 else { throw HarnessError("posix_spawn \(executable): \(String(cString: strerror(rc)))") }
    return pid
}

/// Starts `executable` the way systemd socket activation does: `listeningFD` as fd 3, LISTEN_FDS=1, and LISTEN_PID
/// set to the program's own pid (the shell exports its $$ and then execs into the program).
func spawnSocketActivated(_ executable: String, _ arguments: [String], environment: [String: String], logPath: String, listeningFD: CInt)
    throws -> pid_t
{
    try spawn(
        "/bin/sh", ["-c", "LISTEN_PID=$$ LISTEN_FDS=1 exec \"$0\" \"$@\"", executable] + arguments,
        environment: environment, logPath: logPath, passFD: listeningFD
    )
}

/// Waits for a child and returns its exit status (128+signal when killed).
func waitForExit(_ pid: pid_t) async -> Int32 {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            let exited = (status & 0x7f) == 0
            continuation.resume(returning: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f))
        }
    }
}

/// A temporary directory that others may traverse (tests run clients as uid 65534).
func makeTemporaryDirectory(_ name: String) throws -> URL {
    let template = FileManager.default.temporaryDirectory.appendingPathComponent("sk-\(name)-XXXXXX").path
    var bytes = Array(template.utf8CString)
    guard let result = mkdtemp(&bytes) else { throw HarnessError("mkdtemp failed") }
    let path = String(cString: result)
    chmod(path, 0o755)
    return URL(fileURLWithPath: path)
}

/// A real sealkeeperd on a temporary socket and state directory, started with a NOTIFY_SOCKET so the test can
/// await READY=1 instead of polling.
final class RunningDaemon: @unchecked Sendable {
    let directory: URL
    let socketPath: String
    let stateDirectory: String
    let configPath: String
    let logPath: String
    let notify: NotifyListener
    private(set) var pid: pid_t = 0
    private(set) var notifications: [String] = []
    /// Added to the daemon's environment (e.g. PCSCLITE_CSOCK_NAME for a test's own pcscd).
    var extraEnvironment: [String: String] = [:]

    static let defaultAccess = """
        [access]
        admin = ["uid:0"]
        clerk = ["uid:0"]
        approver = ["uid:0"]
        inspector = ["uid:0"]
        trusted_tools = ["uid:0"]
        """

    init(name: String, socketMode: String = "0660", access: String = RunningDaemon.defaultAccess, extra: String = "")
        throws
    {
        directory = try makeTemporaryDirectory(name)
        socketPath = directory.appendingPathComponent("sealkeeper.sock").path
        stateDirectory = directory.appendingPathComponent("state").path
        configPath = directory.appendingPathComponent("sealkeeper.toml").path
        logPath = directory.appendingPathComponent("daemon.log").path
        notify = try NotifyListener(path: directory.appendingPathComponent("notify.sock").path)
        let config = """
            [daemon]
            socket = "\(socketPath)"
            socket_mode = "\(socketMode)"
            state_directory = "\(stateDirectory)"
            \(extra)
            \(access)
            """
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    var environment: [String: String] {
        ["NOTIFY_SOCKET": notify.path, "PATH": "/usr/bin:/bin", "LOG_LEVEL": "info"].merging(extraEnvironment) { $1 }
    }

    /// Starts the daemon and waits for READY=1.
    func start(arguments: [String] = []) throws {
        pid = try spawn(Binaries.sealkeeperd, ["--config", configPath] + arguments, environment: environment, logPath: logPath)
        try awaitReady()
    }

    /// Starts the daemon with an already listening socket as fd 3, the way systemd socket activation does.
    func startActivated(listeningFD: CInt) throws {
        pid = try spawnSocketActivated(
            Binaries.sealkeeperd, ["--config", configPath], environment: environment, logPath: logPath, listeningFD: listeningFD
        )
        try awaitReady()
    }

    private func awaitReady() throws {
        notifications = notify.wait(for: "READY=1")
        guard notifications.contains(where: { $0.contains("READY=1") }) else {
            kill(pid, SIGKILL)
            throw HarnessError("daemon did not become ready; log:\n\(log)")
        }
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// SIGTERM, then the exit status.
    func stop() async -> Int32 {
        guard pid > 0 else { return -1 }
        kill(pid, SIGTERM)
        let status = await waitForExit(pid)
        pid = 0
        return status
    }

    /// Runs sealctl against this daemon.
    func sealctl(_ arguments: [String], stdin: String? = nil) throws -> CommandResult {
        try runCommand(Binaries.sealctl, ["--socket", socketPath] + arguments, environment: ["PATH": "/usr/bin:/bin"], stdin: stdin)
    }

    /// A plain HTTP client on the socket: curl, optionally as another user through setpriv.
    func curl(_ path: String, method: String = "GET", headers: [String] = [], body: String? = nil, asUID: UInt32? = nil)
        throws -> (status: Int, body: String)
    {
        var arguments = ["-s", "-o", "-", "-w", "\n%{http_code}", "--unix-socket", socketPath, "-X", method]
        for header in headers { arguments += ["-H", header] }
        if let body { arguments += ["-H", "Content-Type: application/json", "--data-binary", body] }
        arguments.append("http://localhost\(path)")
        let result: CommandResult
        if let asUID {
            result = try runCommand(
                "/usr/bin/setpriv",
                ["--reuid=\(asUID)", "--regid=\(asUID)", "--clear-groups", "/usr/bin/curl"] + arguments
            )
        } else {
            result = try runCommand("/usr/bin/curl", arguments)
        }
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
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

/// Decodes a JSON object from a command's output.
func jsonObject(_ text: String) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
    guard let dictionary = object as? [String: Any] else { throw HarnessError("not a JSON object: \(text)") }
    return dictionary
}
