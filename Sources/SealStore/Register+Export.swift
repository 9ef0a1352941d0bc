import Foundation
import GRDB
import SealCore
import SealWire

extension Register {
    /// The seals that have lines in the export, in id order.
    public func exportSeals(_ filter: BookFilter) async throws -> [ExportSeal] {
        let zone = useSettings.zone
        return try await pool.read { db in
            let (scope, arguments) = Self.sealScope(filter, column: "id")
            let sql = "SELECT * FROM seal WHERE \(scope) ORDER BY id"
            let (lower, upper) = Self.bounds(filter, zone: zone)
            var seals: [ExportSeal] = []
            for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
                let seal = Seal(row: row)
                let inWindow = try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM use_record WHERE seal_id = ? AND time >= ? AND time < ?", arguments: [seal.id, lower, upper]
                ) ?? 0
                guard inWindow > 0 else { continue }
                let before = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM use_record WHERE seal_id = ? AND time < ?", arguments: [seal.id, lower]) ?? 0
                let delegationIDs = try String.fetchAll(db, sql: "SELECT delegation_id FROM delegation_seal WHERE seal_id = ? ORDER BY delegation_id", arguments: [seal.id])
                seals.append(ExportSeal(
                    seal: seal,
                    custodianName: try String.fetchOne(db, sql: "SELECT name FROM staff WHERE id = ?", arguments: [seal.custodian]) ?? "",
                    delegations: try delegationIDs.compactMap { try Self.delegation(db, id: $0) },
                    usesBefore: before
                ))
            }
            return seals
        }
    }

    /// Up to `limit` lines of one seal's book inside the window, after `cursor`. Lines are numbered over every use
    /// of the seal (the matter and user filters never renumber the book); the scan is by the (seal, time) index,
    /// so an export reads each use once, in pages, in constant memory.
    public func exportPage(_ export: ExportSeal, _ filter: BookFilter, after cursor: ExportCursor?, limit: Int, headers: BookTable.Headers)
        async throws -> (lines: [ExportLine], next: ExportCursor?)
    {
        let zone = useSettings.zone
        return try await pool.read { db in
            let (lower, upper) = Self.bounds(filter, zone: zone)
            let rows = try Row.fetchAll(db, sql: """
                SELECT u.*, m.name AS matter_name, us.name AS user_name, ap.name AS approver_name, \(Self.bookApprover) AS book_approver,
                       r.denied_by, dn.name AS denied_by_name,
                       (SELECT dm.method FROM delegation_matter dm JOIN delegation_seal ds ON ds.delegation_id = dm.delegation_id
                        WHERE ds.seal_id = u.seal_id AND dm.matter_code = u.matter_code LIMIT 1) AS method
                FROM use_record u LEFT JOIN matter m ON m.code = u.matter_code
                JOIN use_request r ON r.id = u.request_id LEFT JOIN staff dn ON dn.id = r.denied_by
                LEFT JOIN staff us ON us.id = u.user LEFT JOIN staff ap ON ap.id = \(Self.bookApprover)
                WHERE u.seal_id = ? AND u.time >= ? AND u.time < ? AND (u.time, u.id) > (?, ?)
                ORDER BY u.time, u.id LIMIT ?
                """, arguments: [export.seal.id, lower, upper, cursor?.time ?? "", cursor?.id ?? "", limit])
            let ids = rows.map { $0["id"] as String }
            var corrections: [String: [BookTable.Correction]] = [:]
            if !ids.isEmpty {
                let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
                for c in try Row.fetchAll(
                    db, sql: "SELECT c.*, st.name AS by_name FROM use_correction c LEFT JOIN staff st ON st.id = c.corrected_by WHERE c.use_id IN (\(marks)) ORDER BY c.id",
                    arguments: StatementArguments(ids)
                ) {
                    let at = LocalTime.parseStored(c["at"]).map { LocalDate.today($0, timeZone: zone).description } ?? ""
                    corrections[c["use_id"], default: []].append(.init(
                        count: c["new_count"], reason: c["reason"], by: BookTable.person(name: c["by_name"], id: c["corrected_by"]), day: at
                    ))
                }
            }
            var serial = cursor?.serial ?? export.usesBefore
            var lines: [ExportLine] = []
            var last: ExportCursor?
            for row in rows {
                serial += 1
                let id: String = row["id"]
                let time: String = row["time"]
                last = ExportCursor(time: time, id: id, serial: serial)
                if let matter = filter.matter, matter != row["matter_code"] { continue }
                if let user = filter.user, user != row["user"] { continue }
                let date = (try? Date(time, strategy: .iso8601)) ?? Date(timeIntervalSince1970: 0)
                let c = Calendar(identifier: .gregorian).dateComponents(in: zone, from: date)
                let urgent: Bool = row["urgent"]
                let approver = BookTable.approver(
                    BookTable.person(name: row["approver_name"], id: row["book_approver"]),
                    denied: BookTable.person(name: row["denied_by_name"], id: row["denied_by"]), urgent: urgent, headers
                )
                lines.append(ExportLine(
                    line: BookTable.Line(
                        serial: serial, date: LocalDate.today(date, timeZone: zone).description,
                        time: String(format: "%02d:%02d:%02d", c.hour!, c.minute!, c.second!), sealName: export.seal.name,
                        reason: row["reason"], approver: approver,
                        user: BookTable.person(name: row["user_name"], id: row["user"]), count: row["effective_count"], matterCode: row["matter_code"],
                        matterName: row["matter_name"] ?? "", caseNumber: row["case_number"],
                        method: BookTable.methodName(row["method"], headers), urgent: urgent,
                        corrections: BookTable.corrections(recorded: row["count"], corrections[id] ?? []),
                        note: row["note"] ?? "", documentDigest: row["document_digest"] ?? ""
                    ),
                    timestamp: date, id: id, cursor: last!
                ))
            }
            return (lines, rows.count == limit ? last : nil)
        }
    }

    /// The SQL condition on a seal id column for the filter's `seal` and `township`.
    static func sealScope(_ filter: BookFilter, column: String) -> (String, StatementArguments) {
        var sql = "1 = 1"
        var arguments: StatementArguments = []
        if let seal = filter.seal {
            sql += " AND \(column) = ?"
            _ = arguments.append(contentsOf: [seal])
        }
        if let township = filter.township {
            sql += """
                 AND \(column) IN (SELECT s.id FROM seal s WHERE s.holder LIKE '%' || ? || '%' UNION
                 SELECT ds.seal_id FROM delegation_seal ds JOIN delegation d ON d.id = ds.delegation_id WHERE d.township = ?)
                """
            _ = arguments.append(contentsOf: [township, township])
        }
        return (sql, arguments)
    }

    /// The window's UTC bounds: local dates in the register's time zone, `to` inclusive.
    static func bounds(_ filter: BookFilter, zone: TimeZone) -> (String, String) {
        (filter.from.map { JournalClock.timestamp($0.start(in: zone)) } ?? "",
         filter.to.map { JournalClock.timestamp($0.end(in: zone)) } ?? "9999")
    }
}

