import Foundation
import GRDB
import SealCore
import SealWire

/// The one join behind a line of the 印章使用登记本, used by the book list, the use answers, the exports and the
/// statistics: the use, its seal, matter, people, and its request (for the 批准人 of an urgent use approved
/// afterwards, 补批, and for a denial).
enum BookLineQuery {
    /// `u` is the use; every other column is named. `book_approver` is the approver at the time of use, or for an
    /// urgent use made before approval, whoever approved its request afterwards.
    static let select = """
        SELECT u.*, u.rowid AS line_rowid, s.name AS seal_name, m.name AS matter_name, us.name AS user_name,
               COALESCE(u.approver, r.approver) AS book_approver, ap.name AS approver_name,
               r.denied_by, r.denial_reason, r.denied_at, dn.name AS denied_by_name,
               (SELECT dm.method FROM delegation_matter dm JOIN delegation_seal ds ON ds.delegation_id = dm.delegation_id
                WHERE ds.seal_id = u.seal_id AND dm.matter_code = u.matter_code LIMIT 1) AS method
        FROM use_record u JOIN seal s ON s.id = u.seal_id JOIN use_request r ON r.id = u.request_id
        LEFT JOIN matter m ON m.code = u.matter_code LEFT JOIN staff us ON us.id = u.user
        LEFT JOIN staff ap ON ap.id = COALESCE(u.approver, r.approver) LEFT JOIN staff dn ON dn.id = r.denied_by
        """

    /// Column positions of a page's rows, found once: GRDB finds a column by name case-insensitively, lower-casing
    /// the name at every lookup, which cost more than the rest of an export line.
    struct Columns {
        let positions: [String: Int]

        init(_ rows: [Row]) {
            var positions: [String: Int] = [:]
            if let first = rows.first {
                for (i, name) in first.columnNames.enumerated() where positions[name] == nil { positions[name] = i }
            }
            self.positions = positions
        }

        func text(_ row: Row, _ name: String) -> String { row[positions[name]!] }
        func optionalText(_ row: Row, _ name: String) -> String? { row[positions[name]!] }
        func int(_ row: Row, _ name: String) -> Int { row[positions[name]!] }
        func bool(_ row: Row, _ name: String) -> Bool { row[positions[name]!] }
    }

    /// The corrections of the given uses, in order, with the corrector's name: one query for a whole page.
    static func corrections(_ db: Database, uses ids: [String]) throws -> [String: [Row]] {
        guard !ids.isEmpty else { return [:] }
        var found: [String: [Row]] = [:]
        // SQLite binds at most 32,766 parameters; pages are far smaller, but chunk anyway.
        for start in stride(from: 0, to: ids.count, by: 5000) {
            let chunk = Array(ids[start..<min(start + 5000, ids.count)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT c.*, st.name AS by_name FROM use_correction c LEFT JOIN staff st ON st.id = c.corrected_by WHERE c.use_id IN (\(marks)) ORDER BY c.id"),
                arguments: StatementArguments(chunk)
            ) {
                found[row["use_id"], default: []].append(row)
            }
        }
        return found
    }

    /// The local date and wall-clock time of a stored UTC time in `zone`.
    static func local(_ time: String, zone: TimeZone) -> (timestamp: Date, date: String, time: String) {
        let date = LocalTime.parseStored(time) ?? Date(timeIntervalSince1970: 0)
        let c = CivilTime(date, zone: zone)
        return (date, c.dateText, c.timeText)
    }

    /// The 序号 range of a seal's uses inside the window: the first and last by time, looked up on the (seal, time)
    /// index, so a window at the end of a long book does not walk its beginning. Nil when the window holds none.
    static func serials(_ db: Database, seal: String, lower: String, upper: String) throws -> ClosedRange<Int>? {
        guard
            let first = try Int.fetchOne(db.cachedStatement(sql: "SELECT serial FROM use_record WHERE seal_id = ? AND time >= ? AND time < ? ORDER BY time, serial LIMIT 1"), arguments: [seal, lower, upper]),
            let last = try Int.fetchOne(db.cachedStatement(sql: "SELECT serial FROM use_record WHERE seal_id = ? AND time >= ? AND time < ? ORDER BY time DESC, serial DESC LIMIT 1"), arguments: [seal, lower, upper])
        else { return nil }
        // Lines are numbered in the order they were written; a signed use's time is taken when its statement was
        // built, so times may step back a little against serials: cover both ends.
        return min(first, last)...max(first, last)
    }
}
