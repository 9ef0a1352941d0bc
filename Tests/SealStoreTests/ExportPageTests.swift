import Foundation
import GRDB
import SealBook
import SealCore
import Testing

@testable import SealStore

/// An export page read straight from SQLite (`BookLineQuery.exportLines`): the 实施方式 column, corrections and the
/// window, as an inspector's export shows them.
@Suite("Export pages")
struct ExportPageTests {
    static func actor(_ staff: String) -> JournalActor { JournalActor(staff: staff, user: "u\(staff)", uid: 1000) }

    /// A seal under two delegations covering the same matter, the first (by id) with `first` as its method and the
    /// second with the other; one decision request of 3, used twice, the first use corrected.
    static func book(_ name: String, first: Delegation.Method) async throws -> (Register, URL, ExportSeal) {
        let (register, directory) = try makeRegister(name)
        let seal = try await register.withWriter { () async throws -> ExportSeal in
            _ = try await register.addStaff(Staff(id: "S001", name: "张三", roles: [.admin, .clerk]), actor: admin)
            _ = try await register.addStaff(Staff(id: "S002", name: "李四", roles: [.approver]), actor: admin)
            let matter = Matter(code: "XK-001", name: "个体工商户设立登记", category: .administrative, powerType: .licensing,
                                delegatingDepartment: "县市场监管局", supervisingDepartment: "县司法局", crossTownship: false, nonDelegable: false)
            _ = try await register.importMatters([matter], actor: admin)
            let seal = try await register.addSeal(.init(name: "XX镇行政审批委托专用章", kind: .delegatedApproval, medium: .physical,
                                                        owner: "县行政审批服务局", holder: "XX镇人民政府", custodian: "S001"), actor: admin)
            _ = try await register.transitionSeal(id: seal.id, action: .activate, reason: nil, witness: nil, actor: admin)
            for (number, method) in [("委托2026-01", first), ("委托2026-02", first == .handling ? Delegation.Method.acceptance : .handling)] {
                _ = try await register.addDelegation(DelegationRules.Draft(
                    agreementNumber: number, delegatingDepartment: "县行政审批服务局", township: "XX镇", supervisingDepartment: "县司法局",
                    validFrom: LocalDate("2026-01-01")!, validTo: LocalDate("2099-12-31")!, filingNumber: "备\(number)", filedOn: LocalDate("2026-01-05")!,
                    seals: [seal.id], matters: [.init(code: "XK-001", method: method)]
                ), actor: admin)
            }
            let request = try await register.createRequest(.init(seal: seal.id, matter: "XK-001", caseNumber: "2026-1", purpose: .decision,
                                                                 reason: "设立登记决定书", count: 3, documentDigest: nil, urgent: false), actor: actor("S001"))
            _ = try await register.approveRequest(id: request.id, count: nil, until: nil, actor: actor("S002"))
            let use = try await register.recordUse(request: request.id, count: 1, note: "第一份", actor: actor("S001"), actorIsAdmin: true)
            _ = try await register.recordUse(request: request.id, count: 1, note: nil, actor: actor("S001"), actorIsAdmin: true)
            _ = try await register.correctUse(id: use.id, count: 2, reason: "实际盖了两份", actor: admin)
            return try #require(try await register.exportSeals(BookFilter()).first)
        }
        return (register, directory, seal)
    }

    @Test("实施方式 is the method of the first delegation, by id, covering the seal and the matter", arguments: [Delegation.Method.handling, .acceptance])
    func methodOfFirstDelegation(first: Delegation.Method) async throws {
        let (register, directory, seal) = try await Self.book("method-\(first)", first: first)
        defer { try? FileManager.default.removeItem(at: directory) }
        let lines = try await register.exportPage(seal, BookFilter(), serials: seal.serials, headers: .chinese)
        #expect(lines.map(\.line.method) == Array(repeating: first == .handling ? "委托办理" : "委托受理", count: 2))
    }

    @Test("a page holds its lines in 序号 order with their corrections, names and counts; a matter filter keeps none of another")
    func linesAndCorrections() async throws {
        let (register, directory, seal) = try await Self.book("lines", first: .handling)
        defer { try? FileManager.default.removeItem(at: directory) }
        let lines = try await register.exportPage(seal, BookFilter(), serials: seal.serials, headers: .chinese).map(\.line)
        #expect(lines.map(\.serial) == [1, 2])
        #expect(lines.map(\.count) == [2, 1])
        #expect(lines.map(\.approver) == ["李四(S002)", "李四(S002)"])
        #expect(lines.map(\.user) == ["张三(S001)", "张三(S001)"])
        #expect(lines[0].corrections.contains("实际盖了两份") && lines[0].corrections.contains("张三") == false)
        #expect(lines[1].corrections == "")
        #expect(lines.map(\.note) == ["第一份", ""])
        let second = try await register.exportPage(seal, BookFilter(), serials: 2...2, headers: .chinese)
        #expect(second.map(\.line.serial) == [2])
        #expect(try await register.exportPage(seal, BookFilter(matter: "XK-999"), serials: seal.serials, headers: .chinese).isEmpty)
    }

    @Test("a page's corrections are looked up per line by use (use_correction_by_use), not by reading every correction in the book")
    func correctionsByUse() async throws {
        let (register, directory, seal) = try await Self.book("plan", first: .handling)
        defer { try? FileManager.default.removeItem(at: directory) }
        let plan = try await register.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + BookLineQuery.pageCorrections, arguments: [seal.seal.id, 1, 2000])
                .map { $0["detail"] as String }.joined(separator: "\n")
        }
        #expect(plan.contains("USING INDEX use_correction_by_use (use_id=?)"), "\(plan)")
        #expect(!plan.contains("SCAN c"), "\(plan)")
        // And the page still shows its correction.
        let lines = try await register.exportPage(seal, BookFilter(), serials: seal.serials, headers: .chinese)
        #expect(lines.first?.line.count == 2)
    }

    @Test("a report reads the period's uses in the order of use_record_by_time_id (time, then id), never sorting them")
    func usesByTimeAndID() async throws {
        let (register, directory, _) = try await Self.book("uses-plan", first: .handling)
        defer { try? FileManager.default.removeItem(at: directory) }
        for filter in [BookFilter(), BookFilter(matter: "XK-001"), BookFilter(user: "S001")] {
            let (sql, arguments) = AuditFactSource.usesQuery(filter, lower: "2000-01-01T00:00:00Z", upper: "2100-01-01T00:00:00Z")
            let plan = try await register.pool.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }.joined(separator: "\n")
            }
            #expect(plan.contains("USING INDEX use_record_by_time_id (time>? AND time<?)"), "\(plan)")
            #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
        }
    }
}
