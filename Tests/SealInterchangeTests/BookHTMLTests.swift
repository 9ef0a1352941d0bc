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
}
