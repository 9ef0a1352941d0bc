import SealBook
import SealCore
/// The XML parts of an Office Open XML workbook (ECMA-376, SpreadsheetML) for the usage book: one worksheet per
/// seal with the paper book's columns, a frozen header row, widths that fit Chinese text, and the date and time as
/// spreadsheet date values. A line's free text (事由, 办件编号, notes) is written inline (`t="inlineStr"`); the columns
/// whose values come from the registry (seal, people, matter, method) refer to the workbook's shared strings, which
/// grow with the registry's names, not with the book. The ZIP packaging lives at the edge (SealService).
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
    public static let sharedStringsPath = "xl/sharedStrings.xml"

    public static func worksheetPath(_ index: Int) -> String { "xl/worksheets/sheet\(index).xml" }

    static let declaration = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
    static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationshipNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    public static func contentTypes(sheets: Int, charts: Int = 0, sharedStrings: Bool = false) -> String {
        var xml = declaration + #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
        xml += #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#
        xml += #"<Default Extension="xml" ContentType="application/xml"/>"#
        xml += #"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#
        xml += #"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
        if sharedStrings {
            xml += #"<Override PartName="/\#(sharedStringsPath)" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>"#
        }
        for i in 1...max(sheets, 1) {
            xml += #"<Override PartName="/\#(worksheetPath(i))" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        }
        for i in stride(from: 1, through: charts, by: 1) {
            xml += #"<Override PartName="/xl/drawings/drawing\#(i).xml" ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/>"#
            xml += #"<Override PartName="/xl/charts/chart\#(i).xml" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/>"#
        }
        return xml + "</Types>"
    }

    public static let rootRelationships = declaration
        + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        + #"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>"#
        + "</Relationships>"

    /// The workbook: its sheets, and for each sheet with an autofilter the hidden name Excel keeps its range in.
    public static func workbook(sheetNames: [String], filters: [Int: String] = [:]) -> String {
        var xml = declaration + #"<workbook xmlns="\#(mainNamespace)" xmlns:r="\#(relationshipNamespace)"><sheets>"#
        for (i, name) in sheetNames.enumerated() {
            xml += #"<sheet name="\#(escape(name))" sheetId="\#(i + 1)" r:id="rId\#(i + 1)"/>"#
        }
        xml += "</sheets>"
        if !filters.isEmpty {
            xml += "<definedNames>"
            for (index, range) in filters.sorted(by: { $0.key < $1.key }) {
                xml += #"<definedName name="_xlnm._FilterDatabase" localSheetId="\#(index)" hidden="1">\#(escape(reference(sheetNames[index], range)))</definedName>"#
            }
            xml += "</definedNames>"
        }
        return xml + "</workbook>"
    }

    /// `'Sheet name'!$A$1:$P$9` for a range `A1:P9`.
    public static func reference(_ sheet: String, _ range: String) -> String {
        let absolute = range.split(separator: ":").map { cell -> String in
            let letters = cell.prefix { $0.isLetter }
            return "$\(letters)$\(cell.dropFirst(letters.count))"
        }.joined(separator: ":")
        return "'" + sheet.replacingOccurrences(of: "'", with: "''") + "'!" + absolute
    }

    public static func workbookRelationships(sheets: Int, sharedStrings: Bool = false) -> String {
        var xml = declaration + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        for i in 1...max(sheets, 1) {
            xml += #"<Relationship Id="rId\#(i)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet\#(i).xml"/>"#
        }
        xml += #"<Relationship Id="rId\#(sheets + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#
        if sharedStrings {
            xml += #"<Relationship Id="rId\#(sheets + 2)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#
        }
        return xml + "</Relationships>"
    }

    /// The workbook's shared-string table (ECMA-376 Part 1, 18.4): each distinct text once, in the order first
    /// referred to; a cell of type `s` holds its index. `references` is how many cells refer to it (`count`).
    public struct SharedStrings: Sendable {
        private var index: [GroupKey: Int] = [:]
        public private(set) var strings: [String] = []
        public private(set) var references = 0
        /// Per column, the text asked last and its index: a column mostly repeats the line before (a sheet is one
        /// seal's), and comparing its bytes costs a fraction of hashing them.
        private var last: [(text: String, index: Int)] = []

        public init() {}

        /// The text's index, added at the end when it is new. Texts are the same when their bytes are (as Excel
        /// keeps them: canonically equivalent spellings are different strings).
        public mutating func index(of text: String, column: Int = 0) -> Int {
            references += 1
            if column < last.count, GroupKey(last[column].text) == GroupKey(text) { return last[column].index }
            let i: Int
            if let known = index[GroupKey(text)] {
                i = known
            } else {
                i = strings.count
                index[GroupKey(text)] = i
                strings.append(text)
            }
            if column >= last.count { last += repeatElement((text: "", index: -1), count: column + 1 - last.count) }
            last[column] = (text, i)
            return i
        }

        /// The part's XML.
        public var xml: String {
            var out = Array((declaration + #"<sst xmlns="\#(mainNamespace)" count="\#(references)" uniqueCount="\#(strings.count)">"#).utf8)
            for text in strings {
                out.append(literal: SpreadsheetML.keepsSpace(text) ? #"<si><t xml:space="preserve">"# : "<si><t>")
                SpreadsheetML.append(escaped: text, to: &out)
                out.append(literal: "</t></si>")
            }
            out.append(literal: "</sst>")
            return String(decoding: out, as: UTF8.self)
        }
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

    /// A worksheet's opening: the frozen first row (unless `frozen` is false), column widths, and the header row (row 1).
    public static func worksheetStart(widths: [Double], header: [String], frozen: Bool = true) -> String {
        var xml = declaration + #"<worksheet xmlns="\#(mainNamespace)" xmlns:r="\#(relationshipNamespace)">"#
        // Printed on A4 landscape, as wide as one page (see `worksheetEnd(filter:drawing:)`).
        xml += #"<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>"#
        if frozen {
            xml += #"<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
            xml += #"<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>"#
        }
        xml += #"<sheetFormatPr defaultRowHeight="15"/><cols>"#
        for (i, width) in widths.enumerated() {
            xml += #"<col min="\#(i + 1)" max="\#(i + 1)" width="\#(width)" customWidth="1"/>"#
        }
        xml += "</cols><sheetData>"
        return xml + row(1, header.map { .text($0) }, style: .header)
    }

    public static let worksheetEnd = "</sheetData></worksheet>"

    /// A worksheet's end with an autofilter on `filter` (`A1:P120`: the header row and the lines) and the drawing
    /// (chart) of relationship `rId1`.
    public static func worksheetEnd(filter: String?, drawing: Bool = false) -> String {
        var xml = "</sheetData>"
        if let filter { xml += #"<autoFilter ref="\#(filter)"/>"# }
        xml += #"<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.5" header="0.3" footer="0.3"/>"#
        xml += #"<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>"#
        if drawing { xml += #"<drawing r:id="rId1"/>"# }
        return xml + "</worksheet>"
    }

    /// A sheet's relationship to its drawing, and a drawing's to its chart.
    public static func worksheetDrawingRelationships(_ index: Int) -> String {
        declaration + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
            + #"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing" Target="../drawings/drawing\#(index).xml"/>"#
            + "</Relationships>"
    }

    public static func drawingChartRelationships(_ index: Int) -> String {
        declaration + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
            + #"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart" Target="../charts/chart\#(index).xml"/>"#
            + "</Relationships>"
    }

    /// A drawing holding one chart, anchored from cell (column, row) to cell (column, row), 0-based.
    public static func chartDrawing(from: (column: Int, row: Int), to: (column: Int, row: Int)) -> String {
        let xdr = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
        let a = "http://schemas.openxmlformats.org/drawingml/2006/main"
        let c = "http://schemas.openxmlformats.org/drawingml/2006/chart"
        var xml = declaration + #"<xdr:wsDr xmlns:xdr="\#(xdr)" xmlns:a="\#(a)"><xdr:twoCellAnchor>"#
        xml += #"<xdr:from><xdr:col>\#(from.column)</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>\#(from.row)</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"#
        xml += #"<xdr:to><xdr:col>\#(to.column)</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>\#(to.row)</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"#
        xml += #"<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="2" name="Chart 1"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>"#
        xml += #"<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic><a:graphicData uri="\#(c)">"#
        xml += #"<c:chart xmlns:c="\#(c)" xmlns:r="\#(relationshipNamespace)" r:id="rId1"/></a:graphicData></a:graphic></xdr:graphicFrame>"#
        return xml + "<xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>"
    }

    /// A clustered column chart (DrawingML): categories in `categories` (`A20:A25` of `sheet`), one series per
    /// column of `series` (its name's cell, its values' range), with the values cached so a viewer draws it at once.
    public struct ChartSeries: Sendable {
        public var nameCell: String
        public var name: String
        public var values: String
        public var cached: [Int]
        public init(nameCell: String, name: String, values: String, cached: [Int]) {
            self.nameCell = nameCell
            self.name = name
            self.values = values
            self.cached = cached
        }
    }

    public static func columnChart(title: String, sheet: String, categories: String, labels: [String], series: [ChartSeries], colours: [String]) -> String {
        let c = "http://schemas.openxmlformats.org/drawingml/2006/chart"
        let a = "http://schemas.openxmlformats.org/drawingml/2006/main"
        func text(_ t: String, size: Int) -> String {
            #"<c:tx><c:rich><a:bodyPr/><a:p><a:pPr><a:defRPr sz="\#(size)" b="1"/></a:pPr><a:r><a:rPr lang="zh-CN" sz="\#(size)" b="1"/><a:t>\#(escape(t))</a:t></a:r></a:p></c:rich></c:tx>"#
        }
        var xml = declaration + #"<c:chartSpace xmlns:c="\#(c)" xmlns:a="\#(a)" xmlns:r="\#(relationshipNamespace)"><c:roundedCorners val="0"/><c:chart>"#
        xml += "<c:title>" + text(title, size: 1200) + #"<c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>"#
        xml += #"<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:varyColors val="0"/>"#
        for (i, s) in series.enumerated() {
            xml += #"<c:ser><c:idx val="\#(i)"/><c:order val="\#(i)"/>"#
            xml += #"<c:tx><c:strRef><c:f>\#(escape(reference(sheet, s.nameCell)))</c:f><c:strCache><c:ptCount val="1"/><c:pt idx="0"><c:v>\#(escape(s.name))</c:v></c:pt></c:strCache></c:strRef></c:tx>"#
            let colour = colours[i % colours.count].dropFirst()
            xml += #"<c:spPr><a:solidFill><a:srgbClr val="\#(colour)"/></a:solidFill></c:spPr><c:invertIfNegative val="0"/>"#
            xml += #"<c:cat><c:strRef><c:f>\#(escape(reference(sheet, categories)))</c:f><c:strCache><c:ptCount val="\#(labels.count)"/>"#
            for (j, label) in labels.enumerated() { xml += #"<c:pt idx="\#(j)"><c:v>\#(escape(label))</c:v></c:pt>"# }
            xml += #"</c:strCache></c:strRef></c:cat><c:val><c:numRef><c:f>\#(escape(reference(sheet, s.values)))</c:f><c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="\#(s.cached.count)"/>"#
            for (j, v) in s.cached.enumerated() { xml += #"<c:pt idx="\#(j)"><c:v>\#(v)</c:v></c:pt>"# }
            xml += "</c:numCache></c:numRef></c:val></c:ser>"
        }
        xml += #"<c:gapWidth val="80"/><c:axId val="1001"/><c:axId val="1002"/></c:barChart>"#
        xml += #"<c:catAx><c:axId val="1001"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="b"/><c:numFmt formatCode="General" sourceLinked="0"/><c:tickLblPos val="nextTo"/><c:crossAx val="1002"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/></c:catAx>"#
        xml += #"<c:valAx><c:axId val="1002"/><c:scaling><c:orientation val="minMax"/><c:min val="0"/></c:scaling><c:delete val="0"/><c:axPos val="l"/><c:majorGridlines/><c:numFmt formatCode="0" sourceLinked="0"/><c:tickLblPos val="nextTo"/><c:crossAx val="1001"/><c:crosses val="autoZero"/><c:crossBetween val="between"/></c:valAx>"#
        xml += #"</c:plotArea><c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend><c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>"#
        return xml
    }

    /// Row `number` (1-based) with its cells in columns A, B, ….
    public static func row(_ number: Int, _ cells: [Cell], style: Style = .plain) -> String {
        var out: [UInt8] = []
        append(row: number, cells, style: style, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `row(number, cells, style:)`'s bytes added to `out`: a sheet's rows go straight into its buffer.
    public static func append(row number: Int, _ cells: [Cell], style: Style = .plain, to out: inout [UInt8]) {
        RowWriter.with(row: number, style: style, appendingTo: &out) { row in
            for cell in cells { row.cell(cell) }
        }
    }

    /// A book line as a sheet row, written from the line's fields as they come (no array of cells per line): the
    /// same bytes as `append(row:line.spreadsheetCells(headers))`.
    public static func append(line: BookTable.Line, _ headers: BookTable.Headers, row number: Int, to out: inout [UInt8]) {
        RowWriter.with(row: number, style: .plain, appendingTo: &out) { row in
            var cells = LineCells(row: row)
            line.write(to: &cells, headers)
            row = cells.row
        }
    }

    /// The same row with the text of `sharedColumns` in `shared` and referred to by index: the row a workbook of
    /// the book holds.
    public static func append(line: BookTable.Line, _ headers: BookTable.Headers, row number: Int, shared: inout SharedStrings, to out: inout [UInt8]) {
        RowWriter.with(row: number, style: .plain, appendingTo: &out) { row in
            var cells = LineCells(row: row, sharing: true)
            // Moved in and back out, never copied: the table is looked up for most cells.
            swap(&cells.shared, &shared)
            line.write(to: &cells, headers)
            swap(&cells.shared, &shared)
            row = cells.row
        }
    }

    /// The book's columns whose text is shared: 印章名称, 批准人, 用印人, 事项编码, 事项名称, 实施方式 and 紧急, whose
    /// values are the registry's few names, repeated on every line (a third of a sheet's XML written inline). The
    /// free text of a line (事由, 办件编号, 更正, 备注) and the digest, nearly all different, stay inline.
    static let sharedColumns: [Bool] = (0..<BookTable.widths.count).map { [3, 5, 6, 8, 9, 11, 12].contains($0) }

    /// One row's cells in turn, in columns A, B, …; an empty text cell is left out (its column still counts).
    struct RowWriter {
        let number: Int
        let style: Style
        var bytes: [UInt8]
        var column = 0

        /// Writes a row at the end of `out`; the buffer is moved into the writer and back, never copied.
        static func with(row number: Int, style: Style, appendingTo out: inout [UInt8], _ body: (inout RowWriter) -> Void) {
            var row = RowWriter(number: number, style: style, bytes: [])
            swap(&row.bytes, &out)
            row.bytes.append(literal: #"<row r=""#)
            DecimalText.append(number, to: &row.bytes)
            row.bytes.append(literal: #"">"#)
            body(&row)
            row.bytes.append(literal: "</row>")
            swap(&row.bytes, &out)
        }

        mutating func cell(_ cell: Cell) {
            switch cell {
            case .text(let text): self.text(text)
            case .number(let n): number(n)
            case .date(let date): self.date(date)
            case .time(let seconds): time(seconds)
            }
        }

        mutating func text(_ text: String) {
            defer { column += 1 }
            guard !text.isEmpty else { return }
            open(style)
            // As Excel writes it: xml:space only where white space at the ends (or a tab or line break) must be kept.
            bytes.append(literal: SpreadsheetML.keepsSpace(text) ? #" t="inlineStr"><is><t xml:space="preserve">"# : #" t="inlineStr"><is><t>"#)
            SpreadsheetML.append(escaped: text, to: &bytes)
            bytes.append(literal: "</t></is></c>")
        }

        /// A text cell referring to shared string `index`.
        mutating func shared(_ index: Int) {
            open(style)
            bytes.append(literal: #" t="s"><v>"#)
            DecimalText.append(index, to: &bytes)
            bytes.append(literal: "</v></c>")
            column += 1
        }

        mutating func number(_ n: Int) {
            open(style)
            bytes.append(literal: "><v>")
            DecimalText.append(n, to: &bytes)
            bytes.append(literal: "</v></c>")
            column += 1
        }

        mutating func date(_ date: LocalDate) {
            open(.date)
            bytes.append(literal: "><v>")
            DecimalText.append(SpreadsheetML.serial(date), to: &bytes)
            bytes.append(literal: "</v></c>")
            column += 1
        }

        mutating func time(_ seconds: Int) {
            open(.time)
            bytes.append(literal: "><v>")
            bytes += SpreadsheetML.timeFraction(seconds).utf8
            bytes.append(literal: "</v></c>")
            column += 1
        }

        private mutating func open(_ style: Style) {
            bytes.append(literal: #"<c r=""#)
            SpreadsheetML.appendColumn(column, to: &bytes)
            DecimalText.append(number, to: &bytes)
            bytes.append(literal: "\"")
            if style != .plain {
                bytes.append(literal: #" s=""#)
                DecimalText.append(style.rawValue, to: &bytes)
                bytes.append(literal: "\"")
            }
        }
    }

    /// A line's cells as `BookTable.Line.spreadsheetCell` types them, straight into a row; with a shared-string
    /// table (`swap`ped in), the text of `sharedColumns` goes there.
    struct LineCells: BookTable.CellWriter {
        var row: RowWriter
        var sharing = false
        var shared = SharedStrings()

        mutating func text(_ cell: String) {
            if sharing, !cell.isEmpty, row.column < SpreadsheetML.sharedColumns.count, SpreadsheetML.sharedColumns[row.column] {
                row.shared(shared.index(of: cell, column: row.column))
            } else {
                row.cell(BookTable.Line.spreadsheetCell(column: row.column, cell))
            }
        }

        mutating func number(_ cell: Int) { row.number(cell) }
    }

    /// A line's cells as an array, typed the same way.
    struct CellList: BookTable.CellWriter {
        var cells: [Cell] = []

        init() { cells.reserveCapacity(BookTable.widths.count) }
        mutating func text(_ cell: String) { cells.append(BookTable.Line.spreadsheetCell(column: cells.count, cell)) }
        mutating func number(_ cell: Int) { cells.append(.number(cell)) }
    }

    /// Whether inline text needs xml:space="preserve": white space at either end, or a tab or line break anywhere.
    static func keepsSpace(_ text: String) -> Bool {
        var text = text
        // Over the string's own bytes: through its `utf8` view, this was a fortieth of writing a workbook.
        return text.withUTF8 { bytes in
            guard let first = bytes.first, let last = bytes.last else { return false }
            if first == 0x20 || last == 0x20 { return true }
            for byte in bytes where byte < 0x20 && (byte == 0x09 || byte == 0x0A || byte == 0x0D) { return true }
            return false
        }
    }

    /// `column(index)`'s letters added to `out`.
    static func appendColumn(_ index: Int, to out: inout [UInt8]) {
        if index < 26 {
            out.append(UInt8(65 + index))
        } else {
            out += column(index).utf8
        }
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

    /// A time of day as the fraction of a day spreadsheets store: the double nearest `seconds / 86,400`, in the
    /// shortest form that reads back as exactly that double — as Excel writes it. Rounded to 10 decimals (as before)
    /// the value lies a hair off the second, and LibreOffice then showed 48 % of the day's seconds one second early
    /// (04:42:49 for 04:42:50); with the exact double, none.
    public static func timeFraction(_ seconds: Int) -> String {
        (Double(seconds) / 86_400).description
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
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        append(escaped: text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `escape(text)`'s bytes added to `out`, decided on the UTF-8 bytes: the markup characters and the C0 controls
    /// are ASCII, and U+FFFE and U+FFFF are the only scalars encoded EF BF BE and EF BF BF. Runs that need nothing
    /// are copied whole.
    public static func append(escaped text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            var i = 0
            while i < bytes.count {
                let replacement: StaticString
                var width = 1
                switch bytes[i] {
                case UInt8(ascii: "&"): replacement = "&amp;"
                case UInt8(ascii: "<"): replacement = "&lt;"
                case UInt8(ascii: ">"): replacement = "&gt;"
                case UInt8(ascii: "\""): replacement = "&quot;"
                case 0x09, 0x0A, 0x0D:
                    i += 1
                    continue
                case ..<0x20: replacement = ""
                case 0xEF where i + 2 < bytes.count && bytes[i + 1] == 0xBF && (bytes[i + 2] == 0xBE || bytes[i + 2] == 0xBF):
                    replacement = ""
                    width = 3
                default:
                    i += 1
                    continue
                }
                out.append(contentsOf: bytes[start..<i])
                out.append(contentsOf: UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
                i += width
                start = i
            }
            out.append(contentsOf: bytes[start...])
        }
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
        var cells = SpreadsheetML.CellList()
        write(to: &cells, headers)
        return cells.cells
    }

    /// The cell a text cell in `column` becomes: 日期 and 时间 as date values when they parse, the rest text. The one
    /// place this is decided, for a line's cells as an array and for its row written straight into a sheet.
    static func spreadsheetCell(column: Int, _ text: String) -> SpreadsheetML.Cell {
        switch column {
        case 1: LocalDate(text).map { .date($0) } ?? .text(text)
        case 2: secondsOfDay(text).map { .time($0) } ?? .text(text)
        default: .text(text)
        }
    }

    /// A time cell's seconds since midnight, when it is three numbers between colons (`08:05:09`).
    static func secondsOfDay(_ time: String) -> Int? {
        // The book's own form, HH:MM:SS, read without splitting.
        let fixed = time.utf8.withContiguousStorageIfAvailable { b -> Int? in
            guard b.count == 8, b[2] == UInt8(ascii: ":"), b[5] == UInt8(ascii: ":") else { return nil }
            var value = 0
            for i in [0, 1, 3, 4, 6, 7] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b[i]) else { return nil }
                value = value * 10 + Int(b[i] - UInt8(ascii: "0"))
            }
            return value / 10_000 * 3600 + value / 100 % 100 * 60 + value % 100
        }
        if let fixed, let seconds = fixed { return seconds }
        let hms = time.split(separator: ":").compactMap { Int($0) }
        return hms.count == 3 ? hms[0] * 3600 + hms[1] * 60 + hms[2] : nil
    }
}
