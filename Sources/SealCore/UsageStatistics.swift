import Foundation

/// The statistics report: uses (lines of the book) and impressions (用印数 after corrections) by seal, matter, user,
/// approver and month, and refusals and denials by code. Built in one pass over the book; memory grows with the
/// number of distinct keys (seals, matters, staff, months), not with the uses.
public struct UsageStatistics: Sendable, Equatable, Codable {
    public struct Row: Sendable, Equatable, Codable {
        public var key: String
        public var name: String
        public var uses: Int
        public var impressions: Int

        public init(key: String, name: String, uses: Int, impressions: Int) {
            self.key = key
            self.name = name
            self.uses = uses
            self.impressions = impressions
        }
    }

    public struct Refusals: Sendable, Equatable, Codable {
        public var code: String
        public var count: Int

        public init(code: String, count: Int) {
            self.code = code
            self.count = count
        }
    }

    /// The dimensions, in report order, with their headings.
    public enum Dimension: String, Sendable, CaseIterable, Codable {
        case seal, matter, user, approver, month

        public var heading: String {
            switch self {
            case .seal: "印章 · by seal"
            case .matter: "事项 · by matter"
            case .user: "用印人 · by user"
            case .approver: "批准人 · by approver"
            case .month: "月份 · by month"
            }
        }
    }

    public var uses = 0
    public var impressions = 0
    public var bySeal: [Row] = []
    public var byMatter: [Row] = []
    public var byUser: [Row] = []
    public var byApprover: [Row] = []
    public var byMonth: [Row] = []
    /// Uses and impressions per seal per month (`key` the seal, `name` the month `YYYY-MM`), for the chart of uses
    /// per month per seal.
    public var bySealMonth: [Row] = []
    /// Refused actions by refusal code; approvers' denials under `denied`.
    public var refusals: [Refusals] = []

    public init() {}

    public func rows(_ dimension: Dimension) -> [Row] {
        switch dimension {
        case .seal: bySeal
        case .matter: byMatter
        case .user: byUser
        case .approver: byApprover
        case .month: byMonth
        }
    }

    /// The register's months for stored times counted in groups. A store groups a period's uses by the first
    /// `prefixLength` characters of their stored UTC time (`2026-11-22T15`: the hour, or the minute in a zone whose
    /// offset is not whole hours or changes), which all fall in one local month; `month(of:)` names it, once per
    /// bucket. Township (SQLite) and county (PostgreSQL) count the same way, so their figures are the same.
    public struct MonthBuckets: Sendable {
        public let prefixLength: Int
        let suffix: String
        var calendar: Calendar
        var known: [String: String] = [:]

        public init(zone: TimeZone) {
            let wholeHours = zone.secondsFromGMT() % 3600 == 0 && zone.nextDaylightSavingTimeTransition == nil
            prefixLength = wholeHours ? 13 : 16
            suffix = wholeHours ? ":00:00Z" : ":00Z"
            calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
        }

        /// Whether every bucket is a whole UTC hour.
        public var hourly: Bool { prefixLength == 13 }

        /// `YYYY-MM` in the zone of the bucket's first instant.
        public mutating func month(of bucket: String) -> String {
            if let month = known[bucket] { return month }
            let c = calendar.dateComponents([.year, .month], from: LocalTime.parseStored(bucket + suffix) ?? Date(timeIntervalSince1970: 0))
            let month = String(format: "%04d-%02d", c.year!, c.month!)
            known[bucket] = month
            return month
        }
    }

    /// Adds up uses one at a time, then `result` sorts each dimension by its key.
    public struct Accumulator: Sendable {
        var totals = (uses: 0, impressions: 0)
        var tables: [Dimension: [String: Row]] = [:]
        var refusals: [String: Int] = [:]
        var sealMonths: [String: Row] = [:]

        public init() {}

        /// One use, or `uses` uses sharing every key (a store that counts them in groups): (id, name) per dimension;
        /// `month` is `YYYY-MM` in the register's time zone; `impressions` in all.
        public mutating func add(
            seal: (String, String), matter: (String, String), user: (String, String), approver: (String, String)?, month: String, impressions: Int,
            uses: Int = 1
        ) {
            totals.uses += uses
            totals.impressions += impressions
            let keys: [(Dimension, (String, String))] = [
                (.seal, seal), (.matter, matter), (.user, user), (.approver, approver ?? ("", "未批准 · not approved")), (.month, (month, "")),
            ]
            for (dimension, (key, name)) in keys {
                var row = tables[dimension, default: [:]][key] ?? Row(key: key, name: name, uses: 0, impressions: 0)
                row.uses += uses
                row.impressions += impressions
                tables[dimension, default: [:]][key] = row
            }
            var cell = sealMonths[seal.0 + " " + month] ?? Row(key: seal.0, name: month, uses: 0, impressions: 0)
            cell.uses += uses
            cell.impressions += impressions
            sealMonths[seal.0 + " " + month] = cell
        }

        public mutating func addRefusals(code: String, count: Int) {
            refusals[code, default: 0] += count
        }

        public var result: UsageStatistics {
            var s = UsageStatistics()
            s.uses = totals.uses
            s.impressions = totals.impressions
            func sorted(_ d: Dimension) -> [Row] { (tables[d] ?? [:]).values.sorted { $0.key < $1.key } }
            s.bySeal = sorted(.seal)
            s.byMatter = sorted(.matter)
            s.byUser = sorted(.user)
            s.byApprover = sorted(.approver)
            s.byMonth = sorted(.month)
            s.bySealMonth = sealMonths.values.sorted { ($0.key, $0.name) < ($1.key, $1.name) }
            s.refusals = refusals.map { Refusals(code: $0.key, count: $0.value) }.sorted { ($1.count, $0.code) < ($0.count, $1.code) }
            return s
        }
    }
}
