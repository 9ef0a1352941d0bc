import Foundation

/// The form every stored time takes: RFC 3339 in UTC with second precision (`2026-11-21T05:20:00Z`), so stored
/// times sort as text in time order and the journal's canonical entries never depend on a zone.
public enum JournalClock {
    public static func timestamp(_ date: Date = Date()) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }
}
