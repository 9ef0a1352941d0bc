import Foundation
import SealCore
import SealWire
import Testing

/// `sealctl --json`'s re-indenting: the same value as the daemon's answer, laid out as Foundation's pretty printer
/// lays it out, strings untouched, and anything that is not one JSON object or array left alone.
@Suite("Pretty JSON")
struct PrettyJSONTests {
    static func pretty(_ text: String) -> String? { PrettyJSON.indent(Array(text.utf8)).map { String(decoding: $0, as: UTF8.self) } }

    @Test("layout: two spaces a level, key : value, empty lists and objects kept on one line")
    func layout() {
        #expect(Self.pretty(#"{"a":[],"b":{},"c":[1,{"x":"y"}],"d":"中"}"#) == """
            {
              "a" : [],
              "b" : {},
              "c" : [
                1,
                {
                  "x" : "y"
                }
              ],
              "d" : "中"
            }
            """)
        #expect(Self.pretty("[ ]") == "[]")
        #expect(Self.pretty(" { \"a\" :\n 1 } ") == "{\n  \"a\" : 1\n}")
    }

    @Test("strings are copied exactly, however much they look like JSON", arguments: [
        #"{"k":"a,b:c{d}[e]"}"#, #"{"k":"quote \" and backslash \\ and \\\" end"}"#, #"{"k":"\u0000\n\t 中文 / \/"}"#, #"{"k":"\\"}"#,
    ])
    func strings(json: String) throws {
        let pretty = try #require(Self.pretty(json))
        let before = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! NSDictionary
        let after = try JSONSerialization.jsonObject(with: Data(pretty.utf8)) as! NSDictionary
        #expect(before == after)
        let value = json.dropFirst(5).dropLast(1)
        #expect(pretty == "{\n  \"k\" : \(value)\n}")
    }

    @Test("a real report re-indents to the value it was")
    func sameValue() throws {
        let view = AnomalyReportView(period: ReportPeriod(from: "2026-10-01", to: nil), settings: AnomalySettingsView(ReportSettings()), anomalies: [
            AnomalyFinding(kind: "repeated-reason", title: "事由雷同", subject: "营业执照 \"加急\"", count: 2, evidence: [
                .init(ref: "USE-1", time: "2026-11-20T01:00:00Z", staff: "S001", seal: nil, detail: "case 1"),
                .init(ref: "USE-2", time: "2026-11-20T01:00:00Z", staff: nil, seal: "SEAL-0001", detail: "case 2"),
            ]),
        ])
        let compact = try WireJSON.encoder.encode(view)
        let pretty = try #require(PrettyJSON.indent(compact))
        #expect(try JSONSerialization.jsonObject(with: Data(pretty)) as! NSDictionary == JSONSerialization.jsonObject(with: compact) as! NSDictionary)
        #expect(String(decoding: pretty, as: UTF8.self).contains("\n      \"evidence\" : [\n        {\n          \"detail\" : \"case 1\","))
    }

    @Test("not one object or array: nil, so the caller prints what came", arguments: ["", "42", "\"text\"", "{\"a\":1", "{\"a\":1}}", "{}{}", "{\"a\":\"open}", "null"])
    func refused(text: String) {
        #expect(Self.pretty(text) == nil)
    }

    @Test("fed in pieces of any size, the same as whole", arguments: [1, 2, 3, 7, 64])
    func pieces(size: Int) throws {
        let json = Array(#"{"a":[],"b":{ },"c":[1,{"x":"y\"z}"}],"d":"中文","e":[[],[{}]]}"#.utf8)
        let whole = try #require(PrettyJSON.indent(json))
        var pretty = PrettyJSON()
        var out: [UInt8] = []
        for start in stride(from: 0, to: json.count, by: size) {
            try pretty.feed(json[start..<min(start + size, json.count)], into: &out)
        }
        try pretty.finish()
        #expect(out == whole)
        #expect(String(decoding: whole, as: UTF8.self).contains("\"e\" : [\n    [],\n    [\n      {}\n    ]\n  ]"))
    }
}
