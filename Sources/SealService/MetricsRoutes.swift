import Hummingbird
import SealStore

/// `GET /metrics`: Prometheus text, on the API socket (any role) and, with `[metrics] listen`, alone on a loopback
/// TCP port that Prometheus can scrape.
struct MetricsRoutes {
    let environment: ServiceEnvironment

    func addRoutes(to router: Router<SealRequestContext>) {
        router.get("/metrics") { _, context in
            _ = try context.requireCaller()
            return await Self.response(environment)
        }
    }

    /// Samples the gauges that are read rather than counted, then renders the registry.
    static func response(_ environment: ServiceEnvironment) async -> Response {
        let metrics = environment.metrics
        metrics.connectionsOpen.record(environment.connections.open)
        metrics.journalEntries.record(await environment.register.writer.committedSize)
        let health = await environment.cards.health()
        metrics.cardReaders.record(health.readers)
        metrics.cardsPresent.record(health.cards)
        metrics.cardsUnlocked.record(await environment.cards.unlockedCount)
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: .init(string: metrics.exposition()))
        )
    }

    /// The loopback scrape endpoint: `/metrics` and nothing else, no identity (TCP carries none).
    static func scrapeApplication(_ environment: ServiceEnvironment, endpoint: MetricsEndpoint) -> some ApplicationProtocol {
        let router = Router()
        router.get("/metrics") { _, _ in await response(environment) }
        return Application(
            router: router,
            configuration: .init(address: .hostname(endpoint.host, port: endpoint.port), serverName: nil),
            logger: environment.logger
        )
    }
}
