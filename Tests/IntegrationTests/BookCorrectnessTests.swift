import Foundation
import Testing

/// What the book says, checked as a seal administrator and an inspector would read it (issue: the book an
/// inspector can trust at a glance).
@Suite("The book says what happened, in local time, on a real daemon", .ownThreads)
struct BookCorrectnessTests {
    func request(_ daemon: RunningDaemon, count: Int, urgent: Bool = false, reason: String = "个体工商户设立登记决定书") throws -> String {
        try ok(daemon, ["--as", "S003", "request", "create", "--seal", "SEAL-0001", "--matter", "XK-001", "--case", "2026-XK-\(Int.random(in: 1000...9999))",
                        "--purpose", "decision", "--reason", reason, "--count", String(count)] + (urgent ? ["--urgent"] : []))
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("a downward correction never re-opens an exhausted approval; an upward one counts against it")
    func corrections() async throws {
        let daemon = try RunningDaemon(name: "corrections")
        try daemon.start()
        try setUpTownship(daemon)
        let id = try request(daemon, count: 2)
        try ok(daemon, ["--as", "S002", "request", "approve", id])
        try ok(daemon, ["--as", "S001", "use", "record", id, "--count", "2"])
        try ok(daemon, ["--as", "S001", "use", "correct", "USE-000001", "--count", "1", "--reason", "多盖一份作废"])
        let shown = try jsonObject(try ok(daemon, ["--json", "request", "show", id]))
        #expect(shown["state"] as? String == "exhausted", "a correction must never create approval")
        #expect(shown["remaining"] as? Int == 0)
        #expect((shown["request"] as? [String: Any])?["used"] as? Int == 1, "the book counts one impression")
        try refused(daemon, ["--as", "S001", "use", "record", id, "--count", "1"], "count-exceeds-approval")
        // Raising it back to 2 is within the approval (2 were made); to 3 is not.
        try ok(daemon, ["--as", "S001", "use", "correct", "USE-000001", "--count", "2", "--reason", "作废一份经核实未作废"])
        try refused(daemon, ["--as", "S001", "use", "correct", "USE-000001", "--count", "3", "--reason", "实际盖了三份"], "count-exceeds-approval")

        // On an approval of 3 with 1 made: a correction up to 2 takes one of the 2 left.
        let other = try request(daemon, count: 3)
        try ok(daemon, ["--as", "S002", "request", "approve", other])
        try ok(daemon, ["--as", "S001", "use", "record", other, "--count", "1"])
        try ok(daemon, ["--as", "S001", "use", "correct", "USE-000002", "--count", "2", "--reason", "实际盖了两份"])
        #expect(try jsonObject(try ok(daemon, ["--json", "request", "show", other]))["remaining"] as? Int == 1)

        // The corrector is named (and with --as absent, the Unix account that did it).
        try ok(daemon, ["use", "correct", "USE-000002", "--count", "1", "--reason", "核对后更正"])
        let csv = try ok(daemon, ["book", "export", "--format", "csv", "--seal", "SEAL-0001"])
        #expect(csv.contains("2 →1 多盖一份作废 (张三(S001), ") && csv.contains("→2 作废一份经核实未作废 (张三(S001), "), "\(csv)")
        let user = String(cString: getpwuid(getuid())!.pointee.pw_name)
        #expect(csv.contains("→1 核对后更正 (\(user), "), "\(csv)")
        #expect(try ok(daemon, ["book", "list"]).contains("多盖一份作废 (张三(S001), "))
    }

    /// Records `uses` uses of one impression each on `seal` through the API (requests of 50, approved, used one
    /// by one): a book longer than one page of `book list` in a few seconds.
    func fill(_ daemon: RunningDaemon, seal: String, matter: String, uses: Int) throws {
        let script = """
            import http.client, json, socket, sys
            class Conn(http.client.HTTPConnection):
                def connect(self):
                    self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    self.sock.connect(sys.argv[1])
            conn = Conn("localhost")
            def call(path, body, staff):
                conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json", "Sealkeeper-On-Behalf-Of": staff})
                r = conn.getresponse(); data = r.read()
                if r.status >= 300: sys.exit(f"{path}: {r.status} {data[:300]!r}")
                return json.loads(data)
            left = int(sys.argv[4])
            while left > 0:
                n = min(50, left)
                req = call("/v1/requests", {"seal": sys.argv[2], "matter": sys.argv[3], "case_number": f"2026-P-{left}", "purpose": "decision",
                                            "reason": "分页测试", "count": n}, "S003")
                call(f"/v1/requests/{req['id']}/approve", {}, "S002")
                for _ in range(n): call("/v1/uses", {"request": req["id"], "count": 1}, "S001")
                left -= n
            """
        let result = try runCommand("/usr/bin/python3", ["-c", script, daemon.socketPath, seal, matter, String(uses)])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test("a book longer than a page lists every line once, seal by seal in 序号 order, as a table and as JSON")
    func longBookList() async throws {
        let daemon = try RunningDaemon(name: "long-list")
        try daemon.start()
        try setUpTownship(daemon)
        try fill(daemon, seal: "SEAL-0002", matter: "GG-001", uses: 3)
        try fill(daemon, seal: "SEAL-0001", matter: "XK-001", uses: 2_120)

        let table = try ok(daemon, ["book", "list"]).split(separator: "\n", omittingEmptySubsequences: false)
        let first = try #require(table.firstIndex { $0.hasSuffix("(SEAL-0001)") })
        let second = try #require(table.firstIndex { $0.hasSuffix("(SEAL-0002)") })
        #expect(first < second, "seals in id order")
        #expect(table.filter { $0.hasSuffix("(SEAL-0001)") || $0.hasSuffix("(SEAL-0002)") }.count == 2, "each seal's title once")
        #expect(table.filter { $0.hasPrefix("序号") }.count == 2, "each seal's header row once, not once a page")
        let serials = { (lines: ArraySlice<Substring>) in lines.prefix { !$0.isEmpty }.dropFirst().map { Int($0.split(separator: " ")[0]) } }
        #expect(serials(table[(first + 1)...]) == (1...2_120).map { $0 })
        #expect(serials(table[(second + 1)...]) == [1, 2, 3])
        // The columns line up on a terminal, page after page: a CJK character takes two columns, so every row's
        // 事由, 批准人 and 用印人 start where the header's do (the serials widen from 1 to 4 digits on the way).
        func width(_ text: Substring) -> Int { text.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 ? 2 : 1) } }
        func column(_ line: Substring, _ text: String) -> Int? { line.range(of: text).map { width(line[..<$0.lowerBound]) } }
        let block = table[(first + 1)...].prefix { !$0.isEmpty }
        let header = try #require(block.first)
        for (title, cell) in [("事由", "分页测试"), ("批准人", "李四"), ("用印人", "王五")] {
            let at = try #require(column(header, title))
            #expect(block.dropFirst().allSatisfy { column($0, cell) == at }, "\(title) at column \(at)")
        }

        let json = try #require(try jsonObject(try ok(daemon, ["--json", "book", "list"]))["uses"] as? [[String: Any]])
        #expect(json.count == 2_123)
        #expect(Set(json.compactMap { $0["id"] as? String }).count == 2_123)
        let one = try #require(try jsonObject(try ok(daemon, ["--json", "book", "list", "--seal", "SEAL-0001"]))["uses"] as? [[String: Any]])
        #expect(one.compactMap { $0["serial"] as? Int } == (1...2_120).map { $0 })
        #expect(try ok(daemon, ["book", "list", "--seal", "SEAL-0002"]).contains("(SEAL-0001)") == false)
    }

