import Foundation
import GRDB
import SealCore
import Testing

@testable import SealStore

/// The statistics report counts the period's uses as they come (`UseGroupCounter`), not through SQLite's `GROUP BY`:
/// the figures are those the grouped query gave.
@Suite("Statistics counted as the uses come")
struct StatisticsTests {
    /// The uses' part of the report as SQLite's `GROUP BY` counted it, names joined (the query the report ran before):
    /// the reference.
    static func reference(_ register: Register, _ filter: BookFilter) async throws -> UsageStatistics {
        var months = UsageStatistics.MonthBuckets(zone: register.useSettings.zone)
        let (lower, upper) = Register.bounds(filter, zone: register.useSettings.zone)
        let (scope, scopeArguments) = Register.sealScope(filter, column: "u.seal_id")
        let prefix = months.prefixLength
        let rows = try await register.pool.read { db in
            var arguments: StatementArguments = [lower, upper]
            _ = arguments.append(contentsOf: scopeArguments)
            var grouped = """
                SELECT u.seal_id, u.matter_code, u.user, COALESCE(u.approver, r.approver) AS approver, substr(u.time, 1, \(prefix)) AS bucket,
                       count(*) AS n, sum(u.effective_count) AS impressions
                FROM use_record u LEFT JOIN use_request r ON u.approver IS NULL AND r.id = u.request_id
                WHERE u.time >= ? AND u.time < ? AND \(scope)
                """
            Register.narrowUses(filter, &grouped, &arguments)
            return try Row.fetchAll(db, sql: """
                SELECT a.seal_id, s.name AS seal_name, a.matter_code, m.name AS matter_name, a.user, us.name AS user_name,
                       a.approver, ap.name AS approver_name, a.bucket, a.n, a.impressions
                FROM (\(grouped) GROUP BY 1, 2, 3, 4, 5) a JOIN seal s ON s.id = a.seal_id
                LEFT JOIN matter m ON m.code = a.matter_code LEFT JOIN staff us ON us.id = a.user LEFT JOIN staff ap ON ap.id = a.approver
                """, arguments: arguments).map { row in
                (seal: (row["seal_id"] as String, row["seal_name"] as String), matter: (row["matter_code"] as String, (row["matter_name"] as String?) ?? ""),
                 user: (row["user"] as String, (row["user_name"] as String?) ?? ""), approver: (row["approver"] as String?).map { ($0, (row["approver_name"] as String?) ?? "") },
                 bucket: row["bucket"] as String, uses: row["n"] as Int, impressions: row["impressions"] as Int)
            }
        }
        var accumulator = UsageStatistics.Accumulator()
        for g in rows {
            accumulator.add(seal: g.seal, matter: g.matter, user: g.user, approver: g.approver, month: months.month(of: g.bucket), impressions: g.impressions, uses: g.uses)
        }
        return accumulator.result
    }

    @Test("under every filter: the figures SQLite's GROUP BY gave, names, corrections and the request's approver of an urgent use included")
    func sameAsGroupBy() async throws {
        let (register, directory) = try await UsePageBytesTests.book()
        defer { try? FileManager.default.removeItem(at: directory) }
        let today = LocalDate.today(Date(), timeZone: register.useSettings.zone)
        let filters = [
            BookFilter(), BookFilter(seal: "SEAL-0001"), BookFilter(seal: "SEAL-0002"), BookFilter(from: today, to: today), BookFilter(to: LocalDate("2020-01-01")),
            BookFilter(matter: "XK-001"), BookFilter(matter: "XK-999"), BookFilter(user: "S001"), BookFilter(user: "S003"), BookFilter(seal: "SEAL-0001", user: "S001"),
        ]
        var counted = 0
        for filter in filters {
            var statistics = try await register.statistics(filter)
            statistics.refusals = []
            let expected = try await Self.reference(register, filter)
            #expect(statistics == expected, "\(filter)")
            counted += statistics.uses
        }
        // The book holds what the counting must get right: several seals and people, a corrected count, an urgent use
        // approved afterwards (its approver is the request's), one whose request was denied (no approver).
        let all = try await register.statistics(BookFilter())
        #expect(all.bySeal.count >= 2 && all.byApprover.contains { $0.key == "" } && all.byApprover.contains { $0.key == "S002" && $0.name == "李四" })
        #expect(counted > 3 * all.uses)
    }
}
