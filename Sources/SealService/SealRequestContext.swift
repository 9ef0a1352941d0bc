import Foundation
import Hummingbird
import Logging
import NIOCore
import SealCore
import SealWire

/// Per-request state: the connection it arrived on and, once the identity middleware ran, who is calling.
public struct SealRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The accepted connection; the identity middleware reads its peer credentials.
    public let channel: any Channel
    /// The caller, set by `IdentityMiddleware` before any route runs.
    public var caller: Caller?
    /// Body size limit; bigger bodies are refused with 413 before they are decoded.
    public var maxUploadSize: Int
    /// The register's zone (`[policy] timezone`): the answer's times are shown in it.
    public var timeZone: TimeZone = TimeZone(identifier: "UTC")!

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
        maxUploadSize = 1 << 20
    }

    public var requestDecoder: SealRequestDecoder { SealRequestDecoder() }
    public var responseEncoder: LocalTimeResponseEncoder { LocalTimeResponseEncoder(zone: timeZone) }

    /// The caller, or a `forbidden` refusal when no identity was established.
    public func requireCaller() throws -> Caller {
        guard let caller else { throw SealError(.forbidden, "no caller identity") }
        return caller
    }
}

/// JSON request decoding that reports malformed bodies as `bad-request` with the decoder's reason.
public struct SealRequestDecoder: RequestDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws
        -> T
    {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let value: T
        do {
            value = try WireJSON.decoder.decode(T.self, from: buffer)
        } catch let error as DecodingError {
            throw SealError(.badRequest, "malformed JSON body: \(DecodingErrorDescription(error))")
        }
        if let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) {
            // A member the body's type does not read is a typo to report, not a field to drop.
            let unknown = BodyMemberAudit.unknownMembers(T.self, in: object)
            if !unknown.isEmpty {
                throw SealError(.badRequest, unknown.map(\.description).joined(separator: "; "))
            }
            // Every text field the API defines within its limit and on one line (FieldLimits), whichever route it is for.
            try Self.checkText(object, field: "")
        }
        return value
    }

    static func checkText(_ value: Any, field: String) throws {
        switch value {
        case let text as String:
            guard FieldLimits.limits[field] != nil else { return }
            if let problem = FieldLimits.problem(field: field, value: text) { throw SealError(.invalidField, problem) }
        case let list as [Any]:
            for item in list { try checkText(item, field: field) }
        case let object as [String: Any]:
            for (key, item) in object { try checkText(item, field: key) }
        default:
            break
        }
    }
}

/// A one-line account of a `DecodingError` that names the offending field.
struct DecodingErrorDescription: CustomStringConvertible {
    let error: DecodingError
    init(_ error: DecodingError) { self.error = error }

    var description: String {
        func path(_ context: DecodingError.Context) -> String {
            let p = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return p.isEmpty ? "" : " at \(p)"
        }
        switch error {
        case .typeMismatch(_, let c): return "wrong type\(path(c)): \(c.debugDescription)"
        case .valueNotFound(_, let c): return "missing value\(path(c))"
        case .keyNotFound(let key, let c): return "missing field \(key.stringValue)\(path(c))"
        case .dataCorrupted(let c): return "invalid\(path(c)): \(c.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
