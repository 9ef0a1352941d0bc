import Foundation
import Testing

/// Runs sealctl and expects success; returns stdout.
@discardableResult
func ok(_ daemon: RunningDaemon, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let result = try daemon.sealctl(arguments)
    #expect(result.status == 0, "sealctl \(arguments.joined(separator: " ")) failed: \(result.stderr)", sourceLocation: sourceLocation)
    return result.stdout
}

/// Runs sealctl and expects the daemon to refuse with `code`.
func refused(_ daemon: RunningDaemon, _ arguments: [String], _ code: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let result = try daemon.sealctl(arguments)
    #expect(result.status == 1, "sealctl \(arguments.joined(separator: " ")) should be refused", sourceLocation: sourceLocation)
    #expect(result.stderr.hasPrefix("error: \(code): "), "expected \(code), got: \(result.stderr)", sourceLocation: sourceLocation)
}

@Suite("Registry through sealctl on a real daemon", .ownThreads)
struct RegistryScenarioTests {
    static var catalogue: String { Binaries.repositoryRoot.appendingPathComponent("Config/examples/matters.csv").path }

    @Test("every registry verb works, every refusal has its code, and the journal counts every change")
    func registryScenario() async throws {
        let daemon = try RunningDaemon(name: "registry")
        try daemon.start()
        var changes = 0

        // Staff
        try ok(daemon, ["staff", "add", "S001", "--name", "张三", "--role", "admin", "--role", "clerk"]); changes += 1
        try ok(daemon, ["staff", "add", "S002", "--name", "李四", "--role", "approver"]); changes += 1
        try ok(daemon, ["staff", "add", "S003", "--name", "王五", "--role", "clerk"]); changes += 1
        try ok(daemon, ["staff", "add", "S004", "--name", "赵六", "--role", "admin"]); changes += 1
        try ok(daemon, ["staff", "add", "S009", "--name", "离职", "--role", "clerk"]); changes += 1
        try refused(daemon, ["staff", "add", "S001", "--name", "重复", "--role", "clerk"], "staff-exists")
        try refused(daemon, ["staff", "add", "S 1", "--name", "x", "--role", "clerk"], "invalid-field")
        // sealctl names the flag and the roles; the daemon still refuses a tool that sends one.
        #expect(try daemon.sealctl(["staff", "add", "S010", "--name", "x", "--role", "boss"]).stderr.hasPrefix("error: bad-argument: The value 'boss' is invalid for '--role <role>'"))
        let boss = try daemon.curl("/v1/staff", method: "POST", body: #"{"id":"S010","name":"x","roles":["boss"]}"#)
        #expect(boss.status == 400 && boss.body.contains("bad-request"))
        try ok(daemon, ["staff", "disable", "S009"]); changes += 1
        try refused(daemon, ["staff", "disable", "S009"], "staff-disabled")
        #expect(try ok(daemon, ["staff", "list"]).contains("S003  王五"))
        #expect(try ok(daemon, ["staff", "show", "S009"]).contains("disabled"))
        try refused(daemon, ["staff", "show", "S404"], "unknown-staff")

        // Separation of roles: a clerk acting through the trusted tool cannot write the registry.
        try refused(daemon, ["--as", "S003", "staff", "add", "S011", "--name", "x", "--role", "clerk"], "forbidden")
        try refused(daemon, ["--as", "S404", "staff", "list"], "unknown-caller")
        try refused(daemon, ["--as", "S009", "staff", "list"], "caller-disabled")
        #expect(try ok(daemon, ["--as", "S003", "staff", "list"]).contains("S001"))  // any role reads

        // Matters
        let imported = try ok(daemon, ["matter", "import", Self.catalogue])
        #expect(imported.contains("imported 15 new"))
        changes += 15
        #expect(try ok(daemon, ["matter", "import", Self.catalogue]).contains("unchanged 15"))
        #expect(try ok(daemon, ["matter", "list", "--category", "public-service"]).contains("GG-002"))
        #expect(try ok(daemon, ["matter", "show", "XK-010"]).contains("县应急管理局"))
        try refused(daemon, ["matter", "show", "NOPE"], "unknown-matter")
        let broken = daemon.directory.appendingPathComponent("broken.csv").path
        try """
            code,name,category,power_type,delegating_department,supervising_department,cross_township,non_delegable
            N-1,好的,administrative,行政许可,县局,县局,no,no
            N-2,坏类别,行政,行政许可,县局,县局,no,no
            N-1,重复,administrative,行政许可,县局,县局,no,no
            N-3,,administrative,行政许可,县局,县局,no,no
            N-4,坏标志,administrative,行政许可,县局,县局,maybe,no

            """.write(toFile: broken, atomically: true, encoding: .utf8)
        let rejected = try daemon.sealctl(["matter", "import", broken])
        #expect(rejected.status == 1)
        #expect(rejected.stderr.hasPrefix("error: invalid-catalogue: "))
        for line in ["line 3:", "line 4:", "line 5:", "line 6:"] { #expect(rejected.stderr.contains(line), "\(rejected.stderr)") }
        #expect(try ok(daemon, ["matter", "list"]).contains("N-1") == false)  // nothing imported
        let skipping = try daemon.sealctl(["matter", "import", broken, "--skip-invalid"])
        #expect(skipping.status == 0)
        #expect(skipping.stdout.contains("imported 1 new"))
        #expect(skipping.stderr.contains("skipped line 3"))
        changes += 1

        // Seals
        let approval = try ok(daemon, ["seal", "add", "--name", "XX镇人民政府行政审批委托专用章", "--kind", "delegated-approval", "--medium", "physical", "--owner", "县行政审批服务局", "--holder", "XX镇人民政府", "--custodian", "S001"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(approval == "SEAL-0001")
        let business = try ok(daemon, ["seal", "add", "--name", "XX镇人民政府业务专用章", "--kind", "business", "--medium", "physical", "--owner", "县人力资源和社会保障局", "--holder", "XX镇人民政府", "--custodian", "S001"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let spare = try ok(daemon, ["seal", "add", "--name", "备用章", "--kind", "other", "--medium", "electronic", "--owner", "县局", "--holder", "XX镇人民政府", "--custodian", "S004"]).trimmingCharacters(in: .whitespacesAndNewlines)
        changes += 3
        #expect(try daemon.sealctl(["seal", "add", "--name", "x", "--kind", "rubber", "--medium", "physical", "--owner", "a", "--holder", "b", "--custodian", "S001"]).status == 64)
        let rubber = try daemon.curl("/v1/seals", method: "POST", body: #"{"name":"x","kind":"rubber","medium":"physical","owner":"a","holder":"b","custodian":"S001"}"#)
        #expect(rubber.status == 400 && rubber.body.contains("bad-request"))
        try refused(daemon, ["seal", "add", "--name", "x", "--kind", "other", "--medium", "physical", "--owner", "a", "--holder", "b", "--custodian", "S404"], "unknown-staff")
        try refused(daemon, ["seal", "add", "--name", "x", "--kind", "other", "--medium", "physical", "--owner", "a", "--holder", "b", "--custodian", "S009"], "staff-disabled")
        try refused(daemon, ["seal", "suspend", approval], "illegal-transition")
        try ok(daemon, ["seal", "activate", approval, "--reason", "启用"]); changes += 1
        try ok(daemon, ["seal", "activate", business]); changes += 1
        try ok(daemon, ["seal", "suspend", business, "--reason", "暂停"]); changes += 1
        try ok(daemon, ["seal", "activate", business]); changes += 1
        try refused(daemon, ["seal", "activate", approval], "illegal-transition")
        try ok(daemon, ["seal", "activate", spare]); changes += 1
        try ok(daemon, ["seal", "report-lost", spare, "--reason", "遗失"]); changes += 1
        try refused(daemon, ["seal", "revoke", spare], "illegal-transition")
        try refused(daemon, ["seal", "destroy", spare], "witness-required")
        try refused(daemon, ["--as", "S004", "seal", "destroy", spare, "--witness", "S004"], "witness-required")
        try ok(daemon, ["--as", "S004", "seal", "destroy", spare, "--witness", "S001", "--reason", "找回后销毁"]); changes += 1
        try refused(daemon, ["seal", "destroy", spare, "--witness", "S001"], "illegal-transition")
        try refused(daemon, ["seal", "show", "SEAL-9999"], "unknown-seal")
        #expect(try ok(daemon, ["seal", "list", "--status", "destroyed"]).contains(spare))

        // Delegations
        let base = ["delegation", "add", "--agreement", "委托协议2026-01", "--from", "县行政审批服务局", "--to", "XX镇", "--supervisor", "县司法局", "--valid-from", "2026-01-01", "--valid-to", "2026-12-31"]
        let delegation = try ok(daemon, base + ["--filing", "备2026-3", "--filed-on", "2026-01-05", "--seal", approval, "--matter", "XK-001=handling", "--matter", "QR-001=acceptance"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(delegation == "DLG-0001")
        let unfiled = try daemon.sealctl(base + ["--seal", business, "--matter", "GG-001=handling"])
        #expect(unfiled.status == 0)
        #expect(unfiled.stderr.contains("unfiled"))
        changes += 2
        try refused(daemon, base + ["--seal", "SEAL-9999", "--matter", "XK-001=handling"], "unknown-seal")
        try refused(daemon, base + ["--seal", approval, "--matter", "ZZ-999=handling"], "unknown-matter")
        try refused(daemon, base + ["--seal", approval, "--matter", "XK-010=handling"], "non-delegable")
        try refused(daemon, base + ["--seal", approval, "--matter", "XK-009=handling"], "cross-township")
        try refused(daemon, base + ["--seal", approval, "--matter", "GG-001=handling"], "seal-kind-mismatch")
        try refused(daemon, base + ["--seal", business, "--matter", "XK-001=handling"], "seal-kind-mismatch")
        try refused(daemon, ["delegation", "add", "--agreement", "X", "--from", "a", "--to", "b", "--supervisor", "c", "--valid-from", "2026-12-31", "--valid-to", "2026-01-01", "--seal", approval, "--matter", "XK-001=handling"], "invalid-validity")
        let shown = try ok(daemon, ["delegation", "show", delegation])
        for text in ["赋权事项清单", "XK-001", "个体工商户登记", "handling 委托办理", "acceptance 委托受理", "行政确认", "县市场监督管理局", "备2026-3"] {
            #expect(shown.contains(text), "delegation show lacks \(text)")
        }
        #expect(try ok(daemon, ["delegation", "list"]).contains("UNFILED"))
        #expect(try ok(daemon, ["delegation", "list", "--at", "2027-06-01"]).contains("DLG-") == false)
        #expect(try ok(daemon, ["delegation", "list", "--township", "XX镇"]).contains("DLG-0002"))
        try ok(daemon, ["delegation", "revoke", "DLG-0002", "--reason", "协议终止"]); changes += 1
        try refused(daemon, ["delegation", "revoke", "DLG-0002", "--reason", "again"], "already-revoked")
        try refused(daemon, ["delegation", "revoke", "DLG-0404", "--reason", "x"], "unknown-delegation")
        #expect(try ok(daemon, ["delegation", "show", "DLG-0002"]).contains("revoked"))

        // Custody
        try ok(daemon, ["custody", "handover", approval, "--to", "S004", "--witness", "S002"]); changes += 1
        try refused(daemon, ["custody", "handover", approval, "--to", "S001", "--witness", "S004"], "witness-required")
        try refused(daemon, ["custody", "handover", approval, "--to", "S004", "--witness", "S002"], "invalid-field")
        try ok(daemon, ["custody", "carry-out", approval, "--carrier", "S003", "--reason", "下村现场办理", "--due", "2099-01-01 18:00", "--approver", "S002"]); changes += 1
        try refused(daemon, ["custody", "carry-out", approval, "--carrier", "S003", "--reason", "又一次", "--due", "2099-01-01 18:00", "--approver", "S002"], "already-carried-out")
        try refused(daemon, ["custody", "carry-out", business, "--carrier", "S003", "--reason", "自批", "--due", "2099-01-01 18:00", "--approver", "S003"], "self-approval")
        try refused(daemon, ["custody", "carry-out", business, "--carrier", "S003", "--reason", "过去", "--due", "2001-01-01 18:00", "--approver", "S002"], "invalid-field")
        #expect(try ok(daemon, ["custody", "list"]).contains("S003"))
        #expect(try ok(daemon, ["custody", "list", "--overdue"]).contains(approval) == false)
        try ok(daemon, ["custody", "return", approval]); changes += 1
        try refused(daemon, ["custody", "return", approval], "not-carried-out")
        let history = try ok(daemon, ["custody", "history", approval])
        for kind in ["custody.handover", "custody.carried-out", "custody.returned"] { #expect(history.contains(kind)) }
        let sealShow = try ok(daemon, ["seal", "show", approval])
        #expect(sealShow.contains("DLG-0001") && sealShow.contains("seal.activated") && sealShow.contains("S004"))

        // The journal holds exactly one entry per change, signed.
        let checkpoint = try ok(daemon, ["book", "checkpoint"])
        let lines = checkpoint.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count >= 5)
        #expect(Int(lines[1]) == changes, "checkpoint size \(lines[1]) ≠ \(changes) changes")
        #expect(lines.contains { $0.hasPrefix("\u{2014} ") })
        let key = try ok(daemon, ["book", "key"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(key.hasPrefix(String(lines[0]) + "+"))
        #expect(try ok(daemon, ["book", "proof", "--seq", "7"]).contains("verified against the signed checkpoint root"))
        #expect(try ok(daemon, ["book", "proof", "--from", "5", "--to", "\(changes)"]).contains("consistency"))
        let events = try ok(daemon, ["--json", "events", "--kind", "custody."])
        let parsed = try #require(try jsonObject(events)["events"] as? [[String: Any]])
        #expect(parsed.map { $0["kind"] as? String } == ["custody.handover", "custody.carried-out", "custody.returned"])
        let all = try #require(try jsonObject(try ok(daemon, ["--json", "events"]))["events"] as? [[String: Any]])
        #expect(all.count == changes)
        #expect(all.map { $0["seq"] as? Int } == Array(1...changes).map { Optional($0) })
        // On-behalf-of changes record both the staff member and the tool.
        let destroyed = try #require(all.first { $0["kind"] as? String == "seal.destroyed" })
        let actor = try #require(destroyed["actor"] as? [String: Any])
        #expect(actor["staff"] as? String == "S004")
        #expect(actor["tool_uid"] as? Int == 0)
        try refused(daemon, ["--as", "S003", "events"], "forbidden")  // clerks do not read the journal

        #expect(await daemon.stop() == 0)
    }

    @Test("events --follow prints new entries as they are journaled")
    func eventsFollow() async throws {
        let daemon = try RunningDaemon(name: "follow")
        try daemon.start()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binaries.sealctl)
        process.arguments = ["--socket", daemon.socketPath, "--json", "events", "--follow"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        defer { process.terminate() }
        try ok(daemon, ["staff", "add", "F1", "--name", "跟随", "--role", "clerk"])
        // The follower's first line is the new entry.
        let line = try #require(readLine(from: pipe.fileHandleForReading))
        #expect(line.contains("\"kind\":\"staff.added\""))
        #expect(line.contains("F1"))
        #expect(await daemon.stop() == 0)
    }

    @Test("a row edited in the SQLite file behind the daemon's back is found at start-up and writes are refused")
    func tamperDetectedAtStartup() async throws {
        let daemon = try RunningDaemon(name: "tamper")
        try daemon.start()
        for i in 1...4 { try ok(daemon, ["staff", "add", "T\(i)", "--name", "员工\(i)", "--role", "clerk"]) }
        #expect(await daemon.stop() == 0)
        let edit = try runCommand(
            "/usr/bin/sqlite3",
            [daemon.stateDirectory + "/registry.sqlite", "UPDATE journal SET entry = replace(entry, '员工2', '员工X') WHERE seq = 2;"]
        )
        #expect(edit.status == 0, "\(edit.stderr)")
        try daemon.start()
        // The check runs after start-up (reads are served at once); a write waits for it and is refused.
        try refused(daemon, ["staff", "add", "T9", "--name", "九", "--role", "clerk"], "journal-tampered")
        #expect(daemon.log.contains("first_bad_sequence=2"))
        #expect(try ok(daemon, ["staff", "list"]).contains("T4"))  // reads go on
        let status = try jsonObject(try ok(daemon, ["--json", "status"]))
        #expect(((status["journal"] as? [String: Any])?["integrity"] as? String)?.hasPrefix("tampered: entry 2") == true)
        #expect(await daemon.stop() == 0)
    }

    @Test("a registry table edited behind the daemon's back (not the journal) is named at start-up and by book check")
    func tableTamperDetected() async throws {
        let daemon = try RunningDaemon(name: "table-tamper")
        try daemon.start()
        for i in 1...4 { try ok(daemon, ["staff", "add", "T\(i)", "--name", "员工\(i)", "--role", "clerk"]) }
        let clean = try daemon.sealctl(["book", "check"])
        #expect(clean.status == 0, "\(clean.stderr)")
        #expect(clean.stdout.contains("journal: verified") && clean.stdout.contains("tables:  verified"))
        #expect(await daemon.stop() == 0)
        // The sqlite3 shell cannot write a registry row (the sealing triggers call the daemon's own functions)...
        let plain = try runCommand("/usr/bin/sqlite3", [daemon.stateDirectory + "/registry.sqlite", "UPDATE staff SET roles = 'admin' WHERE id = 'T2';"])
        #expect(plain.status != 0)
        #expect(plain.stderr.contains("no such function"))
        // ...so a tamperer drops the trigger first: the row is found all the same.
        let edit = try runCommand(
            "/usr/bin/sqlite3",
            [daemon.stateDirectory + "/registry.sqlite", "DROP TRIGGER row_seal_update_staff; UPDATE staff SET roles = 'admin' WHERE id = 'T2';"]
        )
        #expect(edit.status == 0, "\(edit.stderr)")
        try daemon.start()
        try refused(daemon, ["staff", "add", "T9", "--name", "九", "--role", "clerk"], "register-tampered")
        #expect(daemon.log.contains("table=staff") && daemon.log.contains("row=T2"))
        let status = try jsonObject(try ok(daemon, ["--json", "status"]))
        #expect(((status["journal"] as? [String: Any])?["integrity"] as? String) == "tampered: table staff, row T2: edited")
        let check = try daemon.sealctl(["book", "check"])
        #expect(check.status == 21)
        #expect(check.stdout.contains("tables:  tampered: table staff, row T2: edited"))
        #expect(try ok(daemon, ["staff", "list"]).contains("T4"))  // reads go on
        #expect(await daemon.stop() == 0)
    }
}

/// Reads one line from a pipe, blocking until it arrives (the pipe closes when the writer dies).
func readLine(from handle: FileHandle) -> String? {
    var bytes: [UInt8] = []
    while true {
        let chunk = handle.readData(ofLength: 1)
        if chunk.isEmpty { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
        if chunk.first == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
        bytes.append(contentsOf: chunk)
    }
}
