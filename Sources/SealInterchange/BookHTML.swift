import Foundation
import Synchronization
import SealBook
import SealCore
import SealWire

/// The book as one printable HTML page per seal, after the summary page.
public enum BookHTML {
    /// Markup characters escaped (the same rule as the workbook's XML text).
    public static func escape(_ text: String) -> String { SpreadsheetML.escape(text) }

    /// `summary` reads the first page (the whole period, twice); it is read while the lines are rendered, and the
    /// lines rendered before it is ready are held in a `ScratchSpill` under `scratch` until it is written.
    public static func write(
        pages: BookPages, seals: [ExportSeal], filter: BookFilter, headers: BookTable.Headers, checkpoint: CheckpointView?,
        summary: @escaping @Sendable () async throws -> BookSummary, zone: TimeZone, scratch: URL, holdLimit: Int = 4 << 20,
        to out: inout some ExportSink
    ) async throws {
        let zh = headers == .chinese
        let title = zh ? "印章使用登记本" : "Seal usage book"
        let window = "\(filter.from?.description ?? "…") – \(filter.to?.description ?? "…")"
        try await out.write("""
            <!DOCTYPE html>
            <html lang="\(zh ? "zh-CN" : "en")"><head><meta charset="utf-8"><title>\(title)</title>
            <style>
            body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; font-size: 10pt; margin: 1.5em; }
            h1 { font-size: 16pt; } h2 { font-size: 13pt; margin-bottom: 0.3em; }
            table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #444; padding: 2px 4px; vertical-align: top; }
            th { background: #eee; } td.n { text-align: right; } td.d { font-family: monospace; font-size: 7pt; word-break: break-all; }
            dl { display: grid; grid-template-columns: max-content auto; gap: 0 1em; } dt { font-weight: bold; }
            section { page-break-after: always; break-after: page; } footer { font-size: 8pt; margin-top: 1em; }
            .totals { display: flex; gap: 2em; align-items: flex-start; } .totals table { width: auto; }
            tr.sum td { font-weight: bold; border-top: 2px solid #444; } svg.chart { max-width: 100%; height: auto; margin: 0.8em 0; }
            .sign { margin-top: 2.5em; font-size: 11pt; } .sign span { display: inline-block; min-width: 14em; border-bottom: 1px solid #000; margin: 0 2em 0 0.5em; }
            thead { display: table-header-group; } tr { page-break-inside: avoid; }
            @page { size: A4 landscape; margin: 12mm; }
            </style></head><body>
            <h1>\(title)</h1><p>\(zh ? "期间" : "Period") \(escape(window))</p>

            """)
        let reading = SummaryReading(summary)
        defer { reading.task.cancel() }
        var held: ScratchSpill? = ScratchSpill(lists: 1, directory: scratch, name: "html", limit: holdLimit)
        /// The summary, then what was held: from then on the lines go straight out.
        func writeSummary() async throws {
            try await out.write(summaryHTML(try await reading.task.value, checkpoint: checkpoint, zh: zh, zone: zone))
            try await held?.read(0) { try await out.write(bytes: $0) }
            held = nil
        }
        func emit(_ bytes: [UInt8]) async throws {
            if let spill = held {
                guard reading.isDone else {
                    spill.append(0, bytes)
                    if spill.isOverLimit { try await BlockingWork.run { try spill.spill() } }
                    return
                }
                try await writeSummary()
            }
            try await out.write(bytes: bytes)
        }
        let footer = checkpoint.map { "\(zh ? "检查点" : "Checkpoint") \(escape($0.origin)) · \(zh ? "条目数" : "size") \($0.size) · root \($0.rootHex) · \($0.time)" }
            ?? (zh ? "无检查点" : "no checkpoint")
        // Everything after the summary is gathered as bytes and handed on 64 KiB at a time.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1 << 17)
        try await forEachExportLine(
            pages: pages, seals: seals,
            seal: { s in
                var text = "<section><h2>\(escape(s.seal.name)) (\(escape(s.seal.id)))</h2><dl>"
                for (label, value) in [
                    (zh ? "种类" : "Kind", zh ? s.seal.kind.chineseName : s.seal.kind.rawValue),
                    (zh ? "介质" : "Medium", zh ? s.seal.medium.chineseName : s.seal.medium.rawValue),
                    (zh ? "持有单位" : "Holder", s.seal.holder), (zh ? "保管人" : "Custodian", "\(s.custodianName)(\(s.seal.custodian))"),
                ] {
                    text += "<dt>\(label)</dt><dd>\(escape(value))</dd>"
                }
                for d in s.delegations {
                    let filing = d.filing.map { " · \(zh ? "备案" : "filed") \($0.number)" } ?? (zh ? " · 未备案" : " · unfiled")
                    let revoked = d.revokedAt.map { " · \(zh ? "已撤销" : "revoked") \($0.prefix(10))" } ?? ""
                    text += "<dt>\(zh ? "委托" : "Delegation")</dt><dd>\(escape("\(d.agreementNumber) · \(d.delegatingDepartment) → \(d.township) · \(d.validFrom)–\(d.validTo)\(filing)\(revoked)"))</dd>"
                }
                text += "</dl><table><thead><tr>" + BookTable.columns(headers).map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>\n"
                bytes += text.utf8
            },
            seal: { _ in bytes += "</tbody></table><footer>\(footer)</footer></section>\n".utf8 },
            line: { _, exported in
                RowWriter.append(exported.line, headers, to: &bytes)
                if bytes.count >= 1 << 16 {
                    try await emit(bytes)
                    bytes.removeAll(keepingCapacity: true)
                }
            }
        )
        if held != nil { try await writeSummary() }
        try await out.write(bytes: bytes)
        if seals.isEmpty { try await out.write("<p>\(zh ? "此期间无用印记录" : "No uses in this period")</p><footer>\(footer)</footer>\n") }
        try await out.write("</body></html>\n")
    }

