/// The XML parts of an Office Open XML workbook (ECMA-376, SpreadsheetML) for the usage book: one worksheet per
/// seal with the paper book's columns, a frozen header row, widths that fit Chinese text, and the date and time as
/// spreadsheet date values. Strings are written inline (`t="inlineStr"`), not in a shared-string table, so a sheet
/// is written row by row and nothing grows with the book. The ZIP packaging lives at the edge (SealService).
public enum SpreadsheetML {
    /// Cell styles in `styles`' `cellXfs`, in order.
    public enum Style: Int, Sendable {
        case plain = 0, date = 1, time = 2, header = 3
    }

    /// One cell's value.
    public enum Cell: Sendable, Equatable {
        case text(String)
        case number(Int)
        case date(LocalDate)
        /// Seconds since local midnight.
        case time(Int)
    }

    public static let contentTypesPath = "[Content_Types].xml"
    public static let rootRelationshipsPath = "_rels/.rels"
    public static let workbookPath = "xl/workbook.xml"
    public static let workbookRelationshipsPath = "xl/_rels/workbook.xml.rels"
    public static let stylesPath = "xl/styles.xml"

    public static func worksheetPath(_ index: Int) -> String { "xl/worksheets/sheet\(index).xml" }

    static let declaration = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
    static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationshipNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    public static func contentTypes(sheets: Int) -> String {
        var xml = declaration + #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
        xml += #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#
        xml += #"<Default Extension="xml" ContentType="application/xml"/>"#
        xml += #"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#
        xml += #"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
        for i in 1...max(sheets, 1) {
            xml += #"<Override PartName="/\#(worksheetPath(i))" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        }
        return xml + "</Types>"
    }

    public static let rootRelationships = declaration
        + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        + #"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>"#
        + "</Relationships>"

    public static func workbook(sheetNames: [String]) -> String {
        var xml = declaration + #"<workbook xmlns="\#(mainNamespace)" xmlns:r="\#(relationshipNamespace)"><sheets>"#
        for (i, name) in sheetNames.enumerated() {
            xml += #"<sheet name="\#(escape(name))" sheetId="\#(i + 1)" r:id="rId\#(i + 1)"/>"#
        }
        return xml + "</sheets></workbook>"
    }

    public static func workbookRelationships(sheets: Int) -> String {
        var xml = declaration + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        for i in 1...max(sheets, 1) {
            xml += #"<Relationship Id="rId\#(i)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet\#(i).xml"/>"#
        }
        xml += #"<Relationship Id="rId\#(sheets + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#
        return xml + "</Relationships>"
    }

    /// Fonts that carry Chinese glyphs, a date format (`yyyy-mm-dd`), a time format (`hh:mm:ss`) and a bold,
    /// shaded header; the `cellXfs` order is `Style`'s.
    public static let styles = declaration + #"<styleSheet xmlns="\#(mainNamespace)">"#
        + #"<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd"/><numFmt numFmtId="165" formatCode="hh:mm:ss"/></numFmts>"#
        + #"<fonts count="2"><font><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font>"#
        + #"<font><b/><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font></fonts>"#
        + #"<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>"#
        + #"<fill><patternFill patternType="solid"><fgColor rgb="FFEEEEEE"/><bgColor indexed="64"/></patternFill></fill></fills>"#
        + #"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#
        + #"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#
        + #"<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#
        + #"<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#
        + #"<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#
        + #"<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/></cellXfs>"#
        + #"<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>"#
        + "</styleSheet>"

    /// A worksheet's opening: the frozen first row, column widths, and the header row (row 1).
    public static func worksheetStart(widths: [Double], header: [String]) -> String {
        var xml = declaration + #"<worksheet xmlns="\#(mainNamespace)" xmlns:r="\#(relationshipNamespace)">"#
        xml += #"<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
        xml += #"<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>"#
        xml += #"<sheetFormatPr defaultRowHeight="15"/><cols>"#
        for (i, width) in widths.enumerated() {
            xml += #"<col min="\#(i + 1)" max="\#(i + 1)" width="\#(width)" customWidth="1"/>"#
        }
        xml += "</cols><sheetData>"
        return xml + row(1, header.map { .text($0) }, style: .header)
    }

    public static let worksheetEnd = "</sheetData></worksheet>"

    /// Row `number` (1-based) with its cells in columns A, B, ….
    public static func row(_ number: Int, _ cells: [Cell], style: Style = .plain) -> String {
        var xml = #"<row r="\#(number)">"#
        for (i, cell) in cells.enumerated() {
            let ref = column(i) + String(number)
            let s = style == .plain ? "" : #" s="\#(style.rawValue)""#
            switch cell {
            case .text(let text) where text.isEmpty:
                continue
            case .text(let text):
                xml += #"<c r="\#(ref)"\#(s) t="inlineStr"><is><t xml:space="preserve">\#(escape(text))</t></is></c>"#
            case .number(let n):
                xml += #"<c r="\#(ref)"\#(s)><v>\#(n)</v></c>"#
            case .date(let date):
                xml += #"<c r="\#(ref)" s="\#(Style.date.rawValue)"><v>\#(serial(date))</v></c>"#
            case .time(let seconds):
                xml += #"<c r="\#(ref)" s="\#(Style.time.rawValue)"><v>\#(timeFraction(seconds))</v></c>"#
            }
        }
        return xml + "</row>"
    }

    /// Column letters: 0 → A, 25 → Z, 26 → AA.
    public static func column(_ index: Int) -> String {
        var n = index + 1
        var letters: [Character] = []
        while n > 0 {
            let r = (n - 1) % 26
            letters.insert(Character(Unicode.Scalar(UInt8(65 + r))), at: 0)
            n = (n - 1) / 26
        }
        return String(letters)
    }

    /// The spreadsheet day number (1900 date system): days since 1899-12-30, so 1900-03-01 is 61 as in Excel.
    public static func serial(_ date: LocalDate) -> Int {
        daysFromCivil(date.year, date.month, date.day) - daysFromCivil(1899, 12, 30)
    }

    /// A time of day as the fraction of a day spreadsheets store, to 10 decimals (well under a second).
    public static func timeFraction(_ seconds: Int) -> String {
        let scaled = (seconds * 10_000_000_000 + 43_200) / 86_400
        let text = String(scaled)
        let padded = String(repeating: "0", count: max(0, 10 - text.count)) + text
        return "0." + padded
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// XML text: markup characters escaped, and the control characters XML 1.0 cannot carry at all dropped.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A worksheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, unique in `taken`.
    public static func sheetName(_ wanted: String, taken: Set<String>) -> String {
        let cleaned = String(wanted.map { "[]:*?/\\".contains($0) ? "_" : $0 }).trimmingApostrophes()
        var name = String((cleaned.isEmpty ? "Sheet" : cleaned).prefix(31))
        var n = 2
        while taken.contains(name) {
            let suffix = " (\(n))"
            name = String(cleaned.prefix(31 - suffix.count)) + suffix
            n += 1
        }
        return name
    }
}

extension String {
    fileprivate func trimmingApostrophes() -> String {
        var s = Substring(self)
        while s.first == "'" { s = s.dropFirst() }
        while s.last == "'" { s = s.dropLast() }
        return String(s)
    }
}

extension BookTable.Line {
    /// The line as spreadsheet cells: 序号 and 用印数 as numbers, the date and time as date values, the rest text.
    /// Text is kept verbatim: an inline string cell is never evaluated as a formula.
    public func spreadsheetCells(_ headers: BookTable.Headers) -> [SpreadsheetML.Cell] {
        let text = cells(headers)
        var out = text.map { SpreadsheetML.Cell.text($0) }
        out[0] = .number(serial)
        if let d = LocalDate(date) { out[1] = .date(d) }
        let hms = time.split(separator: ":").compactMap { Int($0) }
        if hms.count == 3 { out[2] = .time(hms[0] * 3600 + hms[1] * 60 + hms[2]) }
        out[7] = .number(count)
        return out
    }
}
