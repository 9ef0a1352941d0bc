import Foundation
import Logging
import NIOCore
import PostgresNIO
import SealBook

/// `RegisterProjection` on the county's PostgreSQL: the same function as on the township's SQLite, with the
/// township's origin added to every row and every key. Table and column names come from the projection (constants,
/// quoted), values are always bound.
///
/// A catch-up upload is mostly requests and their uses, so those are projected in memory for a whole package and
/// written at the end with one statement per table: the requests the package reads or writes are held as rows (read
/// once), each seal's highest 序号 is carried along, and the new lines and requests go in as multi-row INSERTs, the
/// changed requests as UPDATEs. Any other change or read first writes out what is held, so every statement still
/// sees the tables exactly as the journal says up to its entry.
final class PostgresProjection {
    let origin: String
    let connection: PostgresConnection
    let logger: Logger

    /// Requests held: the row as it stands, and whether it is new (to insert) or changed (to update).
    private var requests: [String: TableRow] = [:]
    private var newRequests: [String] = []
    private var changedRequests: Set<String> = []
    /// The highest 序号 per seal, once read.
    private var serials: [String: Int64] = [:]
    private var newUses: [TableRow] = []

    init(origin: String, connection: PostgresConnection, logger: Logger) {
        self.origin = origin
        self.connection = connection
        self.logger = logger
    }

    /// Projects the event and answers the journal row's `subject`, as the township writes it.
    func apply(_ event: JournalEvent, sequence: Int64, time: String, actor: JournalActor) async throws -> String? {
        var reads: [ProjectionRead: TableRow] = [:]
        for read in RegisterProjection.reads(for: event) {
            if let row = try await fetch(read) { reads[read] = row }
        }
        for change in try RegisterProjection.changes(for: event, time: time, actor: actor, reads: reads) {
            if try await hold(change, sequence: sequence) { continue }
            try await flush()
            try await write(change)
        }
        return RegisterProjection.subject(for: event, reads: reads)
    }

    /// Keeps a change to the lines or requests in memory; false for every other change.
    private func hold(_ change: RowChange, sequence: Int64) async throws -> Bool {
        switch change {
        case .insert("use_record", var row):
            row["line"] = .int(sequence)
            if let seal = row["seal_id"]?.textValue, case .int(let serial) = row["serial"] ?? .null { serials[seal] = max(serials[seal] ?? 0, serial) }
            newUses.append(row)
            return true
        case .insert("use_request", let row):
            guard let id = row["id"]?.textValue else { return false }
            requests[id] = row
            newRequests.append(id)
            return true
        case .update("use_request", let key, let set) where key.count == 1:
            guard let id = key["id"]?.textValue else { return false }
            if requests[id] == nil, !(try await held(request: id)) { return false }
            for (column, value) in set { requests[id]![column] = value }
            if !newRequests.contains(id) { changedRequests.insert(id) }
            return true
        default:
            return false
        }
    }

    /// Reads a request into the held rows; false when the tables have none.
    private func held(request id: String) async throws -> Bool {
        guard let row = try await select("SELECT * FROM use_request WHERE origin = $1 AND id = $2", id) else { return false }
        requests[id] = row
        return true
    }

    func fetch(_ read: ProjectionRead) async throws -> TableRow? {
        switch read {
        case .request(let id):
            if requests[id] == nil, !(try await held(request: id)) { return nil }
            return requests[id]
        case .highestSerial(let seal):
            if serials[seal] == nil {
                let row = try await select("SELECT MAX(serial) AS max FROM use_record WHERE origin = $1 AND seal_id = $2", seal)
                serials[seal] = row?["max"].flatMap { if case .int(let n) = $0 { n } else { nil } } ?? 0
            }
            return ["max": serials[seal] == 0 ? .null : .int(serials[seal]!)]
        case .use(let id):
            try await flush()
            return try await select("SELECT * FROM use_record WHERE origin = $1 AND id = $2", id, dropping: ["origin", "line"])
        case .highestCorrection(let use):
            try await flush()
            return try await select("SELECT MAX(new_count) AS max FROM use_correction WHERE origin = $1 AND use_id = $2", use)
        case .openCarryOut(let seal):
            try await flush()
            return try await select("SELECT * FROM carry_out WHERE origin = $1 AND seal_id = $2 AND returned_at IS NULL", seal)
        }
    }

    private func select(_ sql: String, _ argument: String, dropping: Set<String> = ["origin"]) async throws -> TableRow? {
        var binds = PostgresBindings()
        try binds.append(origin)
        try binds.append(argument)
        for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger) {
            return try Self.cells(row, dropping: dropping)
        }
        return nil
    }

    /// Writes out the held requests and lines: new requests and lines as multi-row INSERTs, changed requests one
    /// UPDATE each (a package changes a few).
    func flush() async throws {
        try await insertRows("use_request", newRequests.map { requests[$0]! })
        for id in changedRequests.sorted() {
            var set = requests[id]!
            set["id"] = nil
            try await write(.update(table: "use_request", key: ["id": .text(id)], set: set))
        }
        try await insertRows("use_record", newUses)
        newRequests = []
        changedRequests = []
        newUses = []
        requests = [:]
    }

    private func insertRows(_ table: String, _ rows: [TableRow]) async throws {
        guard let first = rows.first else { return }
        let columns = (["origin"] + first.keys).sorted()
        // At most 65,535 bound values a statement.
        let perStatement = max(1, 60_000 / columns.count)
        for start in stride(from: 0, to: rows.count, by: perStatement) {
            var binds = PostgresBindings()
            var tuples: [String] = []
            var n = 0
            for var row in rows[start..<min(rows.count, start + perStatement)] {
                row["origin"] = .text(origin)
                guard row.count == columns.count else { throw ProjectionError.invalid("\(table) rows of one package differ in their columns") }
                tuples.append("(" + columns.map { column in
                    n += 1
                    return "$\(n)"
                }.joined(separator: ", ") + ")")
                for column in columns { try Self.bind(row[column]!, &binds) }
            }
            let sql = "INSERT INTO \(table) (\(columns.map(Self.quoted).joined(separator: ", "))) VALUES \(tuples.joined(separator: ", "))"
            try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        }
    }

    func write(_ change: RowChange) async throws {
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
