import Foundation
import SealCore
@testable import SealInterchange
import Testing

@Suite("Matter catalogue CSV")
struct MatterCatalogueTests {
    static var sampleURL: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Config/examples/matters.csv")
    }

    @Test("the shipped example catalogue imports cleanly")
    func sampleImports() throws {
        let parsed = MatterCatalogue.parse(try String(contentsOf: Self.sampleURL, encoding: .utf8))
        #expect(parsed.errors == [])
        #expect(parsed.matters.count >= 11)
        let xk = try #require(parsed.matters.first { $0.code == "XK-001" })
        #expect(xk.name == "个体工商户登记")
        #expect(xk.category == .administrative)
        #expect(xk.powerType == .licensing)
        #expect(parsed.matters.first { $0.code == "XK-009" }?.crossTownship == true)
        #expect(parsed.matters.first { $0.code == "XK-010" }?.nonDelegable == true)
        #expect(parsed.matters.first { $0.code == "GG-001" }?.category == .publicService)
    }

    @Test("a broken copy reports each bad line with its reason")
    func brokenCopy() {
        let text = """
            事项编码,事项名称,事项类别,权力类型,赋权部门,监管部门,跨乡镇,法定不得委托
            XK-001,个体工商户登记,行政权力事项,行政许可,县行政审批服务局,县市场监督管理局,否,否
            XK-002,乡村建设规划许可证核发,行政权利事项,行政许可,县行政审批服务局,县自然资源局,否,否
            XK-001,重复,行政权力事项,行政许可,县行政审批服务局,县市场监督管理局,否,否
            XK-003,,行政权力事项,行政许可,县行政审批服务局,县住房和城乡建设局,否,否
            GG-001,城乡居民基本养老保险参保登记,公共服务事项,,县人社局,县人社局,否,也许
            GG-002,水费缴纳,公共服务事项,,县水务局,县水务局,否,否

            """
        let parsed = MatterCatalogue.parse(text)
        #expect(parsed.errors.map(\.line) == [3, 4, 5, 6])
        #expect(parsed.errors[0].reason.contains("category"))
        #expect(parsed.errors[1].reason.contains("duplicate code XK-001 (first on line 2)"))
        #expect(parsed.errors[2].reason.contains("missing name"))
        #expect(parsed.errors[3].reason.contains("法定不得委托"))
        #expect(parsed.matters.map(\.code) == ["XK-001", "GG-002"])
    }

    @Test("English headers in any order, BOM, CRLF and quoted fields")
    func englishHeadersAndQuoting() throws {
        let text = "\u{FEFF}name,code,non_delegable,cross_township,supervising_department,delegating_department,power_type,category\r\n"
            + "\"登记, 变更\",A-1,no,false,\"县\"\"市场\"\"局\",县局,licensing,administrative\r\n"
            + "\"多行\n名称\",B-1,yes,true,县局,县局,,public-service\r\n"
        let parsed = MatterCatalogue.parse(text)
        #expect(parsed.errors == [])
        #expect(parsed.matters.count == 2)
        #expect(parsed.matters[0].name == "登记, 变更")
        #expect(parsed.matters[0].supervisingDepartment == "县\"市场\"局")
        #expect(parsed.matters[1].name == "多行 名称", "a cell broken over lines is one line of the form")
        #expect(parsed.matters[1].nonDelegable && parsed.matters[1].crossTownship)
    }

    @Test("line numbers count the physical lines of multi-line fields")
    func lineNumbersAfterMultiline() {
        let text = "code,name,category,power_type,delegating_department,supervising_department,cross_township,non_delegable\n"
            + "A,\"two\nlines\",administrative,行政许可,d,s,no,no\n"
            + "B,x,bogus,行政许可,d,s,no,no\n"
        #expect(MatterCatalogue.parse(text).errors.map(\.line) == [4])
    }

    @Test(
        "whole-file problems are one error",
        arguments: [
            ("", "empty"), ("code,name\n", "missing columns"), ("code,name,category\n\"unterminated\n", "never closed"),
        ]
    )
    func wholeFileProblems(text: String, reason: String) {
        let parsed = MatterCatalogue.parse(text)
        #expect(parsed.matters.isEmpty)
        #expect(parsed.errors.count == 1)
        #expect(parsed.errors.first?.reason.contains(reason) == true)
    }
}

@Suite("The national classification of 权力类型")
struct PowerTypeTests {
    static let header = "事项编码,事项名称,权力类型,赋权部门,监管部门,跨乡镇,法定不得委托\n"

