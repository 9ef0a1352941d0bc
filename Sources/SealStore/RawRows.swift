import GRDB
import GRDBSQLite

/// A cached statement's rows stepped through SQLite's C API, each column read by position: for the long reads (a
/// book's lines and pages, a period's facts) where GRDB's rows — a value per column, found by name and decoded
/// generically — cost more than the work done with them.
struct RawRows {
    private let statement: Statement
    private var raw: OpaquePointer { statement.sqliteStatement }

    init(_ db: Database, sql: String, arguments: StatementArguments) throws {
        statement = try db.cachedStatement(sql: sql)
        try statement.setArguments(arguments)
    }

    /// Steps to the next row; false after the last. Ends the read (`reset`) there or on an error.
    func next(_ what: String = "reading the register") throws -> Bool {
        let step = sqlite3_step(raw)
        if step == SQLITE_ROW { return true }
        reset()
        guard step == SQLITE_DONE else { throw DatabaseError(resultCode: ResultCode(rawValue: step), message: what) }
        return false
    }

    /// Ends the read early, so the statement is not left open (a read transaction held) until its next use.
    func reset() { sqlite3_reset(raw) }

    /// The position of each column by name (the first of a repeated name).
    var columns: [String: Int32] {
        var index: [String: Int32] = [:]
        for i in 0..<sqlite3_column_count(raw) where index[String(cString: sqlite3_column_name(raw, i))] == nil {
            index[String(cString: sqlite3_column_name(raw, i))] = i
        }
        return index
    }

    /// The column's UTF-8 bytes, valid until the next step; nil for NULL.
    func bytes(_ i: Int32) -> UnsafeBufferPointer<UInt8>? {
        guard let bytes = sqlite3_column_text(raw, i) else { return nil }
        return UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(raw, i)))
    }

    func text(_ i: Int32) -> String? { bytes(i).map { String(decoding: $0, as: UTF8.self) } }

    func int(_ i: Int32) -> Int { Int(sqlite3_column_int64(raw, i)) }

    func isNull(_ i: Int32) -> Bool { sqlite3_column_type(raw, i) == SQLITE_NULL }
}
