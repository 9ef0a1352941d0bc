import Testing
import SealCore
@testable import SealInterchange

@Suite("The HTML book's rows")
struct BookHTMLTests {
    @Test("a line written straight into the buffer is its cells escaped into a row", arguments: [0, 7, 99_999, Int.max, -3])
    func row(number: Int) {
        let line = BookTable.Line(
            serial: number, date: "2026-11-21", time: "14:39:57", sealName: "章<一>", reason: "<script>\"说\"&明\u{1}</script>", approver: "",
            user: "王五(S003)", count: number, matterCode: "XK-001", matterName: "名", caseNumber: "-1", method: "委托办理",
            urgent: number % 2 == 0, corrections: "2 →1 作废 (张三(S001), 2026-11-22)", note: "a\u{FFFE}b", documentDigest: "ab"
        )
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
}
