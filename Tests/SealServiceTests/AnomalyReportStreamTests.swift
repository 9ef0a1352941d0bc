import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SealBook
import SealCore
import SealInterchange
@testable import SealService
import SealStore
import SealWire
import Testing

/// `GET /v1/reports/anomalies` streamed from the rules' two passes: byte for byte the answer the whole report would
/// encode to, whether its evidence stays in memory or goes through the spill file.
@Suite("Anomaly report streamed")
struct AnomalyReportStreamTests {
    static func actor(_ staff: String) -> JournalActor { JournalActor(staff: staff, user: "u\(staff)", uid: 1000) }

    /// Six requests of one impression by S003, each approved by S002 and used at once by S001, the same 事由 on six
    /// cases: quick approve-then-use by one pair, six approvals used to the last, a repeated reason (the default
    /// thresholds are 3, 5 and 5 cases); and outside office hours too when the test runs at night.
    static func fill(_ register: Register) async throws {
        let admin = actor("S000")
        _ = try await register.addStaff(Staff(id: "S001", name: "张三", roles: [.admin, .clerk]), actor: admin)
        _ = try await register.addStaff(Staff(id: "S002", name: "李四", roles: [.approver]), actor: admin)
        _ = try await register.addStaff(Staff(id: "S003", name: "王五", roles: [.clerk]), actor: admin)
        let matter = Matter(code: "XK-001", name: "个体工商户设立登记", category: .administrative, powerType: .licensing,
                            delegatingDepartment: "县市场监管局", supervisingDepartment: "县司法局", crossTownship: false, nonDelegable: false)
        _ = try await register.importMatters([matter], actor: admin)
        let seal = try await register.addSeal(.init(name: "XX镇行政审批委托专用章", kind: .delegatedApproval, medium: .physical,
                                                    owner: "县行政审批服务局", holder: "XX镇人民政府", custodian: "S001"), actor: admin)
        _ = try await register.transitionSeal(id: seal.id, action: .activate, reason: nil, witness: nil, actor: admin)
        _ = try await register.addDelegation(DelegationRules.Draft(
            agreementNumber: "委托2026-01", delegatingDepartment: "县行政审批服务局", township: "XX镇", supervisingDepartment: "县司法局",
            validFrom: LocalDate("2026-01-01")!, validTo: LocalDate("2099-12-31")!, filingNumber: nil, filedOn: nil,
            seals: [seal.id], matters: [.init(code: "XK-001", method: .handling)]
        ), actor: admin)
        for i in 1...6 {
            let request = try await register.createRequest(.init(seal: seal.id, matter: "XK-001", caseNumber: "2026-\(i)", purpose: .decision,
                                                                 reason: "设立登记决定书 \"加急\" / 第一批", count: 1, documentDigest: nil, urgent: false),
                                                           actor: actor("S003"))
            _ = try await register.approveRequest(id: request.id, count: nil, until: nil, actor: actor("S002"))
            _ = try await register.recordUse(request: request.id, count: 1, note: nil, actor: actor("S001"), actorIsAdmin: true)
        }
    }

    /// What the daemon answered before it streamed: the whole view, through the API's encoder.
    static func whole(_ f: RouterTests.Fixture) async throws -> Data {
        let settings = f.environment.configuration.reportSettings
        let facts = try await f.environment.register.withAuditFacts(BookFilter()) { source in
            var facts = AuditFacts()
            try source.forEach { facts.append($0) }
            return facts
        }
        let found = AnomalyRules.detect(facts, settings: settings, now: Date())
        let view = AnomalyReportView(period: ReportPeriod(), settings: AnomalySettingsView(settings), anomalies: found.map(AnomalyFinding.init))
        return LocalTimeResponseEncoder.localize(try WireJSON.encoder.encode(view), zone: settings.timeZone)
    }

    /// A response's body, written out.
    final class Collected: ResponseBodyWriter, @unchecked Sendable {
        var data = Data()
        func write(_ buffer: ByteBuffer) async throws { data.append(contentsOf: buffer.readableBytesView) }
        func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }

    @Test("the streamed answer is the bytes of the whole report, through the router and through a spill file of 64-byte steps")
    func sameBytes() async throws {
        try await RouterTests.withFixture { f in
            try await Self.fill(f.environment.register)
            let expected = try await Self.whole(f)
            let findings = try WireJSON.decoder.decode(AnomalyReportView.self, from: expected).anomalies
            #expect(Set(findings.map(\.kind)).isSuperset(of: ["quick-approval-and-use", "approvals-used-to-the-last", "repeated-reason"]))
            #expect(findings.first { $0.kind == "repeated-reason" }?.count == 6)

            let routed = try await f.call("ivy", .get, "/v1/reports/anomalies")
            #expect(routed.status == 200)
            #expect(String(decoding: routed.body, as: UTF8.self) == String(decoding: expected, as: UTF8.self))

            let settings = f.environment.configuration.reportSettings
            let scratch = f.directory.appendingPathComponent("scratch")
            // Evidence encoded one entry, a few, or all at a time: the same bytes.
            for batch in [1, 3, 1024] {
                let passes = try await AnomalyReportResponse.scan(
                    register: f.environment.register, filter: BookFilter(), settings: settings, now: Date(), zone: settings.timeZone, scratch: scratch,
                    spillLimit: 64, batch: batch
                )
                // The spill file was made, and unlinked at once: nothing is left in the scratch directory, even now.
                #expect(FileManager.default.fileExists(atPath: scratch.path))
                #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
                let response = try AnomalyReportResponse.response(
                    period: ReportPeriod(), settings: AnomalySettingsView(settings), passes: passes, extra: [], zone: settings.timeZone
                )
                let body = Collected()
                try await response.body.write(body)
                #expect(String(decoding: body.data, as: UTF8.self) == String(decoding: expected, as: UTF8.self), "batch \(batch)")
            }
        }
    }

