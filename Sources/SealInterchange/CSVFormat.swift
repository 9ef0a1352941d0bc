import SealCore
/// RFC 4180 CSV as Excel and WPS open it: CRLF line ends, fields quoted when they hold a comma, quote or line break,
/// and cells a spreadsheet would run as a formula neutralised.
public enum CSVFormat {
    /// UTF-8 byte order mark: without it Excel reads UTF-8 CSV as the local code page and garbles Chinese.
    public static let byteOrderMark = "\u{FEFF}"

    public static func line(_ cells: [String]) -> String {
        var out: [UInt8] = []
        append(line: cells, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public static func field(_ raw: String) -> String {
        var out: [UInt8] = []
        append(raw, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// A line's bytes, CRLF included, added to `out`: an export writes a book's lines into one buffer instead of
    /// building a string per line.
    public static func append(line cells: [String], to out: inout [UInt8]) {
        for (i, cell) in cells.enumerated() {
            if i > 0 { out.append(0x2C) }
            append(cell, to: &out)
        }
        out.append(0x0D)
        out.append(0x0A)
    }

    /// A book line's bytes, CRLF included, added to `bytes`: its cells go straight into the buffer.
    public static func append(line: BookTable.Line, _ headers: BookTable.Headers, to bytes: inout [UInt8]) {
        // The buffer is moved into the writer and back, never shared, so appending never copies it.
        var writer = LineWriter(bytes: [])
        swap(&writer.bytes, &bytes)
        line.write(to: &writer, headers)
        writer.bytes.append(0x0D)
        writer.bytes.append(0x0A)
        swap(&writer.bytes, &bytes)
    }

    private struct LineWriter: BookTable.CellWriter {
        var bytes: [UInt8]
        var first = true

        mutating func separate() {
            if first { first = false } else { bytes.append(0x2C) }
        }

        mutating func text(_ cell: String) {
            separate()
            CSVFormat.append(cell, to: &bytes)
        }

        /// A number's decimal digits, never quoted (no comma, quote or line break). A negative one (a book has
        /// none) goes the text way, neutralised like any cell starting with a minus sign.
        mutating func number(_ cell: Int) {
            separate()
            guard cell >= 0 else { return CSVFormat.append(String(cell), to: &bytes) }
            DecimalText.append(cell, to: &bytes)
        }
    }

    /// The cell neutralised and, when it holds a comma, quote or line break, quoted. A cell starting with `=`, `+`,
    /// `-`, `@` (or a tab or carriage return before one) would be evaluated as a formula (CSV injection); a leading
    /// apostrophe makes spreadsheets show it as text. Decided on the UTF-8 bytes: every byte that matters here is
    /// ASCII, and a book line has a dozen cells of CJK text.
    static func append(_ raw: String, to out: inout [UInt8]) {
        if raw.utf8.withContiguousStorageIfAvailable({ append(utf8: $0, to: &out) }) == nil {
            Array(raw.utf8).withUnsafeBufferPointer { append(utf8: $0, to: &out) }
        }
    }

    private static func append(utf8 bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        guard let first = bytes.first else { return }
        let formula = first == 0x3D || first == 0x2B || first == 0x2D || first == 0x40 || first == 0x09 || first == 0x0D
        guard bytes.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
            if formula { out.append(0x27) }
            out.append(contentsOf: bytes)
            return
        }
        out.append(0x22)
        if formula { out.append(0x27) }
        for byte in bytes {
            if byte == 0x22 { out.append(0x22) }
            out.append(byte)
        }
        out.append(0x22)
    }
}
