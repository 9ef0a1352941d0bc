import Foundation
import SealCore
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
        #expect(parsed.matters[1].name == "多行\n名称")
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
