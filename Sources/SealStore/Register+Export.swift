import Foundation
import GRDB
import SealCore
import SealWire

extension Register {
    /// The seals that have lines in the export, in id order, with the 序号 range the window spans.
    public func exportSeals(_ filter: BookFilter) async throws -> [ExportSeal] {
        let zone = useSettings.zone
        return try await pool.read { db in
            let (scope, arguments) = Self.sealScope(filter, column: "seal.id")
            let (lower, upper) = Self.bounds(filter, zone: zone)
            var seals: [ExportSeal] = []
            for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT seal.*, st.name AS custodian_name FROM seal LEFT JOIN staff st ON st.id = seal.custodian WHERE \(scope) ORDER BY seal.id"), arguments: arguments) {
                let seal = Seal(row: row)
                guard let serials = try BookLineQuery.serials(db, seal: seal.id, lower: lower, upper: upper) else { continue }
                let delegationIDs = try String.fetchAll(db.cachedStatement(sql: "SELECT delegation_id FROM delegation_seal WHERE seal_id = ? ORDER BY delegation_id"), arguments: [seal.id])
                seals.append(ExportSeal(
                    seal: seal, custodianName: row["custodian_name"] ?? "",
                    delegations: try delegationIDs.compactMap { try Self.delegation(db, id: $0) }, serials: serials
                ))
            }
            return seals
        }
    }

    /// The lines of one seal's book of 序号 `serials` inside the window, in 序号 order on the (seal, serial) index:
    /// an export reads each use once, in pages, in constant memory.
    public func exportPage(_ export: ExportSeal, _ filter: BookFilter, serials: ClosedRange<Int>, headers: BookTable.Headers) async throws -> [ExportLine] {
        let zone = useSettings.zone
        return try await pool.read { db in
            let (lower, upper) = Self.bounds(filter, zone: zone)
            return try BookLineQuery.exportLines(
                db, seal: export.seal.id, sealName: export.seal.name, serials: serials,
                keep: { time, matter, user in BookLine.isExported(filter, lower: lower, upper: upper, time: time, matter: matter, user: user) },
                headers: headers, zone: zone
            )
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

    static func bounds(_ filter: BookFilter, zone: TimeZone) -> (String, String) { filter.storedBounds(zone: zone) }
}

extension Register {
    /// Refuses a filter naming a seal, township, matter or staff member the register does not know, with the
    /// known values: a typo must never pass for an empty book an inspector would believe.
    public func checkFilter(_ filter: BookFilter, request: String? = nil) async throws {
        // Nothing named, nothing to look up: no read transaction for an unfiltered list, export or report.
        guard filter.seal != nil || filter.township != nil || filter.matter != nil || filter.user != nil || request != nil else { return }
        try await pool.read { db in
            func check(_ flag: String, _ value: String?, exists: String, known: String, noun: String) throws {
                guard let value, try Bool.fetchOne(db.cachedStatement(sql: exists), arguments: [value, value]) != true else { return }
                let values = try String.fetchAll(db.cachedStatement(sql: known))
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

extension BookFilter {
    /// The window's bounds as stored times (`JournalClock`): local dates in `zone`, `to` inclusive, so a stored time
    /// `t` is inside when `lower <= t < upper`. The township and the county read their books with the same bounds.
    public func storedBounds(zone: TimeZone) -> (lower: String, upper: String) {
        (from.map { JournalClock.timestamp($0.start(in: zone)) } ?? "", to.map { JournalClock.timestamp($0.end(in: zone)) } ?? "9999")
    }
}
