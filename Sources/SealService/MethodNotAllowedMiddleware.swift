import HTTPTypes
import Hummingbird
import SealCore
import SealWire

/// Answers a request for a known path with a method it does not take with 405 and an `Allow` header (RFC 9110
/// §15.5.6), instead of the router's 404: a client that sent PUT where POST is due learns what to send.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    let table: RouteTable<Context>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        // Checked before identity, like the router's own 404: the shape of the API is public (docs/openapi.yaml).
        guard let methods = table.route(for: request.uri.path)?.methods, !methods.contains(request.method.rawValue) else {
            return try await next(request, context)
        }
        // HEAD is not served (an export would be computed to be thrown away), so it is not offered either.
        let list = methods.sorted().joined(separator: ", ")
        var response = ErrorMiddleware<Context>.response(
            status: .methodNotAllowed, code: SealError.Code.methodNotAllowed.rawValue,
            message: "\(request.uri.path) takes \(list), not \(request.method.rawValue)"
        )
        response.headers[.allow] = list
        return response
    }
}
