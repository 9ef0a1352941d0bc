import Foundation
import SealBook
import SealCore

public struct ReportPeriod: Sendable, Codable {
    public var from: String?
    public var to: String?

    public init(from: String? = nil, to: String? = nil) {
        self.from = from
        self.to = to
    }
}

public struct StatisticsView: Sendable, Codable {
    public var period: ReportPeriod
    public var statistics: UsageStatistics

    public init(period: ReportPeriod, statistics: UsageStatistics) {
        self.period = period
        self.statistics = statistics
    }
}

/// The settings the report applied, so a reader knows what "outside office hours" meant.
public struct AnomalySettingsView: Sendable, Codable {
    public var timezone: String
    public var officeHours: [String]
    public var officeDays: [String]
    public var holidays: [String]
    public var workdays: [String]
    public var urgentWindowSeconds: Int
    public var refusalsPerClerk: Int
    public var quickUseSeconds: Int
    public var quickUseRepeats: Int
    public var fullUseStreak: Int
    public var repeatedReasonCases: Int

    public init(
        timezone: String,
        officeHours: [String],
        officeDays: [String],
        holidays: [String],
        workdays: [String],
        urgentWindowSeconds: Int,
        refusalsPerClerk: Int,
        quickUseSeconds: Int,
        quickUseRepeats: Int,
        fullUseStreak: Int,
        repeatedReasonCases: Int
    ) {
        self.timezone = timezone
        self.officeHours = officeHours
        self.officeDays = officeDays
        self.holidays = holidays
        self.workdays = workdays
        self.urgentWindowSeconds = urgentWindowSeconds
        self.refusalsPerClerk = refusalsPerClerk
        self.quickUseSeconds = quickUseSeconds
        self.quickUseRepeats = quickUseRepeats
        self.fullUseStreak = fullUseStreak
        self.repeatedReasonCases = repeatedReasonCases
    }
}

public struct AnomalyFinding: Sendable, Codable {
    public var kind: String
    public var title: String
    public var subject: String?
    public var count: Int
    public var evidence: [Anomaly.Evidence]

    public init(kind: String, title: String, subject: String? = nil, count: Int, evidence: [Anomaly.Evidence]) {
        self.kind = kind
        self.title = title
        self.subject = subject
        self.count = count
        self.evidence = evidence
    }
}

public struct AnomalyReportView: Sendable, Codable {
    public var period: ReportPeriod
    public var settings: AnomalySettingsView
    public var anomalies: [AnomalyFinding]

    public init(period: ReportPeriod, settings: AnomalySettingsView, anomalies: [AnomalyFinding]) {
        self.period = period
        self.settings = settings
        self.anomalies = anomalies
    }
}

extension AnomalySettingsView {
    /// The settings a report applied, as the township and the county both state them.
    public init(_ settings: ReportSettings) {
        let hours = settings.officeHours
        let t = settings.thresholds
        self.init(
            timezone: settings.timeZone.identifier, officeHours: hours.spans.map(\.description),
            officeDays: hours.days.sorted().map { OfficeHours.weekdayNames[$0 - 1] }, holidays: hours.holidays.sorted().map(\.description),
            workdays: hours.workdays.sorted().map(\.description), urgentWindowSeconds: Int(settings.urgentWindow),
            refusalsPerClerk: t.refusalsPerClerk, quickUseSeconds: t.quickUseSeconds, quickUseRepeats: t.quickUseRepeats,
            fullUseStreak: t.fullUseStreak, repeatedReasonCases: t.repeatedReasonCases
        )
    }
}

extension AnomalyFinding {
    /// A finding of the rules, as reports show it.
    public init(_ anomaly: Anomaly) {
        self.init(kind: anomaly.kind.rawValue, title: anomaly.kind.title, subject: anomaly.subject, count: anomaly.evidence.count, evidence: anomaly.evidence)
    }
}

/// Evidence's keys are single words, the same under every spelling: written without the key strategy (a long period's
/// report has hundreds of thousands of them).
extension Anomaly.Evidence: SnakeCaseEncoded {}