    @Test("with evidence=N each finding lists its first N entries, in the same order and bytes, and still counts them all; a bad N is refused")
    func firstEntries() async throws {
        try await RouterTests.withFixture { f in
            try await Self.fill(f.environment.register)
            let whole = try WireJSON.decoder.decode(AnomalyReportView.self, from: try await Self.whole(f))
            #expect(whole.anomalies.contains { $0.evidence.count > 2 }, "a finding has more entries than the smallest limit")
            for n in [1, 2, 5, 1000] {
                let answer = try await f.call("ivy", .get, "/v1/reports/anomalies?evidence=\(n)")
                #expect(answer.status == 200)
                // The whole report with each finding cut to its first n entries, encoded as the API encodes it.
                var cut = whole
                for i in cut.anomalies.indices { cut.anomalies[i].evidence = Array(cut.anomalies[i].evidence.prefix(n)) }
                let expected = LocalTimeResponseEncoder.localize(try WireJSON.encoder.encode(cut), zone: f.environment.configuration.reportSettings.timeZone)
                #expect(String(decoding: answer.body, as: UTF8.self) == String(decoding: expected, as: UTF8.self), "evidence=\(n)")
                let read = try WireJSON.decoder.decode(AnomalyReportView.self, from: answer.body)
                #expect(read.anomalies.map(\.count) == whole.anomalies.map(\.count))
            }
            for bad in ["0", "-1", "x", "1000001"] {
                let answer = try await f.call("ivy", .get, "/v1/reports/anomalies?evidence=\(bad)")
                #expect(answer.status == 400, "evidence=\(bad)")
                #expect(String(decoding: answer.body, as: UTF8.self).contains("evidence"))
            }
        }
    }

    @Test("an empty period answers an empty list")
    func empty() async throws {
        try await RouterTests.withFixture { f in
            let answer = try await f.call("ivy", .get, "/v1/reports/anomalies")
            #expect(answer.status == 200)
            #expect(String(decoding: answer.body, as: UTF8.self) == String(decoding: try await Self.whole(f), as: UTF8.self))
            #expect(try WireJSON.decoder.decode(AnomalyReportView.self, from: answer.body).anomalies.isEmpty)
        }
    }

    @Test("the spill gives each finding its evidence in order, comma-separated, across memory and file")
    func spillOrder() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spill-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        for limit in [1, 10, 1 << 20] {
            let spill = ScratchSpill(lists: 3, directory: directory, name: "evidence", limit: limit, separator: UInt8(ascii: ","))
            var expected = ["", "", ""]
            for i in 0..<200 {
                let finding = (i * 7) % 3
                guard finding != 2 else { continue }
                let piece = "{\"n\":\(i)}"
                expected[finding] += (expected[finding].isEmpty ? "" : ",") + piece
                spill.append(finding, Array(piece.utf8))
                if spill.isOverLimit { try spill.spill() }
            }
            for finding in 0..<3 {
                var read: [UInt8] = []
                try await spill.read(finding) { read += $0 }
                #expect(String(decoding: read, as: UTF8.self) == expected[finding], "limit \(limit), finding \(finding)")
            }
            #expect(spill.count(0) == 67 && spill.count(1) == 67 && spill.count(2) == 0)
        }
    }

    @Test("the spill writes its file only when told (where blocking I/O may run), in order")
    func spillWhenTold() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spill-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let spill = ScratchSpill(lists: 1, directory: directory, name: "evidence", limit: 16, separator: UInt8(ascii: ","))
        var expected: [String] = []
        for i in 0..<10 {
            spill.append(0, Array("{\"n\":\(i)}".utf8))
            expected.append("{\"n\":\(i)}")
            if i == 4 {
                // Over its limit, and still nothing written: the caller decides where the write runs.
                #expect(spill.isOverLimit)
                #expect(!FileManager.default.fileExists(atPath: directory.path))
                try await BlockingWork.run { try spill.spill() }
                #expect(!spill.isOverLimit)
                #expect(FileManager.default.fileExists(atPath: directory.path))
            }
        }
        var read: [UInt8] = []
        try await spill.read(0) { read += $0 }
        #expect(String(decoding: read, as: UTF8.self) == expected.joined(separator: ","))
    }
}
