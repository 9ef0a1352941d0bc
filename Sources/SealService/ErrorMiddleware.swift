import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SealCore
import SealInterchange
import SealStore
import SealWire

/// The one place where errors become responses: domain refusals keep their code, framework errors get one, and
/// nothing a client sends can produce a 5xx.
public struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as SealError {
            if error.kind == .internal || error.kind == .unavailable {
                context.logger.error("request failed", metadata: ["code": "\(error.code)", "message": "\(error.message)"])
            }
            return Self.response(status: HTTPResponse.Status(code: error.kind.httpStatus), body: ErrorBody(error))
        } catch let refusal as CatalogueRefusal {
            let body = ErrorBody(error: .init(
                code: SealError.Code.invalidCatalogue.rawValue,
                message: "\(refusal.errors.count) invalid line(s)\(refusal.encoding == "gb18030" ? " (the file was read as GB18030)" : ""); nothing was imported (sealctl matter import --skip-invalid, or skip_invalid=true in the API, imports the good rows)",
                lines: refusal.errors
            ))
            return Self.response(status: HTTPResponse.Status(code: SealError.Code.invalidCatalogue.kind.httpStatus), body: body)
        } catch let error as HTTPResponseError {
            let refusal = Self.refusal(error.status)
            return Self.response(status: HTTPResponse.Status(code: refusal.kind.httpStatus), body: ErrorBody(refusal))
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(error)"])
            return Self.response(status: .internalServerError, code: "internal-error", message: "internal error")
        }
    }

    /// A framework refusal (no route, wrong method, body too large, unparsable request) as the code it is.
    static func refusal(_ status: HTTPResponse.Status) -> SealError {
        switch status {
        case .notFound: SealError(.notFound, "no such route")
        case .methodNotAllowed: SealError(.methodNotAllowed, "this route does not take that method")
        case .contentTooLarge: SealError(.payloadTooLarge, "the request body is larger than the daemon accepts")
        case _ where status.code >= 500: SealError(.internalError, status.reasonPhrase)
        default: SealError(.badRequest, "malformed request (\(status.reasonPhrase))")
        }
    }

    static func response(status: HTTPResponse.Status, code: String, message: String) -> Response {
        response(status: status, body: ErrorBody(error: .init(code: code, message: message)))
    }

    static func response(status: HTTPResponse.Status, body: ErrorBody) -> Response {
        let data = (try? WireJSON.encoder.encode(body)) ?? Data()
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: .init(bytes: data))
        )
    }
}
