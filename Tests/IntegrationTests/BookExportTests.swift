import Foundation
import Testing

@Suite("Exports for inspectors on a real daemon", .ownThreads)
struct BookExportTests {
    /// Two seals with uses, one reason that a spreadsheet would take for a formula, a correction.
    func township(_ daemon: RunningDaemon) throws {
        try setUpTownship(daemon)
        for (seal, matter, reason, count) in [
            ("SEAL-0001", "XK-001", "个体工商户设立登记决定书", 2), ("SEAL-0002", "GG-001", "=HYPERLINK(\"http://evil\",\"点击\")", 1),
            ("SEAL-0001", "XK-001", "准予变更登记决定书, 第二份", 1),
        ] {
            let id = try ok(daemon, ["--as", "S003", "request", "create", "--seal", seal, "--matter", matter, "--case", "2026-\(matter)-\(Int.random(in: 100...999))",
                                     "--purpose", "decision", "--reason", reason, "--count", String(count)]).trimmingCharacters(in: .whitespacesAndNewlines)
            try ok(daemon, ["--as", "S002", "request", "approve", id])
            try ok(daemon, ["--as", "S001", "use", "record", id, "--count", String(count)])
        }
        try ok(daemon, ["use", "correct", "USE-000001", "--count", "1", "--reason", "多盖一份作废"])
    }

    @Test("CSV: BOM, CRLF, the paper book's columns, every cell as the book has it, formulas neutralised")
    func csv() async throws {
        let daemon = try RunningDaemon(name: "export-csv")
        try daemon.start()
        try township(daemon)
        let out = daemon.directory.appendingPathComponent("book.csv")
        let result = try daemon.sealctl(["book", "export", "--format", "csv", "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        let bytes = try Data(contentsOf: out)
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(text.hasPrefix("序号,日期,时间,印章名称,事由,批准人,用印人,用印数,事项编码,事项名称,办件编号,实施方式,紧急,更正,备注,文件摘要\r\n"))
        // Python's csv module as the standard parser: every row has 16 cells, and they equal the book's lines.
        let script = """
            import csv, json, sys
            with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
                print(json.dumps(list(csv.reader(f))))
            """
        let parsed = try runCommand("/usr/bin/env", ["python3", "-c", script, out.path])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(parsed.stdout.utf8)) as? [[String]])
        #expect(rows.count == 4)
        #expect(rows.allSatisfy { $0.count == 16 })
        let book = try #require(try jsonObject(try ok(daemon, ["--json", "book", "list"]))["uses"] as? [[String: Any]])
        for line in book {
            let sealName = line["seal_name"] as! String
            let row = try #require(rows.first { $0[3] == sealName && $0[0] == String(line["serial"] as! Int) })
            #expect(row[1] == line["local_date"] as? String)
            #expect(row[2] == line["local_time"] as? String)
            let reason = line["reason"] as! String
            #expect(row[4] == (reason.hasPrefix("=") ? "'" + reason : reason))
            #expect(row[5] == "\(line["approver_name"] as! String)(\(line["approver"] as! String))")
            #expect(row[6] == "\(line["user_name"] as! String)(\(line["user"] as! String))")
            #expect(row[7] == String(line["count"] as! Int))
            #expect(row[8] == line["matter"] as? String && row[10] == line["case_number"] as? String)
        }
        #expect(rows.contains { $0[13].contains("多盖一份作废") && $0[7] == "1" })
        #expect(rows.contains { $0[11] == "委托办理" })
        // English headers, a filter, and a refusal for a clerk.
        let english = try ok(daemon, ["book", "export", "--headers", "en", "--seal", "SEAL-0002"])
        #expect(english.contains("No.,Date,Time,Seal,Reason") && english.split(separator: "\r\n").count == 2)
        try refused(daemon, ["--as", "S003", "book", "export"], "forbidden")
    }