    @Test("a denied urgent use reads 已驳回 by … in every form and is an anomaly at once")
    func deniedUrgent() async throws {
        let daemon = try RunningDaemon(name: "denied-urgent")
        try daemon.start()
        try setUpTownship(daemon)
        let id = try request(daemon, count: 1, urgent: true, reason: "紧急用印")
        try ok(daemon, ["--as", "S001", "use", "record", id, "--count", "1", "--note", "补盖"])
        #expect(try ok(daemon, ["book", "list"]).contains("(待批)"))
        try ok(daemon, ["--as", "S002", "request", "deny", id, "--reason", "不符合紧急用印条件"])
        let list = try ok(daemon, ["book", "list"])
        #expect(list.contains("已驳回 by 李四(S002)") && !list.contains("(待批)"), "\(list)")
        #expect(list.contains("补盖"), "the note is in the book")
        let csv = try ok(daemon, ["book", "export", "--format", "csv"])
        #expect(csv.contains(",已驳回 by 李四(S002),") && csv.contains(",补盖,"), "\(csv)")
        let html = try ok(daemon, ["book", "export", "--format", "html"])
        #expect(html.contains("已驳回 by 李四(S002)") && html.contains("行政审批委托专用章</dd>") && html.contains("实物印章"))
        #expect(!html.contains(">delegated-approval<") && !html.contains(">physical<"))
        // Listed at once, not after urgent_window (24 h by default).
        let report = try jsonObject(try ok(daemon, ["--json", "report", "anomalies"]))
        let kinds = (report["anomalies"] as? [[String: Any]] ?? []).map { $0["kind"] as? String }
        #expect(kinds.first == "urgent-denied", "\(kinds)")
        #expect(try ok(daemon, ["report", "anomalies"]).contains("紧急用印被驳回"))
    }

