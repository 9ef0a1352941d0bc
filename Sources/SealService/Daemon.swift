#if canImport(Glibc)
import Glibc
#endif
import CSealShims
import Foundation
import Hummingbird
import Logging
import SealCore
import SealWire
import SealStore
import ServiceLifecycle

/// Start-up and shutdown of `sealkeeperd`: state directory, database, socket, services, systemd notifications.
public struct Daemon {
    public var configuration: DaemonConfiguration
    public var logger: Logger

    public init(configuration: DaemonConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs until SIGTERM or SIGINT, then drains in-flight requests and closes the database.
    public func run() async throws {
        let notifier = SystemdNotifier()
        // Every file the daemon creates (database, keys) is private to its user.
        umask(0o077)
        Self.raiseFileLimit(logger: logger)
        // Like ssh-agent: no core dumps and no ptrace by other processes of the same user, so an unlocked PIN
        // (and any transient copy of it) cannot leave the process that way.
        _ = seal_disable_dumps()
        // glibc gives each thread that allocates its own heap arena (up to 8 per core) and keeps what an export or
        // a report freed in it; two arenas keep the daemon's resident memory near what it uses at rest.
        _ = seal_limit_malloc_arenas(2)
        // glibc raises its mmap threshold to the size of each large block freed (up to 32 MB) and its trim
        // threshold to twice that: after one big answer (an anomaly report's JSON, a page of the book) an arena
        // kept tens of MB at its top, beyond malloc_trim's reach, for good. Fixed thresholds give blocks of 256 KiB
        // or more straight back when freed, and an arena's top over 1 MiB.
        _ = seal_fix_malloc_thresholds(256 << 10, 1 << 20)
        let listener: UnixSocketListener
        if let activated = try UnixSocketListener.fromSystemd() {
            listener = activated
            logger.info("adopted socket from systemd", metadata: ["path": "\(activated.path)"])
        } else {
            listener = try UnixSocketListener.bind(
                path: configuration.socketPath, mode: configuration.socketMode, group: configuration.socketGroup
            )
            logger.info(
                "listening",
                metadata: ["path": "\(listener.path)", "mode": "\(String(configuration.socketMode, radix: 8))"]
            )
        }

        // The socket is claimed first, so a second daemon stops before it touches the database.
        defer { listener.removeFileIfOwned() }
        let stateDirectory = try Self.prepareStateDirectory(configuration.stateDirectory)
        // Opening reads the key, opens the file and runs migrations (sealing every existing row the first time after
        // the upgrade that brought row seals): blocking file I/O, so on the blocking queue, not Swift concurrency's.
        let useSettings = configuration.useSettings
        let register = try await BlockingWork.run { [logger = self.logger] in try Register(stateDirectory: stateDirectory, logger: logger, useSettings: useSettings) }
        logger.info(
            "database open",
            metadata: ["path": "\(register.database.url.path)", "synchronous": "FULL", "journal_mode": "wal", "origin": "\(register.origin)"]
        )

        let cards = CardService(settings: configuration.pcsc, register: register, logger: logger)
        let metrics = DaemonMetrics()
        metrics.bootstrap()
        await register.writer.observe { metrics.batchCommitted($0) }
        let witness = try configuration.county.map { [logger = self.logger] in try CountyWitnessClient(link: $0, register: register, logger: logger) }
        let environment = ServiceEnvironment(
            configuration: configuration, register: register, cards: cards, metrics: metrics, witness: witness, logger: logger
        )
        try? FileManager.default.removeItem(at: environment.exportScratch)
        try? FileManager.default.removeItem(at: environment.backupScratch)
        let router = SealAPI.router(environment: environment)
        let logger = self.logger
        let server = HTTPSocketServer(
            socket: listener.descriptor, responder: router.buildResponder(), logger: logger,
            limiter: environment.connections,
            onServing: {
                if notifier.notify("READY=1\nSTATUS=serving on \(listener.path)") {
                    logger.info("notified systemd: ready")
                }
            }
        )
        // Services stop in reverse order: the card service (which wipes unlocked PINs and journals the locks) after
        // the server has drained, and the register's writer last, once nothing can write any more.
        var services: [any Service] = [register.writer, cards, server, ShutdownAnnouncer(notifier: notifier, logger: logger, register: register)]
        services.append(HeapTrimmer())
        if let witness {
            // Stopped before the server drains: a request in flight to the county is simply retried next start.
            services.append(witness)
            logger.info("witnessed by the county", metadata: ["url": "\(configuration.county!.url)", "witness": "\(configuration.county!.witnessKey.name)"])
        }
        if let endpoint = configuration.metricsListen {
            services.append(MetricsRoutes.scrapeApplication(environment, endpoint: endpoint))
            logger.info("serving /metrics", metadata: ["address": "\(endpoint.host):\(endpoint.port)"])
        }
        if notifier.isActive, let interval = SystemdNotifier.watchdogInterval() {
            services.append(WatchdogService(notifier: notifier, interval: interval))
            logger.info("watchdog enabled", metadata: ["interval": "\(interval)"])
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        do {
            try await group.run()
        } catch {
            // A service failed: the group has stopped the others; the database is closed all the same.
            try? register.close()
            throw error
        }
        try register.close()
        logger.info("stopped")
    }

    /// Raises the soft limit on open files to the hard limit (as systemd advises for services that need many), so
    /// `[daemon] max_connections` is what bounds connections, not a descriptor shortage at 1024.
    static func raiseFileLimit(logger: Logger) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) != 0 {
            logger.warning("could not raise the open-file limit", metadata: ["error": "\(String(cString: strerror(errno)))"])
        }
    }

    /// Creates the state directory with mode 0700 if it is missing.
    static func prepareStateDirectory(_ path: String) throws -> URL {
        let url = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw SealError(.stateDirectoryUnusable, "\(url.path) exists and is not a directory")
            }
        } else {
            do {
                try FileManager.default.createDirectory(
                    at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]
                )
            } catch {
                throw SealError(.stateDirectoryUnusable, "cannot create \(url.path): \(error.localizedDescription)")
            }
        }
        return url
    }
}


/// Tells systemd the daemon is stopping as soon as graceful shutdown begins.
struct ShutdownAnnouncer: Service {
    let notifier: SystemdNotifier
    let logger: Logger
    let register: Register

    func run() async throws {
        try? await gracefulShutdown()
        logger.info("shutting down: draining in-flight requests")
        notifier.notify("STOPPING=1")
        // Long polls (events --follow) answer now instead of holding the drain for their full wait.
        await register.writer.stopWaiting()
    }
}
