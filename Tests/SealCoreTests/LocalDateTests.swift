import Foundation
import Testing

@testable import SealCore

@Suite("Local dates as written on agreements and in the book")
struct LocalDateTests {
    /// `LocalDate(_:)` as it was before it read the usual form in place: split at the dashes, each part an Int.
    static func split(_ text: String) -> LocalDate? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        return LocalDate(year: y, month: m, day: d)
    }

    @Test(
        "a date reads exactly as it did: real dates, impossible ones, other forms and look-alikes",
        arguments: [
            "2026-11-22", "2024-02-29", "2026-02-29", "2000-02-29", "2100-02-29", "2026-04-31", "2026-12-31", "0001-01-01", "9999-12-31",
            "0000-01-01", "2026-00-01", "2026-13-01", "2026-01-00", "2026-1-01", "2026-01-1", " 2026-01-01", "2026-01-01 ", "2026/01/01",
            "+123-01-01", "2026-+1-01", "２０２６-01-01", "2026-01-0１", "20260101", "", "2026-01-01-", "-2026-01-01", "abcd-ef-gh",
        ]
    )
    func sameAsSplitting(text: String) {
        #expect(LocalDate(text) == Self.split(text))
    }

    @Test("a real date reads as its numbers")
    func numbers() {
        #expect(LocalDate("2026-11-22") == LocalDate(year: 2026, month: 11, day: 22))
        #expect(LocalDate("2024-02-29")?.day == 29)
        #expect(LocalDate("2026-02-29") == nil)
    }
}
