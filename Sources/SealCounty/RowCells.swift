import NIOCore
import PostgresNIO
import SealCore

/// A row's cells read in order as text or bigint. A book export reads hundreds of thousands of rows, and
/// postgres-nio's generic tuple decoding (type metadata per row, a decoder per cell) costs more than building and
/// writing the lines; text and bigint cells in the binary format are read directly, anything else is left to
/// postgres-nio's decoder.
struct RowCells {
    private var cells: PostgresRow.Iterator

    init(_ row: PostgresRow) { cells = row.makeIterator() }

    private mutating func next() throws -> PostgresCell {
        guard let cell = cells.next() else { throw SealError(.internalError, "a row has fewer columns than its query selects") }
        return cell
    }

    /// A text cell (nil for NULL).
    mutating func text() throws -> String? {
        let cell = try next()
        guard let bytes = cell.bytes else { return nil }
        if cell.format == .binary, cell.dataType == .text || cell.dataType == .varchar { return String(buffer: bytes) }
        return try cell.decode(String.self)
    }

    /// A text cell, "" for NULL.
    mutating func string() throws -> String { try text() ?? "" }

    /// A bigint cell (NULL is an error: the columns read this way are NOT NULL).
    mutating func int() throws -> Int {
        let cell = try next()
        if cell.format == .binary, cell.dataType == .int8, let value = cell.bytes?.getInteger(at: cell.bytes!.readerIndex, as: Int64.self),
            cell.bytes!.readableBytes == 8
        {
            return Int(value)
        }
        return Int(try cell.decode(Int64.self))
    }
}
