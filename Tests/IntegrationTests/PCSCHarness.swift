#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// A private pcscd with the vpcd virtual readers, socket-activated on a socket of the test's own (the way systemd
/// starts it), so tests run in parallel and never touch a system pcscd. Clients find it through
/// `PCSCLITE_CSOCK_NAME`. Cards are `sealcard-sim` processes connected to vpcd's ports.
final class PCSCStack: @unchecked Sendable {
    let directory: URL
    let socketPath: String
    /// vpcd's first reader listens here, the second on port + 1.
    let port: UInt16
    private let listenFD: CInt
    private(set) var pid: pid_t = 0
    private var cards: [SimulatedCardProcess] = []

    static let vpcdDriver = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"
    static let pcscd = "/usr/sbin/pcscd"

    /// Whether this machine has the stack (`make deps` installs it; CI always has it).
    static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: pcscd) && FileManager.default.fileExists(atPath: vpcdDriver)
    }

    init(name: String) throws {
        directory = try makeTemporaryDirectory("pcsc-\(name)")
        socketPath = directory.appendingPathComponent("pcscd.comm").path
        port = try Self.freePortPair()
        let conf = """
            FRIENDLYNAME "Virtual PCD"
            DEVICENAME   /dev/null:0x\(String(port, radix: 16))
            LIBPATH      \(Self.vpcdDriver)
            CHANNELID    0x\(String(port, radix: 16))

            """
        try conf.write(to: directory.appendingPathComponent("reader.conf"), atomically: true, encoding: .utf8)
        // pcscd keeps its pid file and the default socket here even when handed a socket.
        try FileManager.default.createDirectory(atPath: "/run/pcscd", withIntermediateDirectories: true)
        listenFD = socket(AF_UNIX, CInt(SOCK_STREAM.rawValue), 0)
        var address = unixAddress(socketPath)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listenFD, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard listenFD >= 0, bound == 0, listen(listenFD, 64) == 0 else { throw HarnessError("cannot listen on \(socketPath)") }
        chmod(socketPath, 0o666)
        try startPCSCD()
    }

    /// Environment for every PC/SC client of this stack (daemon, OpenSC, yubico-piv-tool).
    var clientEnvironment: [String: String] {
        ["PCSCLITE_CSOCK_NAME": socketPath, "PATH": "/usr/bin:/bin:/usr/sbin"]
    }

    var log: String { (try? String(contentsOf: directory.appendingPathComponent("pcscd.log"), encoding: .utf8)) ?? "" }

    /// Starts pcscd with our listening socket as fd 3 (LISTEN_FDS=1, LISTEN_PID its own pid).
    func startPCSCD() throws {
        pid = try spawnSocketActivated(
            Self.pcscd, ["-f", "-c", directory.appendingPathComponent("reader.conf").path], environment: ["PATH": "/usr/bin:/bin"],
            logPath: directory.appendingPathComponent("pcscd.log").path, listeningFD: listenFD
        )
        try eventually("pcscd listens on vpcd port \(port)", timeout: 20) { Self.isListening(port: self.port) }
    }

    /// Kills pcscd outright (SIGKILL), as a crash would.
    func killPCSCD() async {
        guard pid > 0 else { return }
        kill(pid, SIGKILL)
        _ = await waitForExit(pid)
        pid = 0
    }

    /// A simulated card in reader `slot` (0 or 1); it connects (is inserted) unless `removed`.
    /// `failingSelects`: SELECTs answered 6F00 after each insertion (a card being reset).
    func insertCard(
        slot: Int = 0, state: String, pin: String = "123456", subject: String = "Sealkeeper test seal", removed: Bool = false, failingSelects: Int = 0
    ) throws -> SimulatedCardProcess {
        let card = try SimulatedCardProcess(
            port: port + UInt16(slot), state: directory.appendingPathComponent(state).path, pin: pin, subject: subject,
            logPath: directory.appendingPathComponent("\(state).log").path, removed: removed, failingSelects: failingSelects
        )
        cards.append(card)
        return card
    }

    /// Runs a PC/SC client tool against this stack.
    func run(_ tool: String, _ arguments: [String]) throws -> CommandResult {
        try runCommand(tool, arguments, environment: clientEnvironment)
    }

    static func freePortPair() throws -> UInt16 {
        for _ in 0..<200 {
            let port = UInt16.random(in: 20_000...59_000)
            if canBind(port), canBind(port + 1) { return port }
        }
        throw HarnessError("no free TCP port pair")
    }

    static func canBind(_ port: UInt16) -> Bool {
        let fd = socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    static func isListening(port: UInt16) -> Bool {
        // A probe connection would count as a card insertion, so look at the listening sockets instead.
        let table = (try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8)) ?? ""
        let needle = String(format: ":%04X ", port)
        return table.split(separator: "\n").contains { $0.contains(needle) && $0.split(separator: " ").dropFirst(3).first == "0A" }
    }

    deinit {
        for card in cards { card.terminate() }
        if pid > 0 {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        close(listenFD)
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A running `sealcard-sim`: SIGUSR1 takes the card out of the reader, SIGUSR2 puts it back.
final class SimulatedCardProcess: @unchecked Sendable {
    let pid: pid_t
    let statePath: String
    let logPath: String

    init(port: UInt16, state: String, pin: String, subject: String, logPath: String, removed: Bool, failingSelects: Int = 0) throws {
        statePath = state
        self.logPath = logPath
        var arguments = ["--port", String(port), "--state", state, "--pin", pin, "--subject", subject, "--failing-selects", String(failingSelects)]
        if removed { arguments.append("--removed") }
        pid = try spawn(Binaries.sealcardSim, arguments, environment: ["PATH": "/usr/bin:/bin"], logPath: logPath)
    }

    func remove() { kill(pid, SIGUSR1) }
    func insert() { kill(pid, SIGUSR2) }

    /// The card's certificate fingerprint, as the simulator announces it when it starts.
    var fingerprint: String {
        get throws {
            var found: String?
            try eventually("sealcard-sim announces its card") {
                found = log.split(separator: "\n").first { $0.hasPrefix("sealcard-sim: card ") }
                    .map { String($0.dropFirst("sealcard-sim: card ".count).prefix(64)) }
                return found != nil
            }
            return found!
        }
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func terminate() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}

/// Waits until `condition` holds, checking every 50 ms; fails the wait after `timeout` seconds. The condition is
/// checked once more after the deadline: on a machine busy with the whole suite one check can take seconds, and a
/// condition met during the last one must not fail the wait. `explain` says, on failure, what was seen instead.
func eventually(_ what: String, timeout: Double = 10, explain: () -> String = { "" }, _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(timeout)
    var checks = 0
    while true {
        let last = Date() >= deadline
        checks += 1
        if try condition() { return }
        if last { break }
        usleep(50_000)
    }
    let seen = explain()
    throw HarnessError("timed out after \(timeout) s (\(checks) checks) waiting for: \(what)\(seen.isEmpty ? "" : "; seen: \(seen)")")
}