    @Test("XLSX: a sheet per seal read back by openpyxl, every cell as the book has it, header frozen, dates as dates")
    func xlsx() async throws {
        let daemon = try RunningDaemon(name: "export-xlsx")
        try daemon.start()
        try township(daemon)
        let out = daemon.directory.appendingPathComponent("book.xlsx")
        let result = try daemon.sealctl(["book", "export", "--format", "xlsx", "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        // openpyxl (a reader nobody here wrote) opens it; dates come back as datetime objects, numbers as ints.
        let script = """
            import json, sys, datetime, openpyxl
            wb = openpyxl.load_workbook(sys.argv[1])
            out = []
            for ws in wb.worksheets:
                rows = []
                for row in ws.iter_rows(values_only=True):
                    rows.append([v.isoformat() if isinstance(v, (datetime.datetime, datetime.time)) else v for v in row])
                out.append({"name": ws.title, "frozen": ws.freeze_panes, "rows": rows, "filter": ws.auto_filter.ref,
                            "widths": [ws.column_dimensions[c].width for c in "ABCDEFGHIJKLMNO"],
                            "date_type": type(ws["B2"].value).__name__ if ws.max_row > 1 else None})
            import zipfile, xml.dom.minidom
            z = zipfile.ZipFile(sys.argv[1])
            chart = xml.dom.minidom.parseString(z.read("xl/charts/chart1.xml"))
            out.append({"chart_series": [s.getElementsByTagName("c:v")[0].firstChild.data for s in chart.getElementsByTagName("c:ser")],
                        "chart_refs": [f.firstChild.data for f in chart.getElementsByTagName("c:f")],
                        "drawing": "xl/drawings/drawing1.xml" in z.namelist()})
            print(json.dumps(out, ensure_ascii=False))
            """
        // Debian's python3-openpyxl (make deps installs it) lives with the system interpreter.
        let parsed = try runCommand("/usr/bin/python3", ["-c", script, out.path])
        #expect(parsed.status == 0, "\(parsed.stderr)")
        // Streamed as it is made, the archive still reads as a workbook to file(1) (first entry the package's
        // relationships, third under xl/), and Info-ZIP finds every local header and data descriptor sound.
        let type = try runCommand("/usr/bin/file", ["-b", out.path])
        #expect(type.stdout.hasPrefix("Microsoft Excel 2007+"), "\(type.stdout)")
        let tested = try runCommand("/usr/bin/unzip", ["-t", out.path])
        #expect(tested.status == 0 && tested.stdout.contains("No errors detected") && !tested.stdout.contains("warning"), "\(tested.stdout)\(tested.stderr)")
        var sheets = try #require(try JSONSerialization.jsonObject(with: Data(parsed.stdout.utf8)) as? [[String: Any]])
        let chart = sheets.removeLast()
        #expect(sheets.map { $0["name"] as! String } == ["汇总", "异常", "SEAL-0001 XX镇人民政府行政审批委托专用章", "SEAL-0002 XX镇人民政府业务专用章", "检查点"])
        // The summary: totals with 合计 as numbers, and a native chart whose series are the seals, drawn from the sheet's cells.
        let summary = sheets[0]["rows"] as! [[Any]]
        let sum = try #require(summary.first { ($0.first as? String) == "合计" })
        #expect(sum[2] as? Int == 3 && sum[3] as? Int == 3, "3 uses; 2 + 1 + 1 impressions, one corrected from 2 to 1")
        #expect(chart["chart_series"] as? [String] == ["XX镇人民政府行政审批委托专用章", "XX镇人民政府业务专用章"])
        #expect((chart["chart_refs"] as? [String] ?? []).allSatisfy { $0.hasPrefix("'汇总'!$") }, "\(chart)")
        #expect(chart["drawing"] as? Bool == true)
        for sheet in sheets[2...3] {
            #expect(sheet["filter"] as? String == "A1:P\((sheet["rows"] as! [[Any]]).count)", "an autofilter over the header and every line")
            #expect(sheet["frozen"] as? String == "A2")
            #expect(sheet["date_type"] as? String == "datetime")
            let widths = sheet["widths"] as! [Double]
            #expect(widths[3] >= 30 && widths[4] >= 30, "seal name and reason columns fit Chinese text")
            let header = (sheet["rows"] as! [[Any]])[0].map { "\($0)" }
            #expect(header == ["序号", "日期", "时间", "印章名称", "事由", "批准人", "用印人", "用印数", "事项编码", "事项名称", "办件编号", "实施方式", "紧急", "更正", "备注", "文件摘要"])
        }
        let book = try #require(try jsonObject(try ok(daemon, ["--json", "book", "list"]))["uses"] as? [[String: Any]])
        #expect(book.count == 3)
        for line in book {
            let sheet = try #require(sheets.first { ($0["name"] as! String).hasPrefix(line["seal"] as! String) })
            let rows = (sheet["rows"] as! [[Any]]).dropFirst()
            let row = try #require(rows.first { ($0[0] as? Int) == line["serial"] as? Int })
            #expect(row[1] as? String == "\(line["local_date"] as! String)T00:00:00")
            #expect(row[2] as? String == line["local_time"] as? String)
            #expect(row[3] as? String == line["seal_name"] as? String)
            #expect(row[4] as? String == line["reason"] as? String, "text is kept verbatim: an inline string is never a formula")
            #expect(row[5] as? String == "\(line["approver_name"] as! String)(\(line["approver"] as! String))")
            #expect(row[6] as? String == "\(line["user_name"] as! String)(\(line["user"] as! String))")
            #expect(row[7] as? Int == line["count"] as? Int)
            #expect(row[8] as? String == line["matter"] as? String && row[10] as? String == line["case_number"] as? String)
            #expect(row[11] as? String == "委托办理")
        }
        let total = sheets[2...3].map { ($0["rows"] as! [[Any]]).count - 1 }.reduce(0, +)
        #expect(total == 3)
        let corrected = (sheets[2]["rows"] as! [[Any]]).dropFirst().first { ($0[13] as? String)?.contains("多盖一份作废") == true }
        #expect(corrected?[7] as? Int == 1)
        let checkpoint = try jsonObject(try ok(daemon, ["--json", "book", "checkpoint"]))
        let info = (sheets[4]["rows"] as! [[Any]]).map { $0.map { "\($0)" } }
        #expect(info.contains(["root", checkpoint["root_hex"] as! String]))
        #expect(info.contains(["条目数", String(checkpoint["size"] as! Int)]))
        // The scratch files are gone once the export is sent.
        let scratch = daemon.directory.appendingPathComponent("state/export-tmp")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: scratch.path))?.isEmpty ?? true)
    }

    @Test("HTML: one printable section per seal with its delegations and the checkpoint in the footer")
    func html() async throws {
        let daemon = try RunningDaemon(name: "export-html")
        try daemon.start()
        try township(daemon)
        let page = try ok(daemon, ["book", "export", "--format", "html", "--from", "2020-01-01", "--to", "2099-12-31"])
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.components(separatedBy: "<section>").count == 3)
        #expect(page.contains("break-after: page"))
        for text in ["XX镇人民政府行政审批委托专用章 (SEAL-0001)", "委托协议2026-01", "张三(S001)", "个体工商户设立登记决定书"] {
            #expect(page.contains(text), "html lacks \(text)")
        }
        #expect(!page.contains("<a href"), "cells are escaped")
        let checkpoint = try jsonObject(try ok(daemon, ["--json", "book", "checkpoint"]))
        #expect(page.contains("root \(checkpoint["root_hex"] as! String)"))
    }
}
