import Foundation
import PostgresNIO
import SealBook
import SealCore
import SealStore

extension CountyBook {
    /// Runs `body` in one read-only REPEATABLE READ transaction with one township's period to read — as many times as
    /// it likes, the same facts each time (mirroring may go on meanwhile) — a fact at a time, never all held.
    public func withAuditFacts<T: Sendable>(origin: String, _ filter: BookFilter, _ body: (CountyAuditFactSource) async throws -> T) async throws -> T {
        let delegations = try await delegations(origin: origin, seal: nil)
        let zone = settings.timeZone
        let logger = self.logger
        return try await store.database.transaction { connection in
            _ = try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            return try await body(CountyAuditFactSource(origin: origin, filter: filter, zone: zone, delegations: delegations) { query in
                try await connection.query(query, logger: logger)
            })
        }
    }
}

/// One township's period in the county's copy, read in the order the anomaly rules read it (as the township's
/// `AuditFactSource`), through `run`: one transaction's connection (see `CountyBook.withAuditFacts`).
public struct CountyAuditFactSource {
    let origin: String
    let filter: BookFilter
    let zone: TimeZone
    let delegations: [Delegation]
    let run: (PostgresQuery) async throws -> PostgresRowSequence

    /// Calls `visit` with each use (in time order), approval (in order of approval), refusal and card unlock (in
    /// journal order) and carry-out (by id) of the period, skipping the rest of a kind of fact when `visit` answers
    /// false for one (`AnomalySample.route`).
    public func forEach(_ visit: (AuditFacts.Fact) async throws -> Bool) async throws {
        let (lower, upper) = filter.storedBounds(zone: zone)
        func date(_ text: String?) -> Date? { text.flatMap { try? Date($0, strategy: .iso8601) } }
        let unfiled = AnomalyRules.UnfiledAgreements(delegations, zone: zone)
        var q = BoundQuery()
        q.sql = """
            SELECT u.id, u.seal_id, u.request_id, u.time, u."user", u.approver, u.effective_count, u.urgent, u.reason, u.case_number,
                   u.matter_code, r.approved_at, r.denied_by, r.denial_reason, r.denied_at
            FROM use_record u JOIN use_request r ON r.origin = u.origin AND r.id = u.request_id
            WHERE u.time >= \(q.bind(lower)) AND u.time < \(q.bind(upper))
            """
        var narrowed = filter
        narrowed.from = nil
        narrowed.to = nil
        CountyBook.narrow(&q, narrowed, origin: origin, zone: zone)
        q.sql += " ORDER BY u.time, u.id"
        for try await (id, seal, request, time, user, approver, count, urgent, reason, caseNumber, matter, approvedAt, deniedBy, denialReason, deniedAt)
            in try await run(q.query)
                .decode((String, String, String, String, String, String?, Int, Int, String, String, String, String?, String?, String?, String?).self)
        {
            let at = date(time) ?? Date(timeIntervalSince1970: 0)
            guard try await visit(.use(AuditFacts.Use(
                id: id, seal: seal, request: request, time: at, user: user, approver: approver, count: count, urgent: urgent != 0, reason: reason,
                caseNumber: caseNumber, matter: matter, approvedAt: date(approvedAt),
                unfiledAgreement: unfiled.agreement(seal: seal, matter: matter, at: at, time: time),
                denial: deniedBy.map { UseRequest.Denial(by: $0, reason: denialReason ?? "", at: deniedAt ?? "") }
            ))) else { break }
        }

        q = BoundQuery()
        q.sql = """
            SELECT id, requester, approver, approved_at, approved_count, used FROM use_request
            WHERE origin = \(q.bind(origin)) AND approved_at >= \(q.bind(lower)) AND approved_at < \(q.bind(upper)) AND approver IS NOT NULL
            """
        if let seal = filter.seal { q.sql += " AND seal_id = \(q.bind(seal))" }
        q.sql += " ORDER BY approved_at, id"
        for try await (id, requester, approver, approvedAt, approvedCount, used)
            in try await run(q.query).decode((String, String, String, String, Int?, Int).self)
        {
            guard try await visit(.approval(AuditFacts.Approval(
                request: id, requester: requester, approver: approver, approvedAt: date(approvedAt)!, approvedCount: approvedCount ?? 0, used: used
            ))) else { break }
        }

        // Refusals, narrowed as at the township (the seal and matter they name, or those of their request or use).
        q = BoundQuery()
        q.sql = """
            SELECT seq, time, actor_staff, subject, code FROM (
              SELECT j.seq, j.time, j.actor_staff, j.subject, (j.entry::jsonb)->'payload'->>'code' AS code,
                     COALESCE((j.entry::jsonb)->'payload'->>'seal', r.seal_id, x.seal_id) AS seal_id,
                     COALESCE((j.entry::jsonb)->'payload'->>'matter', r.matter_code, x.matter_code) AS matter_code
              FROM journal j
              LEFT JOIN use_request r ON r.origin = j.origin AND r.id = (j.entry::jsonb)->'payload'->>'request'
              LEFT JOIN use_record x ON x.origin = j.origin AND x.id = (j.entry::jsonb)->'payload'->>'use'
              WHERE j.origin = \(q.bind(origin)) AND j.kind = 'refused' AND j.time >= \(q.bind(lower)) AND j.time < \(q.bind(upper))
            ) f WHERE true
            """
        if let seal = filter.seal { q.sql += " AND f.seal_id = \(q.bind(seal))" }
        if let matter = filter.matter { q.sql += " AND f.matter_code = \(q.bind(matter))" }
        if let user = filter.user { q.sql += " AND f.actor_staff = \(q.bind(user))" }
        q.sql += " ORDER BY seq"
        for try await (seq, time, staff, subject, code) in try await run(q.query).decode((Int, String, String?, String?, String?).self) {
            guard try await visit(.refusal(AuditFacts.Event(seq: seq, time: date(time)!, staff: staff, subject: subject, detail: code ?? ""))) else { break }
        }

        q = BoundQuery()
        q.sql = """
            SELECT seq, time, actor_staff, subject, (entry::jsonb)->'payload'->>'reader' FROM journal
            WHERE origin = \(q.bind(origin)) AND kind = 'card.unlocked' AND time >= \(q.bind(lower)) AND time < \(q.bind(upper))
            """
        if let seal = filter.seal { q.sql += " AND subject = \(q.bind(seal))" }
        q.sql += " ORDER BY seq"
        for try await (seq, time, staff, subject, reader) in try await run(q.query).decode((Int, String, String?, String?, String?).self) {
            guard try await visit(.unlock(AuditFacts.Event(seq: seq, time: date(time)!, staff: staff, subject: subject, detail: reader ?? ""))) else { break }
        }

        q = BoundQuery()
        q.sql = """
            SELECT id, seal_id, carrier, out_at, due, returned_at FROM carry_out
            WHERE origin = \(q.bind(origin)) AND out_at < \(q.bind(upper)) AND (returned_at IS NULL OR returned_at >= \(q.bind(lower)))
            """
        if let seal = filter.seal { q.sql += " AND seal_id = \(q.bind(seal))" }
        q.sql += " ORDER BY id"
        for try await (id, seal, carrier, outAt, due, returnedAt) in try await run(q.query).decode((Int, String, String, String, String, String?).self) {
            guard try await visit(.carryOut(AuditFacts.CarryOut(id: id, seal: seal, carrier: carrier, outAt: date(outAt)!, due: date(due)!, returnedAt: date(returnedAt)))) else { break }
        }
    }
}
