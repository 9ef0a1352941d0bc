import Foundation
import GRDB
import SealCore
import SealWire

extension Register {
    /// The statistics report for the filter's period and seals. The period's lines are counted in groups sharing
    /// seal, matter, user, approver and UTC hour (minute, in a zone whose offset is not whole hours), as the county
    /// counts them in PostgreSQL; each group is added with its local month. Only the groups are held, never the lines.
    public func statistics(_ filter: BookFilter) async throws -> UsageStatistics {
        var months = UsageStatistics.MonthBuckets(zone: useSettings.zone)
        var accumulator = UsageStatistics.Accumulator()
        let (lower, upper) = Self.bounds(filter, zone: useSettings.zone)
        let (scope, scopeArguments) = Self.sealScope(filter, column: "u.seal_id")
        let prefix = months.prefixLength
        let groups = try await pool.read { db in
            var arguments: StatementArguments = [lower, upper]
            _ = arguments.append(contentsOf: scopeArguments)
            // An urgent use made before approval takes its request's approver (the book's 批准人): the request is
            // looked up only for such a line.
            var sql = """
                SELECT u.seal_id, u.matter_code, u.user, COALESCE(u.approver, r.approver), substr(u.time, 1, \(prefix)), u.effective_count
                FROM use_record u LEFT JOIN use_request r ON u.approver IS NULL AND r.id = u.request_id
                WHERE u.time >= ? AND u.time < ? AND \(scope)
                """
            Self.narrowUses(filter, &sql, &arguments)
            let rows = try RawRows(db, sql: sql, arguments: arguments)
            defer { rows.reset() }
            var counter = UseGroupCounter(columns: 5)
            while try rows.next("counting the period's uses") { counter.add(rows, value: rows.int(5)) }
            // Each group's names, looked up once per id (a use's seal always exists; the others may not).
            var names = try NameMemo.Line(db)
            func name(_ memo: inout NameMemo, _ id: String?) throws -> String? {
                guard var id else { return nil }
                return try id.withUTF8 { try memo.name($0) }
            }
            return try counter.groups.map { g in
                let (seal, matter, user, approver, bucket) = (g.key[0] ?? "", g.key[1] ?? "", g.key[2] ?? "", g.key[3], g.key[4] ?? "")
                return (seal: (seal, try name(&names.seal, seal) ?? ""), matter: (matter, try name(&names.matter, matter) ?? ""),
                        user: (user, try name(&names.user, user) ?? ""), approver: try approver.map { ($0, try name(&names.approver, $0) ?? "") },
                        bucket: bucket, uses: g.rows, impressions: g.sum)
            }
        }
        for g in groups {
            accumulator.add(
                seal: g.seal, matter: g.matter, user: g.user, approver: g.approver, month: months.month(of: g.bucket), impressions: g.impressions,
                uses: g.uses
            )
        }
        let refusals = try await pool.read { db in
            // Refusals and denials follow the same filters as the uses: a report for one seal, township, matter or
            // user counts only the refusals about it.
            let (refused, refusedArguments) = Self.refusalScope(filter, lower: lower, upper: upper)
            var arguments = refusedArguments
            var denied = """
                SELECT 'denied' AS code, COUNT(*) AS n FROM journal j JOIN use_request u ON u.id = j.subject
                WHERE j.kind = 'request.denied' AND j.time >= ? AND j.time < ? AND \(scope)
                """
            _ = arguments.append(contentsOf: [lower, upper])
            _ = arguments.append(contentsOf: scopeArguments)
            Self.narrow(filter, matter: "u.matter_code", user: "u.requester", &denied, &arguments)
            return try Row.fetchAll(db.cachedStatement(sql: """
                SELECT code, COUNT(*) AS n FROM (\(refused)) GROUP BY code
                UNION ALL \(denied)
                """), arguments: arguments).map { row -> (code: String, count: Int) in (row["code"] ?? "unknown", row["n"]) }
        }
        for (code, n) in refusals where n > 0 {
            accumulator.addRefusals(code: code, count: n)
        }
        return accumulator.result
    }

    /// Runs `body` in one read of the register, with the period's facts to read — as many times as it likes, each
    /// time the same facts, since they come from the same snapshot — one at a time, never all held.
    public func withAuditFacts<T: Sendable>(_ filter: BookFilter, _ body: @escaping @Sendable (AuditFactSource) throws -> T) async throws -> T {
        let zone = useSettings.zone
        return try await pool.read { db in
            let delegations = try String.fetchAll(db.cachedStatement(sql: "SELECT id FROM delegation ORDER BY id")).compactMap { try Self.delegation(db, id: $0) }
            return try body(AuditFactSource(db: db, filter: filter, zone: zone, delegations: delegations))
        }
    }
}

/// The period's facts in one read of the register, in the order the anomaly rules read them.
public struct AuditFactSource {
    let db: Database
    let filter: BookFilter
    let zone: TimeZone
    let delegations: [Delegation]
    /// How many requests' outcomes a read keeps (`RequestOutcomes`); tests make it small.
    var requestsKept = RequestOutcomes.kept

