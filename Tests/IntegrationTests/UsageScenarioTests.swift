import Foundation
import Testing

/// Staff, the example catalogue, two active seals and their delegations: the state a township starts using from.
func setUpTownship(_ daemon: RunningDaemon) throws {
    for (id, name, roles) in [
        ("S001", "张三", ["admin"]), ("S002", "李四", ["approver"]), ("S003", "王五", ["clerk"]),
        ("S004", "赵六", ["clerk", "approver"]), ("S005", "钱七", ["clerk"]),
    ] {
        try ok(daemon, ["staff", "add", id, "--name", name] + roles.flatMap { ["--role", $0] })
    }
    try ok(daemon, ["matter", "import", RegistryScenarioTests.catalogue])
    let approval = try ok(daemon, ["seal", "add", "--name", "XX镇人民政府行政审批委托专用章", "--kind", "delegated-approval", "--medium", "physical", "--owner", "县行政审批服务局", "--holder", "XX镇人民政府", "--custodian", "S001"])
    let business = try ok(daemon, ["seal", "add", "--name", "XX镇人民政府业务专用章", "--kind", "business", "--medium", "physical", "--owner", "县人社局", "--holder", "XX镇人民政府", "--custodian", "S001"])
    #expect(approval.hasPrefix("SEAL-0001") && business.hasPrefix("SEAL-0002"))
    try ok(daemon, ["seal", "activate", "SEAL-0001"])
    try ok(daemon, ["seal", "activate", "SEAL-0002"])
    try ok(daemon, ["delegation", "add", "--agreement", "委托协议2026-01", "--from", "县行政审批服务局", "--to", "XX镇", "--supervisor", "县司法局",
                    "--valid-from", "2026-01-01", "--valid-to", "2099-12-31", "--filing", "备2026-3", "--filed-on", "2026-01-05",
                    "--seal", "SEAL-0001", "--matter", "XK-001=handling", "--matter", "QR-001=acceptance"])
    try ok(daemon, ["delegation", "add", "--agreement", "委托协议2026-02", "--from", "县人社局", "--to", "XX镇", "--supervisor", "县人社局",
                    "--valid-from", "2026-01-01", "--valid-to", "2099-12-31", "--seal", "SEAL-0002", "--matter", "GG-001=handling"])
}

func rfc3339(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle()) }

