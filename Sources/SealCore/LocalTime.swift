import Foundation

/// Times as people read and type them: wall-clock time in the register's zone (`[policy] timezone`). Storage and
/// the journal keep RFC 3339 UTC (`2026-11-22T15:59:59Z`); everything shown or typed goes through here.
public enum LocalTime {
    /// RFC 3339 in `zone` with its offset, `2026-11-22T23:59:59+08:00`: the same instant, as a person reads it.
    public static func rfc3339(_ date: Date, zone: TimeZone) -> String {
        var text: [UInt8] = []
        appendRFC3339(date, zone: zone, to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// `rfc3339(_:zone:)` written onto the end of `out`: no string is made (a page of the book shows a thousand).
    public static func appendRFC3339(_ date: Date, zone: TimeZone, to out: inout [UInt8]) {
        let offset = ZoneOffsets.seconds(zone, at: date)
        let c = CivilTime(secondsSince1970: Int64(date.timeIntervalSince1970.rounded(.down)) + Int64(offset))
        let minutes = abs(offset) / 60
        c.appendDateText(to: &out)
        out.append(UInt8(ascii: "T"))
        c.appendTimeText(to: &out)
        out.append(offset < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        CivilTime.appendDigits(minutes / 60, 2, to: &out)
        out.append(UInt8(ascii: ":"))
        CivilTime.appendDigits(minutes % 60, 2, to: &out)
    }

    /// A stored UTC timestamp in JournalClock's fixed 20-byte form (`2026-11-22T15:59:59Z`) as `rfc3339(_:zone:)`
    /// shows it; nil when the bytes are not one. What an answer shows under a time key (`LocalTimeResponseEncoder`).
    public static func rfc3339(stored bytes: UnsafeBufferPointer<UInt8>, zone: TimeZone) -> String? {
        var text: [UInt8] = []
        guard appendRFC3339(stored: bytes, zone: zone, to: &text) else { return nil }
        return String(decoding: text, as: UTF8.self)
    }

    /// `rfc3339(stored:zone:)` written onto the end of `out`; false (and nothing written) when the bytes are not a
    /// stored timestamp.
    public static func appendRFC3339(stored bytes: UnsafeBufferPointer<UInt8>, zone: TimeZone, to out: inout [UInt8]) -> Bool {
        guard let civil = CivilTime.parseStored(bytes) else { return false }
        appendRFC3339(Date(timeIntervalSince1970: TimeInterval(civil.secondsSince1970)), zone: zone, to: &out)
        return true
    }

    /// `2026-11-22 23:59`, for tables and messages.
    public static func text(_ date: Date, zone: TimeZone) -> String {
        let c = CivilTime(date, zone: zone)
        return c.dateText + " " + CivilTime.pad(c.hour, 2) + ":" + CivilTime.pad(c.minute, 2)
    }

    /// A stored UTC timestamp as `text(_:zone:)` shows it; the input unchanged when it is not a timestamp.
    public static func text(stored: String, zone: TimeZone) -> String {
        guard let date = parseStored(stored) else { return stored }
        return text(date, zone: zone)
    }

    /// A stored UTC timestamp (`2026-11-22T15:59:59Z`, fractions allowed).
    public static func parseStored(_ text: String) -> Date? {
        guard text.utf8.last == 0x5A else { return nil }  // Z
        var text = text
        if let civil = text.withUTF8({ CivilTime.parseStored($0) }) { return Date(timeIntervalSince1970: TimeInterval(civil.secondsSince1970)) }
        return (try? Date(text, strategy: .iso8601)) ?? (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
    }

    /// The same from a stored time's bytes as the database hands them over: the fixed form is read in place, with no
    /// string made; any other through `parseStored(_:)`.
    public static func parseStored(bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        if let civil = CivilTime.parseStored(bytes) { return Date(timeIntervalSince1970: TimeInterval(civil.secondsSince1970)) }
        return parseStored(String(decoding: bytes, as: UTF8.self))
    }

    /// A time a person typed: RFC 3339 with an offset (`2026-12-01T17:00:00+08:00`), or a wall-clock time in `zone`
    /// (`2026-12-01 17:00`, `2026-12-01 17:00:30`, `2026-12-01T17:00`). Nil when it is neither.
    public static func parse(_ text: String, zone: TimeZone) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "T" })
        guard parts.count == 2, let day = LocalDate(String(parts[0])) else { return nil }
        let hms = parts[1].split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(hms.count), hms.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }),
            let h = Int(hms[0]), let m = Int(hms[1]), (0...23).contains(h), (0...59).contains(m)
        else { return nil }
        let s = hms.count == 3 ? Int(hms[2]) : 0
        guard let s, (0...59).contains(s) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: h, minute: m, second: s))
    }

    static func components(_ date: Date, _ zone: TimeZone) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    }
}
