import Foundation

/// When the service centre is open (`[policy] office_hours`, `office_days`, `holidays`, `workdays`): a seal used,
/// or a key card unlocked, outside these hours is an anomaly an inspector looks at.
public struct OfficeHours: Sendable, Equatable {
    /// Minutes after local midnight, `start..<end`.
    public struct Span: Sendable, Equatable, CustomStringConvertible {
        public var start: Int
        public var end: Int

        public init(start: Int, end: Int) {
            self.start = start
            self.end = end
        }

        /// Parses `HH:MM-HH:MM` (end up to 24:00, after start).
        public init?(_ text: String) {
            let ends = text.split(separator: "-", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard ends.count == 2, let a = Self.minutes(ends[0]), let b = Self.minutes(ends[1]), a < b else { return nil }
            start = a
            end = b
        }

        static func minutes(_ text: String) -> Int? {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
                (0...24).contains(h), (0...59).contains(m), h * 60 + m <= 1440
            else { return nil }
            return h * 60 + m
        }

        public var description: String {
            func hm(_ m: Int) -> String { String(format: "%02d:%02d", m / 60, m % 60) }
            return "\(hm(start))-\(hm(end))"
        }
    }

    /// Weekdays as `Calendar` numbers them: 1 Sunday … 7 Saturday.
    public static let weekdayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    public var spans: [Span]
    public var days: Set<Int>
    /// Days off although they fall on an office day (法定节假日).
    public var holidays: Set<LocalDate>
    /// Days worked although they fall on a weekend (调休上班).
    public var workdays: Set<LocalDate>

    /// 08:30–12:00 and 14:00–17:30, Monday to Friday.
    public init(
        spans: [Span] = [Span(start: 8 * 60 + 30, end: 12 * 60), Span(start: 14 * 60, end: 17 * 60 + 30)],
        days: Set<Int> = [2, 3, 4, 5, 6], holidays: Set<LocalDate> = [], workdays: Set<LocalDate> = []
    ) {
        self.spans = spans
        self.days = days
        self.holidays = holidays
        self.workdays = workdays
    }

    /// Whether `instant` falls inside office hours, read in `zone`.
    /// Read through `CivilTime`: the anomaly report asks this of every use in its period, and `Calendar` costs
    /// microseconds each time.
    public func contains(_ instant: Date, zone: TimeZone) -> Bool {
        let c = CivilTime(instant, zone: zone)
        guard let day = LocalDate(year: c.year, month: c.month, day: c.day) else { return false }
        let open = workdays.contains(day) || (days.contains(c.weekday) && !holidays.contains(day))
        guard open else { return false }
        let minute = c.hour * 60 + c.minute
        return spans.contains { $0.start <= minute && minute < $0.end }
    }
}

/// The thresholds of the anomaly report (`[anomalies]`).
public struct AnomalyThresholds: Sendable, Equatable {
    /// Refusals of one staff member's actions in the period at which they are listed.
    public var refusalsPerClerk = 5
    /// An approval used within this many seconds counts as "quick"…
    public var quickUseSeconds = 120
    /// …and the same approver and user doing it this many times is listed.
    public var quickUseRepeats = 3
    /// Consecutive approved requests of one requester each used up to the last approved impression.
    public var fullUseStreak = 5
    /// The same 事由, word for word, on this many different cases.
    public var repeatedReasonCases = 5

    public init() {}
}

/// What the reports need from `[policy]` and `[anomalies]`.
public struct ReportSettings: Sendable, Equatable {
    public var officeHours = OfficeHours()
    public var thresholds = AnomalyThresholds()
    /// An urgent use must be approved within this time (`[policy] urgent_window`).
    public var urgentWindow: TimeInterval = 24 * 3600
    public var timeZone = TimeZone(identifier: "Asia/Shanghai")!

    public init() {}
}
