import Hummingbird
import SealCore

/// Refuses a query parameter the route does not take with 400 `bad-request`, naming the ones it does: a routes's
/// handler reads the parameters it knows and cannot see the others, so a typo (`?sael=`, `?form=`) would be answered
/// as if the filter were not there. A path no route serves, or a method it does not take, is left to the router and
/// to `MethodNotAllowedMiddleware`.
public struct QueryParameterMiddleware<Context: RequestContext>: RouterMiddleware {
    let table: RouteTable<Context>
    /// "METHOD /path/{param}" → the names it takes (`QueryParameters`).
    let parameters: [String: Set<String>]

    public init(table: RouteTable<Context>, parameters: [String: Set<String>]) {
        self.table = table
        self.parameters = parameters
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let query = request.uri.queryParameters
        guard !query.isEmpty, let route = table.route(for: request.uri.path), route.methods.contains(request.method.rawValue) else {
            return try await next(request, context)
        }
        let name = "\(request.method.rawValue) \(route.pattern)"
        let allowed = parameters[name] ?? []
        var unknown: [String] = []
        for (key, _) in query where !allowed.contains(String(key)) && !unknown.contains(String(key)) {
            unknown.append(String(key))
        }
        guard unknown.isEmpty else {
            let takes = allowed.isEmpty ? "takes no query parameters" : "takes \(allowed.sorted().joined(separator: ", "))"
            let list = unknown.map { "\"\($0)\"" }.joined(separator: ", ")
            throw SealError(.badRequest, "unknown query parameter\(unknown.count == 1 ? "" : "s") \(list): \(name) \(takes)")
        }
        return try await next(request, context)
    }
}
