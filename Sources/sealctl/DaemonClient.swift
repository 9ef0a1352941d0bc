#if canImport(Glibc)
import Glibc
#endif
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SealWire

/// Why a call failed, in the form sealctl prints: `error: CODE: message`.
struct ClientError: Error, CustomStringConvertible {
    var code: String
    var message: String
    var exitCode: Int32
    /// Extra lines printed under the error (e.g. each bad line of a refused catalogue).
    var details: [String] = []

    var description: String { (["error: \(code): \(message)"] + details.map { "  \($0)" }).joined(separator: "\n") }

    static func daemonNotRunning(_ path: String, _ detail: String, daemon: String = "sealkeeperd") -> ClientError {
        ClientError(
            code: "daemon-not-running",
            message: "\(daemon) is not running (nothing listens on \(path): \(detail)); start it or pass \(daemon == "sealcountyd" ? "--county-socket" : "--socket")",
            exitCode: 69
        )
    }

    static func permissionDenied(_ path: String) -> ClientError {
        ClientError(
            code: "socket-permission-denied",
            message: "permission denied on \(path); ask the operator to add you to the socket's group",
            exitCode: 77
        )
    }
}

/// HTTP/JSON over the daemon's Unix socket, through AsyncHTTPClient's `http+unix` scheme.
struct DaemonClient {
    let socketPath: String
    /// Named in "not running" errors.
    var daemon = "sealkeeperd"
    let onBehalfOf: String?

    /// Sends one request; returns the body of a 2xx answer, or throws the daemon's error code and message.
    func send(_ method: HTTPMethod, _ path: String, body: Data? = nil, contentType: String? = nil) async throws -> Data {
        let response = try await execute(method, path, body: body, contentType: contentType, timeout: .seconds(120))
        do {
            return Data(try await response.body.collect(upTo: Self.answerLimit).readableBytesView)
        } catch is NIOTooManyBytesError {
            throw Self.tooLarge(path)
        }
    }

    /// The most one JSON answer may hold; exports and bundles stream (`download`) and are not limited.
    static let answerLimit = 256 << 20

    /// GETs `path` and writes the body to `output` as it arrives: an export of any size in constant memory.
    /// Returns the bytes written and the answer's headers; `chunk` sees every piece written (to hash it, say).
    @discardableResult
    func download(_ path: String, to output: FileHandle, chunk observe: (ByteBuffer) -> Void = { _ in }) async throws
        -> (bytes: Int, headers: HTTPHeaders)
    {
        var written = 0
        let headers = try await receive(path) { chunk in
            observe(chunk)
            Output.write(Data(chunk.readableBytesView), to: output.fileDescriptor)
            written += chunk.readableBytes
        }
        return (written, headers)
    }

    /// GETs `path` and hands the body to `consume` piece by piece as it arrives (by default with no answer limit, for
    /// as long as an export takes); returns the headers.
    @discardableResult
    func receive(_ path: String, timeout: TimeAmount = .hours(6), limit: Int? = nil, _ consume: (ByteBuffer) throws -> Void) async throws -> HTTPHeaders {
        let response = try await execute(.GET, path, body: nil, contentType: nil, timeout: timeout)
        var received = 0
        for try await chunk in response.body {
            received += chunk.readableBytes
            if let limit, received > limit { throw Self.tooLarge(path) }
            try consume(chunk)
        }
        return response.headers
    }

    /// A report over a long period of a big book (every use a finding, say) can be larger than `answerLimit`; say so
    /// plainly rather than as a NIO error.
    private static func tooLarge(_ path: String) -> ClientError {
        ClientError(
            code: "answer-too-large",
            message: "the answer to \(path.split(separator: "?")[0]) is larger than \(answerLimit >> 20) MiB; ask for a shorter period (--from/--to, --quarter) or one seal (--seal)",
            exitCode: 1
        )
    }

    private func execute(_ method: HTTPMethod, _ path: String, body: Data?, contentType: String?, timeout: TimeAmount) async throws
        -> HTTPClientResponse
    {
        try probeSocket()
        let encodedSocket = socketPath.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? socketPath
        var request = HTTPClientRequest(url: "http+unix://\(encodedSocket)\(path)")
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let onBehalfOf { request.headers.add(name: "Sealkeeper-On-Behalf-Of", value: onBehalfOf) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType ?? "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: timeout)
        } catch {
            throw ClientError.daemonNotRunning(socketPath, "\(error)", daemon: daemon)
        }
        guard (200..<300).contains(Int(response.status.code)) else {
            let data = Data(try await response.body.collect(upTo: 1 << 20).readableBytesView)
            if let decoded = try? WireJSON.decoder.decode(ErrorBody.self, from: data) {
                let details = (decoded.error.lines ?? []).map { "line \($0.line): \($0.reason)" }
                throw ClientError(code: decoded.error.code, message: decoded.error.message, exitCode: 1, details: details)
            }
            throw ClientError(code: "http-\(response.status.code)", message: response.status.reasonPhrase, exitCode: 1)
        }
        return response
    }

    /// Sends a typed body (or none) and decodes the typed answer; the raw bytes come along for `--json`.
    func call<Answer: Decodable>(_ method: HTTPMethod, _ path: String, body: some Encodable, as answer: Answer.Type) async throws
        -> (Answer, Data)
    {
        try await decode(Answer.self, send(method, path, body: try WireJSON.encoder.encode(body)))
    }

    func call<Answer: Decodable>(_ method: HTTPMethod, _ path: String, as answer: Answer.Type) async throws -> (Answer, Data) {
        try await decode(Answer.self, send(method, path))
    }

    /// Uploads a file as it is (a catalogue CSV) and decodes the typed answer.
    func upload<Answer: Decodable>(_ path: String, _ data: Data, contentType: String, as answer: Answer.Type) async throws -> (Answer, Data) {
        try await decode(Answer.self, send(.POST, path, body: data, contentType: contentType))
    }

    func get<Answer: Decodable>(_ path: String, as answer: Answer.Type) async throws -> (Answer, Data) {
        try await call(.GET, path, as: answer)
    }

    func decode<Answer: Decodable>(_ type: Answer.Type, _ data: Data) throws -> (Answer, Data) {
        do {
            // A page of the book is read straight from its bytes (`DirectJSONDecoded`), every other answer by Foundation.
            if let direct = Answer.self as? any DirectJSONDecoded.Type, let answer = try direct.init(wireJSON: data) as? Answer {
                return (answer, data)
            }
            return (try WireJSON.decoder(for: Answer.self).decode(Answer.self, from: data), data)
        } catch {
            throw ClientError(code: "bad-answer", message: "the daemon's answer is not what this sealctl expects (\(error)); are both the same version?", exitCode: 76)
        }
    }

    /// Tells "not running" and "no permission" apart before HTTP gets involved, so each has a plain message.
    private func probeSocket() throws {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(socketPath.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw ClientError(code: "bad-socket-path", message: "socket path too long: \(socketPath)", exitCode: 64)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let fd = socket(AF_UNIX, CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result != 0 else { return }
        let code = errno
        if code == EACCES || code == EPERM { throw ClientError.permissionDenied(socketPath) }
        throw ClientError.daemonNotRunning(socketPath, String(cString: strerror(code)), daemon: daemon)
    }
}
