import Foundation
import SealCore
import SealWire
import ZIPFoundation

/// The usage book as an Excel/WPS workbook: a summary sheet (totals per seal and per matter, a native column chart
/// of uses per month per seal, the signature status), the anomalies, a worksheet per seal with an autofilter
/// (continued on another sheet past Excel's 1,048,576 rows), then a sheet with the checkpoint the export was made at. A ZIP's central directory comes last
/// and its entries need their sizes, so the sheets are first written row by row to scratch files under the state
/// directory, packed by ZIPFoundation (deflate, read back in chunks), and the archive is streamed out and deleted:
/// memory stays flat whatever the book's size; disk holds one copy while the export runs.
public enum BookXLSX {
    public static let maxRowsPerSheet = 1_048_576

    public static func write(
        pages: BookPages, seals: [ExportSeal], filter: BookFilter, headers: BookTable.Headers, checkpoint: CheckpointView?,
        summary: @escaping @Sendable () async throws -> BookSummary, zone: TimeZone, scratch: URL, to out: inout some ExportSink
    ) async throws {
        let directory = scratch.appendingPathComponent(UUID().uuidString, isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: directory) }

        // The summary and anomaly sheets come first but read the whole period: they are read while the seals'
        // sheets are written, into the first two places kept for them.
        let reading = Task { try await summary() }
        defer { reading.cancel() }
        var sheets = SheetSet(directory: directory, headers: headers)
        let summarySlot = sheets.reserve(headers == .chinese ? "汇总" : "Summary")
        let anomalySlot = sheets.reserve(headers == .chinese ? "异常" : "Anomalies")
        try await forEachExportLine(
            pages: pages, seals: seals,
            seal: { try sheets.begin("\($0.seal.id) \($0.seal.name)") },
            seal: { _ in try sheets.end() },
            line: { _, exported in try sheets.add(exported.line.spreadsheetCells(headers)) }
        )
        if seals.isEmpty {
            try sheets.begin(headers == .chinese ? "印章使用登记本" : "Usage book")
            try sheets.end()
        }
        try sheets.addCheckpointSheet(checkpoint, filter: filter)
        let summary = try await reading.value
        let chart = try sheets.addSummarySheet(summary, checkpoint: checkpoint, filter: filter, zone: zone, slot: summarySlot)
        try sheets.addAnomalySheet(summary, zone: zone, slot: anomalySlot)

        let archiveURL = directory.appendingPathComponent("book.xlsx")
        // Deflating every sheet is seconds of CPU and file I/O for a large book: done off Swift concurrency's threads.
        let names = sheets.names
        let files = sheets.files
        let filters = sheets.filters
        try await BlockingWork.run {
            let archive = try Archive(url: archiveURL, accessMode: .create)
            func part(_ path: String, _ text: String) throws {
                let data = Data(text.utf8)
                try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            try part(SpreadsheetML.contentTypesPath, SpreadsheetML.contentTypes(sheets: names.count, charts: 1))
            try part(SpreadsheetML.rootRelationshipsPath, SpreadsheetML.rootRelationships)
            try part(SpreadsheetML.workbookPath, SpreadsheetML.workbook(sheetNames: names, filters: filters))
            // The summary (sheet 1) carries drawing 1 with chart 1.
            try part("xl/worksheets/_rels/sheet1.xml.rels", SpreadsheetML.worksheetDrawingRelationships(1))
            try part("xl/drawings/drawing1.xml", SpreadsheetML.chartDrawing(from: chart.from, to: chart.to))
            try part("xl/drawings/_rels/drawing1.xml.rels", SpreadsheetML.drawingChartRelationships(1))
            try part("xl/charts/chart1.xml", chart.xml)
            try part(SpreadsheetML.workbookRelationshipsPath, SpreadsheetML.workbookRelationships(sheets: names.count))
            try part(SpreadsheetML.stylesPath, SpreadsheetML.styles)
            for (i, file) in files.enumerated() {
                try archive.addEntry(with: SpreadsheetML.worksheetPath(i + 1), fileURL: file, compressionMethod: .deflate)
                try FileManager.default.removeItem(at: file)
            }
        }

        let handle = try FileHandle(forReadingFrom: archiveURL)
        defer { try? handle.close() }
        while true {
            let chunk = try await BlockingWork.run { try handle.read(upToCount: 1 << 16) ?? Data() }
            if chunk.isEmpty { break }
            try await out.write(bytes: chunk)
        }
    }

    /// The worksheets being written: names, their scratch files, and the open one.
    struct SheetSet {
        let directory: URL
        let headers: BookTable.Headers
        var names: [String] = []
        var files: [URL] = []
        /// Sheet index (0-based) → its autofilter range.
        var filters: [Int: String] = [:]
        var open: (file: BufferedFile, base: String, rows: Int, part: Int)?

        init(directory: URL, headers: BookTable.Headers) {
            self.directory = directory
            self.headers = headers
        }