    /// The summary being read beside the lines, and whether it is ready (asked at each 64 KiB of lines).
    final class SummaryReading: Sendable {
        let task: Task<BookSummary, any Error>
        private let done: Done

        final class Done: Sendable {
            let flag = Atomic<Bool>(false)
        }

        init(_ read: @escaping @Sendable () async throws -> BookSummary) {
            let done = Done()
            self.done = done
            task = Task {
                defer { done.flag.store(true, ordering: .releasing) }
                return try await read()
            }
        }

        var isDone: Bool { done.flag.load(ordering: .acquiring) }
    }

    /// A line as a table row, its cells escaped straight into the buffer: 序号 and 用印数 right-aligned, the digest
    /// small.
    struct RowWriter: BookTable.CellWriter {
        var bytes: [UInt8]
        var column = 0

        static func append(_ line: BookTable.Line, _ headers: BookTable.Headers, to bytes: inout [UInt8]) {
            // The buffer is moved into the writer and back, never shared, so appending never copies it.
            var writer = RowWriter(bytes: [])
            swap(&writer.bytes, &bytes)
            writer.bytes.append(literal: "<tr>")
            line.write(to: &writer, headers)
            writer.bytes.append(literal: "</tr>\n")
            swap(&writer.bytes, &bytes)
        }

        mutating func open() {
            let cell: StaticString = column == 0 || column == BookTable.countColumn ? "<td class=\"n\">" : column == BookTable.digestColumn ? "<td class=\"d\">" : "<td>"
            bytes.append(contentsOf: UnsafeBufferPointer(start: cell.utf8Start, count: cell.utf8CodeUnitCount))
            column += 1
        }

        mutating func text(_ cell: String) {
            open()
            SpreadsheetML.append(escaped: cell, to: &bytes)
            bytes.append(literal: "</td>")
        }

        mutating func number(_ cell: Int) {
            open()
            DecimalText.append(cell, to: &bytes)
            bytes.append(literal: "</td>")
        }
    }

