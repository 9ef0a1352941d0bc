import Hummingbird
import Synchronization

/// The router's routes by path, for the middleware that answers what the router alone cannot: which route a path
/// names though the method is wrong (405), and which query parameters that route takes.
///
/// The router knows its routes only after they are added, and middleware must be added before them, so the table
/// is filled in by `learn(_:)` once the router is complete.
public final class RouteTable<Context: RequestContext>: Sendable {
    /// A route's path as the documents write it (`/v1/seals/{id}`), its segments (nil for a capture) and methods.
    struct Route {
        var pattern: String
        var segments: [Substring?]
        var methods: Set<String>
    }

    private let routes = Mutex<[Route]>([])

    public init() {}

    public func learn(_ descriptions: [Router<Context>.RouteDescription]) {
        var table: [[Substring?]: Route] = [:]
        for route in descriptions {
            var pattern = ""
            let segments = route.path.components.map { element -> Substring? in
                let text = element.description
                let capture = text.hasPrefix("{") || text.hasPrefix(":") || text.contains("*")
                pattern += "/" + (text.hasPrefix(":") ? "{\(text.dropFirst())}" : text)
                return capture ? nil : Substring(text)
            }
            table[segments, default: Route(pattern: pattern, segments: segments, methods: [])].methods.insert(route.method.rawValue)
        }
        routes.withLock { $0 = Array(table.values) }
    }

    /// The route that would serve `path` (its pattern and methods), or nil when no route has that path. Like the
    /// router, a literal segment wins over a capture: `/v1/matters/import` is not `/v1/matters/{code}`.
    func route(for path: String) -> (pattern: String, methods: Set<String>)? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        var best: (literals: Int, pattern: String, methods: Set<String>)?
        routes.withLock { routes in
            for route in routes where route.segments.count == parts.count {
                guard zip(route.segments, parts).allSatisfy({ $0.0 == nil || $0.0 == $0.1 }) else { continue }
                let literals = route.segments.filter { $0 != nil }.count
                if best == nil || literals > best!.literals {
                    best = (literals, route.pattern, route.methods)
                } else if literals == best!.literals {
                    best!.methods.formUnion(route.methods)
                }
            }
        }
        return best.map { ($0.pattern, $0.methods) }
    }
}