@Suite("Request → approval → use on a real daemon", .ownThreads)
struct UsageScenarioTests {
    @Test("a physical seal from registration to the usage book")
    func happyPath() async throws {
        let daemon = try RunningDaemon(name: "usage")
        try daemon.start()
        try setUpTownship(daemon)
        let document = daemon.directory.appendingPathComponent("决定书.pdf").path
        try Data("个体工商户设立登记决定书".utf8).write(to: URL(fileURLWithPath: document))
        let id = try ok(daemon, ["--as", "S003", "request", "create", "--seal", "SEAL-0001", "--matter", "XK-001", "--case", "2026-XK-0001",
                                 "--purpose", "decision", "--reason", "个体工商户设立登记决定书", "--count", "3", "--document", document])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(id == "REQ-000001")
        #expect(try ok(daemon, ["--as", "S003", "request", "list", "--mine"]).contains("pending"))
        #expect(try ok(daemon, ["--as", "S002", "request", "approve", id, "--count", "2"]).contains("approved 2"))
        #expect(try ok(daemon, ["--as", "S001", "use", "record", id, "--count", "1", "--note", "正本"]).contains("№1"))
        #expect(try ok(daemon, ["--as", "S001", "use", "record", id, "--count", "1"]).contains("№2"))
        let shown = try ok(daemon, ["request", "show", id])
        #expect(shown.contains("exhausted") && shown.contains("remaining    0"))
        let book = try ok(daemon, ["book", "list", "--seal", "SEAL-0001"])
        for text in ["XX镇人民政府行政审批委托专用章 (SEAL-0001)", "序号", "事由", "批准人", "用印人", "用印数", "个体工商户设立登记决定书", "李四(S002)", "王五(S003)", "2026-XK-0001"] {
            #expect(book.contains(text), "book lacks \(text):\n\(book)")
        }
        let lines = try #require(try jsonObject(try ok(daemon, ["--json", "book", "list"]))["uses"] as? [[String: Any]])
        #expect(lines.count == 2)
        #expect(lines.map { $0["serial"] as? Int } == [1, 2])
        #expect(lines[0]["count"] as? Int == 1)
        #expect(lines[0]["approver"] as? String == "S002")
        #expect(lines[0]["user"] as? String == "S003")
        #expect(lines[0]["recorder"] as? String == "S001")
        // The recorded digest is the document's SHA-256, as sha256sum computes it.
        let sum = try runCommand("/usr/bin/sha256sum", [document]).stdout.prefix(64)
        #expect(sum.count == 64)
        #expect(lines[0]["document_digest"] as? String == String(sum))
        // A correction is a new entry; the use's line shows it, the journal keeps both.
        try ok(daemon, ["use", "correct", "USE-000002", "--count", "0", "--reason", "盖错作废"])
        let corrected = try #require(try jsonObject(try ok(daemon, ["--json", "book", "list"]))["uses"] as? [[String: Any]])
        #expect(corrected[1]["count"] as? Int == 0)
        #expect(corrected[1]["recorded_count"] as? Int == 1)
        #expect((corrected[1]["corrections"] as? [[String: Any]])?.first?["reason"] as? String == "盖错作废")
        let kinds = try #require(try jsonObject(try ok(daemon, ["--json", "events", "--kind", "use."]))["events"] as? [[String: Any]]).map { $0["kind"] as? String }
        #expect(kinds == ["use.recorded", "use.recorded", "use.corrected"])
        // Filters: by matter, user and date.
        #expect(try ok(daemon, ["book", "list", "--matter", "GG-001"]).contains("no uses recorded"))
        #expect(try ok(daemon, ["book", "list", "--user", "S003"]).contains("王五(S003)"))
        #expect(try ok(daemon, ["book", "list", "--to", "2020-01-01"]).contains("no uses recorded"))
        // Requests are listed a page at a time, newest first: `next` leads to the following page, the last has none.
        for case_ in ["2026-XK-0002", "2026-XK-0003"] {
            try ok(daemon, ["--as", "S003", "request", "create", "--seal", "SEAL-0001", "--matter", "XK-001", "--case", case_,
                            "--purpose", "decision", "--reason", "个体工商户设立登记决定书", "--count", "1"])
        }
        var pages: [[String]] = []
        var after = ""
        repeat {
            let answer = try daemon.curl("/v1/requests?limit=2" + after, headers: ["Sealkeeper-On-Behalf-Of: S001"])
            #expect(answer.status == 200)
            let page = try jsonObject(answer.body)
            pages.append(try #require(page["requests"] as? [[String: Any]]).map { ($0["request"] as? [String: Any])?["id"] as? String ?? "" })
            after = (page["next"] as? String).map { "&after=" + $0 } ?? ""
        } while !after.isEmpty && pages.count < 5
        #expect(pages == [["REQ-000003", "REQ-000002"], ["REQ-000001"]])
        #expect(try daemon.curl("/v1/requests?limit=0", headers: ["Sealkeeper-On-Behalf-Of: S001"]).status == 400)
        let listed = try #require(try jsonObject(try ok(daemon, ["--json", "request", "list"]))["requests"] as? [[String: Any]])
        #expect(listed.map { ($0["request"] as? [String: Any])?["id"] as? String } == ["REQ-000003", "REQ-000002", "REQ-000001"])
        let pending = try ok(daemon, ["request", "list", "--status", "pending"])
        #expect(pending.contains("REQ-000003") && pending.contains("REQ-000002") && !pending.contains("REQ-000001"))
        #expect(await daemon.stop() == 0)
    }

    @Test("every rule refuses with its own code through sealctl, and every refusal is journaled")
    func everyRefusal() async throws {
        let daemon = try RunningDaemon(name: "refusals")
        try daemon.start()
        try setUpTownship(daemon)
        var refusals = 0
        func refuse(_ args: [String], _ code: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            try refused(daemon, args, code, sourceLocation: sourceLocation)
            refusals += 1
        }
        let create = ["--as", "S003", "request", "create", "--case", "C-1", "--reason", "办理", "--count", "1"]

        // Rules checked when the request is created.
        try refuse(create + ["--seal", "SEAL-0001", "--matter", "XK-009", "--purpose", "decision"], "cross-township")
        try refuse(create + ["--seal", "SEAL-0001", "--matter", "XK-010", "--purpose", "decision"], "non-delegable")
        try refuse(create + ["--seal", "SEAL-0001", "--matter", "GG-002", "--purpose", "acceptance"], "seal-kind-mismatch")
        try refuse(create + ["--seal", "SEAL-0001", "--matter", "XK-002", "--purpose", "decision"], "matter-not-delegated")
        try refuse(create + ["--seal", "SEAL-0001", "--matter", "QR-001", "--purpose", "decision"], "acceptance-only")
        try ok(daemon, create + ["--seal", "SEAL-0001", "--matter", "QR-001", "--purpose", "acceptance"])  // REQ-000001
        try refuse(["--as", "S003", "request", "create", "--seal", "SEAL-0001", "--matter", "XK-001", "--case", "C", "--purpose", "decision", "--reason", "。。。", "--count", "1"], "invalid-field")
        try refuse(["--as", "S003", "request", "create", "--seal", "SEAL-0001", "--matter", "XK-001", "--case", "C", "--purpose", "decision", "--reason", "办理", "--count", "51"], "invalid-field")
        try refuse(["--as", "S002", "request", "create", "--seal", "SEAL-0001", "--matter", "XK-001", "--case", "C", "--purpose", "decision", "--reason", "办理", "--count", "1"], "forbidden")
        try refuse(["request", "create", "--seal", "SEAL-0001", "--matter", "XK-001", "--case", "C", "--purpose", "decision", "--reason", "办理", "--count", "1"], "staff-required")

        // Approval rules.
        let own = try ok(daemon, create + ["--seal", "SEAL-0001", "--matter", "XK-001", "--purpose", "decision"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let byBoth = try ok(daemon, ["--as", "S004", "request", "create", "--seal", "SEAL-0001", "--matter", "XK-001", "--case", "C-4", "--purpose", "decision", "--reason", "办理", "--count", "2"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try refuse(["--as", "S004", "request", "approve", byBoth], "self-approval")  // holds clerk and approver
        try refuse(["--as", "S002", "request", "approve", byBoth, "--count", "3"], "invalid-field")
        try refuse(["--as", "S003", "request", "approve", own], "forbidden")

        // Use rules.
        try refuse(["--as", "S001", "use", "record", own, "--count", "1"], "not-approved")  // pending
        try ok(daemon, ["--as", "S002", "request", "approve", own, "--count", "1"])
        try refuse(["--as", "S003", "use", "record", own, "--count", "1"], "forbidden")  // not the custodian
        try refuse(["--as", "S001", "use", "record", own, "--count", "2"], "count-exceeds-approval")
        try ok(daemon, ["--as", "S001", "use", "record", own, "--count", "1"])
        try refuse(["--as", "S001", "use", "record", own, "--count", "1"], "count-exceeds-approval")
        try ok(daemon, ["--as", "S002", "request", "deny", byBoth, "--reason", "材料不全"])
        try refuse(["--as", "S001", "use", "record", byBoth, "--count", "1"], "not-approved")  // denied
        try refuse(["--as", "S002", "request", "approve", byBoth], "illegal-request-state")

        // Carried out: only the carrier uses it.
        let out = try ok(daemon, ["--as", "S005", "request", "create", "--seal", "SEAL-0001", "--matter", "XK-001", "--case", "C-5", "--purpose", "decision", "--reason", "下村", "--count", "2"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try ok(daemon, ["--as", "S002", "request", "approve", out])
        try ok(daemon, ["custody", "carry-out", "SEAL-0001", "--carrier", "S005", "--reason", "下村现场办理", "--due", "2099-01-01 18:00", "--approver", "S002"])
        try refuse(["--as", "S001", "use", "record", out, "--count", "1"], "seal-carried-out")
        try ok(daemon, ["--as", "S005", "use", "record", out, "--count", "1"])
        try ok(daemon, ["custody", "return", "SEAL-0001"])

        // Approval expiry: approved until two seconds from now, used after that.
        let soon = try ok(daemon, create + ["--seal", "SEAL-0001", "--matter", "XK-001", "--purpose", "decision"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let until = Date().addingTimeInterval(2)
        try ok(daemon, ["--as", "S002", "request", "approve", soon, "--until", rfc3339(until)])
        try await Task.sleep(for: .seconds(until.timeIntervalSinceNow + 1.1))  // the approval's own deadline, not a guess
        try refuse(["--as", "S001", "use", "record", soon, "--count", "1"], "approval-expired")
        #expect(try ok(daemon, ["request", "list", "--status", "expired"]).contains(soon))

        // Seal and delegation state at the time of use.
        let later = try ok(daemon, create + ["--seal", "SEAL-0002", "--matter", "GG-001", "--purpose", "acceptance"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try ok(daemon, ["--as", "S002", "request", "approve", later])
        try ok(daemon, ["seal", "suspend", "SEAL-0002"])
        try refuse(["--as", "S001", "use", "record", later, "--count", "1"], "seal-not-active")
        try refuse(create + ["--seal", "SEAL-0002", "--matter", "GG-001", "--purpose", "acceptance"], "seal-not-active")
        try ok(daemon, ["seal", "activate", "SEAL-0002"])
        try ok(daemon, ["delegation", "revoke", "DLG-0002", "--reason", "协议终止"])
        try refuse(["--as", "S001", "use", "record", later, "--count", "1"], "delegation-not-in-force")
        try ok(daemon, ["delegation", "add", "--agreement", "旧协议", "--from", "县人社局", "--to", "XX镇", "--supervisor", "县人社局",
                        "--valid-from", "2020-01-01", "--valid-to", "2020-12-31", "--seal", "SEAL-0002", "--matter", "GG-001=handling"])
        try refuse(create + ["--seal", "SEAL-0002", "--matter", "GG-001", "--purpose", "acceptance"], "delegation-not-in-force")

        // Cancel: only the requester.
        let mine = try ok(daemon, create + ["--seal", "SEAL-0001", "--matter", "XK-001", "--purpose", "decision"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try refuse(["--as", "S005", "request", "cancel", mine], "not-requester")
        try ok(daemon, ["--as", "S003", "request", "cancel", mine])
        try refuse(["--as", "S001", "use", "record", mine, "--count", "1"], "not-approved")

        // No refusal goes unjournaled: one `refused` entry each, with the caller and the code.
        let journaled = try #require(try jsonObject(try ok(daemon, ["--json", "events", "--kind", "refused"]))["events"] as? [[String: Any]])
        #expect(journaled.count == refusals)
        let first = try #require(journaled.first)
        #expect((first["payload"] as? [String: Any])?["code"] as? String == "cross-township")
        #expect((first["actor"] as? [String: Any])?["staff"] as? String == "S003")
        #expect(await daemon.stop() == 0)
    }

    @Test("[policy] require_filing refuses uses under an unfiled delegation")
    func requireFiling() async throws {
        let daemon = try RunningDaemon(name: "filing", extra: "\n[policy]\nrequire_filing = true\ntimezone = \"Asia/Shanghai\"\n")
        try daemon.start()
        try setUpTownship(daemon)
        // DLG-0002 (the business seal's) has no filing record; DLG-0001 has one.
        try refused(daemon, ["--as", "S003", "request", "create", "--seal", "SEAL-0002", "--matter", "GG-001", "--case", "C", "--purpose", "acceptance", "--reason", "参保", "--count", "1"], "delegation-unfiled")
        try ok(daemon, ["--as", "S003", "request", "create", "--seal", "SEAL-0001", "--matter", "XK-001", "--case", "C", "--purpose", "decision", "--reason", "许可", "--count", "1"])
        #expect(await daemon.stop() == 0)
    }

    @Test("urgent use before approval is recorded, flagged, and listed until approved")
    func urgentUse() async throws {
        let daemon = try RunningDaemon(name: "urgent", extra: "\n[policy]\nurgent_window_hours = 1\n")
        try daemon.start()
        try setUpTownship(daemon)
        let id = try ok(daemon, ["--as", "S003", "request", "create", "--seal", "SEAL-0001", "--matter", "XK-001", "--case", "U-1", "--purpose", "decision", "--reason", "群众急需", "--count", "2", "--urgent"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try ok(daemon, ["--as", "S001", "use", "record", id, "--count", "1"]).contains("(urgent)"))
        let line = try #require((try jsonObject(try ok(daemon, ["--json", "book", "list"]))["uses"] as? [[String: Any]])?.first)
        #expect(line["urgent"] as? Bool == true)
        #expect(line["approver"] == nil || line["approver"] is NSNull)
        // Denied afterwards: the use stays in the book and the request is listed as unresolved.
        try ok(daemon, ["--as", "S002", "request", "deny", id, "--reason", "不符合紧急条件"])
        #expect(try ok(daemon, ["request", "list", "--status", "urgent-unresolved"]).contains(id))
        #expect(try ok(daemon, ["book", "list"]).contains("群众急需"))
        // Approved in time: resolved.
        let other = try ok(daemon, ["--as", "S003", "request", "create", "--seal", "SEAL-0001", "--matter", "XK-001", "--case", "U-2", "--purpose", "decision", "--reason", "急件", "--count", "1", "--urgent"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try ok(daemon, ["--as", "S001", "use", "record", other, "--count", "1"])
        try ok(daemon, ["--as", "S002", "request", "approve", other])
        #expect(!(try ok(daemon, ["request", "list", "--status", "urgent-unresolved"]).contains(other)))
        #expect(await daemon.stop() == 0)
    }

    @Test("20 parallel uses against an approval of 10 yield exactly 10 impressions")
    func concurrentUses() async throws {
        let daemon = try RunningDaemon(name: "parallel")
        try daemon.start()
        try setUpTownship(daemon)
        let id = try ok(daemon, ["--as", "S003", "request", "create", "--seal", "SEAL-0001", "--matter", "XK-001", "--case", "P-1", "--purpose", "decision", "--reason", "批量证照", "--count", "10"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try ok(daemon, ["--as", "S002", "request", "approve", id])
        let results = await withTaskGroup(of: CommandResult?.self) { group in
            for _ in 0..<20 {
                group.addTask { try? daemon.sealctl(["--as", "S001", "use", "record", id, "--count", "1"]) }
            }
            var all: [CommandResult] = []
            for await r in group { if let r { all.append(r) } }
            return all
        }
        #expect(results.count == 20)
        #expect(results.filter { $0.status == 0 }.count == 10)
        let refusals = results.filter { $0.status != 0 }
        #expect(refusals.count == 10)
        #expect(refusals.allSatisfy { $0.stderr.hasPrefix("error: count-exceeds-approval: ") })
        let lines = try #require(try jsonObject(try ok(daemon, ["--json", "book", "list"]))["uses"] as? [[String: Any]])
        #expect(lines.reduce(0) { $0 + ($1["count"] as? Int ?? 0) } == 10)
        #expect(Set(lines.compactMap { $0["serial"] as? Int }) == Set(1...10))
        #expect(try ok(daemon, ["request", "show", id]).contains("exhausted"))
        #expect(await daemon.stop() == 0)
    }
}
