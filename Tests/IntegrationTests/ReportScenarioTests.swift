import Foundation
import Testing

@Suite("Statistics and anomaly reports on a real daemon", .ownThreads)
struct ReportScenarioTests {
    /// Every day of the week, all day: only holidays (or nothing) put a use outside office hours.
    static func policy(holidays: [String], extra: String) -> String {
        let days = holidays.map { "\"\($0)\"" }.joined(separator: ", ")
        return """
            [policy]
            urgent_window = "2s"
            office_hours = ["00:00-24:00"]
            office_days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
            holidays = [\(days)]
            \(extra)
            """
    }

    /// Yesterday, today and tomorrow in the register's zone, so the test may run across midnight.
    static var holidaysAroundToday: [String] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        return [-1, 0, 1].map { offset in
            let c = calendar.dateComponents([.year, .month, .day], from: Date().addingTimeInterval(Double(offset) * 86_400))
            return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
        }
    }

    func use(_ daemon: RunningDaemon, seal: String, matter: String, case caseNumber: String, reason: String, by requester: String, approver: String?,
             count: Int = 1, urgent: Bool = false) throws -> (request: String, use: String) {
        let request = try ok(daemon, ["--as", requester, "request", "create", "--seal", seal, "--matter", matter, "--case", caseNumber,
                                      "--purpose", matter.hasPrefix("QR") ? "acceptance" : "decision",
                                      "--reason", reason, "--count", String(count)] + (urgent ? ["--urgent"] : []))
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if let approver { try ok(daemon, ["--as", approver, "request", "approve", request]) }
        let recorded = try jsonObject(try ok(daemon, ["--json", "--as", "S001", "use", "record", request, "--count", String(count)]))
        return (request, (recorded["use"] as? [String: Any])?["id"] as? String ?? recorded["id"] as? String ?? "")
    }

    func anomalies(_ daemon: RunningDaemon) throws -> [String: [String: Any]] {
        let report = try jsonObject(try ok(daemon, ["--json", "report", "anomalies"]))
        var byKind: [String: [String: Any]] = [:]
        for a in report["anomalies"] as? [[String: Any]] ?? [] { byKind[a["kind"] as! String] = a }
        return byKind
    }

    func refs(_ anomaly: [String: Any]?) -> Set<String> {
        Set((anomaly?["evidence"] as? [[String: Any]] ?? []).compactMap { $0["ref"] as? String })
    }

    @Test("each anomaly provoked for real is listed with the entries that show it; statistics add up", .enabled(if: CardTools.installed, CardTools.missing))
    func provoked() async throws {
        let stack = try PCSCStack(name: "reports")
        let card = try stack.insertCard(state: "seal-card.json", pin: "13572468", subject: "XX镇电子印章")
        let fingerprint = try card.fingerprint
        let daemon = try RunningDaemon(name: "reports", extra: Self.policy(holidays: Self.holidaysAroundToday, extra: """
            [anomalies]
            refusals_per_clerk = 3
            quick_use_seconds = 60
            quick_use_repeats = 3
            full_use_streak = 3
            repeated_reason_cases = 3
            """))
        daemon.extraEnvironment = stack.clientEnvironment
        try daemon.start()
        try setUpTownship(daemon)

        // The same pair (S002 approves, S003 uses) approving and using at once, three times, each approval used to
        // the last impression, and the same 事由 on three cases.
        var quick: [(request: String, use: String)] = []
        for n in 1...3 {
            quick.append(try use(daemon, seal: "SEAL-0001", matter: "XK-001", case: "2026-XK-10\(n)", reason: "材料齐全，准予办理", by: "S003", approver: "S002"))
        }
        // A use under the unfiled delegation 委托协议2026-02 (SEAL-0002).
        let unfiled = try use(daemon, seal: "SEAL-0002", matter: "GG-001", case: "2026-GG-201", reason: "就业登记证明", by: "S005", approver: "S004", count: 2)
        // Two urgent uses before approval: one approved after the 2 s window, one never.
        let lateUrgent = try use(daemon, seal: "SEAL-0001", matter: "XK-001", case: "2026-XK-301", reason: "急件：营业执照变更", by: "S005", approver: nil, urgent: true)
        let openUrgent = try use(daemon, seal: "SEAL-0001", matter: "QR-001", case: "2026-QR-302", reason: "急件：确认书", by: "S005", approver: nil, urgent: true)
        // A carry-out due back in 2 s and not returned.
        let due = rfc3339(Date().addingTimeInterval(2))
        try ok(daemon, ["custody", "carry-out", "SEAL-0002", "--carrier", "S004", "--reason", "下村集中办理", "--due", due, "--approver", "S002"])
        // Three refused requests by one clerk (S005), and one request denied by an approver.
        for _ in 1...3 {
            try refused(daemon, ["--as", "S005", "request", "create", "--seal", "SEAL-0001", "--matter", "XK-001", "--case", "2026-XK-999", "--purpose", "decision",
                                 "--reason", "多盖", "--count", "999"], "invalid-field")
        }
        let denied = try ok(daemon, ["--as", "S003", "request", "create", "--seal", "SEAL-0001", "--matter", "XK-001", "--case", "2026-XK-401", "--purpose", "decision",
                                     "--reason", "材料不全", "--count", "1"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try ok(daemon, ["--as", "S002", "request", "deny", denied, "--reason", "材料不全"])
        // An electronic seal's card unlocked on a holiday.
        try ok(daemon, ["seal", "add", "--name", "XX镇人民政府电子印章", "--kind", "delegated-approval", "--medium", "electronic", "--owner", "县行政审批服务局",
                        "--holder", "XX镇人民政府", "--custodian", "S001"])
        try ok(daemon, ["seal", "activate", "SEAL-0003"])
        try eventually("the daemon sees the card") {
            let listing = try jsonObject(try ok(daemon, ["--json", "card", "list"]))
            return (listing["readers"] as? [[String: Any]] ?? []).contains { $0["fingerprint"] as? String == fingerprint }
        }
        try ok(daemon, ["seal", "bind-card", "SEAL-0003", "--reader", CardScenarioTests.reader0])
        let unlocked = try daemon.sealctl(["--as", "S001", "card", "unlock", "--seal", "SEAL-0003", "--pin-stdin"], stdin: "13572468\n")
        #expect(unlocked.status == 0, "unlock: \(unlocked.stderr)")

        try await Task.sleep(for: .seconds(2.5))
        try ok(daemon, ["--as", "S002", "request", "approve", lateUrgent.request])

        let found = try anomalies(daemon)
        let allUses = Set(quick.map(\.use) + [unfiled.use, lateUrgent.use, openUrgent.use])
        #expect(refs(found["outside-office-hours"]) == allUses, "every use fell on a holiday")
        #expect(refs(found["urgent-not-approved"]) == [lateUrgent.use, openUrgent.use])
        #expect(refs(found["unfiled-delegation"]) == [unfiled.use])
        #expect((found["unfiled-delegation"]?["evidence"] as? [[String: Any]])?.first?["detail"] as? String == "delegation 委托协议2026-02 has no filing record")
        #expect(refs(found["overdue-carry-out"]) == ["carry-out 1"])
        #expect(found["refusals-above-threshold"]?["subject"] as? String == "S005" && found["refusals-above-threshold"]?["count"] as? Int == 3)
        #expect(found["quick-approval-and-use"]?["subject"] as? String == "S002 → S003")
        #expect(refs(found["quick-approval-and-use"]) == Set(quick.map(\.use)))
        #expect(found["unlock-outside-office-hours"]?["count"] as? Int == 1)
        #expect((found["unlock-outside-office-hours"]?["evidence"] as? [[String: Any]])?.first?["seal"] as? String == "SEAL-0003")
        #expect(found["approvals-used-to-the-last"]?["subject"] as? String == "S003")
        #expect(refs(found["approvals-used-to-the-last"]) == Set(quick.map(\.request)))
        #expect(found["repeated-reason"]?["subject"] as? String == "材料齐全，准予办理")
        #expect(refs(found["repeated-reason"]) == Set(quick.map(\.use)))
        #expect(found.count == 9, "kinds found: \(found.keys.sorted())")

        // Narrowed to one seal: the card unlock belongs to SEAL-0003 only.
        func kinds(_ seal: String) throws -> Set<String> {
            let report = try jsonObject(try ok(daemon, ["--json", "report", "anomalies", "--seal", seal]))
            return Set((report["anomalies"] as? [[String: Any]] ?? []).map { $0["kind"] as! String })
        }
        #expect(try !kinds("SEAL-0001").contains("unlock-outside-office-hours"))
        #expect(try kinds("SEAL-0003").contains("unlock-outside-office-hours"))

        // The same report for people and as CSV.
        let table = try ok(daemon, ["report", "anomalies"])
        for title in ["非工作时间用印", "紧急用印未在时限内补批", "未备案委托下用印", "外带逾期未还", "被拒次数过多", "快速批用", "非工作时间解锁印章卡", "连续用尽批准数", "事由雷同"] {
            #expect(table.contains(title), "table lacks \(title)")
        }
        // The table asks only for the entries it lists: with --entries 1, every finding still, its whole count, and the
        // rest told.
        let first = try ok(daemon, ["report", "anomalies", "--entries", "1"])
        for title in ["非工作时间用印", "紧急用印未在时限内补批", "未备案委托下用印", "外带逾期未还", "被拒次数过多", "快速批用", "非工作时间解锁印章卡", "连续用尽批准数", "事由雷同"] {
            #expect(first.contains(title), "the first entries lack \(title)")
        }
        let outside = try #require(found["outside-office-hours"]?["count"] as? Int)
        #expect(outside > 1 && first.contains("[outside-office-hours] ×\(outside)\n"))
        #expect(first.contains("… 另有 \(outside - 1) 条未列出"), "\(first)")
        #expect(try daemon.sealctl(["report", "anomalies", "--entries", "0"]).status != 0)
        let csv = try ok(daemon, ["report", "anomalies", "--format", "csv"])
        let evidence = found.values.map { ($0["evidence"] as! [Any]).count }.reduce(0, +)
        #expect(csv.hasPrefix("\u{FEFF}kind,title,subject,ref,time,staff,seal,detail\r\n"))
        #expect(csv.split(separator: "\r\n").count == evidence + 1)

        // Statistics: 6 uses, 7 impressions; by seal, user, approver; refusals by code with the denial.
        let stats = try jsonObject(try ok(daemon, ["--json", "report", "stats"]))["statistics"] as! [String: Any]
        #expect(stats["uses"] as? Int == 6 && stats["impressions"] as? Int == 7)
        func rows(_ key: String) -> [String: (Int, Int)] {
            Dictionary(uniqueKeysWithValues: (stats[key] as! [[String: Any]]).map { ($0["key"] as! String, ($0["uses"] as! Int, $0["impressions"] as! Int)) })
        }
        #expect(rows("by_seal")["SEAL-0001"]! == (5, 5) && rows("by_seal")["SEAL-0002"]! == (1, 2))
        #expect(rows("by_user")["S003"]! == (3, 3) && rows("by_user")["S005"]! == (3, 4))
        #expect(rows("by_approver")["S002"]! == (4, 4) && rows("by_approver")["S004"]! == (1, 2) && rows("by_approver")[""]! == (1, 1),
                "the urgent use approved afterwards counts under its approver; the one never approved under none")
        #expect(rows("by_matter")["XK-001"]! == (4, 4) && rows("by_month").count == 1)
        let refusals = Dictionary(uniqueKeysWithValues: (stats["refusals"] as! [[String: Any]]).map { ($0["code"] as! String, $0["count"] as! Int) })
        #expect(refusals["invalid-field"] == 3 && refusals["denied"] == 1)
        let statsTable = try ok(daemon, ["report", "stats"])
        #expect(statsTable.contains("用印 uses 6 · 用印数 impressions 7") && statsTable.contains("王五"))
        let statsCSV = try ok(daemon, ["report", "stats", "--format", "csv", "--seal", "SEAL-0002"])
        #expect(statsCSV.contains("\r\ntotal,,,1,2\r\n") && statsCSV.contains("\r\nseal,SEAL-0002,XX镇人民政府业务专用章,1,2\r\n"))
        // A period with nothing in it, and a clerk may not read reports.
        let empty = try jsonObject(try ok(daemon, ["--json", "report", "stats", "--from", "2020-01-01", "--to", "2020-03-31"]))["statistics"] as! [String: Any]
        #expect(empty["uses"] as? Int == 0)
        try refused(daemon, ["--as", "S003", "report", "anomalies"], "forbidden")
        #expect(try daemon.sealctl(["report", "stats", "--from", "2026-12-01", "--to", "2026-11-01"]).stderr.hasPrefix("error: bad-argument: --from 2026-12-01 is after --to"))
        let reversed = try daemon.curl("/v1/reports/stats?from=2026-12-01&to=2026-11-01")
        #expect(reversed.status == 400 && reversed.body.contains("invalid-field"), "the daemon refuses a tool's reversed period too")
    }

    @Test("an orderly period lists no anomalies")
    func clean() async throws {
        let daemon = try RunningDaemon(name: "reports-clean", extra: Self.policy(holidays: [], extra: "[pcsc]\nenabled = false"))
        try daemon.start()
        try setUpTownship(daemon)
        // Different pairs, different reasons, filed delegation only; one approval not used to the last; a carry-out
        // returned in time; one refusal; an urgent use approved at once.
        _ = try use(daemon, seal: "SEAL-0001", matter: "XK-001", case: "2026-XK-001", reason: "个体工商户设立登记决定书", by: "S003", approver: "S002")
        _ = try use(daemon, seal: "SEAL-0001", matter: "QR-001", case: "2026-QR-002", reason: "农村土地承包经营权确认书", by: "S005", approver: "S004")
        let partial = try ok(daemon, ["--as", "S003", "request", "create", "--seal", "SEAL-0001", "--matter", "XK-001", "--case", "2026-XK-003", "--purpose", "decision",
                                      "--reason", "准予变更登记决定书", "--count", "3"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try ok(daemon, ["--as", "S004", "request", "approve", partial])
        try ok(daemon, ["--as", "S001", "use", "record", partial, "--count", "1"])
        let urgent = try use(daemon, seal: "SEAL-0001", matter: "XK-001", case: "2026-XK-004", reason: "急件：注销登记", by: "S005", approver: nil, urgent: true)
        try ok(daemon, ["--as", "S002", "request", "approve", urgent.request])
        try ok(daemon, ["custody", "carry-out", "SEAL-0001", "--carrier", "S004", "--reason", "下村集中办理", "--due", rfc3339(Date().addingTimeInterval(3600)), "--approver", "S002"])
        try ok(daemon, ["custody", "return", "SEAL-0001"])
        try refused(daemon, ["--as", "S005", "request", "create", "--seal", "SEAL-0001", "--matter", "XK-001", "--case", "2026-XK-999", "--purpose", "decision",
                             "--reason", "多盖", "--count", "999"], "invalid-field")
        try await Task.sleep(for: .seconds(2.5))

        let report = try jsonObject(try ok(daemon, ["--json", "report", "anomalies"]))
        #expect((report["anomalies"] as? [Any])?.isEmpty == true, "\(report["anomalies"] ?? "")")
        #expect(try ok(daemon, ["report", "anomalies"]).contains("无异常 · no anomalies found"))
        let stats = try jsonObject(try ok(daemon, ["--json", "report", "stats"]))["statistics"] as! [String: Any]
        #expect(stats["uses"] as? Int == 4)
    }
}
