#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Hummingbird
import Logging
import PostgresNIO
import SealBook
import SealCore
import SealService
import ServiceLifecycle

/// Start-up and shutdown of `sealcountyd`: its key, PostgreSQL (connect, migrate, configured townships), the
/// townships' witness listener and the staff socket.
public struct CountyDaemon {
    public var configuration: CountyConfiguration
    public var logger: Logger

    public init(configuration: CountyConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    public static let keyFileName = "county.key"
    public static let mirrorKeyFileName = "mirror.key"

    /// Loads `county.key` (the witness's cosigner) from the state directory, creating both on first start.
    public static func loadKey(configuration: CountyConfiguration) throws -> CosignerKey {
        try loadKey(configuration: configuration, file: keyFileName, name: configuration.name)
    }

    /// Loads `mirror.key`, the mirror's own cosigner (tlog-mirror keeps it apart from the witness's).
    public static func loadMirrorKey(configuration: CountyConfiguration) throws -> CosignerKey {
        try loadKey(configuration: configuration, file: mirrorKeyFileName, name: configuration.mirrorName)
    }

    static func loadKey(configuration: CountyConfiguration, file: String, name: String) throws -> CosignerKey {
        let directory = URL(fileURLWithPath: configuration.stateDirectory, isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let key = try KeyFile.loadOrCreate(
            at: directory.appendingPathComponent(file), what: "a county cosigner key", parse: CosignerKey.init(encoded:),
            create: {
                let key = CosignerKey(name: name)
                return (key, key.encoded)
            }
        )
        guard key.name == name else {
            throw SealError(
                .storageMisconfigured,
                "\(file) is the key of \"\(key.name)\" but it should be \"\(name)\" ([county] name); townships know the county's cosigners by their keys' names"
            )
        }
        return key
    }

    public func run() async throws {
        umask(0o077)
        let key = try Self.loadKey(configuration: configuration)
        let mirrorKey = try Self.loadMirrorKey(configuration: configuration)
        logger.info("cosigner keys", metadata: ["witness": "\(key.verifier.vkey)", "mirror": "\(mirrorKey.verifier.vkey)"])
        let listener = try UnixSocketListener.bind(path: configuration.socketPath, mode: configuration.socketMode, group: configuration.socketGroup)
        defer { listener.removeFileIfOwned() }
        logger.info("listening for county staff", metadata: ["path": "\(listener.path)"])

        let database = try CountyDatabase(settings: configuration.database, logger: logger)
        let store = CountyStore(database: database)
        let configuration = self.configuration
        let logger = self.logger
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await database.client.run() }
            try await database.within(configuration.database.connectTimeout, "connecting to PostgreSQL") {
                try await database.migrate()
            }
            logger.info("database ready", metadata: ["database": "\(database.description)"])
            let added = try await store.addConfigured(configuration.configuredTownships)
            for origin in added { logger.notice("township added from the configuration", metadata: ["origin": "\(origin)"]) }

            let witness = Witness(store: store, key: key, logger: logger)
            let mirror = Mirror(store: store, key: mirrorKey, witnessKey: key, logger: logger)
            let townships = try WitnessServer.application(witness: witness, mirror: mirror, settings: configuration.townships, logger: logger) { port in
                logger.info(
                    "witness listening",
                    metadata: [
                        "address": "\(configuration.townships.host):\(port)", "prefix": "\(configuration.townships.prefix)",
                        "tls": "\(configuration.townships.tlsCertificate != nil)",
                    ]
                )
            }
            let staff = HTTPSocketServer(
                socket: listener.descriptor,
                responder: CountyAPI.router(configuration: configuration, store: store, key: key).buildResponder(),
                logger: logger,
                limiter: ConnectionLimiter(total: 256, perUser: 64)
            )
            let services = ServiceGroup(
                configuration: .init(
                    services: [.init(service: townships, successTerminationBehavior: .gracefullyShutdownGroup),
                               .init(service: staff, successTerminationBehavior: .gracefullyShutdownGroup)],
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger
                )
            )
            try await services.run()
            // The servers have drained; stop the pool.
            group.cancelAll()
        }
        logger.info("stopped")
    }
}
