import Foundation
import GRDB
import SealBook
import SealCore

/// `RegisterProjection` on SQLite: answers the projection's reads and applies its changes in the caller's
/// transaction. Table and column names come from the projection (constants), values are always bound.
enum SQLiteProjection {
    /// Projects the event; answers the journal row's `subject` as the projection derives it.
    @discardableResult
    static func apply(_ event: JournalEvent, time: String, actor: JournalActor, db: Database) throws -> String? {
        var reads: [ProjectionRead: TableRow] = [:]
        for read in RegisterProjection.reads(for: event) {
            if let row = try fetch(read, db) { reads[read] = row }
        }
        for change in try RegisterProjection.changes(for: event, time: time, actor: actor, reads: reads) {
            try apply(change, db)
        }
        return RegisterProjection.subject(for: event, reads: reads)
    }

    static func fetch(_ read: ProjectionRead, _ db: Database) throws -> TableRow? {
        let (sql, argument): (String, String) = switch read {
        case .request(let id): ("SELECT * FROM use_request WHERE id = ?", id)
        case .use(let id): ("SELECT * FROM use_record WHERE id = ?", id)
        case .highestSerial(let seal): ("SELECT MAX(serial) AS max FROM use_record WHERE seal_id = ?", seal)
        case .highestCorrection(let use): ("SELECT MAX(new_count) AS max FROM use_correction WHERE use_id = ?", use)
        case .openCarryOut(let seal): ("SELECT * FROM carry_out WHERE seal_id = ? AND returned_at IS NULL", seal)
        }
        return try Row.fetchOne(db.cachedStatement(sql: sql), arguments: [argument]).map(cells)
    }

    static func cells(_ row: Row) -> TableRow {
        var cells: TableRow = [:]
        for (column, value) in row {
            cells[column] = switch value.storage {
            case .null: .null
            case .int64(let n): .int(n)
            case .double(let x): .text(String(x))
            case .string(let s): .text(s)
            case .blob(let d): .blob(Array(d))
            }
        }
        return cells
    }

    static func value(_ cell: Cell) -> DatabaseValue {
        switch cell {
        case .null: .null
        case .int(let n): n.databaseValue
        case .text(let s): s.databaseValue
        case .blob(let b): Data(b).databaseValue
        }
    }

    static func apply(_ change: RowChange, _ db: Database) throws {
        switch change {
        case .insert(let table, let row), .upsert(let table, _, let row):
            let columns = row.keys.sorted()
            var sql = "INSERT INTO \(table)(\(columns.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))"
            if case .upsert(_, let key, _) = change {
                let rest = columns.filter { !key.contains($0) }
                sql += " ON CONFLICT(\(key.joined(separator: ", "))) DO UPDATE SET " + rest.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
            }
            try db.cachedStatement(sql: sql).execute(arguments: StatementArguments(columns.map { value(row[$0]!) }))
        case .update(let table, let key, let set):
            let columns = set.keys.sorted()
            let keys = key.keys.sorted()
            let sql = "UPDATE \(table) SET \(columns.map { "\($0) = ?" }.joined(separator: ", ")) WHERE \(keys.map { "\($0) = ?" }.joined(separator: " AND "))"
            try db.cachedStatement(sql: sql).execute(arguments: StatementArguments(columns.map { value(set[$0]!) } + keys.map { value(key[$0]!) }))
        case .delete(let table, let key):
            let keys = key.keys.sorted()
            try db.cachedStatement(sql: "DELETE FROM \(table) WHERE \(keys.map { "\($0) = ?" }.joined(separator: " AND "))")
                .execute(arguments: StatementArguments(keys.map { value(key[$0]!) }))
        }
    }

    /// Rebuilds the registry tables in `target` (an empty register's schema) from `source`'s journal, entry by
    /// entry through the projection, in constant memory.
    static func replay(from source: Database, into target: Database) throws {
        let entries = try String.fetchCursor(source, sql: "SELECT entry FROM journal ORDER BY seq")
        while let text = try entries.next() {
            guard let entry = JournalEntry(json: try JSONValue(parsing: text)) else { throw ProjectionError.invalid("an entry is not a journal entry") }
            guard let event = try JournalEvent(kind: entry.kind, payload: entry.payload) else {
                throw ProjectionError.invalid("entry \(entry.sequence): unknown kind \(entry.kind)")
            }
            try apply(event, time: entry.time, actor: entry.actor, db: target)
        }
    }

    /// The first row where two registers' tables differ (`table: row …`), nil when every registry table is equal.
    static func difference(_ a: Database, _ b: Database) throws -> String? {
        for table in RegisterProjection.tables {
            let count = try Row.fetchAll(a, sql: "PRAGMA table_info(\(table))").count
            let order = (1...count).map(String.init).joined(separator: ", ")
            let left = try Row.fetchAll(a, sql: "SELECT * FROM \(table) ORDER BY \(order)").map(cells)
            let right = try Row.fetchAll(b, sql: "SELECT * FROM \(table) ORDER BY \(order)").map(cells)
            for (x, y) in zip(left, right) where x != y {
                return "\(table): \(x.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")) ≠ \(y.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))"
            }
            if left.count != right.count { return "\(table): \(left.count) rows ≠ \(right.count) rows" }
        }
        return nil
    }
}
