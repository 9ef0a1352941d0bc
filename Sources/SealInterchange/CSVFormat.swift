import SealCore
/// RFC 4180 CSV as Excel and WPS open it: CRLF line ends, fields quoted when they hold a comma, quote or line break,
/// and cells a spreadsheet would run as a formula neutralised.
public enum CSVFormat {
    /// UTF-8 byte order mark: without it Excel reads UTF-8 CSV as the local code page and garbles Chinese.
    public static let byteOrderMark = "\u{FEFF}"

    public static func line(_ cells: [String]) -> String {
        var out = ""
        out.reserveCapacity(cells.reduce(4) { $0 + $1.utf8.count + 3 })
        for (i, cell) in cells.enumerated() {
            if i > 0 { out += "," }
            append(cell, to: &out)
        }
        out += "\r\n"
        return out
    }

    public static func field(_ raw: String) -> String {
        var out = ""
        append(raw, to: &out)
        return out
    }

    /// The cell neutralised and, when it holds a comma, quote or line break, quoted. A cell starting with `=`, `+`,
    /// `-`, `@` (or a tab or carriage return before one) would be evaluated as a formula (CSV injection); a leading
    /// apostrophe makes spreadsheets show it as text. Decided on the UTF-8 bytes: every byte that matters here is
    /// ASCII, and a book line has a dozen cells of CJK text.
    static func append(_ raw: String, to out: inout String) {
        let formula = raw.utf8.first.map { [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D].contains($0) } ?? false
        guard raw.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
            if formula { out += "'" }
            out += raw
            return
        }
        out += formula ? "\"'" : "\""
        out += raw.utf8.contains(0x22) ? raw.replacingOccurrences(of: "\"", with: "\"\"") : raw
        out += "\""
    }
}
