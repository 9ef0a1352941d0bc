import CSealShims
import Foundation
import Hummingbird
import SealCore
import SealWire
import SealStore

/// `GET /v1/reports/stats` and `GET /v1/reports/anomalies` (role inspector or admin): the statistics and the
/// anomaly report over a period, with the book export's filters.
struct ReportRoutes {
    let register: Register
    let settings: ReportSettings
    /// With `[county]`: a witness lag beyond `max_lag` is listed too.
    var witness: (client: CountyWitnessClient, maxLag: TimeInterval)?

    func addRoutes(to router: Router<SealRequestContext>) {
        router.get("/v1/reports/stats") { request, context in
            _ = try context.caller(requiring: .inspector, .admin)
            let filter = try request.bookFilter()
            try await register.checkFilter(filter)
            return StatisticsView(period: Self.period(filter), statistics: try await register.statistics(filter))
        }
        router.get("/v1/reports/anomalies") { request, context in
            // The period's facts are held while the rules run; their pages go back to the system after.
            defer { _ = seal_trim_memory() }
            _ = try context.caller(requiring: .inspector, .admin)
            let filter = try request.bookFilter()
            try await register.checkFilter(filter)
            let facts = try await register.auditFacts(filter)
            var found = AnomalyRules.detect(facts, settings: settings, now: Date())
            if let witness {
                let status = await witness.client.status()
                let after = try await register.entriesAfter(size: status.cosignedSize)
                if let lag = AnomalyRules.witnessLag(
                    oldest: after.oldest, uncosigned: after.count, maxLag: witness.maxLag, now: Date(), state: status.state, zone: settings.timeZone
                ) {
                    found.append(lag)
                }
            }
            return AnomalyReportView(period: Self.period(filter), settings: AnomalySettingsView(settings), anomalies: found.map(AnomalyFinding.init))
        }
    }

    static func period(_ filter: BookFilter) -> ReportPeriod {
        ReportPeriod(from: filter.from?.description, to: filter.to?.description)
    }
}
