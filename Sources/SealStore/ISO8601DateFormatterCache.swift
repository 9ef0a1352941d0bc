import Foundation

/// RFC 3339 timestamps in UTC with second precision (`2026-11-21T05:20:00Z`), the form every stored time uses.
enum ISO8601DateFormatterCache {
    static func now() -> String { string(from: Date()) }

    static func string(from date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }
}
