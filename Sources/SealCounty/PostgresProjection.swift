import Foundation
import Logging
import NIOCore
import PostgresNIO
import SealBook

/// `RegisterProjection` on the county's PostgreSQL: the same function as on the township's SQLite, with the
/// township's origin added to every row and every key. Table and column names come from the projection (constants,
/// quoted), values are always bound.
struct PostgresProjection {
    let origin: String
    let connection: PostgresConnection
    let logger: Logger

    /// Projects the event and answers the journal row's `subject`, as the township writes it.
    func apply(_ event: JournalEvent, sequence: Int64, time: String, actor: JournalActor) async throws -> String? {
        var reads: [ProjectionRead: TableRow] = [:]
        for read in RegisterProjection.reads(for: event) {
            if let row = try await fetch(read) { reads[read] = row }
        }
        for change in try RegisterProjection.changes(for: event, time: time, actor: actor, reads: reads) {
            if case .insert("use_record", var row) = change {
                row["line"] = .int(sequence)
                try await apply(.insert(table: "use_record", row: row))
                continue
            }
            try await apply(change)
        }
        return RegisterProjection.subject(for: event, reads: reads)
    }

    func fetch(_ read: ProjectionRead) async throws -> TableRow? {
        let (sql, argument): (String, String) = switch read {
        case .request(let id): ("SELECT * FROM use_request WHERE origin = $1 AND id = $2", id)
        case .use(let id): ("SELECT * FROM use_record WHERE origin = $1 AND id = $2", id)
        case .highestSerial(let seal): ("SELECT MAX(serial) AS max FROM use_record WHERE origin = $1 AND seal_id = $2", seal)
        case .highestCorrection(let use): ("SELECT MAX(new_count) AS max FROM use_correction WHERE origin = $1 AND use_id = $2", use)
        case .openCarryOut(let seal): ("SELECT * FROM carry_out WHERE origin = $1 AND seal_id = $2 AND returned_at IS NULL", seal)
        }
        var binds = PostgresBindings()
        try binds.append(origin)
        try binds.append(argument)
        for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger) {
            return try Self.cells(row, dropping: ["origin"])
        }
        return nil
    }

    func apply(_ change: RowChange) async throws {
        var binds = PostgresBindings()
        var sql: String
        switch change {
        case .insert(let table, var row), .upsert(let table, _, var row):
            row["origin"] = .text(origin)
            let assigned = RegisterTables.assignedIDs.contains(table) && row["id"] == nil
            let columns = row.keys.sorted()
            for column in columns { try Self.bind(row[column]!, &binds) }
            var names = columns.map(Self.quoted)
            var values = (1...columns.count).map { "$\($0)" }
            if assigned {
                // As SQLite's AUTOINCREMENT numbers them: one past the township's highest.
                names.append("id")
                values.append("(SELECT COALESCE(MAX(id), 0) + 1 FROM \(table) WHERE origin = $\(columns.firstIndex(of: "origin")! + 1))")
            }
            sql = "INSERT INTO \(table) (\(names.joined(separator: ", "))) VALUES (\(values.joined(separator: ", ")))"
            if case .upsert(_, let key, _) = change {
                let rest = columns.filter { !key.contains($0) && $0 != "origin" }
                sql += " ON CONFLICT (origin, \(key.map(Self.quoted).joined(separator: ", "))) DO UPDATE SET "
                    + rest.map { "\(Self.quoted($0)) = excluded.\(Self.quoted($0))" }.joined(separator: ", ")
            }
        case .update(let table, var key, let set):
            key["origin"] = .text(origin)
            let columns = set.keys.sorted()
            let keys = key.keys.sorted()
            for column in columns { try Self.bind(set[column]!, &binds) }
            for column in keys { try Self.bind(key[column]!, &binds) }
            sql = "UPDATE \(table) SET \(columns.enumerated().map { "\(Self.quoted($1)) = $\($0 + 1)" }.joined(separator: ", "))"
                + " WHERE \(keys.enumerated().map { "\(Self.quoted($1)) = $\(columns.count + $0 + 1)" }.joined(separator: " AND "))"
        case .delete(let table, var key):
            key["origin"] = .text(origin)
            let keys = key.keys.sorted()
            for column in keys { try Self.bind(key[column]!, &binds) }
            sql = "DELETE FROM \(table) WHERE \(keys.enumerated().map { "\(Self.quoted($1)) = $\($0 + 1)" }.joined(separator: " AND "))"
        }
        try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
    }

    /// `"user"` is a reserved word in PostgreSQL; every name is quoted alike.
    static func quoted(_ name: String) -> String { "\"\(name)\"" }

    static func bind(_ cell: Cell, _ binds: inout PostgresBindings) throws {
        switch cell {
        case .null: binds.appendNull()
        case .int(let n): try binds.append(n)
        case .text(let s): try binds.append(s)
        case .blob(let b): try binds.append(ByteBuffer(bytes: b))
        }
    }

    /// A row as the projection's cells (`bigint` → int, `text` → text, `bytea` → blob).
    static func cells(_ row: PostgresRow, dropping: Set<String> = []) throws -> TableRow {
        var cells: TableRow = [:]
        for cell in row where !dropping.contains(cell.columnName) {
            guard cell.bytes != nil else {
                cells[cell.columnName] = .null
                continue
            }
            cells[cell.columnName] = switch cell.dataType {
            case .int8, .int4, .int2: .int(try cell.decode(Int64.self))
            case .bytea: .blob(Array(try cell.decode(ByteBuffer.self).readableBytesView))
            default: .text(try cell.decode(String.self))
            }
        }
        return cells
    }
}
