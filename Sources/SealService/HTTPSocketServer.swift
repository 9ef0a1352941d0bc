import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOExtras
import NIOPosix
import ServiceLifecycle

/// Serves a Hummingbird responder over HTTP/1.1 on an already bound and listening socket.
///
/// Hummingbird 2.28 can only bind a path itself, which leaves two gaps this closes: a socket passed by systemd
/// socket activation (fd 3) must be adopted, not re-created, and a socket we bind must get its mode and group
/// before the first client can connect.
public struct HTTPSocketServer<Responder: HTTPResponder>: Service
where Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
    let socket: NIOBSDSocket.Handle
    let responder: Responder
    let logger: Logger
    let eventLoopGroup: any EventLoopGroup
    let onServing: @Sendable () async -> Void

    public init(
        socket: NIOBSDSocket.Handle, responder: Responder, logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        onServing: @escaping @Sendable () async -> Void = {}
    ) {
        self.socket = socket
        self.responder = responder
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
        self.onServing = onServing
    }

    public func run() async throws {
        let responder = self.responder
        let logger = self.logger
        let http = HTTP1Channel(
            responder: { request, responseWriter, channel in
                let context = Responder.Context(source: .init(channel: channel, logger: logger))
                var response: Response
                do {
                    response = try await responder.respond(to: request, context: context)
                } catch {
                    // The error middleware renders every error we raise; anything reaching here is a bug.
                    logger.error("unhandled error while responding", metadata: ["error": "\(error)"])
                    response = Response(status: .internalServerError)
                }
                try await responseWriter.write(response: response.head, body: response.body)
            },
            configuration: .init(idleTimeout: .seconds(300))
        )
        let quiescing = ServerQuiescingHelper(group: eventLoopGroup)
        let serverChannel = try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiescing.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .bind(socket, serverBackPressureStrategy: nil) { channel in
                http.setup(channel: channel, logger: logger)
            }

        await withGracefulShutdownHandler {
            await onServing()
            await withDiscardingTaskGroup { group in
                do {
                    try await serverChannel.executeThenClose { inbound in
                        for try await child in inbound {
                            group.addTask { await http.handle(value: child, logger: logger) }
                        }
                    }
                } catch {
                    logger.error("accepting connections failed", metadata: ["error": "\(error)"])
                }
            }
        } onGracefulShutdown: {
            // Stop accepting, let in-flight requests finish, then the accept loop above ends.
            let promise = eventLoopGroup.next().makePromise(of: Void.self)
            quiescing.initiateShutdown(promise: promise)
        }
    }
}
