import Foundation

/// A wall-clock reading (proleptic Gregorian, no zone) and the arithmetic between it and seconds since 1970.
///
/// Every answer, export line and report converts stored UTC times to the register's zone; Foundation's `Calendar`
/// and ISO 8601 parser cost microseconds each, which a million-line export pays a million times. The day arithmetic
/// here is Howard Hinnant's `days_from_civil` / `civil_from_days` (public domain), exact for every Gregorian date.
public struct CivilTime: Sendable, Equatable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int

    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// The reading `seconds` after 1970-01-01T00:00:00.
    public init(secondsSince1970 seconds: Int64) {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = Int(seconds - days * 86_400)
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        self.init(year: Int(yoe + era * 400) + (month <= 2 ? 1 : 0), month: month, day: day, hour: rest / 3600, minute: rest / 60 % 60, second: rest % 60)
    }

    /// Seconds since 1970-01-01T00:00:00 of this reading.
    public var secondsSince1970: Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// The reading of `date` in `zone`.
    public init(_ date: Date, zone: TimeZone) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        self.init(secondsSince1970: seconds + Int64(ZoneOffsets.seconds(zone, at: date)))
    }

    /// A stored time exactly as `JournalClock` writes it, `2026-11-22T15:59:59Z` (20 ASCII bytes); nil for anything
    /// else (other forms go through Foundation's parser).
    public static func parseStored<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> CivilTime? where Bytes.Index == Int {
        bytes.withContiguousStorageIfAvailable { parseStored($0) } ?? Array(bytes).withUnsafeBufferPointer { parseStored($0) }
    }

    /// The same over bytes in memory: not generic, so callers in other modules run it specialised (every stored time
    /// of a report or an export goes through here).
    public static func parseStored(_ bytes: UnsafeBufferPointer<UInt8>) -> CivilTime? {
        guard bytes.count == 20 else { return nil }
        func digits(_ at: Int, _ count: Int) -> Int? {
            var value = 0
            for i in at..<at + count {
                let c = bytes[i]
                guard c >= 0x30, c <= 0x39 else { return nil }
                value = value * 10 + Int(c - 0x30)
            }
            return value
        }
        guard bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54, bytes[13] == 0x3A, bytes[16] == 0x3A,
            bytes[19] == 0x5A,
            let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2), let hour = digits(11, 2),
            let minute = digits(14, 2), let second = digits(17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        // Rejects 2026-02-30 and the like (by the month's length: the round trip through seconds it replaces was a
        // third of reading a stored time).
        guard day <= LocalDate.days(in: month, of: year) else { return nil }
        return CivilTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    /// The day of the week as `Calendar` numbers it: 1 Sunday … 7 Saturday (1970-01-01 was a Thursday).
    public var weekday: Int {
        let days = (secondsSince1970 - Int64(hour * 3600 + minute * 60 + second)) / 86_400
        return Int(((days + 4) % 7 + 7) % 7) + 1
    }

    /// `2026-11-22T15:59:59Z`: the reading as RFC 3339 UTC (`Date.formatted(.iso8601)` of the instant), for a
    /// reading taken in UTC.
    public var utcText: String {
        var text: [UInt8] = []
        text.reserveCapacity(20)
        appendDateText(to: &text)
        text.append(0x54)
        appendTimeText(to: &text)
        text.append(0x5A)
        return String(decoding: text, as: UTF8.self)
    }

    /// `2026-11-22`
    public var dateText: String { Self.text((year, 4), (month, 2), (day, 2), separator: 0x2D) }

    /// `23:59:59`
    public var timeText: String { Self.text((hour, 2), (minute, 2), (second, 2), separator: 0x3A) }

    /// Three numbers zero-padded to their widths, joined by `separator`. Written digit by digit (every export line
    /// has a date and a time: eleven small strings joined cost more than the line); a number too wide for its field
    /// (a year past 9999) is written whole.
    private static func text(_ a: (value: Int, width: Int), _ b: (value: Int, width: Int), _ c: (value: Int, width: Int), separator: UInt8) -> String {
        func fits(_ part: (value: Int, width: Int)) -> Bool {
            var limit = 1
            for _ in 0..<part.width { limit *= 10 }
            return part.value >= 0 && part.value < limit
        }
        guard fits(a), fits(b), fits(c) else {
            let joint = String(UnicodeScalar(separator))
            return pad(a.value, a.width) + joint + pad(b.value, b.width) + joint + pad(c.value, c.width)
        }
        let count = a.width + b.width + c.width + 2
        return String(unsafeUninitializedCapacity: count) { text in
            digits(a.value, a.width, into: text, at: 0)
            text[a.width] = separator
            digits(b.value, b.width, into: text, at: a.width + 1)
            text[a.width + b.width + 1] = separator
            digits(c.value, c.width, into: text, at: a.width + b.width + 2)
            return count
        }
    }

    /// `dateText` written onto the end of `out`.
    public func appendDateText(to out: inout [UInt8]) { Self.append((year, 4), (month, 2), (day, 2), separator: 0x2D, to: &out) }

    /// `timeText` written onto the end of `out`.
    public func appendTimeText(to out: inout [UInt8]) { Self.append((hour, 2), (minute, 2), (second, 2), separator: 0x3A, to: &out) }

    /// `text(_:_:_:separator:)` written onto the end of `out`.
    private static func append(_ a: (value: Int, width: Int), _ b: (value: Int, width: Int), _ c: (value: Int, width: Int), separator: UInt8, to out: inout [UInt8]) {
        appendDigits(a.value, a.width, to: &out)
        out.append(separator)
        appendDigits(b.value, b.width, to: &out)
        out.append(separator)
        appendDigits(c.value, c.width, to: &out)
    }

    /// `pad(value, width)` written onto the end of `out`: at least `width` digits, zero-padded (a year past 9999
    /// whole, a negative number as `pad` writes it).
    public static func appendDigits(_ value: Int, _ width: Int, to out: inout [UInt8]) {
        guard value >= 0 else { return out += pad(value, width).utf8 }
        var digits = 1
        var limit = 10
        while value >= limit, digits < 19 {
            digits += 1
            limit = limit &* 10
        }
        // Zeros, then the digits written in place from the last: appending a `repeatElement` went the generic way,
        // a tenth of writing a time.
        for _ in digits..<max(digits, width) { out.append(UInt8(ascii: "0")) }
        let start = out.count
        for _ in 0..<digits { out.append(UInt8(ascii: "0")) }
        var rest = value
        var i = start + digits - 1
        while rest > 0 {
            out[i] = UInt8(truncatingIfNeeded: 0x30 + rest % 10)
            rest /= 10
            i -= 1
        }
    }

    /// `value` (0 ≤ value < 10^width) as `width` ASCII digits, zero-padded.
    private static func digits(_ value: Int, _ width: Int, into text: UnsafeMutableBufferPointer<UInt8>, at start: Int) {
        var value = value
        for i in (start..<start + width).reversed() {
            text[i] = UInt8(truncatingIfNeeded: 0x30 + value % 10)
            value /= 10
        }
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
