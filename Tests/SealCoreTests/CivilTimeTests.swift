import Foundation
import Testing

@testable import SealCore

@Suite("Civil time: stored UTC times read on the register's wall clock")
struct CivilTimeTests {
    static let zones = ["UTC", "Asia/Shanghai", "America/St_Johns", "Pacific/Kiritimati", "America/Los_Angeles"].map { TimeZone(identifier: $0)! }

    @Test("every reading matches Foundation's calendar, across eras, leap days and zones", arguments: zones)
    func matchesFoundation(zone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var generator = SystemRandomNumberGenerator()
        let fixed: [Int64] = [0, -1, 951_782_400, 951_868_799, 4_107_542_399, -2_208_988_800, 1_795_190_399, 253_402_300_799]
        for seconds in fixed + (0..<2000).map({ _ in Int64.random(in: -2_208_988_800...4_102_444_800, using: &generator) }) {
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            let civil = CivilTime(date, zone: zone)
            #expect(civil == CivilTime(year: c.year!, month: c.month!, day: c.day!, hour: c.hour!, minute: c.minute!, second: c.second!), "\(seconds) in \(zone.identifier)")
            let utc = CivilTime(secondsSince1970: seconds)
            #expect(utc.secondsSince1970 == seconds)
            // RFC 3339 with the zone's offset, as Foundation writes it (which writes UTC's as Z, and the seconds of an
            // old local mean time's offset, which RFC 3339 has no room for).
            let foundation = Date.ISO8601FormatStyle(timeZoneSeparator: .colon, timeZone: zone).format(date)
            if zone.secondsFromGMT(for: date) % 60 == 0 {
                #expect(LocalTime.rfc3339(date, zone: zone) == (foundation.hasSuffix("Z") ? foundation.dropLast() + "+00:00" : foundation), "\(seconds) in \(zone.identifier)")
            }
            var stored = Array(utc.utcText.utf8)
            #expect(stored.withUnsafeBufferPointer { LocalTime.rfc3339(stored: $0, zone: zone) } == LocalTime.rfc3339(date, zone: zone))
            stored[19] = UInt8(ascii: "z")
            #expect(stored.withUnsafeBufferPointer { LocalTime.rfc3339(stored: $0, zone: zone) } == nil)
        }
    }

    @Test(
        "a stored time is read only in JournalClock's exact form",
        arguments: [
            ("2026-11-22T15:59:59Z", CivilTime(year: 2026, month: 11, day: 22, hour: 15, minute: 59, second: 59)),
            ("2024-02-29T00:00:00Z", CivilTime(year: 2024, month: 2, day: 29, hour: 0, minute: 0, second: 0)),
            ("2026-02-29T00:00:00Z", nil), ("2026-11-22T24:00:00Z", nil), ("2026-13-01T00:00:00Z", nil),
            ("2000-02-29T12:00:00Z", CivilTime(year: 2000, month: 2, day: 29, hour: 12, minute: 0, second: 0)), ("2100-02-29T00:00:00Z", nil),
            ("2026-04-31T00:00:00Z", nil), ("2026-12-31T23:59:59Z", CivilTime(year: 2026, month: 12, day: 31, hour: 23, minute: 59, second: 59)),
            ("2026-00-10T00:00:00Z", nil), ("2026-01-00T00:00:00Z", nil),
            ("2026-11-22T15:59:59+08:00", nil), ("2026-11-22 15:59:59Z", nil), ("2026-11-22T15:59:5aZ", nil),
            ("2026-11-22T15:59:59.5Z", nil), ("", nil),
        ]
    )
    func parse(text: String, expected: CivilTime?) {
        #expect(CivilTime.parseStored(Array(text.utf8)) == expected)
    }

    @Test("every month's last day, leap years by all three rules: a date is read exactly when it exists")
    func monthLengths() {
        for year in [1900, 2000, 2023, 2024, 2026, 2100, 2400] {
            for month in 1...12 {
                for day in 28...31 {
                    let text = String(format: "%04d-%02d-%02dT00:00:00Z", year, month, day)
                    let exists = CivilTime(secondsSince1970: CivilTime(year: year, month: month, day: day, hour: 0, minute: 0, second: 0).secondsSince1970).day == day
                    #expect((CivilTime.parseStored(Array(text.utf8)) != nil) == exists, "\(text)")
                }
            }
        }
    }

    @Test(
        "a reading's date and time are zero-padded, for any year",
        arguments: [
            (CivilTime(year: 2026, month: 11, day: 22, hour: 23, minute: 59, second: 59), "2026-11-22", "23:59:59"),
            (CivilTime(year: 5, month: 1, day: 2, hour: 0, minute: 0, second: 7), "0005-01-02", "00:00:07"),
            (CivilTime(year: 12345, month: 10, day: 31, hour: 9, minute: 5, second: 0), "12345-10-31", "09:05:00"),
        ]
    )
    func readingText(civil: CivilTime, date: String, time: String) {
        #expect(civil.dateText == date)
        #expect(civil.timeText == time)
        var bytes: [UInt8] = Array("x".utf8)
        civil.appendDateText(to: &bytes)
        civil.appendTimeText(to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "x" + date + time)
    }

    @Test("numbers written onto bytes as pad writes them: zero-padded to the width, wider ones whole")
    func digits() {
        for (value, width) in [(0, 2), (7, 2), (10, 2), (99, 2), (100, 2), (5, 4), (2026, 4), (12345, 4), (0, 0), (3, 1), (Int.max, 2), (-5, 2), (-123, 2)] {
            var bytes: [UInt8] = []
            CivilTime.appendDigits(value, width, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == CivilTime.pad(value, width), "\(value) in \(width)")
        }
    }

    @Test("local times and dates are written as people read them")
    func text() {
        let shanghai = TimeZone(identifier: "Asia/Shanghai")!
        let date = LocalTime.parseStored("2026-11-22T15:59:59Z")!
        #expect(LocalTime.rfc3339(date, zone: shanghai) == "2026-11-22T23:59:59+08:00")
        #expect(LocalTime.rfc3339(date, zone: TimeZone(identifier: "America/St_Johns")!) == "2026-11-22T12:29:59-03:30")
        #expect(LocalTime.text(date, zone: shanghai) == "2026-11-22 23:59")
        #expect(LocalDate.today(LocalTime.parseStored("2026-11-22T16:00:00Z")!, timeZone: shanghai).description == "2026-11-23")
        // Forms other than JournalClock's still parse, through Foundation.
        #expect(LocalTime.parseStored("2026-11-22T15:59:59.250Z") != nil)
    }
}
