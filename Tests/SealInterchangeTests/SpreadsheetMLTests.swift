import Testing
import SealCore
@testable import SealInterchange

@Suite("SpreadsheetML parts of the XLSX book")
struct SpreadsheetMLTests {
    @Test("day numbers match Excel's 1900 date system", arguments: [
        ("1900-03-01", 61), ("1970-01-01", 25_569), ("2000-02-29", 36_585), ("2026-11-21", 46_347), ("2099-12-31", 73_050),
    ])
    func serials(date: String, serial: Int) throws {
        #expect(SpreadsheetML.serial(try #require(LocalDate(date))) == serial)
    }

    @Test("times are fractions of a day", arguments: [(0, "0.0"), (1, "1.1574074074074073e-05"), (43_200, "0.5"), (52_797, "0.6110763888888889"), (86_399, "0.999988425925926")])
    func times(seconds: Int, fraction: String) {
        #expect(SpreadsheetML.timeFraction(seconds) == fraction)
    }

    @Test("every second of the day is written as exactly the double Excel stores for it, so no reader shows the second before")
    func everySecond() {
        for seconds in 0..<86_400 {
            let text = SpreadsheetML.timeFraction(seconds)
            guard Double(text) == Double(seconds) / 86_400 else {
                Issue.record("\(seconds) s written as \(text)")
                return
            }
        }
    }

