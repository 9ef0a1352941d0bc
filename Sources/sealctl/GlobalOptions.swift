import ArgumentParser
import Foundation

/// Options every verb takes, before or after the verb.
struct GlobalOptions: ParsableArguments {
    static let defaultSocket = "/run/sealkeeper/sealkeeper.sock"

    @Option(name: .long, help: "Daemon socket (default: $SEALKEEPER_SOCKET or \(defaultSocket)).")
    var socket: String?

    @Flag(name: .long, help: "Print the API's JSON instead of tables.")
    var json = false

    @Option(name: .customLong("as"), help: "Act on behalf of this staff id (trusted tools only).")
    var onBehalfOf: String?

    var socketPath: String {
        socket ?? ProcessInfo.processInfo.environment["SEALKEEPER_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
            ?? Self.defaultSocket
    }

    func client() -> DaemonClient {
        DaemonClient(socketPath: socketPath, onBehalfOf: onBehalfOf)
    }
}
