import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOExtras
import NIOPosix
import SealCore
import SealWire
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
    let limiter: ConnectionLimiter?
    let onServing: @Sendable () async -> Void

    public init(
        socket: NIOBSDSocket.Handle, responder: Responder, logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        limiter: ConnectionLimiter? = nil,
        onServing: @escaping @Sendable () async -> Void = {}
    ) {
        self.socket = socket
        self.responder = responder
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
        self.limiter = limiter
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
            // Headers are small in this API; a client that sends more gets 400 and the connection is closed.
            configuration: .init(
                idleTimeout: .seconds(300),
                httpDecoderConfiguration: .init(maxHeaderFieldSize: 16 * 1024, maxHeaderListSize: 32 * 1024, maxHeaderFieldCount: 100)
            )
        )
        let limiter = self.limiter
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
                            group.addTask {
                                guard let limiter else { return await http.handle(value: child, logger: logger) }
                                switch await limiter.admit(child.channel) {
                                case .success(let uid):
                                    await http.handle(value: child, logger: logger)
                                    limiter.release(uid)
                                case .failure(let refusal):
                                    logger.warning("connection refused", metadata: ["reason": "\(refusal.message)"])
                                    await Self.refuse(child, message: refusal.message)
                                }
                            }
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

    /// Answers a connection over the limits with one 503 `too-many-connections` and closes it.
    static func refuse(_ child: HTTP1Channel.Value, message: String) async {
        let body = ErrorBody(error: .init(code: SealError.Code.tooManyConnections.rawValue, message: message))
        let json = ByteBuffer(bytes: (try? WireJSON.encoder.encode(body)) ?? Data())
        let head = HTTPResponse(
            status: .serviceUnavailable,
            headerFields: [.contentType: "application/json; charset=utf-8", .contentLength: "\(json.readableBytes)", .connection: "close"]
        )
        try? await child.executeThenClose { _, outbound in
            try await outbound.write(.head(head))
            try await outbound.write(.body(json))
            try await outbound.write(.end(nil))
        }
    }
}
