import Foundation
import SealCore
import SealWire

/// The usage book as an Excel/WPS workbook: a summary sheet (totals per seal and per matter, a native column chart
/// of uses per month per seal, the signature status), the anomalies, a worksheet per seal with an autofilter
/// (continued on another sheet past Excel's 1,048,576 rows), then a sheet with the checkpoint the export was made at;
/// the registry's names on the lines are shared strings (`SpreadsheetML.sharedColumns`).
/// The workbook is streamed as it is made (`ZipStreamWriter`): each sheet's XML is deflated while the next rows are
/// written and goes out at once, so nothing is held or spilled to disk whatever the book's size. A ZIP's entries may
/// come in any order (readers go by the central directory), so the summary and anomaly sheets, which read the whole
/// period, are written after the seals' sheets, and the parts that name every sheet come last.
public enum BookXLSX {
    public static let maxRowsPerSheet = 1_048_576
    /// A sheet's XML is handed to the deflater in pieces this large.
    static let chunk = 1 << 17

    public static func write(
        pages: BookPages, seals: [ExportSeal], filter: BookFilter, headers: BookTable.Headers, checkpoint: CheckpointView?,
        summary: @escaping @Sendable () async throws -> BookSummary, zone: TimeZone, to out: inout some ExportSink
    ) async throws {
        // The summary and anomaly sheets come first but read the whole period: they are read while the seals'
        // sheets are written, into the first two places kept for them.
        let reading = Task { try await summary() }
        defer { reading.cancel() }
        var sheets = SheetSet(headers: headers, zip: ZipStreamWriter(modified: Date(), zone: zone))
        // file(1) and mail filters take a ZIP for an Excel workbook when its first entry is the package's
        // relationships (or content types) and its third lies under xl/: the seals' first sheet is the third.
        try await sheets.part(SpreadsheetML.rootRelationshipsPath, SpreadsheetML.rootRelationships, to: &out)
        try await sheets.part(SpreadsheetML.stylesPath, SpreadsheetML.styles, to: &out)
        let summarySlot = sheets.reserve(headers == .chinese ? "汇总" : "Summary")
        let anomalySlot = sheets.reserve(headers == .chinese ? "异常" : "Anomalies")
        try await forEachExportLine(
            pages: pages, seals: seals,
            seal: { try await sheets.begin("\($0.seal.id) \($0.seal.name)", to: &out) },
            seal: { _ in try await sheets.end(to: &out) },
            line: { _, exported in try await sheets.add(exported.line, to: &out) }
        )
        if seals.isEmpty {
            try await sheets.begin(headers == .chinese ? "印章使用登记本" : "Usage book", to: &out)
            try await sheets.end(to: &out)
        }
        try await sheets.addCheckpointSheet(checkpoint, filter: filter, to: &out)
        let summary = try await reading.value
        let chart = try await sheets.addSummarySheet(summary, checkpoint: checkpoint, filter: filter, zone: zone, slot: summarySlot, to: &out)
        try await sheets.addAnomalySheet(summary, zone: zone, slot: anomalySlot, to: &out)

        // The summary (sheet 1) carries drawing 1 with chart 1.
        try await sheets.part("xl/worksheets/_rels/sheet1.xml.rels", SpreadsheetML.worksheetDrawingRelationships(1), to: &out)
        try await sheets.part("xl/drawings/drawing1.xml", SpreadsheetML.chartDrawing(from: chart.from, to: chart.to), to: &out)
        try await sheets.part("xl/drawings/_rels/drawing1.xml.rels", SpreadsheetML.drawingChartRelationships(1), to: &out)
        try await sheets.part("xl/charts/chart1.xml", chart.xml, to: &out)
        // The shared strings are known once every line is written.
        try await sheets.part(SpreadsheetML.sharedStringsPath, sheets.shared.xml, to: &out)
        try await sheets.part(SpreadsheetML.workbookPath, SpreadsheetML.workbook(sheetNames: sheets.names, filters: sheets.filters), to: &out)
        try await sheets.part(SpreadsheetML.workbookRelationshipsPath, SpreadsheetML.workbookRelationships(sheets: sheets.names.count, sharedStrings: true), to: &out)
        try await sheets.part(SpreadsheetML.contentTypesPath, SpreadsheetML.contentTypes(sheets: sheets.names.count, charts: 1, sharedStrings: true), to: &out)
        try await out.write(bytes: try sheets.zip.finish())
    }