extension Register {
    /// Refuses a filter naming a seal, township, matter or staff member the register does not know, with the
    /// known values: a typo must never pass for an empty book an inspector would believe.
    public func checkFilter(_ filter: BookFilter, request: String? = nil) async throws {
        try await pool.read { db in
            func check(_ flag: String, _ value: String?, exists: String, known: String, noun: String) throws {
                guard let value, try Bool.fetchOne(db, sql: exists, arguments: [value, value]) != true else { return }
                let values = try String.fetchAll(db, sql: known)
                let list = values.isEmpty ? "none are registered" : "known: " + values.prefix(30).joined(separator: ", ") + (values.count > 30 ? ", …" : "")
                throw SealError(.invalidField, "\(flag) \"\(value)\": no such \(noun); \(list)")
            }
            try check("seal", filter.seal, exists: "SELECT EXISTS (SELECT 1 FROM seal WHERE id = ? OR id = ?)", known: "SELECT id FROM seal ORDER BY id", noun: "seal")
            try check(
                "township", filter.township,
                exists: "SELECT EXISTS (SELECT 1 FROM delegation WHERE township = ?) OR EXISTS (SELECT 1 FROM seal WHERE holder LIKE '%' || ? || '%')",
                known: "SELECT DISTINCT township FROM delegation ORDER BY township", noun: "township (no delegation to it, no seal held by it)"
            )
            try check("matter", filter.matter, exists: "SELECT EXISTS (SELECT 1 FROM matter WHERE code = ? OR code = ?)", known: "SELECT code FROM matter ORDER BY code", noun: "matter")
            try check("request", request, exists: "SELECT EXISTS (SELECT 1 FROM use_request WHERE id = ? OR id = ?)", known: "SELECT id FROM use_request ORDER BY id DESC LIMIT 30", noun: "request")
            try check("user", filter.user, exists: "SELECT EXISTS (SELECT 1 FROM staff WHERE id = ? OR id = ?)", known: "SELECT id FROM staff ORDER BY id", noun: "staff member")
        }
    }
}
