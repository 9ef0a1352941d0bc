import Foundation
import SealCore
import SealStore

/// What every route may use: the opened register and the settings, built once at start-up.
public struct ServiceEnvironment: Sendable {
    public let configuration: DaemonConfiguration
    public let stateDirectory: String
    public let register: Register
    public let startedAt: Date

    public init(configuration: DaemonConfiguration, register: Register, startedAt: Date = Date()) {
        self.configuration = configuration
        self.stateDirectory = configuration.stateDirectory
        self.register = register
        self.startedAt = startedAt
    }

    public var database: RegistryDatabase { register.database }
}