    /// The worksheets being written: names, the archive they go into, and the open one.
    struct SheetSet {
        let headers: BookTable.Headers
        var zip: ZipStreamWriter
        var names: [String] = []
        /// Sheet index (0-based) → its autofilter range.
        var filters: [Int: String] = [:]
        /// The open sheet's XML not yet handed to the deflater.
        var buffer: [UInt8] = []
        /// The text the lines of every sheet share.
        var shared = SpreadsheetML.SharedStrings()
        var open: (base: String, rows: Int, part: Int)?

        init(headers: BookTable.Headers, zip: ZipStreamWriter) {
            self.headers = headers
            self.zip = zip
        }

        /// A small part, whole.
        mutating func part(_ path: String, _ text: String, to out: inout some ExportSink) async throws {
            try await out.write(bytes: try await zip.entry(path, text))
        }

        mutating func begin(_ wanted: String, part: Int = 1, to out: inout some ExportSink) async throws {
            let name = SpreadsheetML.sheetName(part == 1 ? wanted : "\(wanted) (\(part))", taken: Set(names))
            names.append(name)
            try await startEntry(sheet: names.count - 1, to: &out)
            buffer.append(contentsOf: SpreadsheetML.worksheetStart(widths: BookTable.widths, header: BookTable.columns(headers)).utf8)
            open = (wanted, 1, part)
        }

        mutating func add(_ line: BookTable.Line, to out: inout some ExportSink) async throws {
            guard var current = open else { return }
            if current.rows == BookXLSX.maxRowsPerSheet {
                try await end(to: &out)
                try await begin(current.base, part: current.part + 1, to: &out)
                current = open!
            }
            current.rows += 1
            SpreadsheetML.append(line: line, headers, row: current.rows, shared: &shared, to: &buffer)
            open = current
            if buffer.count >= BookXLSX.chunk { try await flush(to: &out) }
        }

        mutating func end(to out: inout some ExportSink) async throws {
            guard let current = open else { return }
            // An autofilter over the header and every line: the inspector filters by 批准人, 事项 or 紧急 at once.
            let range = "A1:\(SpreadsheetML.column(BookTable.columns(headers).count - 1))\(current.rows)"
            filters[names.count - 1] = range
            buffer.append(contentsOf: SpreadsheetML.worksheetEnd(filter: range).utf8)
            try await endEntry(to: &out)
            open = nil
        }

        /// Opens sheet `index`'s part (its local header goes out).
        private mutating func startEntry(sheet index: Int, to out: inout some ExportSink) async throws {
            try await out.write(bytes: try zip.begin(SpreadsheetML.worksheetPath(index + 1)))
        }

        /// Hands the buffered XML to the deflater (which works on it while the next rows are made); sends what it
        /// has finished.
        private mutating func flush(to out: inout some ExportSink) async throws {
            guard !buffer.isEmpty else { return }
            let ready = try await zip.write(buffer)
            buffer = []
            buffer.reserveCapacity(BookXLSX.chunk + (1 << 12))
            if !ready.isEmpty { try await out.write(bytes: ready) }
        }

        /// Closes the open part: the rest of its XML, deflated, and its data descriptor.
        private mutating func endEntry(to out: inout some ExportSink) async throws {
            try await flush(to: &out)
            try await out.write(bytes: try await zip.end())
        }

        /// A place for a sheet written later, named now (so it keeps its name and position); its index.
        mutating func reserve(_ name: String) -> Int {
            names.append(SpreadsheetML.sheetName(name, taken: Set(names)))
            return names.count - 1
        }