    @Test("refusals follow the report's filters")
    func refusalFilters() async throws {
        let daemon = try RunningDaemon(name: "refusal-filters")
        try daemon.start()
        try setUpTownship(daemon)
        let id = try request(daemon, count: 1)
        try refused(daemon, ["--as", "S003", "request", "approve", id], "forbidden")
        try refused(daemon, ["--as", "S001", "use", "record", id, "--count", "1"], "not-approved")
        func refusals(_ filter: [String]) throws -> Int {
            let stats = try jsonObject(try ok(daemon, ["--json", "report", "stats"] + filter))
            let rows = ((stats["statistics"] as? [String: Any])?["refusals"] as? [[String: Any]]) ?? []
            return rows.reduce(0) { $0 + (($1["count"] as? Int) ?? 0) }
        }
        #expect(try refusals([]) == 2)
        #expect(try refusals(["--seal", "SEAL-0001"]) == 2)
        #expect(try refusals(["--seal", "SEAL-0002"]) == 0, "no refusal was about SEAL-0002")
        #expect(try refusals(["--user", "S003"]) == 1)
        #expect(try refusals(["--user", "S005"]) == 0)
        #expect(try refusals(["--matter", "GG-001"]) == 0)
    }

    @Test("times are read and typed in the register's zone, with the offset in JSON")
    func localTimes() async throws {
        let daemon = try RunningDaemon(name: "local-times")
        try daemon.start()
        try setUpTownship(daemon)
        let id = try request(daemon, count: 1)
        let approved = try jsonObject(try ok(daemon, ["--json", "--as", "S002", "request", "approve", id]))
        let until = try #require((approved["approval"] as? [String: Any])?["until"] as? String)
        #expect(until.hasSuffix("T23:59:59+08:00"), "the end of the local day, shown locally: \(until)")
        #expect(try ok(daemon, ["--as", "S002", "request", "show", id]).contains("23:59"))
        // Typed without an offset: the register's zone, whatever this machine's TZ says.
        var environment = daemon.environment
        environment["TZ"] = "America/New_York"
        environment["SEALKEEPER_SOCKET"] = daemon.socketPath
        let carried = try runCommand(Binaries.sealctl, ["custody", "carry-out", "SEAL-0002", "--carrier", "S003", "--reason", "下村现场办理",
                                                         "--due", "2099-12-01 17:00", "--approver", "S002", "--json"], environment: environment)
        #expect(carried.status == 0, "\(carried.stderr)")
        let due = (try jsonObject(carried.stdout)["carried_out"] as? [String: Any])?["due"] as? String
        #expect(due == "2099-12-01T17:00:00+08:00")
        let stored = try runCommand("/usr/bin/sqlite3", [daemon.stateDirectory + "/registry.sqlite", "SELECT due FROM carry_out"])
        #expect(stored.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "2099-12-01T09:00:00Z", "storage stays UTC")
        let events = try jsonObject(try ok(daemon, ["--json", "events"]))["events"] as? [[String: Any]] ?? []
        #expect(events.allSatisfy { ($0["time"] as? String)?.hasSuffix("+08:00") == true })
        #expect(events.allSatisfy { ($0["entry"] as? String).map { !$0.contains("+08:00") } ?? true }, "the journal's entries stay UTC")
    }

