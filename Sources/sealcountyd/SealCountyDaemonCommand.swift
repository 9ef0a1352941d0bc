import ArgumentParser
import Foundation
import Logging
import SealCounty
import SealService

/// `sealcountyd`: the county service — witness of every township's register, on PostgreSQL.
@main
struct SealCountyDaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sealcountyd",
        abstract: "Witnesses every township's register (C2SP tlog-witness) and serves county staff; keeps its state in PostgreSQL.",
        discussion: """
            Reads --config (default \(CountyConfiguration.defaultPath)). Townships reach it over TCP ([townships] \
            listen, TLS unless loopback); county staff use sealctl on its Unix socket ([county] socket). Stops on \
            SIGTERM or SIGINT.
            """,
        version: SealkeeperVersion.current
    )

    @Option(name: .long, help: "Configuration file (TOML).")
    var config: String?

    @Option(name: .long, help: "Unix socket path for county staff (overrides [county] socket).")
    var socket: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    @Flag(name: .customLong("print-key"), help: "Print the witness's verifier key (creating the key on first use) and exit.")
    var printKey = false

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "sealcountyd")
        var configuration: CountyConfiguration
        do {
            configuration = try CountyConfiguration.load(path: config ?? CountyConfiguration.defaultPath, required: config != nil)
        } catch {
            FileHandle.standardError.write(Data("sealcountyd: invalid configuration: \(error)\n".utf8))
            throw ExitCode(78)  // EX_CONFIG
        }
        if let socket { configuration.socketPath = socket }
        if printKey {
            print(try CountyDaemon.loadKey(configuration: configuration).verifier.vkey)
            return
        }
        do {
            try await CountyDaemon(configuration: configuration, logger: logger).run()
        } catch {
            logger.critical("cannot run: \(error)")
            throw ExitCode(1)
        }
    }
}
