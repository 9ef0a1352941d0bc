import Foundation
import SealCore
import Testing
@testable import SealInterchange

/// The exported book's summary page lists each anomaly's entries up to `BookSummary.evidenceShown`, and says how many
/// more there are, in the HTML page and in the workbook's 异常 sheet alike.
@Suite("The book's summary page")
struct BookSummaryTests {
    static func anomaly(_ kind: Anomaly.Kind, subject: String?, entries: Int) -> Anomaly {
        Anomaly(kind: kind, subject: subject, evidence: (0..<entries).map {
            Anomaly.Evidence(ref: "USE-\($0)", time: "2026-11-20T01:00:00Z", staff: "S001", seal: "SEAL-0001", detail: "entry \($0)")
        })
    }

    static let summary = BookSummary(
        statistics: UsageStatistics(),
        anomalies: [anomaly(.outsideOfficeHours, subject: nil, entries: BookSummary.evidenceShown + 205), anomaly(.repeatedReason, subject: "同一事由", entries: 3)],
        from: nil, to: nil
    )

    @Test("a long finding lists its first entries and the count of the rest; a short one lists all")
    func capped() {
        let s = Self.summary
        #expect(s.anomalyTotals == [BookSummary.evidenceShown + 205, 3])
        #expect(s.anomalies.map(\.evidence.count) == [BookSummary.evidenceShown, 3])
        #expect(s.anomalies[0].evidence.last?.ref == "USE-\(BookSummary.evidenceShown - 1)")
        #expect(s.unlisted(0, zh: true)?.count == 205)
        #expect(s.unlisted(1, zh: true) == nil)

        // Totals already counted elsewhere (the daemon's tally) are kept as given.
        let told = BookSummary(statistics: UsageStatistics(), anomalies: [Self.anomaly(.urgentDenied, subject: nil, entries: 2)], totals: [9], from: nil, to: nil)
        #expect(told.unlisted(0, zh: false)?.text == "7 more entries not listed (sealctl report anomalies lists them all)")
    }

    @Test("the HTML summary: rows up to the cap, the kind cell spanning them and the line saying how many more")
    func html() {
        let html = BookHTML.summaryHTML(Self.summary, checkpoint: nil, zh: true, zone: TimeZone(identifier: "Asia/Shanghai")!)
        #expect(html.components(separatedBy: "<td>USE-").count - 1 == BookSummary.evidenceShown + 3)
        #expect(html.contains("<td rowspan=\"\(BookSummary.evidenceShown + 1)\">非工作时间用印"))
        #expect(html.contains("<tr><td colspan=\"5\">另有 205 条未列出（sealctl report anomalies 列出全部）</td></tr>"))
        #expect(html.contains("<td rowspan=\"3\">事由雷同"))
        #expect(html.components(separatedBy: "未列出").count == 2)
    }

    @Test("the workbook: the 异常 sheet has the shown entries and one row for the rest; the summary sheet counts them all")
    func workbook() async throws {
        var sheets = BookXLSX.SheetSet(headers: .chinese, zip: ZipStreamWriter())
        var out = BookHTMLTests.Collected()
        let summarySlot = sheets.reserve("汇总"), anomalySlot = sheets.reserve("异常")
        #expect(sheets.names == ["汇总", "异常"])
        try await sheets.addAnomalySheet(Self.summary, zone: TimeZone(identifier: "Asia/Shanghai")!, slot: anomalySlot, to: &out)
        _ = try await sheets.addSummarySheet(
            Self.summary, checkpoint: nil, filter: BookFilter(), zone: TimeZone(identifier: "Asia/Shanghai")!, slot: summarySlot, to: &out
        )
        out.bytes += try sheets.zip.finish()
        let parts = Dictionary(uniqueKeysWithValues: try await ZipReaders.python(out.bytes).map { ($0.name, String(decoding: $0.bytes, as: UTF8.self)) })
        // Each sheet goes into the place kept for it: the anomalies are sheet 2, the summary sheet 1.
        let xml = try #require(parts[SpreadsheetML.worksheetPath(anomalySlot + 1)])
        // The header row, the entries shown, and the one row saying how many more.
        #expect(xml.components(separatedBy: "<row ").count - 1 == 1 + BookSummary.evidenceShown + 1 + 3)
        #expect(xml.contains("另有 205 条未列出"))
        let summaryXML = try #require(parts[SpreadsheetML.worksheetPath(summarySlot + 1)])
        #expect(summaryXML.contains("<v>\(BookSummary.evidenceShown + 208)</v>"))
    }
}