    /// The period's uses in time order (ties by id), read in the order of `use_record_by_time_id` without sorting.
    /// Their requests' approval and denial are looked up apart (`RequestOutcomes`): joined, every use paid a search
    /// of `use_request` by id, though a request's uses mostly follow one another.
    static func usesQuery(_ filter: BookFilter, lower: String, upper: String) -> (String, StatementArguments) {
        let (useScope, useArguments) = Register.sealScope(filter, column: "u.seal_id")
        var arguments: StatementArguments = [lower, upper]
        _ = arguments.append(contentsOf: useArguments)
        var sql = """
            SELECT u.id, u.seal_id, u.request_id, u.time, u.user, u.approver, u.effective_count, u.urgent, u.reason, u.case_number,
                   u.matter_code
            FROM use_record u
            WHERE u.time >= ? AND u.time < ? AND \(useScope)
            """
        Register.narrowUses(filter, &sql, &arguments)
        return (sql + " ORDER BY u.time, u.id", arguments)
    }

    /// Calls `visit` with each use (in time order), approval (in order of approval), refusal and card unlock (in
    /// journal order) and carry-out (by id) of the period.
    public func forEach(_ visit: (AuditFacts.Fact) throws -> Void) throws {
        try forEach(while: {
            try visit($0)
            return true
        })
    }

