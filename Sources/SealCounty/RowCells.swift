import NIOCore
import PostgresNIO
import SealCore

/// The fields of a row selected as one record (`SELECT ROW(a, b, …) FROM …`), read in order as text or bigint.
/// A book export reads hundreds of thousands of rows; postgres-nio builds a `PostgresCell` per column (its name, type
/// and bytes) and decodes each through a generic decoder, which costs more than building and writing the line. One
/// record cell per row is read here straight from PostgreSQL's binary record format (`record_send`: the number of
/// fields, then each field's type oid, its length, -1 for NULL, and its bytes in the type's binary format), through
/// one pointer to the row's bytes: `ByteBuffer`'s checked reads were a tenth of an export's time.
struct RowCells: ~Copyable {
    private let bytes: UnsafeRawBufferPointer
    private var at = 0
    private var remaining: Int

    /// Runs `body` with the cells of `row`'s one record column.
    static func read<T>(_ row: PostgresRow, _ body: (inout RowCells) throws -> T) throws -> T {
        var columns = row.makeIterator()
        guard let cell = columns.next(), cell.format == .binary, cell.dataType == .record, let buffer = cell.bytes else {
            throw SealError(.internalError, "a book query selects its columns as one ROW(…)")
        }
        return try buffer.withUnsafeReadableBytes { bytes in
            guard bytes.count >= 4 else { throw SealError(.internalError, "a row's record is cut short") }
            var cells = RowCells(bytes: bytes, remaining: 0)
            cells.remaining = Int(cells.int32(at: 0))
            cells.at = 4
            return try body(&cells)
        }
    }

    private init(bytes: UnsafeRawBufferPointer, remaining: Int) {
        self.bytes = bytes
        self.remaining = remaining
    }

    private func int32(at offset: Int) -> Int32 { Int32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)) }

    /// The next field's type and length (-1 for NULL); its bytes start at `at`.
    private mutating func next() throws -> (type: UInt32, length: Int) {
        guard remaining > 0, at + 8 <= bytes.count else { throw SealError(.internalError, "a row has fewer columns than its query selects") }
        let type = UInt32(bitPattern: int32(at: at))
        let length = Int(int32(at: at + 4))
        at += 8
        guard length <= bytes.count - at else { throw SealError(.internalError, "a row's record is cut short") }
        remaining -= 1
        return (type, length)
    }

    /// A text cell (nil for NULL).
    mutating func text() throws -> String? {
        let (type, length) = try next()
        guard length >= 0 else { return nil }
        guard type == PostgresDataType.text.rawValue || type == PostgresDataType.varchar.rawValue else {
            throw SealError(.internalError, "a book column read as text is of type \(type)")
        }
        defer { at += length }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[at..<at + length]), as: UTF8.self)
    }

    /// A text cell, "" for NULL.
    mutating func string() throws -> String { try text() ?? "" }

    /// A bigint cell (NULL is an error: the columns read this way are NOT NULL).
    mutating func int() throws -> Int {
        let (type, length) = try next()
        guard type == PostgresDataType.int8.rawValue, length == 8 else {
            throw SealError(.internalError, "a book column read as bigint is of type \(type) or NULL")
        }
        defer { at += 8 }
        return Int(Int64(bigEndian: bytes.loadUnaligned(fromByteOffset: at, as: Int64.self)))
    }
}
