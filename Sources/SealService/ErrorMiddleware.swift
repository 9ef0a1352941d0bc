import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SealCore
import SealStore

/// The wire form of every error: `{"error": {"code": "…", "message": "…"}}`.
public struct APIErrorBody: Codable, Sendable, Equatable {
    public struct Detail: Codable, Sendable, Equatable {
        public var code: String
        public var message: String
        /// For a refused catalogue: every bad line with its reason.
        public var lines: [MatterCatalogue.RowError]?
        /// For `wrong-pin`: the PIN tries the card has left.
        public var triesLeft: Int?
    }
    public var error: Detail
}

/// The one place where errors become responses: domain refusals keep their code, framework errors get one, and
/// nothing a client sends can produce a 5xx.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as SealError {
            if error.kind == .internal || error.kind == .unavailable {
                context.logger.error("request failed", metadata: ["code": "\(error.code)", "message": "\(error.message)"])
            }
            return Self.response(
                status: Self.status(for: error.kind),
                body: APIErrorBody(error: .init(code: error.code.rawValue, message: error.message, triesLeft: error.triesLeft))
            )
        } catch let refusal as CatalogueRefusal {
            let body = APIErrorBody(error: .init(
                code: SealError.Code.invalidCatalogue.rawValue,
                message: "\(refusal.errors.count) invalid line(s)\(refusal.encoding == "gb18030" ? " (the file was read as GB18030)" : ""); nothing was imported (sealctl matter import --skip-invalid, or skip_invalid=true in the API, imports the good rows)",
                lines: refusal.errors
            ))
            return Self.response(status: .unprocessableContent, body: body)
        } catch let error as HTTPResponseError {
            let (code, message) = Self.describe(error.status)
            return Self.response(status: error.status, code: code, message: message)
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(error)"])
            return Self.response(status: .internalServerError, code: "internal-error", message: "internal error")
        }
    }

    static func status(for kind: SealError.Kind) -> HTTPResponse.Status {
        switch kind {
        case .badRequest: .badRequest
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .tooLarge: .contentTooLarge
        case .unavailable: .serviceUnavailable
        case .internal: .internalServerError
        }
    }

    static func describe(_ status: HTTPResponse.Status) -> (String, String) {
        switch status {
        case .notFound: ("not-found", "no such route")
        case .methodNotAllowed: ("method-not-allowed", "this route does not take that method")
        case .contentTooLarge: ("payload-too-large", "the request body is larger than the daemon accepts")
        case .badRequest: ("bad-request", "malformed request")
        default:
            status.code >= 500
                ? ("internal-error", status.reasonPhrase)
                : (status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "-"), status.reasonPhrase)
        }
    }

    static func response(status: HTTPResponse.Status, code: String, message: String) -> Response {
        response(status: status, body: APIErrorBody(error: .init(code: code, message: message)))
    }

    static func response(status: HTTPResponse.Status, body: APIErrorBody) -> Response {
        let data = (try? APIJSON.encoder.encode(body)) ?? Data()
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: .init(bytes: data))
        )
    }
}
