import HTTPTypes
import Hummingbird
import SealCore
import SealWire
import Synchronization

/// Answers a request for a known path with a method it does not take with 405 and an `Allow` header (RFC 9110
/// §15.5.6), instead of the router's 404: a client that sent PUT where POST is due learns what to send.
///
/// The router knows its routes only after they are added, and middleware must be added before them, so the table
/// is filled in by `learn(_:)` once the router is complete.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    final class RouteTable: Sendable {
        /// Each route's path segments (nil for a `{capture}`) and its methods.
        private let routes = Mutex<[(segments: [Substring?], methods: Set<String>)]>([])

        func learn(_ descriptions: [Router<Context>.RouteDescription]) {
            var table: [[Substring?]: Set<String>] = [:]
            for route in descriptions {
                let segments = route.path.components.map { element -> Substring? in
                    let text = element.description
                    return text.hasPrefix("{") || text.hasPrefix(":") || text.contains("*") ? nil : Substring(text)
                }
                table[segments, default: []].insert(route.method.rawValue)
            }
            routes.withLock { $0 = table.map { ($0.key, $0.value) } }
        }

        /// The methods the route that would serve `path` takes, or nil when no route has that path. Like the
        /// router, a literal segment wins over a capture: `/v1/matters/import` is not `/v1/matters/{code}`.
        func methods(for path: String) -> Set<String>? {
            let parts = path.split(separator: "/", omittingEmptySubsequences: true)
            var best: (literals: Int, methods: Set<String>)?
            routes.withLock { routes in
                for route in routes where route.segments.count == parts.count {
                    guard zip(route.segments, parts).allSatisfy({ $0.0 == nil || $0.0 == $0.1 }) else { continue }
                    let literals = route.segments.filter { $0 != nil }.count
                    if best == nil || literals > best!.literals {
                        best = (literals, route.methods)
                    } else if literals == best!.literals {
                        best!.methods.formUnion(route.methods)
                    }
                }
            }
            return best?.methods
        }
    }

    let table: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        // Checked before identity, like the router's own 404: the shape of the API is public (docs/openapi.yaml).
        guard let methods = table.methods(for: request.uri.path), !methods.contains(request.method.rawValue) else {
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
