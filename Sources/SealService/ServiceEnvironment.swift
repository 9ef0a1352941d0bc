import Foundation
import Logging
import SealCore
import SealWire
import SealStore

/// What every route may use: the opened register and the settings, built once at start-up.
public struct ServiceEnvironment: Sendable {
    public let configuration: DaemonConfiguration
    public let stateDirectory: String
    public let register: Register
    public let startedAt: Date
    /// Key cards: readers, bindings, unlocks, signing.
    public let cards: CardService
    /// Prometheus metrics (`/metrics`).
    public let metrics: DaemonMetrics
    /// The connections held open, bounded in all and per user.
    let connections: ConnectionLimiter
    /// The county witness client, when `[county]` is configured.
    public let witness: CountyWitnessClient?
    public let logger: Logger

    public init(
        configuration: DaemonConfiguration, register: Register, cards: CardService? = nil, startedAt: Date = Date(),
        metrics: DaemonMetrics = DaemonMetrics(), witness: CountyWitnessClient? = nil, logger: Logger = Logger(label: "sealkeeper")
    ) {
        self.witness = witness
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        connections = ConnectionLimiter(total: configuration.maxConnections, perUser: configuration.maxConnectionsPerUser)
        self.cards = cards ?? CardService(settings: configuration.pcsc, register: register, logger: Logger(label: "sealkeeper.cards"))
        self.stateDirectory = configuration.stateDirectory
        self.register = register
        self.startedAt = startedAt
    }

    public var database: RegistryDatabase { register.database }

    /// Scratch space for exports that must be assembled before they are sent (XLSX). Left-overs of an export cut
    /// short by a crash are removed at start-up.
    public var exportScratch: URL {
        URL(fileURLWithPath: stateDirectory, isDirectory: true).appendingPathComponent("export-tmp", isDirectory: true)
    }

    /// Where online backups are assembled and checked before they are sent; removed afterwards and at start-up.
    public var backupScratch: URL {
        URL(fileURLWithPath: stateDirectory, isDirectory: true).appendingPathComponent("backup-tmp", isDirectory: true)
    }
}
