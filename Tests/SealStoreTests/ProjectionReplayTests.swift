import Foundation
import GRDB
import Logging
import SealBook
import SealCore
import SealWire
import Testing

@testable import SealStore

/// The registry tables are what the journal says: replaying a register's journal through `RegisterProjection` into
/// an empty register rebuilds every table exactly.
@Suite("The journal projects onto the tables")
struct ProjectionReplayTests {
    static func actor(_ staff: String) -> JournalActor { JournalActor(staff: staff, user: "u\(staff)", uid: 1000) }

    /// A township's history touching every kind of event that changes a table.
    static func scenario(_ register: Register) async throws {
        _ = try await register.addStaff(Staff(id: "S001", name: "张三", roles: [.admin, .clerk]), actor: admin)
        _ = try await register.addStaff(Staff(id: "S002", name: "李四", roles: [.approver]), actor: admin)
        _ = try await register.addStaff(Staff(id: "S003", name: "王五", roles: [.clerk], unixUser: "wangwu"), actor: admin)
        _ = try await register.addStaff(Staff(id: "S004", name: "赵六", roles: [.clerk]), actor: admin)
        _ = try await register.disableStaff(id: "S004", actor: admin)
        let xk = Matter(code: "XK-001", name: "个体工商户设立登记", category: .administrative, powerType: .licensing,
                        delegatingDepartment: "县市场监管局", supervisingDepartment: "县司法局", crossTownship: false, nonDelegable: false)
        _ = try await register.importMatters([xk], actor: admin)
        var renamed = xk
        renamed.name = "个体工商户登记"
        _ = try await register.importMatters([renamed], actor: admin)
        let physical = try await register.addSeal(.init(name: "XX镇行政审批委托专用章", kind: .delegatedApproval, medium: .physical,
                                                        owner: "县行政审批服务局", holder: "XX镇人民政府", custodian: "S001"), actor: admin)
        let electronic = try await register.addSeal(.init(name: "XX镇电子章", kind: .delegatedApproval, medium: .electronic,
                                                          owner: "县行政审批服务局", holder: "XX镇人民政府", custodian: "S001"), actor: admin)
        let spare = try await register.addSeal(.init(name: "备用章", kind: .delegatedApproval, medium: .physical,
                                                     owner: "县行政审批服务局", holder: "XX镇人民政府", custodian: "S001"), actor: admin)
        for seal in [physical, electronic, spare] { _ = try await register.transitionSeal(id: seal.id, action: .activate, reason: nil, witness: nil, actor: admin) }
        _ = try await register.transitionSeal(id: spare.id, action: .suspend, reason: "暂停", witness: nil, actor: admin)
        let draft = DelegationRules.Draft(
            agreementNumber: "委托2026-01", delegatingDepartment: "县行政审批服务局", township: "XX镇", supervisingDepartment: "县司法局",
            validFrom: LocalDate("2026-01-01")!, validTo: LocalDate("2099-12-31")!, filingNumber: "备2026-3", filedOn: LocalDate("2026-01-05")!,
            seals: [physical.id, electronic.id, spare.id], matters: [.init(code: "XK-001", method: .handling)]
        )
        _ = try await register.addDelegation(draft, actor: admin)
        var second = draft
        second.agreementNumber = "委托2026-02"
        let revoked = try await register.addDelegation(second, actor: admin)
        _ = try await register.revokeDelegation(id: revoked.id, reason: "重复", actor: admin)
        _ = try await register.handover(seal: spare.id, to: "S003", witness: "S002", actor: admin)
        _ = try await register.carryOut(seal: physical.id, carrier: "S003", reason: "外出办件", due: Date().addingTimeInterval(3600), approver: "S002", actor: admin)
        _ = try await register.returnSeal(physical.id, actor: admin)
        _ = try await register.bindCard(seal: electronic.id, certificate: Data([0x30, 0x03, 0x02, 0x01, 0x01]), fingerprint: "ab12", subject: "CN=XX镇",
                                        reader: "Virtual PCD 00 00", actor: actor("S001"))

        func request(_ count: Int, seal: String = physical.id, urgent: Bool = false) async throws -> UseRequest {
            try await register.createRequest(.init(seal: seal, matter: "XK-001", caseNumber: "2026-\(count)", purpose: .decision,
                                                   reason: "设立登记决定书", count: count, documentDigest: seal == electronic.id ? String(repeating: "a", count: 64) : nil,
                                                   urgent: urgent), actor: actor("S003"))
        }
        let used = try await request(3)
        _ = try await register.approveRequest(id: used.id, count: nil, until: nil, actor: actor("S002"))
        let first = try await register.recordUse(request: used.id, count: 1, note: "第一份", actor: actor("S001"), actorIsAdmin: true)
        _ = try await register.recordUse(request: used.id, count: 1, note: nil, actor: actor("S001"), actorIsAdmin: true)
        _ = try await register.correctUse(id: first.id, count: 2, reason: "实际盖了两份", actor: admin)  // the last impression: exhausted
        _ = try await register.correctUse(id: first.id, count: 1, reason: "核对后更正", actor: admin)
        let one = try await request(1)
        _ = try await register.approveRequest(id: one.id, count: nil, until: nil, actor: actor("S002"))
        _ = try await register.recordUse(request: one.id, count: 1, note: nil, actor: actor("S001"), actorIsAdmin: true)  // request.exhausted
        let urgent = try await request(2, urgent: true)
        _ = try await register.recordUse(request: urgent.id, count: 1, note: nil, actor: actor("S001"), actorIsAdmin: true)
        _ = try await register.approveRequest(id: urgent.id, count: 1, until: nil, actor: actor("S002"))  // 补批, exhausted at once
        let denied = try await request(1)
        _ = try await register.denyRequest(id: denied.id, reason: "材料不全", actor: actor("S002"))
        let cancelled = try await request(1)
        _ = try await register.cancelRequest(id: cancelled.id, actor: actor("S003"))
        let signed = try await request(1, seal: electronic.id)
        _ = try await register.approveRequest(id: signed.id, count: nil, until: nil, actor: actor("S002"))
        let plan = try await register.prepareSignedUse(request: signed.id, count: 1, digest: nil, note: nil, actor: actor("S003"))
        _ = try await register.recordSignedUse(plan, signature: [0x30, 0x44], actor: actor("S003"))
        await register.journalRefusal(action: "use.record", error: SealError(.countExceedsApproval, "none left"), subject: used.id,
                                      details: ["request": .string(used.id)], actor: actor("S001"))
        _ = try await register.unbindCard(seal: electronic.id, actor: actor("S001"))
    }