    /// 汇总: totals per seal and per matter (合计), the chart of uses per month per seal, the anomalies with their
    /// entries, what signs the book, and the inspector's signature line. One A4 page for a township's quarter.
    public static func summaryHTML(_ summary: BookSummary, checkpoint: CheckpointView?, zh: Bool, zone: TimeZone) -> String {
        let s = summary.statistics
        func totals(_ heading: String, _ key: String, _ rows: [UsageStatistics.Row], name: Bool) -> String {
            var html = "<table><thead><tr><th>\(heading)</th>\(name ? "<th>\(zh ? "名称" : "Name")</th>" : "")<th>\(zh ? "用印次数" : "Uses")</th><th>\(zh ? "用印数" : "Impressions")</th></tr></thead><tbody>"
            for row in rows {
                let label = name ? "<td>\(escape(row.key))</td><td>\(escape(row.name))</td>" : "<td>\(escape(row.name.isEmpty ? row.key : row.name))</td>"
                html += "<tr>\(label)<td class=\"n\">\(row.uses)</td><td class=\"n\">\(row.impressions)</td></tr>"
            }
            html += "<tr class=\"sum\"><td\(name ? " colspan=\"2\"" : "")>\(zh ? "合计" : "Total")</td><td class=\"n\">\(s.uses)</td><td class=\"n\">\(s.impressions)</td></tr>"
            return html + "</tbody></table>"
        }
        var html = "<section class=\"summary\"><h2>\(zh ? "汇总" : "Summary")</h2>"
        html += "<p>\(zh ? "用印 \(s.uses) 次，共 \(s.impressions) 枚" : "\(s.uses) uses, \(s.impressions) impressions")</p>"
        html += "<div class=\"totals\">" + totals(zh ? "印章" : "Seal", "seal", s.bySeal, name: false) + totals(zh ? "事项" : "Matter", "matter", s.byMatter, name: true) + "</div>"
        html += summary.chartSVG(title: zh ? "各印章每月用印次数" : "Uses per month per seal")
        html += "<h3>\(zh ? "异常" : "Anomalies") (\(summary.anomalies.count))</h3>"
        if summary.anomalies.isEmpty {
            html += "<p>\(zh ? "无" : "None")</p>"
        } else {
            html += "<table><thead><tr><th>\(zh ? "类型" : "Kind")</th><th>\(zh ? "条目" : "Entry")</th><th>\(zh ? "时间" : "Time")</th><th>\(zh ? "人员" : "Staff")</th><th>\(zh ? "印章" : "Seal")</th><th>\(zh ? "说明" : "Detail")</th></tr></thead><tbody>"
            for (n, anomaly) in summary.anomalies.enumerated() {
                let unlisted = summary.unlisted(n, zh: zh)
                for (i, e) in anomaly.evidence.enumerated() {
                    let kind = i == 0 ? "<td rowspan=\"\(anomaly.evidence.count + (unlisted == nil ? 0 : 1))\">\(escape(anomaly.kind.title))\(anomaly.subject.map { "<br>\(escape($0))" } ?? "")</td>" : ""
                    html += "<tr>\(kind)<td>\(escape(e.ref))</td><td>\(escape(LocalTime.text(stored: e.time, zone: zone)))</td><td>\(escape(e.staff ?? ""))</td><td>\(escape(e.seal ?? ""))</td><td>\(escape(e.detail))</td></tr>"
                }
                if let unlisted { html += "<tr><td colspan=\"5\">\(escape(unlisted.text))</td></tr>" }
            }
            html += "</tbody></table>"
        }
        html += "<h3>\(zh ? "签署与见证" : "Signature and witness")</h3><dl>"
        if let checkpoint {
            html += "<dt>\(zh ? "检查点" : "Checkpoint")</dt><dd>\(escape(checkpoint.origin)) · \(zh ? "条目数" : "size") \(checkpoint.size) · \(escape(LocalTime.text(stored: checkpoint.time, zone: zone)))</dd>"
            html += "<dt>root</dt><dd class=\"d\">\(checkpoint.rootHex)</dd>"
        } else {
            html += "<dt>\(zh ? "检查点" : "Checkpoint")</dt><dd>\(zh ? "无" : "none")</dd>"
        }
        html += "<dt>\(zh ? "县级见证" : "County witness")</dt><dd>\(zh ? "未配置：本登记簿仅由乡镇登记簿密钥签署（sealctl book verify --key 核验）" : "not configured: signed by the township's register key only (check with sealctl book verify --key)")</dd></dl>"
        html += "<p class=\"sign\">\(zh ? "稽核人" : "Inspector")<span></span>\(zh ? "日期" : "Date")<span></span></p>"
        return html + "</section>\n"
    }
}

