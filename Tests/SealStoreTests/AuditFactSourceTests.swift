import Foundation
import GRDB
import SealBook
import SealCore
import Testing

@testable import SealStore

/// The period's uses as the anomaly rules read them carry their requests' approval and denial, which the reader looks
/// up a request at a time (`RequestOutcomes`) rather than joining every use to its request.
@Suite("Audit facts")
struct AuditFactSourceTests {
    /// What a use fact says of its request.
    struct Outcome: Equatable, Sendable {
        var approvedAt: Date?
        var denial: UseRequest.Denial?
    }

    @Test("every use carries its own request's approval time and denial, however few requests the reader keeps", arguments: [1, 2, RequestOutcomes.kept])
    func requestOutcomes(kept: Int) async throws {
        // Uses under several requests, one after another: approved before use, urgent and approved after, urgent and denied.
        let (register, directory) = try await UsePageBytesTests.book()
        defer { try? FileManager.default.removeItem(at: directory) }
        let zone = register.useSettings.zone
        let (expected, read) = try await register.pool.read { db -> ([String: Outcome], [(id: String, request: String, outcome: Outcome)]) in
            var expected: [String: Outcome] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT u.id, r.approved_at, r.denied_by, r.denial_reason, r.denied_at
                FROM use_record u JOIN use_request r ON r.id = u.request_id
                """) {
                expected[row[0]] = Outcome(
                    approvedAt: (row[1] as String?).flatMap { LocalTime.parseStored($0) },
                    denial: (row[2] as String?).map { UseRequest.Denial(by: $0, reason: row[3], at: row[4]) }
                )
            }
            var source = AuditFactSource(db: db, filter: BookFilter(), zone: zone, delegations: [])
            source.requestsKept = kept
            var read: [(id: String, request: String, outcome: Outcome)] = []
            try source.forEach { (fact: AuditFacts.Fact) -> Void in
                if case .use(let u) = fact { read.append((u.id, u.request, Outcome(approvedAt: u.approvedAt, denial: u.denial))) }
            }
            return (expected, read)
        }
        #expect(read.count == expected.count)
        #expect(Set(read.map { $0.id }).count == read.count)
        for (id, _, outcome) in read {
            #expect(outcome == expected[id], "\(id)")
        }
        // The book has both kinds, so the comparison above is not of nothing with nothing.
        #expect(read.contains { $0.outcome.denial != nil })
        #expect(read.contains { $0.outcome.approvedAt != nil && $0.outcome.denial == nil })
        #expect(Set(read.map { $0.request }).count >= 3)
    }
}