    @Test("column letters", arguments: [(0, "A"), (14, "O"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")])
    func columns(index: Int, letters: String) {
        #expect(SpreadsheetML.column(index) == letters)
    }

    @Test("text is escaped and control characters XML cannot carry are dropped")
    func escaping() {
        #expect(SpreadsheetML.escape("<a href=\"x\">&</a>") == "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;")
        #expect(SpreadsheetML.escape("一\u{0}二\u{1B}三\n四\t") == "一二三\n四\t")
    }

    @Test("escaping on the bytes equals escaping scalar by scalar, for text mixing markup, controls, CJK, U+FFFD…U+FFFF and emoji")
    func escapingBytesMatchesScalars() {
        /// The rule scalar by scalar, as XML 1.0 states it.
        func reference(_ text: String) -> String {
            var out = ""
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
        let pool: [Unicode.Scalar] = ["a", "&", "<", ">", "\"", "'", "\u{0}", "\u{1F}", "\t", "\n", "\r", "\u{7F}", "章", "\u{3000}", "\u{FFFD}",
                                      "\u{FFFE}", "\u{FFFF}", "\u{EFBF}", "\u{1F600}", "\u{10FFFF}"]
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 2, 3, 5, 40] {
            for _ in 0..<400 {
                var text = ""
                for _ in 0..<length { text.unicodeScalars.append(pool.randomElement(using: &generator)!) }
                #expect(SpreadsheetML.escape(text) == reference(text), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            }
        }
    }

    @Test("sheet names: 31 characters at most, no []:*?/\\, unique")
    func sheetNames() {
        #expect(SpreadsheetML.sheetName("SEAL-0001 XX镇人民政府行政审批委托专用章", taken: []) == "SEAL-0001 XX镇人民政府行政审批委托专用章")
        let long = String(repeating: "章", count: 40)
        #expect(SpreadsheetML.sheetName(long, taken: []).count == 31)
        #expect(SpreadsheetML.sheetName(long, taken: [String(long.prefix(31))]) == String(long.prefix(27)) + " (2)")
        #expect(SpreadsheetML.sheetName("a/b[c]:d*e?f\\g", taken: []) == "a_b_c__d_e_f_g")
        #expect(SpreadsheetML.sheetName("'quoted'", taken: []) == "quoted")
    }

    @Test("a book line becomes numbers, a date, a time and inline strings; empty cells are left out")
    func rows() {
        let line = BookTable.Line(serial: 3, date: "2026-11-21", time: "14:39:57", sealName: "章", reason: "=1+1", approver: "李四(S002)",
                                  user: "王五(S003)", count: 2, matterCode: "XK-001", matterName: "名", caseNumber: "2026-1", method: "委托办理",
                                  urgent: false, corrections: "", documentDigest: "")
        let cells = line.spreadsheetCells(.chinese)
        #expect(cells[0] == .number(3) && cells[1] == .date(LocalDate("2026-11-21")!) && cells[2] == .time(52_797) && cells[7] == .number(2))
        #expect(cells[4] == .text("=1+1"))
        let xml = SpreadsheetML.row(2, cells)
        #expect(xml.hasPrefix(#"<row r="2"><c r="A2"><v>3</v></c><c r="B2" s="1"><v>46347</v></c><c r="C2" s="2"><v>0.6110763888888889</v></c>"#))
        #expect(xml.contains(#"<c r="E2" t="inlineStr"><is><t>=1+1</t></is></c>"#))
        #expect(!xml.contains(#"r="M2""#) && !xml.contains(#"r="O2""#))
        #expect(SpreadsheetML.row(1, [.text("a<b"), .number(-5), .text(""), .date(LocalDate("1970-01-01")!)], style: .header)
            == #"<row r="1"><c r="A1" s="3" t="inlineStr"><is><t>a&lt;b</t></is></c><c r="B1" s="3"><v>-5</v></c><c r="D1" s="1"><v>25569</v></c></row>"#)
        #expect(SpreadsheetML.row(27, [.time(0)]).contains(#"<c r="A27" s="2"><v>0.0</v></c>"#))
    }

    @Test("xml:space=\"preserve\" only where Excel would drop white space: at either end, or a tab or line break")
    func keptSpace() {
        for (text, kept) in [("a b", false), (" a", true), ("a ", true), ("a\nb", true), ("a\tb", true), ("a\r", true), ("事由", false), ("", false), ("\u{3000}全角", false)] {
            #expect(SpreadsheetML.keepsSpace(text) == kept, "\(text.debugDescription)")
            let xml = SpreadsheetML.row(1, [.text(text)])
            #expect(xml.contains("xml:space=\"preserve\"") == (kept && !text.isEmpty), "\(xml)")
        }
    }

    @Test("a line written straight from its fields is the row its cells make, byte for byte")
    func lineRows() {
        var lines = (1...40).map { BookTable.Line.awkward($0) }
        var odd = BookTable.Line.awkward(41)
        odd.date = "2026-13-01"  // not a date: text
        odd.time = "9:5:1"  // three numbers: a time, as the cells read it
        lines.append(odd)
        odd.time = "24h"
        odd.reason = " leading space"
        odd.sealName = ""
        lines.append(odd)
        for (i, line) in lines.enumerated() {
            for headers in BookTable.Headers.allCases {
                var direct: [UInt8] = Array("前".utf8)
                SpreadsheetML.append(line: line, headers, row: i + 2, to: &direct)
                #expect(String(decoding: direct, as: UTF8.self) == "前" + SpreadsheetML.row(i + 2, line.spreadsheetCells(headers)))
            }
        }
        #expect(BookTable.Line.secondsOfDay("23:59:59") == 86_399 && BookTable.Line.secondsOfDay("9:5:1") == 32_701)
        #expect(BookTable.Line.secondsOfDay("23:5x:59") == nil && BookTable.Line.secondsOfDay("") == nil)
    }

    @Test("a workbook's line refers to the shared strings for the registry's names and is, read through the table, the line written inline")
    func sharedStringRows() throws {
        // Names repeating across lines, markup, white space to keep at the ends, a line break, and spellings that are
        // canonically equivalent but written differently (kept apart, as Excel keeps them).
        var lines: [BookTable.Line] = []
        for i in 1...60 {
            var line = BookTable.Line.awkward(i)
            line.sealName = ["章,<一>", " 前有空格", "SEAL &amp; 2", "é", "e\u{301}"][i % 5]
            line.approver = i % 3 == 0 ? "" : "李四(S00\(i % 4))"
            line.user = i % 7 == 0 ? "王五\n(S003)" : "王五(S003)"
            line.matterName = i % 2 == 0 ? "名" : "个体工商户登记 "
            lines.append(line)
        }
        var shared = SpreadsheetML.SharedStrings()
        var sharedRows: [UInt8] = [], inlineRows: [UInt8] = []
        for (i, line) in lines.enumerated() {
            SpreadsheetML.append(line: line, .chinese, row: i + 2, shared: &shared, to: &sharedRows)
            SpreadsheetML.append(line: line, .chinese, row: i + 2, to: &inlineRows)
        }
        // The table holds each distinct text once, byte for byte, in the order first met.
        var expected: [String] = []
        var references = 0
        for line in lines {
            for (column, text) in [(3, line.sealName), (5, line.approver), (6, line.user), (8, line.matterCode), (9, line.matterName), (11, line.method), (12, line.urgent ? "是" : "")] where !text.isEmpty {
                #expect(SpreadsheetML.sharedColumns[column])
                references += 1
                if !expected.contains(where: { Array($0.utf8) == Array(text.utf8) }) { expected.append(text) }
            }
        }
        #expect(shared.strings.map { Array($0.utf8) } == expected.map { Array($0.utf8) } && shared.references == references)
        #expect(SpreadsheetML.sharedColumns.enumerated().filter(\.element).map(\.offset) == [3, 5, 6, 8, 9, 11, 12])
        // Each reference replaced by the text it names, written inline, gives the inline rows exactly.
        let reference = try Regex(#"<c r="([A-Z]+[0-9]+)" t="s"><v>([0-9]+)</v></c>"#)
        let resolved = String(decoding: sharedRows, as: UTF8.self).replacing(reference) { match in
            let cell = String(match.output[1].substring!)
            let text = shared.strings[Int(match.output[2].substring!)!]
            return SpreadsheetML.row(1, [.text(text)]).replacingOccurrences(of: #"<row r="1"><c r="A1""#, with: #"<c r="\#(cell)""#).replacingOccurrences(of: "</row>", with: "")
        }
        #expect(resolved == String(decoding: inlineRows, as: UTF8.self))
        #expect(sharedRows.count < inlineRows.count * 4 / 5, "\(sharedRows.count) of \(inlineRows.count) bytes")
        // The part: every text escaped as inline text is, white space at the ends kept, the counts Excel checks.
        let xml = shared.xml
        #expect(xml.hasPrefix(#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n" + #"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="\#(references)" uniqueCount="\#(expected.count)">"#))
        #expect(xml.contains("<si><t>章,&lt;一&gt;</t></si>") && xml.contains(#"<si><t xml:space="preserve"> 前有空格</t></si>"#) && xml.contains("<si><t>SEAL &amp;amp; 2</t></si>"))
        #expect(xml.contains(#"<si><t xml:space="preserve">王五"# + "\n" + "(S003)</t></si>") && xml.hasSuffix("</sst>"))
        #expect(SpreadsheetML.SharedStrings().xml.hasSuffix(#"count="0" uniqueCount="0"></sst>"#))
    }
}
