#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// The county mirror on real daemons: a township's journal copied into the county's PostgreSQL after each
/// cosignature, projected into the county's tables, caught up after the county was away.
@Suite("The county mirror holds every township's register", .serialized, .ownThreads)
struct CountyMirrorTests {
    /// Every registry table of the township, row by row, as `kind|hex(value)…` lines sorted: SQLite's side.
    static func townshipRows(_ township: RunningDaemon, _ table: String, columns: [String]) throws -> [String] {
        let cells = columns.map { "CASE WHEN \"\($0)\" IS NULL THEN 'N' ELSE 'V' || hex(\"\($0)\") END" }.joined(separator: " || '|' || ")
        let result = try runCommand("/usr/bin/sqlite3", [township.stateDirectory + "/registry.sqlite", "SELECT \(cells) FROM \(table)"])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init).sorted()
    }

    /// The same lines from the county's copy of one township (PostgreSQL).
    static func countyRows(_ postgres: PrivatePostgres, origin: String, _ table: String, columns: [String]) throws -> [String] {
        let cells = columns.map { column in
            let bytes = column == "certificate" ? "\"\(column)\"" : "convert_to(\"\(column)\"::text, 'UTF8')"
            return "CASE WHEN \"\(column)\" IS NULL THEN 'N' ELSE 'V' || upper(encode(\(bytes), 'hex')) END"
        }.joined(separator: " || '|' || ")
        let result = try runCommand(
            "/usr/bin/psql", ["-h", postgres.socketDirectory, "-U", "sealcounty", "-d", "sealcounty", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                              "-c", "SELECT \(cells) FROM \(table) WHERE origin = '\(origin)'"]
        )
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init).sorted()
    }

    /// The rows of `use_hour` (kept by triggers) that differ from grouping the lines afresh: none.
    static func rollupDifference(_ postgres: PrivatePostgres) throws -> String {
        let grouped = """
            SELECT u.origin, substring(u.time, 1, 13), u.seal_id, u.matter_code, u."user", COALESCE(u.approver, r.approver, ''), count(*), sum(u.effective_count)
            FROM use_record u LEFT JOIN use_request r ON u.approver IS NULL AND r.origin = u.origin AND r.id = u.request_id GROUP BY 1, 2, 3, 4, 5, 6
            """
        let kept = "SELECT origin, hour, seal_id, matter_code, \"user\", approver, uses, impressions FROM use_hour WHERE uses <> 0"
        let result = try runCommand(
            "/usr/bin/psql", ["-h", postgres.socketDirectory, "-U", "sealcounty", "-d", "sealcounty", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                              "-c", "(\(grouped) EXCEPT \(kept)) UNION ALL (\(kept) EXCEPT \(grouped))"]
        )
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    static func columns(_ township: RunningDaemon, _ table: String) throws -> [String] {
        let result = try runCommand("/usr/bin/sqlite3", [township.stateDirectory + "/registry.sqlite", "SELECT name FROM pragma_table_info('\(table)')"])
        return result.stdout.split(separator: "\n").map(String.init)
    }

    /// The registry tables and the journal's query columns, compared; the first difference, or nil.
    static func difference(_ township: RunningDaemon, _ postgres: PrivatePostgres, origin: String) throws -> String? {
        let tables = ["staff", "matter", "seal", "delegation", "delegation_seal", "delegation_matter", "carry_out", "use_request", "use_record", "use_correction", "seal_card"]
        for table in tables {
            let columns = try columns(township, table)
            #expect(!columns.isEmpty)
            let (left, right) = (try townshipRows(township, table, columns: columns), try countyRows(postgres, origin: origin, table, columns: columns))
            if left != right {
                return "\(table) (\(columns.joined(separator: ","))):\n township \(left.count) rows: \(left.filter { !right.contains($0) }.prefix(3))\n county \(right.count) rows: \(right.filter { !left.contains($0) }.prefix(3))"
            }
        }
        let journal = ["seq", "time", "kind", "subject", "actor_staff", "entry"]
        let (left, right) = (try townshipRows(township, "journal", columns: journal), try countyRows(postgres, origin: origin, "journal", columns: journal))
        if left != right { return "journal: township \(left.count) rows, county \(right.count); first different: \(left.filter { !right.contains($0) }.prefix(1))" }
        return nil
    }

    static func journalSize(_ township: RunningDaemon) throws -> Int {
        try #require(try jsonObject(try township.sealctl(["status", "--json"]).stdout)["journal"] as? [String: Any])["entries"] as? Int ?? -1
    }

    static func awaitMirrored(_ township: RunningDaemon, _ size: Int, county: RunningCounty) async throws {
        for _ in 0..<600 {
            if try CountyWitnessTests.witness(township)["mirrored_size"] as? Int == size { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("not mirrored at \(size): \(try CountyWitnessTests.witness(township)); county log:\n\(county.log)\ntownship log:\n\(township.log)")
    }

    /// A bundle the county exports — the whole book, and windows whose entries are all before or all after it (so the
    /// boundary hashes are computed from the copy's leaves) — verifies offline with the township's key and the
    /// county's cosignature, as one exported at the township.
    static func expectBundlesVerify(_ township: RunningDaemon, _ county: RunningCounty, name: String, sourceLocation: SourceLocation) throws {
        let keys = township.directory.appendingPathComponent("keys-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
        try township.sealctl(["book", "key"]).stdout.write(toFile: keys + "/town.vkey", atomically: true, encoding: .utf8)
        try county.vkey().write(toFile: keys + "/county.vkey", atomically: true, encoding: .utf8)
        let day = { (offset: Double) in
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
            let c = calendar.dateComponents([.year, .month, .day], from: Date().addingTimeInterval(offset * 86_400))
            return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
        }
        for window in [[], ["--from", day(1)], ["--to", day(-1)]] {
            let bundle = keys + "/county-\(window.joined()).jsonl"
            let exported = try county.sealctl(["book", "export", "--format", "bundle", "--township", name, "--out", bundle] + window)
            #expect(exported.status == 0, "\(exported.stderr)", sourceLocation: sourceLocation)
            let verified = try runCommand(Binaries.sealctl, ["book", "verify", bundle, "--key", keys + "/town.vkey", "--witness", keys + "/county.vkey"])
            #expect(verified.status == 0, "\(window): \(verified.stdout)\(verified.stderr)", sourceLocation: sourceLocation)
        }
    }

    enum AnomalyLabels { static let county = "县 county" }

    /// The book, its statistics, its anomalies and its CSV export, read at the township and at the county: the same.
    static func expectSameReading(_ township: RunningDaemon, _ county: RunningCounty, name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        func both(_ here: [String], _ there: [String]) throws -> (String, String) {
            let a = try township.sealctl(here)
            let b = try county.sealctl(there + ["--township", name])
            #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)", sourceLocation: sourceLocation)
            return (a.stdout, b.stdout)
        }
        let (list, countyList) = try both(["book", "list", "--json"], ["book", "list", "--json"])
        #expect(list == countyList, sourceLocation: sourceLocation)
        try expectBundlesVerify(township, county, name: name, sourceLocation: sourceLocation)
        #expect(list.contains("\"uses\":[{"), sourceLocation: sourceLocation)
        let (table, countyTable) = try both(["book", "list", "--seal", "SEAL-0001"], ["book", "list", "--seal", "SEAL-0001"])
        #expect(table == countyTable, sourceLocation: sourceLocation)
        // The whole book, seal by seal (the county reads its seals from the township's statistics).
        let (whole, countyWhole) = try both(["book", "list"], ["book", "list"])
        #expect(whole == countyWhole, sourceLocation: sourceLocation)
        #expect(whole.contains("(SEAL-0001)"), sourceLocation: sourceLocation)
        let (csv, countyCSV) = try both(["book", "export", "--format", "csv"], ["book", "export", "--format", "csv"])
        #expect(csv == countyCSV, sourceLocation: sourceLocation)
        let (html, countyHTML) = try both(["book", "export", "--format", "html"], ["book", "export", "--format", "html"])
        // The footer names the checkpoint the export was read under: the county's is the mirrored one, the same size.
        #expect(html == countyHTML, sourceLocation: sourceLocation)
        // The workbooks differ only in the ZIP's time stamps (when each was made): every part is the same.
        let ourBook = township.directory.appendingPathComponent("book-\(name).xlsx").path, countyBook = county.directory.appendingPathComponent("book-\(name).xlsx").path
        _ = try both(["book", "export", "--format", "xlsx", "--out", ourBook], ["book", "export", "--format", "xlsx", "--out", countyBook])
        let parts = "import hashlib, json, sys, zipfile\nprint(json.dumps([[i.filename, hashlib.sha256(zipfile.ZipFile(sys.argv[1]).read(i)).hexdigest()] for i in zipfile.ZipFile(sys.argv[1]).infolist()]))"
        let (xlsx, countyXLSX) = (try runCommand("/usr/bin/python3", ["-c", parts, ourBook]), try runCommand("/usr/bin/python3", ["-c", parts, countyBook]))
        #expect(xlsx.status == 0 && xlsx.stdout.contains("xl/worksheets/sheet3.xml") && xlsx.stdout == countyXLSX.stdout, "\(xlsx)\n\(countyXLSX)", sourceLocation: sourceLocation)

        let (stats, countyStats) = try both(["report", "stats", "--json"], ["report", "stats", "--json"])
        let here = try jsonObject(stats)["statistics"] as? NSDictionary
        let there = (try jsonObject(countyStats)["townships"] as? [[String: Any]])?.first?["statistics"] as? NSDictionary
        #expect(here != nil && here == there, "\(stats)\n\(countyStats)", sourceLocation: sourceLocation)
        #expect(here == (try jsonObject(countyStats)["statistics"] as? NSDictionary), "one township: the county's total is its", sourceLocation: sourceLocation)

        let (anomalies, countyAnomalies) = try both(["report", "anomalies", "--json"], ["report", "anomalies", "--json"])
        // The township's own witness-lag finding is about its link, which the county sees from the other side.
        let mine = (try jsonObject(anomalies)["anomalies"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String != "witness-lag" }
        let theirs = (try jsonObject(countyAnomalies)["townships"] as? [[String: Any]])?.first?["anomalies"] as? [[String: Any]] ?? []
        #expect(mine.contains { $0["kind"] as? String == "urgent-denied" }, "\(anomalies)", sourceLocation: sourceLocation)
        #expect(NSArray(array: mine) == NSArray(array: theirs), "\(anomalies)\n\(countyAnomalies)", sourceLocation: sourceLocation)
        // Across the county (every township, streamed a township at a time): the same township's findings, and the
        // table an inspector reads.
        let all = try county.sealctl(["report", "anomalies", "--json"])
        let entry = (try jsonObject(all.stdout)["townships"] as? [[String: Any]])?.first { $0["name"] as? String == name }
        #expect(NSArray(array: entry?["anomalies"] as? [[String: Any]] ?? []) == NSArray(array: mine), "\(all.stdout)", sourceLocation: sourceLocation)
        let printed = try county.sealctl(["report", "anomalies"])
        #expect(printed.status == 0 && printed.stdout.contains("== \(name) ==") && printed.stdout.contains("紧急用印被驳回"), "\(printed.stdout)\(printed.stderr)",
                sourceLocation: sourceLocation)
        // Read as it arrives (a township's name comes after its findings): the header first, the county's own
        // section, then each township's, every finding's title in its section; CSV one row per entry, each under
        // its section's name — the same findings as the JSON.
        let report = try jsonObject(all.stdout)
        var sections: [(String, [[String: Any]])] = [(AnomalyLabels.county, report["county"] as? [[String: Any]] ?? [])]
        for t in report["townships"] as? [[String: Any]] ?? [] { sections.append((t["name"] as! String, t["anomalies"] as? [[String: Any]] ?? [])) }
        #expect(printed.stdout.hasPrefix("期间 period"), sourceLocation: sourceLocation)
        var rest = Substring(printed.stdout)
        for (section, findings) in sections {
            let heading = try #require(rest.range(of: "\n== \(section) ==\n"), "\(section) in order", sourceLocation: sourceLocation)
            rest = rest[heading.upperBound...]
            let body = rest.range(of: "\n== ").map { rest[..<$0.lowerBound] } ?? rest
            #expect(findings.isEmpty == body.contains("无异常"), sourceLocation: sourceLocation)
            for finding in findings { #expect(body.contains(finding["title"] as! String), "\(finding)", sourceLocation: sourceLocation) }
        }
        let anomalyCSV = try county.sealctl(["report", "anomalies", "--format", "csv"])
        let rows = try runCommand("/usr/bin/python3", ["-c", "import csv, json, sys; print(json.dumps(list(csv.reader(sys.stdin))))"], stdin: anomalyCSV.stdout)
        let csvRows = try #require(try JSONSerialization.jsonObject(with: Data(rows.stdout.utf8)) as? [[String]], sourceLocation: sourceLocation)
        #expect(csvRows.first == ["\u{FEFF}township", "kind", "title", "subject", "ref", "time", "staff", "seal", "detail"], sourceLocation: sourceLocation)
        let expected = sections.flatMap { section, findings in
            findings.flatMap { f in (f["evidence"] as? [[String: Any]] ?? []).map { [section, f["kind"] as! String, $0["ref"] as! String] } }
        }
        #expect(!expected.isEmpty, sourceLocation: sourceLocation)
        #expect(csvRows.dropFirst().map { [$0[0], $0[1], $0[4]] } == expected, "\(anomalyCSV.stdout)", sourceLocation: sourceLocation)
    }

    @Test("every kind of event a township journals lands in the county's tables exactly as the township's; a township back after the county was away catches up")
    func mirroredTables() async throws {
        let postgres = try await PrivatePostgres(name: "mirror")
        let county = try RunningCounty(name: "mirror", postgres: postgres)
        try county.start()
        let township = try await CountyWitnessTests.linkedTownship("mirror", name: "己镇", county: county)
        let origin = try #require(try jsonObject(try township.sealctl(["status", "--json"]).stdout)["journal"] as? [String: Any])["origin"] as! String
        try setUpTownship(township)
        // Registry events: a staff member disabled, a matter re-imported with another name, a seal suspended and
        // re-activated, a delegation revoked, custody handed over, carried out and returned.
        try ok(township, ["staff", "add", "S009", "--name", "孙九", "--role", "clerk"])
        try ok(township, ["staff", "disable", "S009"])
        try ok(township, ["seal", "add", "--name", "XX镇人民政府2号公章", "--kind", "official-no2", "--medium", "physical", "--owner", "XX镇人民政府", "--holder", "XX镇人民政府", "--custodian", "S001"])
        try ok(township, ["seal", "activate", "SEAL-0003"])
        try ok(township, ["seal", "suspend", "SEAL-0003"])
        let delegation = try ok(township, ["delegation", "add", "--agreement", "委托协议2026-09", "--from", "县民政局", "--to", "XX镇", "--supervisor", "县民政局",
                          "--valid-from", "2026-01-01", "--valid-to", "2099-12-31", "--seal", "SEAL-0002", "--matter", "GG-001=handling"])
        try ok(township, ["delegation", "revoke", delegation.trimmingCharacters(in: .whitespacesAndNewlines), "--reason", "协议终止"])
        try ok(township, ["custody", "handover", "SEAL-0002", "--to", "S004", "--witness", "S002"])
        try ok(township, ["custody", "carry-out", "SEAL-0002", "--carrier", "S003", "--reason", "下村现场办理", "--due", "2099-12-01 17:00", "--approver", "S002"])
        try ok(township, ["custody", "return", "SEAL-0002"])
        // Requests and uses: approved and used to exhaustion, corrected, denied, cancelled, and a refusal.
        func request(_ count: Int, urgent: Bool = false) throws -> String {
            try ok(township, ["--as", "S003", "request", "create", "--seal", "SEAL-0001", "--matter", "XK-001", "--case", "2026-XK-\(Int.random(in: 1000...9999))",
                              "--purpose", "decision", "--reason", "个体工商户设立登记决定书", "--count", String(count)] + (urgent ? ["--urgent"] : []))
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let used = try request(2)
        try ok(township, ["--as", "S002", "request", "approve", used])
        try ok(township, ["--as", "S001", "use", "record", used, "--count", "1"])
        try ok(township, ["--as", "S001", "use", "record", used, "--count", "1"])
        try ok(township, ["--as", "S001", "use", "correct", "USE-000002", "--count", "0", "--reason", "作废"])
        try refused(township, ["--as", "S001", "use", "record", used, "--count", "1"], "count-exceeds-approval")
        try ok(township, ["--as", "S002", "request", "deny", try request(1), "--reason", "材料不全"])
        try ok(township, ["--as", "S003", "request", "cancel", try request(1)])
        // An urgent use whose request is then denied: a finding both reports hold at any hour (the others here
        // depend on whether the test runs inside office hours).
        let deniedUrgent = try request(1, urgent: true)
        try ok(township, ["--as", "S001", "use", "record", deniedUrgent, "--count", "1"])
        try ok(township, ["--as", "S002", "request", "deny", deniedUrgent, "--reason", "不属紧急情形"])
        let urgent = try request(1, urgent: true)
        try ok(township, ["--as", "S001", "use", "record", urgent, "--count", "1", "--note", "急件先用印后补批"])
        // The urgent line reaches the county before its approval does: its approver changes under it there.
        try await Self.awaitMirrored(township, try Self.journalSize(township), county: county)
        try ok(township, ["--as", "S002", "request", "approve", urgent])

        var size = try Self.journalSize(township)
        try await Self.awaitMirrored(township, size, county: county)
        #expect(try Self.difference(township, postgres, origin: origin) == nil)
        let useColumns = try Self.columns(township, "use_record")
        #expect(try Self.countyRows(postgres, origin: origin, "use_record", columns: useColumns).count == 4)
        // The hourly groups statistics read, kept by triggers through a correction and an approval after the use.
        #expect(try Self.rollupDifference(postgres) == "")
        try Self.expectSameReading(township, county, name: "己镇")

        // The county goes away; the township records on; back, it is caught up without anyone doing anything.
        #expect(await county.stop() == 0)
        for _ in 0..<15 {
            let id = try request(1)
            try ok(township, ["--as", "S002", "request", "approve", id])
            try ok(township, ["--as", "S001", "use", "record", id, "--count", "1"])
        }
        size = try Self.journalSize(township)
        #expect(try CountyWitnessTests.witness(township)["mirrored_size"] as? Int ?? 0 < size)
        try county.start()
        try await Self.awaitMirrored(township, size, county: county)
        #expect(try Self.difference(township, postgres, origin: origin) == nil)
        #expect(try Self.countyRows(postgres, origin: origin, "use_record", columns: useColumns).count == 19)
        #expect(try Self.rollupDifference(postgres) == "")
        try Self.expectSameReading(township, county, name: "己镇")
    }

    @Test("a township whose state directory is lost is rebuilt from the county's copy with its key, verifies, goes on and is cosigned again; a stranger's key gets nothing")
    func restoreFromCounty() async throws {
        let postgres = try await PrivatePostgres(name: "restore")
        let county = try RunningCounty(name: "restore", postgres: postgres)
        try county.start()
        let township = try await CountyWitnessTests.linkedTownship("restore", name: "庚镇", county: county)
        try setUpTownship(township)
        for _ in 0..<3 {
            let id = try ok(township, ["--as", "S003", "request", "create", "--seal", "SEAL-0001", "--matter", "XK-001", "--case", "2026-XK-\(Int.random(in: 1000...9999))",
                                       "--purpose", "decision", "--reason", "个体工商户设立登记决定书", "--count", "1"]).trimmingCharacters(in: .whitespacesAndNewlines)
            try ok(township, ["--as", "S002", "request", "approve", id])
            try ok(township, ["--as", "S001", "use", "record", id, "--count", "1"])
        }
        let size = try Self.journalSize(township)
        try await Self.awaitMirrored(township, size, county: county)
        let book = try ok(township, ["book", "list", "--json"])

        // The disk is lost; the operator has register.key from a backup, and the county's URL.
        #expect(await township.stop() == 0)
        let key = try Data(contentsOf: URL(fileURLWithPath: township.stateDirectory + "/register.key"))
        try FileManager.default.removeItem(atPath: township.stateDirectory)
        try FileManager.default.createDirectory(atPath: township.stateDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        FileManager.default.createFile(atPath: township.stateDirectory + "/register.key", contents: key, attributes: [.posixPermissions: 0o600])
        let restored = try runCommand(Binaries.sealctl, ["restore", "--from-county", county.url, "--state-dir", township.stateDirectory, "--json"])
        #expect(restored.status == 0, "\(restored.stderr)\n\(county.log)")
        #expect((try? jsonObject(restored.stdout))?["entries"] as? Int == size, "\(restored.stdout)\n\(restored.stderr)")
        // Run again over the restored register: refused, nothing touched.
        let again = try runCommand(Binaries.sealctl, ["restore", "--from-county", county.url, "--state-dir", township.stateDirectory])
        #expect(again.status == 64 && again.stderr.contains("exists"), "\(again.stderr)")

        try township.start()
        let status = try jsonObject(try township.sealctl(["status", "--json"]).stdout)
        #expect((status["journal"] as? [String: Any])?["integrity"] as? String == "verified", "\(status)")
        #expect(try Self.journalSize(township) == size)
        #expect(try ok(township, ["book", "list", "--json"]) == book)
        // It goes on: the next entry continues the sequence, and the county cosigns and mirrors it.
        try ok(township, ["staff", "add", "S010", "--name", "周十", "--role", "clerk"])
        try await CountyWitnessTests.awaitCosigned(township, size + 1, county: county)
        try await Self.awaitMirrored(township, size + 1, county: county)
        // The restored register is the one the county cosigned: no fork, no rollback.
        let findings = try jsonObject(try county.sealctl(["anomalies", "--json"]).stdout)["anomalies"] as? [[String: Any]] ?? []
        #expect(findings.allSatisfy { !["fork", "rollback"].contains($0["kind"] as? String ?? "") }, "\(findings)")

        // A register the county does not witness cannot read anyone's copy.
        let stranger = try RunningDaemon(name: "stranger", extra: "[pcsc]\nenabled = false")
        try stranger.start()
        #expect(await stranger.stop() == 0)
        let empty = stranger.directory.appendingPathComponent("empty").path
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: stranger.stateDirectory + "/register.key", toPath: empty + "/register.key")
        let refused = try runCommand(Binaries.sealctl, ["restore", "--from-county", county.url, "--state-dir", empty])
        #expect(refused.status == 69 && refused.stderr.contains("county-refused: 403"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: empty + "/registry.sqlite"), "nothing half-written stays behind")
        // On the staff socket a misspelt filter or body member is refused, naming it, as on a township's.
        func staff(_ path: String, body: String? = nil) throws -> String {
            var arguments = ["-s", "-o", "-", "-w", "\n%{http_code}", "--unix-socket", county.socketPath]
            if let body { arguments += ["-H", "Content-Type: application/json", "--data-binary", body] }
            return try runCommand("/usr/bin/curl", arguments + ["http://localhost\(path)"]).stdout
        }
        let misspelt = try staff("/v1/county/uses?township=%E5%BA%9A%E9%95%87&sael=SEAL-0001")
        #expect(misspelt.hasSuffix("\n400") && misspelt.contains(#""code":"bad-request""#) && misspelt.contains(#"unknown query parameter \"sael\""#), "\(misspelt)")
        #expect(try staff("/v1/county/uses?township=%E5%BA%9A%E9%95%87&seal=SEAL-0001").hasSuffix("\n200"))
        let member = try staff("/v1/county/townships", body: #"{"name":"辛镇","origin":"x.example/xin","vkey":"k","vkye":"k"}"#)
        #expect(member.hasSuffix("\n400") && member.contains("unknown field vkye (it takes name, origin, vkey)"), "\(member)")
        // A paging parameter that is not a number is refused, not read as its default.
        for query in ["start=ten", "limit=", "start=-1", "limit=100001"] {
            let answer = try runCommand("/usr/bin/curl", ["-s", "-o", "-", "-w", "\n%{http_code}", "--data-binary", "{}", "\(county.url)/restore?\(query)"])
            #expect(answer.stdout.hasSuffix("\n400") && answer.stdout.contains("start must be an integer"), "\(query): \(answer.stdout)")
        }
        // A misspelt protocol parameter is refused, naming it, not read as its default (`strat` is not `start`).
        for (path, named, takes) in [
            ("restore?strat=5", #""strat""#, "POST /restore takes limit, start"),
            ("add-checkpoint?old=3", #""old""#, "POST /add-checkpoint takes no query parameters"),
        ] {
            let answer = try runCommand("/usr/bin/curl", ["-s", "-o", "-", "-w", "\n%{http_code}", "--data-binary", "{}", "\(county.url)/\(path)"])
            #expect(answer.stdout.hasSuffix("\n400") && answer.stdout.contains("unknown query parameter \(named): \(takes)"), "\(path): \(answer.stdout)")
        }
    }
}