        mutating func begin(_ wanted: String, part: Int = 1) throws {
            let name = SpreadsheetML.sheetName(part == 1 ? wanted : "\(wanted) (\(part))", taken: Set(names))
            let url = directory.appendingPathComponent("sheet\(names.count + 1).xml")
            names.append(name)
            files.append(url)
            var file = try BufferedFile(url)
            try file.write(SpreadsheetML.worksheetStart(widths: BookTable.widths, header: BookTable.columns(headers)))
            open = (file, wanted, 1, part)
        }

        mutating func add(_ cells: [SpreadsheetML.Cell]) throws {
            guard var current = open else { return }
            if current.rows == BookXLSX.maxRowsPerSheet {
                try end()
                try begin(current.base, part: current.part + 1)
                current = open!
            }
            current.rows += 1
            try current.file.write(row: current.rows, cells)
            open = current
        }

        mutating func end() throws {
            guard var current = open else { return }
            // An autofilter over the header and every line: the inspector filters by 批准人, 事项 or 紧急 at once.
            let range = "A1:\(SpreadsheetML.column(BookTable.columns(headers).count - 1))\(current.rows)"
            filters[names.count - 1] = range
            try current.file.write(SpreadsheetML.worksheetEnd(filter: range))
            try current.file.close()
            open = nil
        }

        /// A place for a sheet written later, named now (so it keeps its name and position); its index.
        mutating func reserve(_ name: String) -> Int {
            names.append(SpreadsheetML.sheetName(name, taken: Set(names)))
            files.append(directory.appendingPathComponent("sheet\(names.count).xml"))
            return names.count - 1
        }

        /// A sheet written whole from rows of cells (the summary, the anomalies), into the place `slot` kept for it.
        mutating func addSheet(slot: Int, widths: [Double], header: [String], rows: [[SpreadsheetML.Cell]], styles: [Int: SpreadsheetML.Style] = [:], frozen: Bool, filter: Bool, drawing: Bool = false) throws {
            var file = try BufferedFile(files[slot])
            try file.write(SpreadsheetML.worksheetStart(widths: widths, header: header, frozen: frozen))
            for (i, row) in rows.enumerated() {
                try file.write(row: i + 2, row, style: styles[i + 2] ?? .plain)
            }
            var range: String?
            if filter {
                range = "A1:\(SpreadsheetML.column(header.count - 1))\(rows.count + 1)"
                filters[slot] = range
            }
            try file.write(SpreadsheetML.worksheetEnd(filter: range, drawing: drawing))
            try file.close()
        }

        /// 汇总: totals per seal and per matter with 合计, the chart's data (months × seals) and the chart beside
        /// it, what signs the book, and the inspector's signature line. Returns the chart part and its anchor.
        mutating func addSummarySheet(_ summary: BookSummary, checkpoint: CheckpointView?, filter: BookFilter, zone: TimeZone, slot: Int) throws
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
            try addSheet(slot: slot, widths: [16, 34, 12, 12, 4] + Array(repeating: 10, count: 10), header: [zh ? "印章使用登记本 · 汇总" : "Seal usage book · summary"], rows: rows, styles: styles, frozen: false, filter: false, drawing: true)
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
        mutating func addAnomalySheet(_ summary: BookSummary, zone: TimeZone, slot: Int) throws {
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
            try addSheet(
                slot: slot, widths: [40, 16, 14, 17, 10, 12, 60],
                header: zh ? ["类型", "对象", "条目", "时间", "人员", "印章", "说明"] : ["Kind", "Subject", "Entry", "Time", "Staff", "Seal", "Detail"],
                rows: rows, frozen: true, filter: true
            )
        }

        /// The checkpoint the export was made at, so a workbook can be matched to the signed register.
        mutating func addCheckpointSheet(_ checkpoint: CheckpointView?, filter: BookFilter) throws {
            let zh = headers == .chinese
            let url = directory.appendingPathComponent("sheet\(names.count + 1).xml")
            names.append(SpreadsheetML.sheetName(zh ? "检查点" : "Checkpoint", taken: Set(names)))
            files.append(url)
            var file = try BufferedFile(url)
            try file.write(SpreadsheetML.worksheetStart(widths: [16, 90], header: zh ? ["项目", "值"] : ["Item", "Value"]))
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
                try file.write(SpreadsheetML.row(i + 2, [.text(row.0), .text(row.1)]))
            }
            try file.write(SpreadsheetML.worksheetEnd)
            try file.close()
        }
    }
}

/// Appends text to a new 0600 file through a 64 KiB buffer.
public struct BufferedFile {
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    init(_ url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        handle = try FileHandle(forWritingTo: url)
        buffer.reserveCapacity(1 << 16)
    }

    mutating func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { try flush() }
    }

    mutating func write(row number: Int, _ cells: [SpreadsheetML.Cell], style: SpreadsheetML.Style = .plain) throws {
        SpreadsheetML.append(row: number, cells, style: style, to: &buffer)
        if buffer.count >= 1 << 16 { try flush() }
    }

    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    mutating func close() throws {
        try flush()
        try handle.close()
    }
}
