import Foundation
import Hummingbird
import Logging
import NIOCore
import SealBook
import SealCore
import SealService
import SealWire

/// Per-request state on the county staff socket: the connection and, once identified, the caller and roles.
public struct CountyRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel
    public var principal: UnixPrincipal?
    public var roles: [CountyRole] = []
    /// `[county] timezone`: answers show stored times in it, as a township's do in its own.
    public var timeZone = TimeZone(identifier: "Asia/Shanghai")!

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// The township daemon's: a malformed body or a member no field names is a `bad-request`, a text past its
    /// limit `invalid-field`.
    public var requestDecoder: SealRequestDecoder { SealRequestDecoder() }
    public var responseEncoder: LocalTimeResponseEncoder { LocalTimeResponseEncoder(zone: timeZone) }

    func require(_ role: CountyRole) throws {
        guard roles.contains(role) else {
            throw SealError(.forbidden, "this needs the \(role.rawValue) role; you hold \(roles.map(\.rawValue).joined(separator: ", "))")
        }
    }

    var actor: String { principal.map { $0.userName ?? "uid:\($0.uid)" } ?? "unknown" }
}

/// Who is calling, from SO_PEERCRED only; callers without a county role are refused.
struct CountyIdentityMiddleware: RouterMiddleware {
    typealias Context = CountyRequestContext
    let configuration: CountyConfiguration
    let credentials: PeerCredentialSource

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let principal = try await credentials.resolve(context.channel)
        let roles = configuration.roles(for: principal)
        guard !roles.isEmpty else {
            throw SealError(.forbidden, "uid \(principal.uid)\(principal.userName.map { " (\($0))" } ?? "") holds no county role")
        }
        context.principal = principal
        context.roles = roles
        context.timeZone = configuration.timeZone
        context.logger[metadataKey: "uid"] = "\(principal.uid)"
        return try await next(request, context)
    }
}

/// `sealcountyd`'s staff API on its Unix socket, with the township daemon's conventions (JSON, error codes).
public enum CountyAPI {
    public static func router(
        configuration: CountyConfiguration, store: CountyStore, key: CosignerKey, credentials: PeerCredentialSource = .socket
    ) -> Router<CountyRequestContext> {
        let router = Router(context: CountyRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: BodyLimitMiddleware(limit: 64 * 1024))
        let routeTable = RouteTable<CountyRequestContext>()
        router.add(middleware: QueryParameterMiddleware(table: routeTable, parameters: QueryParameters.county))
        router.add(middleware: CountyIdentityMiddleware(configuration: configuration, credentials: credentials))
        let keyView = CountyKeyView(name: key.name, vkey: key.verifier.vkey)

        router.get("/v1/county/status") { _, context in
            CountyStatusView(
                version: SealkeeperVersion.current, witness: keyView, database: store.database.description,
                townships: try await store.witnessViews(), user: context.actor, roles: context.roles.map(\.rawValue)
            )
        }
        router.get("/v1/county/key") { _, _ in keyView }
        router.get("/v1/county/townships") { _, _ in CountyTownshipListView(try await store.townships()) }
        router.get("/v1/county/townships/changes") { _, _ in TownshipChangeListView(try await store.townshipChanges()) }
        router.post("/v1/county/townships") { request, context -> EditedResponse<CountyTownshipView> in
            try context.require(.admin)
            let body: AddTownshipBody
            do {
                body = try await request.decode(as: AddTownshipBody.self, context: context)
            } catch let error as DecodingError {
                throw SealError(.badRequest, "malformed JSON body: \(error)")
            }
            let township = try TownshipEntry.validated(name: body.name, origin: body.origin, vkey: body.vkey)
            let view = try await store.addTownship(township, actor: context.actor)
            context.logger.notice("township added", metadata: ["origin": "\(view.origin)", "name": "\(view.name)", "by": "\(context.actor)"])
            return EditedResponse(status: .created, response: view)
        }
        router.get("/v1/county/forks") { _, _ in ForkListView(try await store.forks()) }
        router.get("/v1/county/anomalies") { _, _ in
            CountyAnomalyListView(try await CountyAnomalies.countyFindings(store: store, configuration: configuration))
        }
        var settings = ReportSettings()
        settings.timeZone = configuration.timeZone
        CountyBookRoutes(book: CountyBook(store: store, settings: settings), configuration: configuration, witnessKey: key).addRoutes(to: router)
        routeTable.learn(router.routes)
        return router
    }
}

// The county's answers are the wire types of SealWire, encoded with the API's JSON conventions.
extension CountyStatusView: ResponseEncodable {}
extension CountyKeyView: ResponseEncodable {}
extension CountyTownshipView: ResponseEncodable {}
