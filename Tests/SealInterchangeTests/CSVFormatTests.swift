import SealCore
import Testing
@testable import SealInterchange

@Suite("CSV for Excel and WPS")
struct CSVFormatTests {
    @Test("CSV fields: quoting, doubled quotes, line breaks, formula injection", arguments: [
        ("个体工商户设立登记决定书", "个体工商户设立登记决定书"),
        ("a,b", "\"a,b\""),
        ("说\"明\"", "\"说\"\"明\"\"\""),
        ("第一行\n第二行", "\"第一行\n第二行\""),
        ("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""),
        ("+86 123", "'+86 123"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("", ""),
    ])
    func fields(raw: String, expected: String) {
        #expect(CSVFormat.field(raw) == expected)
    }

    @Test("a line ends with CRLF")
    func lines() {
        #expect(CSVFormat.line(["1", "a,b"]) == "1,\"a,b\"\r\n")
    }

    @Test("a book line written straight into the buffer is its cells' CSV line", arguments: [0, 7, 10, 99_999, 1_000_000, Int.max, -3])
    func bookLine(number: Int) {
        let line = BookTable.Line.awkward(number)
        for headers in BookTable.Headers.allCases {
            var bytes: [UInt8] = Array("前".utf8)
            CSVFormat.append(line: line, headers, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == "前" + CSVFormat.line(line.cells(headers)))
        }
    }
}