    /// The same, skipping the rest of a kind of fact when `visit` answers false for one (`AnomalySample.route`).
    public func forEach(while visit: (AuditFacts.Fact) throws -> Bool) throws {
        let (lower, upper) = Register.bounds(filter, zone: zone)
        // Stored times are JournalClock's fixed form, read digit by digit; anything else through Foundation.
        func date(_ text: String?) -> Date? { text.flatMap { LocalTime.parseStored($0) ?? (try? Date($0, strategy: .iso8601)) } }

        let (sql, useArguments) = Self.usesQuery(filter, lower: lower, upper: upper)
        // Columns by position (in the SELECT's order), straight from SQLite: GRDB's rows (each column found by name,
        // case-insensitively, and decoded generically) cost more than the rules themselves over a long period.
        let uses = try RawRows(db, sql: sql, arguments: useArguments)
        defer { uses.reset() }
        let text = uses.text
        // A use's times are read from the row's bytes: no string is made of them.
        func date(column: Int32) -> Date? { uses.bytes(column).flatMap { LocalTime.parseStored(bytes: $0) } }
        let unfiled = AnomalyRules.UnfiledAgreements(delegations, zone: zone)
        var requests = RequestOutcomes(kept: requestsKept)
        while try uses.next("reading the period's uses") {
            let at = date(column: 3) ?? Date(timeIntervalSince1970: 0)
            let (seal, matter, request) = (text(1) ?? "", text(10) ?? "", text(2) ?? "")
            let outcome = try requests.outcome(of: request, db)
            guard try visit(.use(AuditFacts.Use(
                id: text(0) ?? "", seal: seal, request: request, time: at, user: text(4) ?? "", approver: text(5),
                count: uses.int(6), urgent: uses.int(7) != 0, reason: text(8) ?? "", caseNumber: text(9) ?? "", matter: matter,
                approvedAt: outcome.approvedAt,
                unfiledAgreement: unfiled.agreement(seal: seal, matter: matter, at: at, time: text(3) ?? ""),
                denial: outcome.denial
            ))) else { break }
        }

        let (requestScope, requestArguments) = Register.sealScope(filter, column: "seal_id")
        var arguments: StatementArguments = [lower, upper]
        _ = arguments.append(contentsOf: requestArguments)
        let approvals = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT id, requester, approver, approved_at, approved_count, used FROM use_request
            WHERE approved_at >= ? AND approved_at < ? AND approver IS NOT NULL AND \(requestScope) ORDER BY approved_at, id
            """), arguments: arguments)
        while let row = try approvals.next() {
            guard try visit(.approval(AuditFacts.Approval(
                request: row[0], requester: row[1], approver: row[2], approvedAt: date(row[3])!, approvedCount: (row[4] as Int?) ?? 0, used: row[5]
            ))) else { break }
        }

        let (refused, refusedArguments) = Register.refusalScope(filter, lower: lower, upper: upper)
        let refusals = try Row.fetchCursor(db.cachedStatement(sql: refused + " ORDER BY seq"), arguments: refusedArguments)
        while let row = try refusals.next() {
            guard try visit(.refusal(AuditFacts.Event(
                seq: row["seq"], time: date(row["time"])!, staff: row["actor_staff"], subject: row["subject"], detail: row["code"] ?? ""
            ))) else { break }
        }

        let (unlockScope, unlockArguments) = Register.sealScope(filter, column: "subject")
        arguments = ["card.unlocked", lower, upper]
        _ = arguments.append(contentsOf: unlockArguments)
        let unlocks = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT seq, time, actor_staff, subject, json_extract(entry, '$.payload.reader') AS detail FROM journal
            WHERE kind = ? AND time >= ? AND time < ? AND \(unlockScope) ORDER BY seq
            """), arguments: arguments)
        while let row = try unlocks.next() {
            guard try visit(.unlock(AuditFacts.Event(seq: row[0], time: date(row[1])!, staff: row[2], subject: row[3], detail: (row[4] as String?) ?? ""))) else { break }
        }

        arguments = [upper, lower]
        _ = arguments.append(contentsOf: requestArguments)
        let carryOuts = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT id, seal_id, carrier, out_at, due, returned_at FROM carry_out
            WHERE out_at < ? AND (returned_at IS NULL OR returned_at >= ?) AND \(requestScope) ORDER BY id
            """), arguments: arguments)
        while let row = try carryOuts.next() {
            guard try visit(.carryOut(AuditFacts.CarryOut(
                id: row[0], seal: row[1], carrier: row[2], outAt: date(row[3])!, due: date(row[4])!, returnedAt: date(row[5])
            ))) else { break }
        }
    }
}

/// The approval and denial of the requests a period's uses were made under, each looked up once while its uses
/// follow one another (a request approves a count, used one by one). Only the latest requests are kept, so a long
/// period is never held: with more requests in flight than that, a request is looked up again.
struct RequestOutcomes {
    struct Outcome {
        var approvedAt: Date?
        var denial: UseRequest.Denial?
    }

    static let kept = 256
    static let lookup = "SELECT approved_at, denied_by, denial_reason, denied_at FROM use_request WHERE id = ?"
    let kept: Int
    private var recent: [String: Outcome] = [:]

    init(kept: Int = Self.kept) { self.kept = kept }

    /// `id`'s approval and denial as the read transaction of `db` sees them (neither, for a request not found).
    mutating func outcome(of id: String, _ db: Database) throws -> Outcome {
        if let known = recent[id] { return known }
        let row = try RawRows(db, sql: Self.lookup, arguments: [id])
        var outcome = Outcome()
        if try row.next("reading a use's request") {
            outcome.approvedAt = row.bytes(0).flatMap { LocalTime.parseStored(bytes: $0) }
            outcome.denial = row.text(1).map { UseRequest.Denial(by: $0, reason: row.text(2) ?? "", at: row.text(3) ?? "") }
            row.reset()
        }
        if recent.count >= kept { recent.removeAll(keepingCapacity: true) }
        recent[id] = outcome
        return outcome
    }
}

extension Register {
    /// The period's refusals (`refused` journal entries: seq, time, actor_staff, subject, code) narrowed by the
    /// filter: a refusal is about the seal and matter it names, or those of the request or use it names; `user`
    /// keeps the refusals of that staff member's own actions.
    static func refusalScope(_ filter: BookFilter, lower: String, upper: String) -> (String, StatementArguments) {
        var sql = """
            SELECT * FROM (
              SELECT j.seq, j.time, j.actor_staff, j.subject, json_extract(j.entry, '$.payload.code') AS code,
                     COALESCE(json_extract(j.entry, '$.payload.seal'), r.seal_id, u.seal_id) AS seal_id,
                     COALESCE(json_extract(j.entry, '$.payload.matter'), r.matter_code, u.matter_code) AS matter_code
              FROM journal j
              LEFT JOIN use_request r ON r.id = json_extract(j.entry, '$.payload.request')
              LEFT JOIN use_record u ON u.id = json_extract(j.entry, '$.payload.use')
              WHERE j.kind = 'refused' AND j.time >= ? AND j.time < ?
            ) WHERE
            """
        var arguments: StatementArguments = [lower, upper]
        let (scope, scopeArguments) = sealScope(filter, column: "seal_id")
        sql += " " + scope
        _ = arguments.append(contentsOf: scopeArguments)
        narrow(filter, matter: "matter_code", user: "actor_staff", &sql, &arguments)
        return (sql, arguments)
    }

    /// The filter's matter and user (用印人) conditions on `use_record u`.
    static func narrowUses(_ filter: BookFilter, _ sql: inout String, _ arguments: inout StatementArguments) {
        narrow(filter, matter: "u.matter_code", user: "u.user", &sql, &arguments)
    }

    /// The filter's matter and user conditions on the given columns (the user is whoever the rows are about: the
    /// 用印人 of a use, the requester of a denied request, the actor of a refusal).
    static func narrow(_ filter: BookFilter, matter: String, user: String, _ sql: inout String, _ arguments: inout StatementArguments) {
        if let value = filter.matter {
            sql += " AND \(matter) = ?"
            _ = arguments.append(contentsOf: [value])
        }
        if let value = filter.user {
            sql += " AND \(user) = ?"
            _ = arguments.append(contentsOf: [value])
        }
    }
}
