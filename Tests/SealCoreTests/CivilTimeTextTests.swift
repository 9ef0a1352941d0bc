import Foundation
import Testing

@testable import SealCore

/// The anomaly report's times and the office-hours test are read through `CivilTime`; they must say what
/// Foundation's `Calendar` and ISO 8601 formatter say of the same instant, in zones with daylight saving and with
/// offsets that are not whole hours.
@Suite("Civil time: weekdays, evidence times and office hours as Foundation reads them")
struct CivilTimeTextTests {
    static let zones = ["Asia/Shanghai", "UTC", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham", "America/St_Johns"]

    /// Instants from 1971 to 2100: every DST edge of a few years (an hour either side, by the minute near them) and
    /// a spread of others, with and without fractions of a second.
    static func instants(_ zone: TimeZone) -> [Date] {
        var out: [Date] = []
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<4000 { out.append(Date(timeIntervalSince1970: Double.random(in: 31_536_000...4_102_444_800, using: &generator).rounded(.down))) }
        for _ in 0..<500 { out.append(Date(timeIntervalSince1970: Double.random(in: 1_700_000_000...1_900_000_000, using: &generator))) }
        var t = Date(timeIntervalSince1970: 1_700_000_000)
        for _ in 0..<12 {
            guard let edge = zone.nextDaylightSavingTimeTransition(after: t) else { break }
            for minutes in stride(from: -61, through: 61, by: 1) { out.append(edge.addingTimeInterval(Double(minutes) * 60 - 0.5)) }
            t = edge.addingTimeInterval(1)
        }
        return out
    }

    /// What the code said before it went through `CivilTime`.
    static func foundationLocal(_ date: Date, _ zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: date)
        return String(format: "%04d-%02d-%02d %@ %02d:%02d", c.year!, c.month!, c.day!, OfficeHours.weekdayNames[c.weekday! - 1], c.hour!, c.minute!)
    }

    static func foundationOpen(_ hours: OfficeHours, _ instant: Date, _ zone: TimeZone) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: instant)
        let day = LocalDate(year: c.year!, month: c.month!, day: c.day!)!
        guard hours.workdays.contains(day) || (hours.days.contains(c.weekday!) && !hours.holidays.contains(day)) else { return false }
        let minute = c.hour! * 60 + c.minute!
        return hours.spans.contains { $0.start <= minute && minute < $0.end }
    }

    @Test("evidence times (local with the weekday, and UTC) and office hours agree with Foundation", arguments: zones)
    func agreesWithFoundation(zoneName: String) throws {
        let zone = try #require(TimeZone(identifier: zoneName))
        let hours = OfficeHours(
            spans: [.init(start: 0, end: 30), .init(start: 8 * 60 + 30, end: 12 * 60), .init(start: 23 * 60 + 59, end: 24 * 60)],
            days: [1, 3, 5, 7], holidays: [LocalDate("2027-01-06")!], workdays: [LocalDate("2027-01-07")!]
        )
        var open = 0
        for date in Self.instants(zone) {
            #expect(AnomalyRules.local(date, zone) == Self.foundationLocal(date, zone), "\(date.timeIntervalSince1970) in \(zoneName)")
            #expect(AnomalyRules.stamp(date) == date.formatted(.iso8601), "\(date.timeIntervalSince1970)")
            let isOpen = hours.contains(date, zone: zone)
            #expect(isOpen == Self.foundationOpen(hours, date, zone), "\(date.timeIntervalSince1970) in \(zoneName)")
            if isOpen { open += 1 }
        }
        #expect(open > 100, "the spans and days are hit, so the comparison is not only of closed hours")
    }

    @Test("weekdays", arguments: [
        ("1970-01-01", 5), ("2026-11-22", 1), ("2026-11-28", 7), ("2000-02-29", 3), ("1969-12-31", 4), ("2100-03-01", 2),
    ])
    func weekdays(day: String, weekday: Int) throws {
        let date = try #require(LocalDate(day))
        #expect(CivilTime(year: date.year, month: date.month, day: date.day, hour: 23, minute: 59, second: 59).weekday == weekday)
        #expect(CivilTime(year: date.year, month: date.month, day: date.day, hour: 0, minute: 0, second: 0).weekday == weekday)
    }
}
