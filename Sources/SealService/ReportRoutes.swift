import Foundation
import Hummingbird
import SealCore
import SealStore

/// `GET /v1/reports/stats` and `GET /v1/reports/anomalies` (role inspector or admin): the statistics and the
/// anomaly report over a period, with the book export's filters.
struct ReportRoutes {
    let register: Register
    let settings: ReportSettings

    struct Period: Codable, Sendable {
        var from: String?
        var to: String?
    }

    struct StatsReport: ResponseEncodable, Sendable {
        var period: Period
        var statistics: UsageStatistics
    }

    /// The settings the report applied, so a reader knows what "outside office hours" meant.
    struct AnomalySettings: Codable, Sendable {
        var timezone: String
        var officeHours: [String]
        var officeDays: [String]
        var holidays: [String]
        var workdays: [String]
        var urgentWindowSeconds: Int
        var refusalsPerClerk: Int
        var quickUseSeconds: Int
        var quickUseRepeats: Int
        var fullUseStreak: Int
        var repeatedReasonCases: Int
    }

    struct Finding: Codable, Sendable {
        var kind: String
        var title: String
        var subject: String?
        var count: Int
        var evidence: [Anomaly.Evidence]
    }

    struct AnomalyReport: ResponseEncodable, Sendable {
        var period: Period
        var settings: AnomalySettings
        var anomalies: [Finding]
    }

    func register(on router: Router<SealRequestContext>) {
        router.get("/v1/reports/stats") { request, context in
            _ = try context.caller(requiring: .inspector, .admin)
            let filter = try request.bookFilter()
            try await register.checkFilter(filter)
            return StatsReport(period: Self.period(filter), statistics: try await register.statistics(filter))
        }
        router.get("/v1/reports/anomalies") { request, context in
            _ = try context.caller(requiring: .inspector, .admin)
            let filter = try request.bookFilter()
            try await register.checkFilter(filter)
            let facts = try await register.auditFacts(filter)
            let found = AnomalyRules.detect(facts, settings: settings, now: Date())
            let hours = settings.officeHours
            let t = settings.thresholds
            return AnomalyReport(
                period: Self.period(filter),
                settings: AnomalySettings(
                    timezone: settings.timeZone.identifier, officeHours: hours.spans.map(\.description),
                    officeDays: hours.days.sorted().map { OfficeHours.weekdayNames[$0 - 1] }, holidays: hours.holidays.sorted().map(\.description),
                    workdays: hours.workdays.sorted().map(\.description), urgentWindowSeconds: Int(settings.urgentWindow),
                    refusalsPerClerk: t.refusalsPerClerk, quickUseSeconds: t.quickUseSeconds, quickUseRepeats: t.quickUseRepeats,
                    fullUseStreak: t.fullUseStreak, repeatedReasonCases: t.repeatedReasonCases
                ),
                anomalies: found.map { Finding(kind: $0.kind.rawValue, title: $0.kind.title, subject: $0.subject, count: $0.evidence.count, evidence: $0.evidence) }
            )
        }
    }

    static func period(_ filter: BookFilter) -> Period {
        Period(from: filter.from?.description, to: filter.to?.description)
    }
}