    @Test("a filter naming nothing that exists is an error naming the valid values, never an empty book")
    func typos() async throws {
        let daemon = try RunningDaemon(name: "typos")
        try daemon.start()
        try setUpTownship(daemon)
        for (arguments, words) in [
            (["book", "export", "--format", "csv", "--seal", "SEAL-0009"], ["SEAL-0009", "SEAL-0001, SEAL-0002"]),
            (["book", "export", "--format", "csv", "--township", "YY镇"], ["YY镇", "XX镇"]),
            (["book", "list", "--seal", "SEAL-0009"], ["SEAL-0009", "SEAL-0001"]),
            (["report", "stats", "--township", "YY镇"], ["YY镇", "XX镇"]),
            (["report", "stats", "--user", "S099"], ["S099", "S001"]),
            (["report", "anomalies", "--matter", "XK-999"], ["XK-999", "XK-001"]),
            (["request", "list", "--status", "nonsense"], ["nonsense", "pending", "urgent-unresolved"]),
            (["book", "export", "--format", "csv", "--from", "2026-10-01", "--to", "2026-09-30"], ["2026-10-01", "2026-09-30"]),
            (["book", "list", "--from", "2026-10-01", "--to", "2026-09-30"], ["2026-10-01", "2026-09-30"]),
        ] {
            let result = try daemon.sealctl(arguments)
            #expect(result.status != 0 && result.stdout.isEmpty, "\(arguments) gave \(result.stdout)")
            #expect(result.stderr.hasPrefix("error: "), "\(result.stderr)")
            for word in words { #expect(result.stderr.contains(word), "\(arguments): \(result.stderr)") }
        }
    }
}

@Suite("Input a person really has, and errors in the words they typed, on a real daemon", .ownThreads)
struct EverydayInputTests {
    @Test("a GB18030 catalogue with the national 权力类型 and no 事项类别 imports, saying what was assumed")
    func gb18030Catalogue() async throws {
        let daemon = try RunningDaemon(name: "gb18030")
        try daemon.start()
        let text = """
            事项编码,事项名称,权力类型,赋权部门,监管部门,跨乡镇,法定不得委托\r
            XK-101,个体工商户登记,行政许可,县行政审批服务局,县市场监督管理局,否,否\r
            JC-101,农药经营检查,行政检查,县农业农村局,县农业农村局,否,否\r
            GG-101,城乡居民基本养老保险参保登记,公共服务,县人社局,县人社局,否,否\r

            """
        let file = daemon.directory.appendingPathComponent("事项目录.csv")
        try #require(text.data(using: String.Encoding(rawValue: 0x8000_0632))).write(to: file)
        let imported = try daemon.sealctl(["matter", "import", file.path])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("imported 3 new") && imported.stderr.contains("GB18030"), "\(imported.stdout) \(imported.stderr)")
        let matters = try jsonObject(try ok(daemon, ["--json", "matter", "list"]))["matters"] as? [[String: Any]] ?? []
        #expect(matters.first { $0["code"] as? String == "JC-101" }?["power_type"] as? String == "行政检查")
        #expect(matters.first { $0["code"] as? String == "GG-101" }?["category"] as? String == "public-service")
        #expect(try ok(daemon, ["matter", "list", "--category", "公共服务事项"]).contains("GG-101"), "the catalogue's own words filter")
        // Declared UTF-8 but GB18030 bytes: refused, naming the encoding.
        let declared = try daemon.sealctl(["matter", "import", "--encoding", "utf-8", file.path])
        #expect(declared.status == 1 && declared.stderr.contains("not utf-8"), "\(declared.stderr)")
    }

