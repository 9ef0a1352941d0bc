import Foundation
import Testing
import SealCore
@testable import SealInterchange

@Suite("The HTML book's rows")
struct BookHTMLTests {
    @Test("a line written straight into the buffer is its cells escaped into a row", arguments: [0, 7, 99_999, Int.max, -3])
    func row(number: Int) {
        let line = BookTable.Line.awkward(number)
        for headers in BookTable.Headers.allCases {
            // The row as the cells give it, escaped one by one.
            var expected = "<tr>"
            for (i, cell) in line.cells(headers).enumerated() {
                let cls = i == 0 || i == BookTable.countColumn ? " class=\"n\"" : i == BookTable.digestColumn ? " class=\"d\"" : ""
                expected += "<td\(cls)>\(BookHTML.escape(cell))</td>"
            }
            expected += "</tr>\n"
            var bytes: [UInt8] = Array("前".utf8)
            BookHTML.RowWriter.append(line, headers, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == "前" + expected)
            #expect(!expected.contains("<script>") && expected.contains("&lt;script&gt;"))
        }
    }

    struct Collected: ExportSink {
        var bytes: [UInt8] = []
        mutating func write(_ text: String) async throws { bytes += text.utf8 }
        mutating func write(bytes more: some Collection<UInt8>) async throws { bytes += more }
    }

    static func book(summary: @escaping @Sendable () async throws -> BookSummary, scratch: URL, holdLimit: Int) async throws -> String {
        let seals = [BookPagesTests.seal("SEAL-A", 1...3_000), BookPagesTests.seal("SEAL-B", 1...40)]
        let pages = BookPages(size: 500) { _, range in range.map { BookPagesTests.line($0) } }
        var out = Collected()
        try await BookHTML.write(
            pages: pages, seals: seals, filter: BookFilter(), headers: .chinese, checkpoint: nil, summary: summary, zone: TimeZone(identifier: "Asia/Shanghai")!,
            scratch: scratch, holdLimit: holdLimit, to: &out
        )
        return String(decoding: out.bytes, as: UTF8.self)
    }

    @Test("the summary read while the lines are rendered: the same page whether it is ready at once or after every line, held in memory or in a file")
    func summaryReadBeside() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("html-held-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let summary = BookSummaryTests.summary
        let atOnce = try await Self.book(summary: { summary }, scratch: scratch, holdLimit: 4 << 20)
        #expect(atOnce.contains("另有 205 条未列出"), "the summary is on the page")
        let summaryAt = try #require(atOnce.range(of: "另有 205 条未列出")?.lowerBound)
        let firstLine = try #require(atOnce.range(of: "<tr><td class=\"n\">1</td>")?.lowerBound)
        #expect(summaryAt < firstLine, "the summary comes first")
        for limit in [1 << 10, 4 << 20] {
            // Ready only once the last page has been read: every line is held, in memory or (small limit) in a file.
            let late = try await Self.book(summary: {
                try await Task.sleep(for: .milliseconds(300))
                return summary
            }, scratch: scratch, holdLimit: limit)
            #expect(late == atOnce, "hold limit \(limit)")
        }
        // The scratch file was unlinked as soon as it was opened.
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: scratch.path)) ?? []).isEmpty)
        // A summary that fails fails the export.
        await #expect(throws: CancellationError.self) {
            _ = try await Self.book(summary: { throw CancellationError() }, scratch: scratch, holdLimit: 1 << 10)
        }
    }
}
