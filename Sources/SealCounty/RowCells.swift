import NIOCore
import PostgresNIO
import SealCore

/// The fields of a row selected as one record (`SELECT ROW(a, b, …) FROM …`), read in order as text or bigint.
/// A book export reads hundreds of thousands of rows; postgres-nio builds a `PostgresCell` per column (its name, type
/// and bytes) and decodes each through a generic decoder, which costs more than building and writing the line. One
/// record cell per row is read here straight from PostgreSQL's binary record format (`record_send`: the number of
/// fields, then each field's type oid, its length, -1 for NULL, and its bytes in the type's binary format).
struct RowCells {
    private var fields: ByteBuffer
    private var remaining: Int

    init(_ row: PostgresRow) throws {
        var columns = row.makeIterator()
        guard let cell = columns.next(), cell.format == .binary, cell.dataType == .record, var bytes = cell.bytes,
            let count = bytes.readInteger(as: Int32.self), count >= 0
        else { throw SealError(.internalError, "a book query selects its columns as one ROW(…)") }
        fields = bytes
        remaining = Int(count)
    }

    /// The next field's type and length (-1 for NULL); its bytes are next in `fields`.
    private mutating func next() throws -> (type: UInt32, length: Int) {
        guard remaining > 0, let type = fields.readInteger(as: UInt32.self), let length = fields.readInteger(as: Int32.self),
            Int(length) <= fields.readableBytes
        else { throw SealError(.internalError, "a row has fewer columns than its query selects") }
        remaining -= 1
        return (type, Int(length))
    }

    /// A text cell (nil for NULL).
    mutating func text() throws -> String? {
        let (type, length) = try next()
        guard length >= 0 else { return nil }
        guard type == PostgresDataType.text.rawValue || type == PostgresDataType.varchar.rawValue else {
            throw SealError(.internalError, "a book column read as text is of type \(type)")
        }
        return fields.readString(length: length)
    }

    /// A text cell, "" for NULL.
    mutating func string() throws -> String { try text() ?? "" }

    /// A bigint cell (NULL is an error: the columns read this way are NOT NULL).
    mutating func int() throws -> Int {
        let (type, length) = try next()
        guard type == PostgresDataType.int8.rawValue, length == 8, let value = fields.readInteger(as: Int64.self) else {
            throw SealError(.internalError, "a book column read as bigint is of type \(type) or NULL")
        }
        return Int(value)
    }
}
