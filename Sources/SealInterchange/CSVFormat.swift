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

    /// The cell neutralised and, when it holds a comma, quote or line break, quoted. A cell starting with `=`, `+`,
    /// `-`, `@` (or a tab or carriage return before one) would be evaluated as a formula (CSV injection); a leading
    /// apostrophe makes spreadsheets show it as text. Decided on the UTF-8 bytes: every byte that matters here is
    /// ASCII, and a book line has a dozen cells of CJK text.
    static func append(_ raw: String, to out: inout [UInt8]) {
        var raw = raw
        raw.withUTF8 { bytes in
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
}
