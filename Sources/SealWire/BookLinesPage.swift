import Foundation
import SealBook
import SealCore

/// A page of the book as the paper register (印章使用登记本) shows it: each line its cells' text in
/// `BookTable.columns`' order, the same cells an export lays out (`BookTable.Line`), so a client that shows the book
/// need not work out a 批准人 of a denied urgent use or a 更正 cell from a use's members. `GET /v1/book/lines`; the
/// members are written in this order (`next` before the rows, so a client can ask for the next page before this one
/// has arrived).
public struct BookLinesPage: Codable, Sendable, Equatable {
    /// The columns' headings, in the language asked for.
    public var columns: [String]
    /// Pass as `after` for the next page; nil on the last page.
    public var next: String?
    /// Each line's cells, as text (序号 and 用印数 as their decimal digits).
    public var rows: [[String]]

    public init(columns: [String], next: String?, rows: [[String]]) {
        self.columns = columns
        self.next = next
        self.rows = rows
    }

    /// The page's head, up to its first row: `{"columns":[…],"next":…,"rows":[`.
    public static func open(columns: [String], next: String?, _ out: inout [UInt8]) {
        out.append(literal: #"{"columns":["#)
        for (i, column) in columns.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            JSONValue.writeString(column, into: &out)
        }
        out.append(literal: "],")
        if let next {
            out.append(literal: #""next":"#)
            JSONValue.writeString(next, into: &out)
            out.append(UInt8(ascii: ","))
        }
        out.append(literal: #""rows":["#)
    }

    /// A line's cells as one row, `[…]`.
    public static func append(row line: BookTable.Line, _ headers: BookTable.Headers, to out: inout [UInt8]) {
        // The buffer is moved into the writer and back, never shared, so appending never copies it.
        var writer = RowWriter(bytes: [])
        swap(&writer.bytes, &out)
        writer.bytes.append(UInt8(ascii: "["))
        line.write(to: &writer, headers)
        writer.bytes.append(UInt8(ascii: "]"))
        swap(&writer.bytes, &out)
    }

    public static func close(_ out: inout [UInt8]) { out.append(literal: "]}") }

    private struct RowWriter: BookTable.CellWriter {
        var bytes: [UInt8]
        var first = true

        mutating func text(_ cell: String) {
            if first { first = false } else { bytes.append(UInt8(ascii: ",")) }
            JSONValue.writeString(cell, into: &bytes)
        }

        mutating func number(_ cell: Int) {
            guard cell >= 0 else { return text(String(cell)) }  // a book has none
            if first { first = false } else { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "\""))
            CivilTime.appendDigits(cell, 1, to: &bytes)
            bytes.append(UInt8(ascii: "\""))
        }
    }
}

extension BookLinesPage: DirectJSONDecoded {
    /// The page read in place (`JSONPullReader`), as `WireJSON`'s decoder reads it: `columns` and `rows` required,
    /// `next` a string, null or absent, other members ignored, a member named twice refused; and every row as many
    /// cells as there are columns.
    public init(wireJSON bytes: some ContiguousBytes) throws {
        self = try JSONPullReader.read(bytes) { r in
            var (columns, next, rows): ([String]?, String??, [[String]]?) = (nil, nil, nil)
            func mismatch(_ path: [String], _ expected: String) -> DecodingError {
                .dataCorrupted(.init(codingPath: path.map { SnakeCaseKeys.Key(stringValue: $0) }, debugDescription: "expected \(expected)"))
            }
            func strings(_ r: inout JSONPullReader, _ path: @autoclosure () -> [String], reserving: Int) throws -> [String] {
                guard r.next == .array else { throw mismatch(path(), "an array of strings") }
                var list: [String] = []
                list.reserveCapacity(reserving)
                try r.array { r, i in
                    guard r.next == .string else { throw mismatch(path() + ["\(i)"], "a string") }
                    list.append(try r.string())
                }
                return list
            }
            guard r.next == .object else { throw mismatch([], "an object") }
            var hint = 0
            try r.object { r, name in
                let i = Self.members.index(of: name, hint: &hint)
                switch i {
                case 0:
                    guard columns == nil else { throw mismatch(["columns"], "a member named once") }
                    columns = try strings(&r, ["columns"], reserving: 16)
                case 1:
                    guard next == nil else { throw mismatch(["next"], "a member named once") }
                    if try r.null() {
                        next = .some(nil)
                    } else {
                        guard r.next == .string else { throw mismatch(["next"], "a string or null") }
                        next = .some(try r.string())
                    }
                case 2:
                    guard rows == nil else { throw mismatch(["rows"], "a member named once") }
                    guard r.next == .array else { throw mismatch(["rows"], "an array of rows") }
                    var list: [[String]] = []
                    list.reserveCapacity(1000)
                    try r.array { r, n in
                        list.append(try strings(&r, ["rows", "\(n)"], reserving: 16))
                    }
                    rows = list
                default: try r.skip()
                }
            }
            guard let columns else { throw mismatch(["columns"], "an array of strings") }
            guard let rows else { throw mismatch(["rows"], "an array of rows") }
            if let n = rows.firstIndex(where: { $0.count != columns.count }) {
                throw mismatch(["rows", "\(n)"], "\(columns.count) cells, one a column")
            }
            return BookLinesPage(columns: columns, next: next ?? nil, rows: rows)
        }
    }

    private static let members = JSONMemberNames(["columns", "next", "rows"])
}