    @Test("replaying the journal rebuilds every registry table, row for row")
    func replay() async throws {
        let (register, directory) = try makeRegister("projection")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await register.withWriter { try await Self.scenario(register) }
        // The scenario reached every table the projection writes.
        let counts = try await register.database.pool.read { db in
            try RegisterProjection.tables.map { ($0, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") ?? 0) }
        }
        for (table, count) in counts where table != "seal_card" { #expect(count > 0, "\(table) is empty") }

        var configuration = Configuration()
        let key = register.database.rowKey
        configuration.prepareDatabase { db in RowSeals.register(db, key: key) }
        let rebuilt = try DatabaseQueue(configuration: configuration)
        try RegistryDatabase.migrator.migrate(rebuilt)
        try await register.database.pool.read { source in
            try rebuilt.write { target in try SQLiteProjection.replay(from: source, into: target) }
        }
        let difference = try await register.database.pool.read { live in try rebuilt.read { replayed in try SQLiteProjection.difference(live, replayed) } }
        #expect(difference == nil)
        // The rebuilt tables carry the same seals and digests, and pass the start-up check.
        #expect(try await rebuilt.read { db in try RowSeals.check(db, key: key) } == nil)
        let digests = "SELECT tbl, rows, hex(sum) FROM table_digest ORDER BY tbl"
        let live = try await register.database.pool.read { db in try Row.fetchAll(db, sql: digests).map { "\($0)" } }
        #expect(try await rebuilt.read { db in try Row.fetchAll(db, sql: digests).map { "\($0)" } } == live)
    }

    @Test("a changed projection would be caught: the comparison sees a single differing cell")
    func differenceIsSeen() async throws {
        let (register, directory) = try makeRegister("projection-diff")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await register.withWriter { try await Self.scenario(register) }
        let rebuilt = try DatabaseQueue(path: directory.appendingPathComponent("copy.sqlite").path)
        try register.database.pool.backup(to: rebuilt)
        try await rebuilt.write { db in
            try db.execute(sql: "DROP TRIGGER row_seal_update_use_record")
            try db.execute(sql: "UPDATE use_record SET effective_count = effective_count + 1 WHERE id = 'USE-000002'")
        }
        let difference = try await register.database.pool.read { live in try rebuilt.read { copy in try SQLiteProjection.difference(live, copy) } }
        #expect(difference?.hasPrefix("use_record:") == true)
    }
}
