import Testing
@testable import SealCore

@Suite("Book table cells")
struct BookTableTests {
    @Test("every column has a header in both languages")
    func lines() {
        #expect(BookTable.columns(.chinese).count == 16 && BookTable.columns(.english).count == 16)
        #expect(BookTable.widths.count == 16)
        let line = BookTable.Line(serial: 3, date: "2026-11-21", time: "14:39:57", sealName: "章", reason: "事由", approver: "李四(S002)",
                                  user: "王五(S003)", count: 2, matterCode: "XK-001", matterName: "名", caseNumber: "2026-1", method: "委托办理",
                                  urgent: true, corrections: "", note: "补盖", documentDigest: "ab")
        #expect(line.cells(.chinese).count == 16)
        #expect(line.cells(.chinese)[14] == "补盖" && BookTable.columns(.chinese)[14] == "备注")
        #expect(line.cells(.chinese)[12] == "是" && line.cells(.english)[12] == "yes")
        #expect(BookTable.methodName("acceptance", .chinese) == "委托受理")
    }

    @Test("批准人 names who approved, says who denied an urgent use, or that it waits; people are named with their id")
    func approverCell() {
        #expect(BookTable.approver("李四(S002)", denied: "", urgent: false, .chinese) == "李四(S002)")
        #expect(BookTable.approver("", denied: "李四(S002)", urgent: true, .chinese) == "已驳回 by 李四(S002)")
        #expect(BookTable.approver("", denied: "李四(S002)", urgent: true, .english) == "denied by 李四(S002)")
        #expect(BookTable.approver("", denied: "", urgent: true, .chinese) == "(待批)")
        #expect(BookTable.person(name: "张三", id: "S001") == "张三(S001)")
        #expect(BookTable.person(name: nil, id: "user:alice") == "alice", "a Unix account that is no staff member")
        #expect(BookTable.person(name: nil, id: nil) == "")
        #expect(BookTable.corrections(recorded: 2, [.init(count: 1, reason: "多盖一份作废", by: "张三(S001)", day: "2026-11-22")])
            == "2 →1 多盖一份作废 (张三(S001), 2026-11-22)")
        #expect(BookTable.corrections(recorded: 2, []) == "")
    }
}
