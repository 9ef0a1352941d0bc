import ArgumentParser
import Foundation
import Logging
import SealService

/// `sealkeeperd`: the seal custody and usage-register daemon.
@main
struct SealkeeperDaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sealkeeperd",
        abstract: "Keeps custody records and the usage register of delegated seals; serves sealctl on a Unix socket.",
        discussion: """
            Reads its settings from --config (default \(DaemonConfiguration.defaultPath); a missing default file \
            means built-in defaults). --socket and --state-dir override the file. Stops cleanly on SIGTERM or SIGINT.
            """,
        version: SealkeeperVersion.current
    )

    @Option(name: .long, help: "Configuration file (TOML).")
    var config: String?

    @Option(name: .long, help: "Unix socket path (overrides [daemon] socket).")
    var socket: String?

    @Option(name: .customLong("state-dir"), help: "State directory (overrides [daemon] state_directory).")
    var stateDir: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "sealkeeperd")
        var configuration: DaemonConfiguration
        do {
            configuration = try DaemonConfiguration.load(
                path: config ?? DaemonConfiguration.defaultPath, required: config != nil
            )
        } catch {
            FileHandle.standardError.write(Data("sealkeeperd: invalid configuration: \(error)\n".utf8))
            throw ExitCode(78)  // EX_CONFIG
        }
        if let socket { configuration.socketPath = socket }
        if let stateDir { configuration.stateDirectory = stateDir }
        do {
            try await Daemon(configuration: configuration, logger: logger).run()
        } catch {
            logger.critical("cannot run: \(error)")
            throw ExitCode(1)
        }
    }
}
