import Hummingbird
import SealCore
import SealWire

/// Refuses a body whose declared length is over the limit before reading any of it; bodies without a length are
/// cut off at the same limit when a route collects them.
public struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let limit: Int

    public init(limit: Int) { self.limit = limit }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw SealError(
                .payloadTooLarge, "the request body is \(length) bytes; the daemon accepts at most \(limit)"
            )
        }
        return try await next(request, context)
    }
}
