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
    /// Where a long report's evidence is set aside while it is written (the exports' scratch directory).
    let scratch: URL
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
            _ = try context.caller(requiring: .inspector, .admin)
            let filter = try request.bookFilter()
            // At most this many entries of each finding (its count is still all of them): what a table shows.
            let shown = try request.queryInt("evidence", in: 1...1_000_000)
            try await register.checkFilter(filter)
            let now = Date()
            var extra: [Anomaly] = []
            if let witness {
                let status = await witness.client.status()
                let after = try await register.entriesAfter(size: status.cosignedSize)
                if let lag = AnomalyRules.witnessLag(
                    oldest: after.oldest, uncosigned: after.count, maxLag: witness.maxLag, now: now, state: status.state, zone: settings.timeZone
                ) {
                    extra.append(lag)
                }
            }
            if let shown {
                // The findings' first entries are few: held, and the facts read only until each finding has them
                // (`AnomalySample`, as an export's summary reads them), not encoded and set aside to the end.
                let settings = self.settings
                let found = try await register.withAuditFacts(filter) { source in
                    try AnomalyRules.findings(settings: settings, now: now, limit: shown) { visit in try source.forEach(while: visit) }
                }
                let anomalies = found.map { f in
                    AnomalyFinding(kind: f.finding.kind.rawValue, title: f.finding.kind.title, subject: f.finding.subject, count: f.finding.count, evidence: f.evidence)
                }
                // `extra` findings (the witness's lag) have one entry each.
                let view = AnomalyReportView(period: Self.period(filter), settings: AnomalySettingsView(settings), anomalies: anomalies + extra.map(AnomalyFinding.init))
                return try LocalTimeResponseEncoder(zone: context.timeZone).encode(view, from: request, context: context)
            }
            // Streamed: the period's facts are read twice (counts, then evidence), never held; see AnomalyReportResponse.
            let passes = try await AnomalyReportResponse.scan(
                register: register, filter: filter, settings: settings, now: now, zone: context.timeZone, scratch: scratch
            )
            return try AnomalyReportResponse.response(
                period: Self.period(filter), settings: AnomalySettingsView(settings), passes: passes, extra: extra, zone: context.timeZone
            )
        }
    }

    static func period(_ filter: BookFilter) -> ReportPeriod {
        ReportPeriod(from: filter.from?.description, to: filter.to?.description)
    }
}
