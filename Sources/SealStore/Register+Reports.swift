import Foundation
import GRDB
import SealCore
import SealWire

/// One use as the statistics count it.
struct StatisticsRow: Sendable {
    var id, time, seal, sealName, matter, matterName, user, userName: String
    var rowid: Int64
    var approver: String?
    var approverName: String
    var impressions: Int

    init(_ row: Row) {
        id = row["id"]
        rowid = row["line_rowid"]
        time = row["time"]
        seal = row["seal_id"]
        sealName = row["seal_name"]
        matter = row["matter_code"]
        matterName = row["matter_name"] ?? ""
        user = row["user"]
        userName = row["user_name"] ?? ""
        approver = row["book_approver"]
        approverName = row["approver_name"] ?? ""
        impressions = row["effective_count"]
    }
}

extension Register {
    /// The statistics report for the filter's period and seals, in one keyset-paged pass over the book.
    public func statistics(_ filter: BookFilter) async throws -> UsageStatistics {
        let zone = useSettings.zone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var accumulator = UsageStatistics.Accumulator()
        let (lower, upper) = Self.bounds(filter, zone: zone)
        let (scope, scopeArguments) = Self.sealScope(filter, column: "u.seal_id")
        var after: (String, Int64) = ("", 0)
        while true {
            let cursor = after
            let rows = try await pool.read { db in
                var arguments: StatementArguments = [lower, upper, cursor.0, cursor.1]
                // Keyset pages in time order on the time index: a quarter at the end of a long book starts there.
                var sql = BookLineQuery.select + " WHERE u.time >= ? AND u.time < ? AND (u.time, u.rowid) > (?, ?) AND \(scope)"
                _ = arguments.append(contentsOf: scopeArguments)
                Self.narrowUses(filter, &sql, &arguments)
                // Plain values, not GRDB rows: a non-Sendable result would silently select GRDB's blocking `read`.
                return try Row.fetchAll(db.cachedStatement(sql: sql + " ORDER BY u.time, u.rowid LIMIT 5000"), arguments: arguments).map(StatisticsRow.init)
            }
            guard let last = rows.last else { break }
            for row in rows {
                let date = LocalTime.parseStored(row.time) ?? Date(timeIntervalSince1970: 0)
                let c = calendar.dateComponents([.year, .month], from: date)
                accumulator.add(
                    seal: (row.seal, row.sealName), matter: (row.matter, row.matterName), user: (row.user, row.userName),
                    approver: row.approver.map { ($0, row.approverName) },
                    month: String(format: "%04d-%02d", c.year!, c.month!), impressions: row.impressions
                )
            }
            after = (last.time, last.rowid)
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

    /// What the anomaly rules look at for the filter's period and seals. The period's uses are held in memory
    /// (a few hundred bytes each): a quarter of a township's book is thousands, not millions.
    public func auditFacts(_ filter: BookFilter) async throws -> AuditFacts {
        let zone = useSettings.zone
        let (lower, upper) = Self.bounds(filter, zone: zone)
        return try await pool.read { db in
            func date(_ text: String?) -> Date? { text.flatMap { try? Date($0, strategy: .iso8601) } }
            var facts = AuditFacts()
            let delegations = try String.fetchAll(db.cachedStatement(sql: "SELECT id FROM delegation ORDER BY id")).compactMap { try Self.delegation(db, id: $0) }

            let (useScope, useArguments) = Self.sealScope(filter, column: "u.seal_id")
            var arguments: StatementArguments = [lower, upper]
            _ = arguments.append(contentsOf: useArguments)
            var sql = """
                SELECT u.id, u.seal_id, u.request_id, u.time, u.user, u.approver, u.effective_count, u.urgent, u.reason, u.case_number,
                       u.matter_code, r.approved_at, r.denied_by, r.denial_reason, r.denied_at
                FROM use_record u JOIN use_request r ON r.id = u.request_id
                WHERE u.time >= ? AND u.time < ? AND \(useScope)
                """
            Self.narrowUses(filter, &sql, &arguments)
            for row in try Row.fetchAll(db.cachedStatement(sql: sql + " ORDER BY u.time, u.id"), arguments: arguments) {
                let time: String = row["time"]
                let at = date(time) ?? Date(timeIntervalSince1970: 0)
                let seal: String = row["seal_id"]
                let matter: String = row["matter_code"]
                facts.uses.append(AuditFacts.Use(
                    id: row["id"], seal: seal, request: row["request_id"], time: at, user: row["user"], approver: row["approver"],
                    count: row["effective_count"], urgent: row["urgent"], reason: row["reason"], caseNumber: row["case_number"], matter: matter,
                    approvedAt: date(row["approved_at"]),
                    unfiledAgreement: AnomalyRules.unfiledAgreement(delegations, seal: seal, matter: matter, day: LocalDate.today(at, timeZone: zone), time: time),
                    denial: (row["denied_by"] as String?).map { UseRequest.Denial(by: $0, reason: row["denial_reason"], at: row["denied_at"]) }
                ))
            }

            let (requestScope, requestArguments) = Self.sealScope(filter, column: "seal_id")
            arguments = [lower, upper]
            _ = arguments.append(contentsOf: requestArguments)
            for row in try Row.fetchAll(db.cachedStatement(sql: """
                SELECT id, requester, approver, approved_at, approved_count, used FROM use_request
                WHERE approved_at >= ? AND approved_at < ? AND approver IS NOT NULL AND \(requestScope) ORDER BY approved_at, id
                """), arguments: arguments)
            {
                facts.approvals.append(AuditFacts.Approval(
                    request: row["id"], requester: row["requester"], approver: row["approver"], approvedAt: date(row["approved_at"])!,
                    approvedCount: row["approved_count"] ?? 0, used: row["used"]
                ))
            }

            /// Journal entries of one kind in the period; `scoped`: only those whose subject is a seal in the filter.
            func events(_ kind: String, detail: String, scoped: Bool) throws -> [AuditFacts.Event] {
                let (scope, scopeArguments) = scoped ? Self.sealScope(filter, column: "subject") : ("1 = 1", [])
                var arguments: StatementArguments = [kind, lower, upper]
                _ = arguments.append(contentsOf: scopeArguments)
                return try Row.fetchAll(db.cachedStatement(sql: """
                    SELECT seq, time, actor_staff, subject, json_extract(entry, '$.payload.\(detail)') AS detail FROM journal
                    WHERE kind = ? AND time >= ? AND time < ? AND \(scope) ORDER BY seq
                    """), arguments: arguments).map {
                    AuditFacts.Event(seq: $0["seq"], time: date($0["time"])!, staff: $0["actor_staff"], subject: $0["subject"], detail: $0["detail"] ?? "")
                }
            }
            let (refused, refusedArguments) = Self.refusalScope(filter, lower: lower, upper: upper)
            facts.refusals = try Row.fetchAll(db.cachedStatement(sql: refused + " ORDER BY seq"), arguments: refusedArguments).map {
                AuditFacts.Event(seq: $0["seq"], time: date($0["time"])!, staff: $0["actor_staff"], subject: $0["subject"], detail: $0["code"] ?? "")
            }
            facts.unlocks = try events("card.unlocked", detail: "reader", scoped: true)

            arguments = [upper, lower]
            _ = arguments.append(contentsOf: requestArguments)
            facts.carryOuts = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT * FROM carry_out WHERE out_at < ? AND (returned_at IS NULL OR returned_at >= ?) AND \(requestScope) ORDER BY id
                """), arguments: arguments).map {
                AuditFacts.CarryOut(
                    id: $0["id"], seal: $0["seal_id"], carrier: $0["carrier"], outAt: date($0["out_at"])!, due: date($0["due"])!,
                    returnedAt: date($0["returned_at"])
                )
            }
            return facts
        }
    }

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