        /// A sheet written whole from rows of cells (the summary, the anomalies), into the place `slot` kept for it.
        mutating func addSheet(slot: Int, widths: [Double], header: [String], rows: [[SpreadsheetML.Cell]], styles: [Int: SpreadsheetML.Style] = [:], frozen: Bool, filter: Bool, drawing: Bool = false, to out: inout some ExportSink) async throws {
            try await startEntry(sheet: slot, to: &out)
            buffer.append(contentsOf: SpreadsheetML.worksheetStart(widths: widths, header: header, frozen: frozen).utf8)
            for (i, row) in rows.enumerated() {
                SpreadsheetML.append(row: i + 2, row, style: styles[i + 2] ?? .plain, to: &buffer)
                if buffer.count >= BookXLSX.chunk { try await flush(to: &out) }
            }
            var range: String?
            if filter {
                range = "A1:\(SpreadsheetML.column(header.count - 1))\(rows.count + 1)"
                filters[slot] = range
            }
            buffer.append(contentsOf: SpreadsheetML.worksheetEnd(filter: range, drawing: drawing).utf8)
            try await endEntry(to: &out)
        }

        /// 汇总: totals per seal and per matter with 合计, the chart's data (months × seals) and the chart beside
        /// it, what signs the book, and the inspector's signature line. Returns the chart part and its anchor.
        mutating func addSummarySheet(
            _ summary: BookSummary, checkpoint: CheckpointView?, filter: BookFilter, zone: TimeZone, slot: Int, to out: inout some ExportSink
        ) async throws
            -> (xml: String, from: (column: Int, row: Int), to: (column: Int, row: Int))
        {
            let zh = headers == .chinese
            let s = summary.statistics
            var rows: [[SpreadsheetML.Cell]] = []
            var styles: [Int: SpreadsheetML.Style] = [:]
            /// Row number (1-based) the next appended row gets.
            var next: Int { rows.count + 2 }
            func header(_ cells: [String]) {
                styles[next] = .header
                rows.append(cells.map { .text($0) })
            }
            rows.append([.text(zh ? "期间" : "Period"), .text("\(filter.from?.description ?? "…") – \(filter.to?.description ?? "…")")])
            rows.append([.text(zh ? "用印次数" : "Uses"), .number(s.uses), .text(zh ? "用印数" : "Impressions"), .number(s.impressions)])
            rows.append([])
            header([zh ? "印章" : "Seal", zh ? "名称" : "Name", zh ? "用印次数" : "Uses", zh ? "用印数" : "Impressions"])
            for r in s.bySeal { rows.append([.text(r.key), .text(r.name), .number(r.uses), .number(r.impressions)]) }
            styles[next] = .header
            rows.append([.text(zh ? "合计" : "Total"), .text(""), .number(s.uses), .number(s.impressions)])
            rows.append([])
            header([zh ? "事项编码" : "Matter", zh ? "事项名称" : "Name", zh ? "用印次数" : "Uses", zh ? "用印数" : "Impressions"])
            for r in s.byMatter { rows.append([.text(r.key), .text(r.name), .number(r.uses), .number(r.impressions)]) }
            styles[next] = .header
            rows.append([.text(zh ? "合计" : "Total"), .text(""), .number(s.uses), .number(s.impressions)])
            rows.append([])
            // The chart's data: one row per month, one column per seal.
            let dataHeader = next
            header([zh ? "月份" : "Month"] + summary.series.map(\.name))
            let firstMonth = next
            for (m, month) in summary.months.enumerated() {
                rows.append([.text(month)] + summary.series.map { .number($0.uses[m]) })
            }
            let lastMonth = max(firstMonth, next - 1)
            rows.append([])
            rows.append([.text(zh ? "检查点" : "Checkpoint"), .text(checkpoint.map { "\($0.origin) · \(zh ? "条目数" : "size") \($0.size) · \(LocalTime.text(stored: $0.time, zone: zone))" } ?? (zh ? "无" : "none"))])
            rows.append([.text("root"), .text(checkpoint?.rootHex ?? "")])
            rows.append([.text(zh ? "县级见证" : "County witness"), .text(zh ? "未配置：仅由乡镇登记簿密钥签署" : "not configured: signed by the township's register key only")])
            rows.append([.text(zh ? "异常" : "Anomalies"), .number(summary.anomalyTotals.reduce(0, +)), .text(zh ? "见“异常”工作表" : "see the Anomalies sheet")])
            rows.append([])
            rows.append([.text(zh ? "稽核人" : "Inspector"), .text("______________"), .text(zh ? "日期" : "Date"), .text("______________")])
            try await addSheet(slot: slot, widths: [16, 34, 12, 12, 4] + Array(repeating: 10, count: 10), header: [zh ? "印章使用登记本 · 汇总" : "Seal usage book · summary"], rows: rows, styles: styles, frozen: false, filter: false, drawing: true, to: &out)
            let sheet = names[slot]
            let series = summary.series.enumerated().map { i, one in
                let column = SpreadsheetML.column(i + 1)
                return SpreadsheetML.ChartSeries(
                    nameCell: "\(column)\(dataHeader)", name: one.name, values: "\(column)\(firstMonth):\(column)\(lastMonth)", cached: one.uses
                )
            }
            let xml = SpreadsheetML.columnChart(
                title: zh ? "各印章每月用印次数" : "Uses per month per seal", sheet: sheet, categories: "A\(firstMonth):A\(lastMonth)",
                labels: summary.months, series: series, colours: BookSummary.palette
            )
            return (xml, (5, 1), (15, 20))
        }