    @Test("each national type, in its usual spellings, with no 事项类别 column", arguments: [
        ("行政许可", Matter.PowerType.licensing), ("许可", .licensing), ("行政许可类", .licensing), ("行政处罚", .penalty),
        ("行政强制", .coercion), ("行政征收", .levy), ("征收", .levy), ("行政给付", .benefit), ("行政检查", .inspection),
        ("行政确认", .confirmation), ("行政奖励", .reward), ("行政裁决", .adjudication), ("其他行政权力", .other), ("其他", .other),
        ("其他权力", .other), ("inspection", .inspection),
    ])
    func nationalTypes(text: String, type: Matter.PowerType) {
        let parsed = MatterCatalogue.parse(Self.header + "A-1,某事项,\(text),县局,县局,否,否\n")
        #expect(parsed.errors == [])
        #expect(parsed.matters.first?.powerType == type && parsed.matters.first?.category == .administrative)
    }

    @Test("公共服务 as a type of its own; category inferred, blank or absent; only contradictions refused")
    func categories() {
        let text = """
            事项编码,事项名称,事项类别,权力类型,赋权部门,监管部门,跨乡镇,法定不得委托
            A-1,养老保险参保登记,,公共服务,县人社局,县人社局,否,否
            A-2,水费缴纳,,公共服务事项,县水务局,县水务局,否,否
            A-3,个体工商户登记,,行政许可,县局,县局,否,否
            A-4,宅基地审批,行政权力事项,行政确认,县局,县局,否,否
            A-5,矛盾一,公共服务事项,行政许可,县局,县局,否,否
            A-6,矛盾二,行政权力事项,公共服务,县局,县局,否,否
            A-7,两者皆无,,,县局,县局,否,否
            A-8,错字,,行政许诺,县局,县局,否,否

            """
        let parsed = MatterCatalogue.parse(text)
        #expect(parsed.matters.map(\.code) == ["A-1", "A-2", "A-3", "A-4"])
        #expect(parsed.matters.map(\.category) == [.publicService, .publicService, .administrative, .administrative])
        #expect(parsed.matters[0].powerType == nil && parsed.matters[3].powerType == .confirmation)
        #expect(parsed.errors.map(\.line) == [6, 7, 8, 9])
        #expect(parsed.errors[0].reason.contains("public-service matter has no power type"))
        #expect(parsed.errors[1].reason.contains("contradicts"))
        #expect(parsed.errors[2].reason.contains("neither"))
        #expect(parsed.errors[3].reason.contains("行政许诺") && parsed.errors[3].reason.contains("行政裁决"), "names the bad value and the valid ones")
    }

    @Test("a catalogue with neither 事项类别 nor 权力类型 columns is refused at the header")
    func neitherColumn() {
        let parsed = MatterCatalogue.parse("事项编码,事项名称,赋权部门,监管部门,跨乡镇,法定不得委托\nA,B,C,D,否,否\n")
        #expect(parsed.errors.count == 1 && parsed.errors[0].line == 1 && parsed.errors[0].reason.contains("事项类别"))
    }

    @Test("GB18030 (what Excel and WPS save on Chinese Windows) is detected; declared encodings are kept to")
    func encodings() throws {
        let text = Self.header + "A-1,个体工商户登记,行政许可,县局,县局,否,否\n"
        let gbk = try #require(text.data(using: String.Encoding(rawValue: 0x8000_0632)))
        #expect(String(validating: Array(gbk), as: UTF8.self) == nil, "the sample is really not UTF-8")
        let detected = try #require(CatalogueText.decode(Array(gbk), declared: nil))
        #expect(detected.encoding == .gb18030 && detected.detected && detected.text == text)
        #expect(CatalogueText.decode(Array(gbk), declared: .utf8) == nil)
        #expect(CatalogueText.decode(Array(text.utf8), declared: nil)?.encoding == .utf8)
        #expect(CatalogueText.decode([0xFF, 0x80, 0x41], declared: nil) == nil, "neither: refused, not guessed")
        #expect(CatalogueText.Encoding(charset: "GBK") == .gb18030)
    }

    @Test("a field longer than its limit, or holding a control character, is refused with the field's name")
    func limits() {
        #expect(FieldLimits.problem(field: "reason", value: String(repeating: "事", count: 200)) == nil)
        #expect(FieldLimits.problem(field: "reason", value: String(repeating: "事", count: 201))?.contains("at most 200") == true)
        #expect(FieldLimits.problem(field: "reason", value: "盖章\u{1B}[31m红字")?.contains("U+001B") == true)
        #expect(FieldLimits.problem(field: "note", value: "第一行\n第二行")?.contains("control character") == true)
        #expect(FieldLimits.problem(field: "whatever", value: String(repeating: "a", count: 501)) != nil)
    }
}
