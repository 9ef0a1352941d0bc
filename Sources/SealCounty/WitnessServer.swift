import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import SealBook
import SealCore
import Synchronization

/// Townships' side of `sealcountyd`: `POST <prefix>/add-checkpoint` (witness) and `<prefix>/add-entries` (mirror) over TCP, with TLS unless on loopback. Answers
/// are the protocol's own (plain text, `text/x.tlog.size`), not the staff API's JSON.
public enum WitnessServer {
    /// Requests being handled; over the limit the witness answers 429 with Retry-After instead of queueing without
    /// bound (the township backs off and retries).
    final class InFlight: Sendable {
        let limit: Int
        private let count = Atomic<Int>(0)
        init(limit: Int) { self.limit = limit }
        func enter() -> Bool {
            if count.add(1, ordering: .relaxed).newValue > limit {
                count.subtract(1, ordering: .relaxed)
                return false
            }
            return true
        }
        func leave() { count.subtract(1, ordering: .relaxed) }
    }

    public static func router(witness: Witness, mirror: Mirror, settings: CountyConfiguration.TownshipListener, logger: Logger) -> Router<BasicRequestContext> {
        let router = Router()
        let inFlight = InFlight(limit: settings.maxInFlight)

        /// A protocol route: at most `max_in_flight` at once (429 with Retry-After beyond), the body read up to
        /// `limit` (413 beyond), 400 for a query parameter it does not take (a misspelt `?strat=` would otherwise be
        /// read as its default), and 503 when the database fails (nothing was stored; the township retries).
        func route(
            _ path: String, limit: Int, what: String, queries: Set<String> = [],
            _ handle: @escaping @Sendable (Request, ByteBuffer) async throws -> Response
        ) {
            router.post("\(settings.prefix)/\(path)") { request, context -> Response in
                let unknown = Set(request.uri.queryParameters.map { String($0.key) }).subtracting(queries).sorted()
                guard unknown.isEmpty else {
                    let takes = queries.isEmpty ? "takes no query parameters" : "takes \(queries.sorted().joined(separator: ", "))"
                    let list = unknown.map { "\"\($0)\"" }.joined(separator: ", ")
                    return response(.text(400, "unknown query parameter\(unknown.count == 1 ? "" : "s") \(list): POST /\(path) \(takes)"))
                }
                guard inFlight.enter() else {
                    return response(.init(status: 429, contentType: "text/plain; charset=utf-8", body: "too many requests at once; retry later\n"), retryAfter: 1)
                }
                defer { inFlight.leave() }
                if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
                    return response(.text(413, "the body is \(length) bytes; the \(what) accepts at most \(limit)"))
                }
                let body: ByteBuffer
                do {
                    body = try await request.body.collect(upTo: limit)
                } catch {
                    return response(.text(413, "the body is larger than the \(what) accepts (\(limit) bytes)"))
                }
                do {
                    return try await handle(request, body)
                } catch {
                    context.logger.error("\(path) failed", metadata: ["error": "\(String(reflecting: error))"])
                    return response(.text(503, "the \(what) cannot reach its database; retry later"), retryAfter: 5)
                }
            }
        }

        route("add-checkpoint", limit: settings.maxBodyBytes, what: "witness") { _, body in
            response(try await witness.addCheckpoint(body: Array(body.readableBytesView)))
        }
        let uploadLimit = settings.maxUploadBytes
        route("add-entries", limit: uploadLimit, what: "mirror") { request, body in
            var body = body
            switch request.headers[.contentEncoding]?.lowercased() {
            case nil, "identity": break
            case "gzip":
                do {
                    // Bounded like a plain body: a small gzip body must not inflate without limit.
                    body = try body.decompress(with: .gzip(), maxSize: uploadLimit)
                } catch {
                    return response(.text(400, "the gzip body does not decompress within \(uploadLimit) bytes: \(error)"))
                }
            case let other?:
                return response(.text(415, "Content-Encoding \(other) is not supported; send gzip or none"), acceptEncoding: true)
            }
            return response(try await mirror.addEntries(body: Array(body.readableBytesView)), acceptEncoding: true)
        }
        route("restore", limit: settings.maxBodyBytes, what: "mirror", queries: ["start", "limit"]) { request, body in
            // A parameter given but not a number is refused, not read as its default.
            func integer(_ name: String, default value: Int) -> Int? { request.uri.queryParameters.get(name).map { Int($0) } ?? value }
            guard let start = integer("start", default: 0), let limit = integer("limit", default: 10_000), start >= 0, (1...100_000).contains(limit) else {
                return response(.text(400, "start must be an integer ≥ 0 and limit an integer between 1 and 100000"))
            }
            guard let (head, entries) = try await mirror.restore(body: Array(body.readableBytesView), start: start, limit: limit) else {
                return response(.text(403, "not a restore request signed by a known township's register key within \(Int(RestoreRequest.window)) s of now"))
            }
            var out = ByteBuffer(data: try JSONEncoder().encode(head))
            out.writeString("\n")
            for entry in entries { out.writeString(entry + "\n") }
            return Response(status: .ok, headers: [.contentType: "application/jsonl"], body: .init(byteBuffer: out))
        }
        return router
    }

    static func response(_ answer: ProtocolAnswer, retryAfter: Int? = nil, acceptEncoding: Bool = false) -> Response {
        var headers: HTTPFields = [.contentType: answer.contentType]
        // The mirror says what it takes, as tlog-mirror asks.
        if acceptEncoding { headers[.acceptEncoding] = "gzip" }
        if let retryAfter { headers[.retryAfter] = "\(retryAfter)" }
        return Response(status: .init(code: answer.status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: answer.body)))
    }

    /// The Hummingbird application serving townships, TLS when a certificate is configured.
    public static func application(
        witness: Witness, mirror: Mirror, settings: CountyConfiguration.TownshipListener, logger: Logger,
        onServing: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        var server = HTTPServerBuilder.http1()
        if let certificate = settings.tlsCertificate, let key = settings.tlsKey {
            let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
            let tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
            )
            server = try .tls(.http1(), tlsConfiguration: tls)
        }
        return Application(
            router: router(witness: witness, mirror: mirror, settings: settings, logger: logger),
            server: server,
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "sealcountyd"),
            onServerRunning: { channel in await onServing(channel.localAddress?.port ?? 0) },
            logger: logger
        )
    }
}