        /// 异常: every anomaly's entries (up to `BookSummary.evidenceShown` each), one per row, with an autofilter.
        mutating func addAnomalySheet(_ summary: BookSummary, zone: TimeZone, slot: Int, to out: inout some ExportSink) async throws {
            let zh = headers == .chinese
            var rows: [[SpreadsheetML.Cell]] = []
            for (n, anomaly) in summary.anomalies.enumerated() {
                for e in anomaly.evidence {
                    rows.append([.text(anomaly.kind.title), .text(anomaly.subject ?? ""), .text(e.ref), .text(LocalTime.text(stored: e.time, zone: zone)),
                                 .text(e.staff ?? ""), .text(e.seal ?? ""), .text(e.detail)])
                }
                if let unlisted = summary.unlisted(n, zh: zh) {
                    rows.append([.text(anomaly.kind.title), .text(anomaly.subject ?? ""), .text("…"), .text(""), .text(""), .text(""), .text(unlisted.text)])
                }
            }
            try await addSheet(
                slot: slot, widths: [40, 16, 14, 17, 10, 12, 60],
                header: zh ? ["类型", "对象", "条目", "时间", "人员", "印章", "说明"] : ["Kind", "Subject", "Entry", "Time", "Staff", "Seal", "Detail"],
                rows: rows, frozen: true, filter: true, to: &out
            )
        }

        /// The checkpoint the export was made at, so a workbook can be matched to the signed register.
        mutating func addCheckpointSheet(_ checkpoint: CheckpointView?, filter: BookFilter, to out: inout some ExportSink) async throws {
            let zh = headers == .chinese
            names.append(SpreadsheetML.sheetName(zh ? "检查点" : "Checkpoint", taken: Set(names)))
            try await startEntry(sheet: names.count - 1, to: &out)
            buffer.append(contentsOf: SpreadsheetML.worksheetStart(widths: [16, 90], header: zh ? ["项目", "值"] : ["Item", "Value"]).utf8)
            var rows: [(String, String)] = [
                (zh ? "期间" : "Period", "\(filter.from?.description ?? "…") – \(filter.to?.description ?? "…")"),
            ]
            if let checkpoint {
                rows += [
                    (zh ? "登记簿" : "Register", checkpoint.origin), (zh ? "条目数" : "Size", String(checkpoint.size)),
                    ("root", checkpoint.rootHex), (zh ? "签署时间" : "Signed at", checkpoint.time),
                ]
            } else {
                rows.append((zh ? "检查点" : "Checkpoint", zh ? "无" : "none"))
            }
            for (i, row) in rows.enumerated() {
                SpreadsheetML.append(row: i + 2, [.text(row.0), .text(row.1)], to: &buffer)
            }
            buffer.append(contentsOf: SpreadsheetML.worksheetEnd.utf8)
            try await endEntry(to: &out)
        }
    }
}