    @Test("text past its limit or holding control characters is refused; sealctl never prints them raw")
    func textLimits() async throws {
        let daemon = try RunningDaemon(name: "text-limits")
        try daemon.start()
        try setUpTownship(daemon)
        let base = ["--as", "S003", "request", "create", "--seal", "SEAL-0001", "--matter", "XK-001", "--case", "2026-XK-1", "--purpose", "decision", "--count", "1"]
        let huge = try daemon.sealctl(base + ["--reason", String(repeating: "x", count: 100_000)])
        #expect(huge.status == 1 && huge.stderr.hasPrefix("error: invalid-field: reason is 100000 characters long; at most 200"), "\(huge.stderr.prefix(200))")
        let escape = try daemon.sealctl(base + ["--reason", "盖章\u{1B}[2J\u{1B}[31m"])
        #expect(escape.status == 1 && escape.stderr.contains("U+001B"), "\(escape.stderr)")
        let note = try daemon.curl("/v1/staff", method: "POST", body: #"{"id":"S009","name":"张\r三","roles":["clerk"]}"#)
        #expect(note.status == 400 && note.body.contains("invalid-field"))
        #expect(try daemon.sealctl(["book", "list"]).stdout.contains("\u{1B}") == false)
    }

    @Test("a closed pipe ends sealctl quietly")
    func brokenPipe() async throws {
        let daemon = try RunningDaemon(name: "epipe")
        try daemon.start()
        try setUpTownship(daemon)
        // Enough journal and book for several pipe buffers.
        for i in 0..<30 {
            let id = try ok(daemon, ["--as", "S003", "request", "create", "--seal", "SEAL-0001", "--matter", "XK-001", "--case", "2026-XK-\(i)",
                                     "--purpose", "decision", "--reason", String(repeating: "个体工商户设立登记决定书", count: 16), "--count", "50"])
                .trimmingCharacters(in: .whitespacesAndNewlines)
            try ok(daemon, ["--as", "S002", "request", "approve", id])
            for _ in 0..<10 { try ok(daemon, ["--as", "S001", "use", "record", id, "--count", "5"]) }
        }
        for command in ["book export --format csv", "book export --format html", "report anomalies --format csv", "--json events", "events", "book list"] {
            let shell = try runCommand("/bin/bash", ["-c", "set -o pipefail; '\(Binaries.sealctl)' --socket '\(daemon.socketPath)' \(command) | head -c 100 > /dev/null"])
            #expect(shell.status == 0, "\(command): exit \(shell.status)")
            #expect(shell.stderr.isEmpty, "\(command): \(shell.stderr.prefix(300))")
        }
    }

    @Test("usage errors name the flag the person typed and the valid values, in the error: CODE: message form")
    func usageErrors() async throws {
        let daemon = try RunningDaemon(name: "usage-errors")
        try daemon.start()
        for (arguments, words) in [
            (["staff", "add", "S1", "--name", "甲", "--role", "boss"], ["--role", "boss", "admin", "clerk", "approver", "inspector"]),
            (["delegation", "add", "--agreement", "a", "--from", "b", "--to", "c", "--supervisor", "d", "--valid-from", "2026/01/01",
              "--valid-to", "2026-12-31", "--seal", "S", "--matter", "X=handling"], ["--valid-from", "2026/01/01", "YYYY-MM-DD"]),
            (["request", "create", "--seal", "S", "--matter", "M", "--case", "c", "--purpose", "decision", "--reason", "r", "--count", "-1"], ["--count", "-1", "at least 1"]),
            (["request", "list", "--status", "nonsense"], ["--status", "nonsense", "urgent-unresolved"]),
            (["seal", "add", "--name", "n", "--kind", "round", "--medium", "physical", "--owner", "o", "--holder", "h", "--custodian", "S1"], ["--kind", "delegated-approval"]),
            (["book", "export", "--format", "pdf"], ["--format", "pdf", "xlsx"]),
            (["book", "list", "--from", "2026-10-01", "--to", "2026-09-30"], ["--from", "after"]),
            (["book", "list", "--quarter", "2026Q5"], ["--quarter", "YYYYQn"]),
        ] {
            let result = try daemon.sealctl(arguments)
            #expect(result.status == 64, "\(arguments): \(result.status)")
            #expect(result.stderr.hasPrefix("error: bad-argument: "), "\(result.stderr)")
            for word in words { #expect(result.stderr.contains(word), "\(arguments): \(result.stderr)") }
        }
        let refused = try daemon.sealctl(["matter", "import", RegistryScenarioTests.catalogue + ".missing"])
        #expect(refused.status == 66 && refused.stderr.hasPrefix("error: file-unreadable: "))
    }
}

@Suite("sealctl and answers too large to hold", .ownThreads)
struct AnswerLimitTests {
    /// A stand-in daemon on a Unix socket in `directory`: Python that runs `setup` once, then answers every request
    /// by running `answer` with the connection `c` (after skipping sealctl's probe of the socket). Spawned as the
    /// daemons are (signals reset, output to a log): a child holding the test runner's output open, or deaf to
    /// SIGTERM, would keep `swift test` waiting after the test ends. Returns the socket and the process to kill.
    static func standIn(in directory: URL, setup: String, answer: String) async throws -> (socket: String, pid: pid_t) {
        let socket = directory.appendingPathComponent("big.sock").path
        let indented = answer.split(separator: "\n").map { "        " + $0 }.joined(separator: "\n")
        let server = """
            import os, socket, sys
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.bind(sys.argv[1] + ".new"); s.listen(4)
            os.rename(sys.argv[1] + ".new", sys.argv[1])  # the path appears once it is listened on
            \(setup)
            while True:
                c, _ = s.accept()
                data = b""
                while b"\\r\\n\\r\\n" not in data:
                    more = c.recv(65536)
                    if not more: break
                    data += more
                if not data:  # sealctl's probe of the socket
                    c.close(); continue
                try:
            \(indented)
                except OSError:
                    pass
                c.close()
            """
        let pid = try spawn("/usr/bin/python3", ["-c", server, socket], environment: [:], logPath: directory.appendingPathComponent("server.log").path)
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: socket) { try await Task.sleep(for: .milliseconds(50)) }
        return (socket, pid)
    }

    static func stop(_ pid: pid_t) {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    @Test("a JSON answer over 256 MiB is answer-too-large, naming what to narrow, not a NIO error")
    func answerTooLarge() async throws {
        let directory = try makeTemporaryDirectory("answer-limit")
        defer { try? FileManager.default.removeItem(at: directory) }
        // An anomaly report of 300 MiB of JSON, sent as fast as the socket takes it.
        let (socket, pid) = try await Self.standIn(in: directory, setup: "size = 300 << 20\nchunk = b'\"' + b\"x\" * (1 << 20) + b'\"'", answer: """
            c.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\nContent-Length: %d\\r\\n\\r\\n" % size)
            for _ in range(size // len(chunk)): c.sendall(chunk)
            c.sendall(b" " * (size % len(chunk)))
            """)
        defer { Self.stop(pid) }
        let result = try runCommand(Binaries.sealctl, ["--socket", socket, "report", "stats"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: answer-too-large: the answer to /v1/reports/stats is larger than 256 MiB"), "\(result.stderr)")
        #expect(result.stderr.contains("--from/--to"))
    }

    /// A stand-in serving a well-formed anomaly report of `pieces` MiB of entries, chunked as the daemon sends it,
    /// its finding's kind and title (sorted keys) after the entries, and the period and settings after the findings.
    static func reportStandIn(in directory: URL, pieces: Int) async throws -> (socket: String, pid: pid_t, entries: Int) {
        let itemLength = 90  // the item below, in bytes
        let per = (1 << 20) / (itemLength + 1)
        let (socket, pid) = try await standIn(in: directory, setup: """
            item = b'{"detail":"case 1, \\\\"quoted\\\\" [x]","ref":"USE-0000001","time":"2026-11-20T09:00:00+08:00"}'
            assert len(item) == \(itemLength)
            per = \(per)
            piece = b",".join([item] * per)
            pieces = \(pieces)
            head = b'{"anomalies":[{"count":%d,"evidence":[' % (per * pieces)
            tail = ('],"kind":"repeated-reason","subject":"同一事由","title":"同一事由多次使用 · the same reason on many cases"},'
                    '{"count":1,"evidence":[{"detail":"d","ref":"#7","staff":"S005","time":"2026-11-21T09:00:00+08:00"}],"kind":"refusals-above-threshold","title":"t2"}],'
                    '"period":{"from":"2026-10-01","to":"2026-12-31"},"settings":{"holidays":[],"office_days":["mon"],"office_hours":["08:30-12:00"],'
                    '"quick_use_seconds":60,"refusals_per_clerk":5,"timezone":"Asia/Shanghai","urgent_window_seconds":86400,"workdays":[],'
                    '"full_use_streak":5,"quick_use_repeats":5,"repeated_reason_cases":5}}').encode()
            def chunk(c, data): c.sendall(b"%x\\r\\n" % len(data) + data + b"\\r\\n")
            """, answer: """
            c.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n")
            chunk(c, head + piece)
            for _ in range(pieces - 1): chunk(c, b"," + piece)
            chunk(c, tail)
            c.sendall(b"0\\r\\n\\r\\n")
            """)
        return (socket, pid, per * pieces)
    }

    @Test("report anomalies as a table or CSV reads the answer as it comes: the header first, a finding's first 1,000 entries and the count of the rest; every row in CSV")
    func tableStreams() async throws {
        let directory = try makeTemporaryDirectory("answer-table")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (socket, pid, entries) = try await Self.reportStandIn(in: directory, pieces: 24)
        defer { Self.stop(pid) }
        let out = directory.appendingPathComponent("report.txt").path
        let table = try runCommand("/bin/sh", ["-c", "/usr/bin/time -f 'maxrss %M' \"$0\" --socket \"$1\" report anomalies > \"$2\"", Binaries.sealctl, socket, out])
        #expect(table.status == 0, "\(table.stderr)")
        let text = try String(contentsOfFile: out, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "期间 period  2026-10-01 – 2026-12-31")
        #expect(lines.contains("同一事由多次使用 · the same reason on many cases — 同一事由 [repeated-reason] ×\(entries)"))
        #expect(text.components(separatedBy: "USE-0000001").count - 1 == 1_000)
        #expect(text.contains("… 另有 \(entries - 1_000) 条未列出 · \(entries - 1_000) more entries not listed"))
        #expect(lines.contains { $0.hasPrefix("#7") && $0.contains("S005") }, "the second finding, whole")
        let peak = table.stderr.split(separator: "\n").last { $0.hasPrefix("maxrss ") }.flatMap { Int($0.dropFirst(7)) } ?? .max
        #expect(peak < 80_000, "sealctl peaked at \(peak) KB reading a 24 MiB answer")

        let csv = try runCommand(Binaries.sealctl, ["--socket", socket, "report", "anomalies", "--format", "csv"])
        #expect(csv.status == 0, "\(csv.stderr)")
        let rows = csv.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(rows.count == 1 + entries + 1)
        #expect(rows[1] == #"repeated-reason,同一事由多次使用 · the same reason on many cases,同一事由,USE-0000001,2026-11-20T09:00:00+08:00,,,"case 1, ""quoted"" [x]""#)
        #expect(rows.last == "refusals-above-threshold,t2,,#7,2026-11-21T09:00:00+08:00,S005,,d")
    }

    @Test("report anomalies --json streams an answer of any size, re-indented as it arrives, in a piece's memory")
    func jsonStreams() async throws {
        let directory = try makeTemporaryDirectory("answer-stream")
        defer { try? FileManager.default.removeItem(at: directory) }
        // A well-formed 300 MiB report, sent chunked as the daemon sends it.
        let (socket, pid, _) = try await Self.reportStandIn(in: directory, pieces: 300)
        defer { Self.stop(pid) }
        // The output (over 400 MiB) goes to a file; GNU time reports sealctl's peak memory.
        let out = directory.appendingPathComponent("report.json").path
        let result = try runCommand("/bin/sh", ["-c", "/usr/bin/time -f 'maxrss %M' \"$0\" --socket \"$1\" --json report anomalies > \"$2\"", Binaries.sealctl, socket, out])
        #expect(result.status == 0, "\(result.stderr)")
        let size = try FileManager.default.attributesOfItem(atPath: out)[.size] as? Int ?? 0
        #expect(size > 300 << 20)
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: out))
        defer { try? handle.close() }
        let start = String(decoding: try handle.read(upToCount: 200) ?? Data(), as: UTF8.self)
        #expect(start.hasPrefix("{\n  \"anomalies\" : [\n    {\n      \"count\" : "), "\(start)")
        #expect(start.contains("\"detail\" : \"case 1, \\\"quoted\\\" [x]\","), "\(start)")
        try handle.seek(toOffset: UInt64(max(0, size - 120)))
        let end = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
        #expect(end.hasSuffix("    \"repeated_reason_cases\" : 5\n  }\n}\n"), "\(end)")
        let peak = result.stderr.split(separator: "\n").last { $0.hasPrefix("maxrss ") }.flatMap { Int($0.dropFirst(7)) } ?? .max
        #expect(peak < 100_000, "sealctl peaked at \(peak) KB streaming a 300 MiB answer")
    }
}
