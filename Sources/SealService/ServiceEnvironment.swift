import Foundation
import SealCore
import SealStore

/// What every route may use: the opened stores and the settings, built once at start-up.
public struct ServiceEnvironment: Sendable {
    public let configuration: DaemonConfiguration
    public let stateDirectory: String
    public let database: RegistryDatabase
    public let startedAt: Date

    public init(configuration: DaemonConfiguration, database: RegistryDatabase, startedAt: Date = Date()) {
        self.configuration = configuration
        self.stateDirectory = configuration.stateDirectory
        self.database = database
        self.startedAt = startedAt
    }
}
