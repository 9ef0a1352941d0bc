import SealCore
/// RFC 4180 CSV as Excel and WPS open it: CRLF line ends, fields quoted when they hold a comma, quote or line break,
/// and cells a spreadsheet would run as a formula neutralised.
public enum CSVFormat {
    /// UTF-8 byte order mark: without it Excel reads UTF-8 CSV as the local code page and garbles Chinese.
    public static let byteOrderMark = "\u{FEFF}"

    public static func line(_ cells: [String]) -> String {
        cells.map(field).joined(separator: ",") + "\r\n"
    }

    public static func field(_ raw: String) -> String {
        let cell = neutralised(raw)
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A cell starting with `=`, `+`, `-`, `@` (or a tab or carriage return before one) would be evaluated as a
    /// formula (CSV injection); a leading apostrophe makes spreadsheets show it as text.
    public static func neutralised(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return cell }
        return "'" + cell
    }
}
