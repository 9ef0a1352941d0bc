import SealCore
import SealService
import Testing

@Suite("Configuration file")
struct DaemonConfigurationTests {
    @Test("the shipped Config/sealkeeper.toml parses to the documented defaults")
    func shippedDefaults() throws {
        let path = #filePath.replacingOccurrences(of: "Tests/SealServiceTests/DaemonConfigurationTests.swift", with: "Config/sealkeeper.toml")
        let config = try DaemonConfiguration.load(path: path, required: true)
        #expect(config.socketPath == "/run/sealkeeper/sealkeeper.sock")
        #expect(config.socketMode == 0o660)
        #expect(config.socketGroup == "sealkeeper")
        #expect(config.stateDirectory == "/var/lib/sealkeeper")
        #expect(config.maxRequestBodyBytes == 1 << 20)
        #expect(config.access.grants[.admin] == [.group("sealkeeper-admin")])
        #expect(config.access.grants[.inspector] == [.group("sealkeeper-inspector")])
        #expect(config.access.trustedTools.isEmpty)
        #expect(config.useSettings == UsePolicySettings())
        #expect(config.officeHours == OfficeHours() && config.anomalies == AnomalyThresholds())
    }

    @Test("[policy] sets the use rules' settings")
    func policySection() throws {
        let config = try DaemonConfiguration.parse(
            "[policy]\ntimezone = \"Asia/Urumqi\"\nmax_count = 10\nurgent_window_hours = 2\nrequire_filing = true\n", file: "t.toml")
        #expect(config.useSettings.timeZone == "Asia/Urumqi")
        #expect(config.useSettings.maxCount == 10)
        #expect(config.useSettings.urgentWindow == 7200)
        #expect(config.useSettings.requireFiling)
    }

    @Test("office hours, holidays, make-up workdays, the urgent window and the anomaly thresholds are read")
    func reportSettings() throws {
        let config = try DaemonConfiguration.parse("""
            [policy]
            timezone = "Asia/Urumqi"
            urgent_window = "90m"
            office_hours = ["09:00-13:00", "15:30-19:00"]
            office_days = ["Mon", "tue", "wed", "thu", "fri", "sat"]
            holidays = ["2026-10-01", "2026-10-02"]
            workdays = ["2026-10-11"]
            [anomalies]
            refusals_per_clerk = 9
            quick_use_seconds = 30
            quick_use_repeats = 4
            full_use_streak = 8
            repeated_reason_cases = 6
            """, file: "t.toml")
        let s = config.reportSettings
        #expect(s.officeHours.spans.map(\.description) == ["09:00-13:00", "15:30-19:00"])
        #expect(s.officeHours.days == [2, 3, 4, 5, 6, 7])
        #expect(s.officeHours.holidays == [LocalDate("2026-10-01")!, LocalDate("2026-10-02")!] && s.officeHours.workdays == [LocalDate("2026-10-11")!])
        #expect(s.urgentWindow == 5400 && config.useSettings.urgentWindow == 5400)
        #expect(s.timeZone.identifier == "Asia/Urumqi")
        #expect(s.thresholds.refusalsPerClerk == 9 && s.thresholds.quickUseSeconds == 30 && s.thresholds.quickUseRepeats == 4)
        #expect(s.thresholds.fullUseStreak == 8 && s.thresholds.repeatedReasonCases == 6)
    }

    @Test("a full file sets every key")
    func fullFile() throws {
        let config = try DaemonConfiguration.parse(
            """
            [daemon]
            socket = "/tmp/x.sock"
            socket_mode = "0600"
            socket_group = "staff"
            state_directory = "./var/state"
            max_request_body = 2048
            [access]
            admin = ["uid:0", "user:root"]
            clerk = ["group:clerks"]
            approver = []
            inspector = ["gid:50"]
            trusted_tools = ["user:frontdesk"]
            """, file: "t.toml")
        #expect(config.socketPath == "/tmp/x.sock")
        #expect(config.socketMode == 0o600)
        #expect(config.socketGroup == "staff")
        #expect(config.stateDirectory == "./var/state")
        #expect(config.maxRequestBodyBytes == 2048)
        #expect(config.access.grants[.admin] == [.uid(0), .user("root")])
        #expect(config.access.grants[.approver] == [])
        #expect(config.access.trustedTools == [.user("frontdesk")])
    }

    @Test("[county] names the witness: URL, cosigner key, pinned CA, max_lag")
    func countyLink() throws {
        let config = try DaemonConfiguration.parse(
            "[county]\nurl = \"https://county.example:7380/witness\"\nwitness_key = \"county.example/witness+3a0b2950+BFGcQrq7Cy72KRItvxL5tgkXf6X3Nd4FqVy1P7sC0Fpx\"\nca_certificate = \"/etc/sealkeeper/county-ca.pem\"\nmax_lag = \"30m\"\n",
            file: "t.toml"
        )
        let link = try #require(config.county)
        #expect(link.url == "https://county.example:7380/witness")
        #expect(link.witnessKey.name == "county.example/witness")
        #expect(link.caCertificate == "/etc/sealkeeper/county-ca.pem")
        #expect(link.maxLag == 1800)
        #expect(try DaemonConfiguration.parse("", file: "t.toml").county == nil)
    }

    @Test("an empty file means the defaults")
    func emptyFile() throws {
        #expect(try DaemonConfiguration.parse("", file: "t.toml") == DaemonConfiguration())
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var key: String?
        var line: Int?
        var reasonContains: String
        var testDescription: String { name }
    }

    static let invalid: [Invalid] = [
        .init(name: "unknown key", text: "[daemon]\nsocket = \"/a\"\nsokcet_mode = \"0600\"\n", key: "daemon.sokcet_mode", line: nil, reasonContains: "unknown key"),
        .init(name: "unknown section", text: "[daemon]\n[pcscd]\nx = 1\n", key: "pcscd", line: nil, reasonContains: "unknown section"),
        .init(name: "unknown top-level key", text: "socket = \"/a\"\n", key: "socket", line: nil, reasonContains: "unknown key"),
        .init(name: "wrong type: integer for string", text: "[daemon]\nsocket = 5\n", key: "daemon.socket", line: nil, reasonContains: "expected a string"),
        .init(name: "wrong type: mode as integer", text: "[daemon]\nsocket_mode = 660\n", key: "daemon.socket_mode", line: nil, reasonContains: "expected a string"),
        .init(name: "wrong type: string for array", text: "[access]\nadmin = \"group:x\"\n", key: "access.admin", line: nil, reasonContains: "expected an array"),
        .init(name: "wrong type: section is a value", text: "daemon = 1\n", key: "daemon", line: nil, reasonContains: "expected a section"),
        .init(name: "bad mode: not octal", text: "[daemon]\nsocket_mode = \"0698\"\n", key: "daemon.socket_mode", line: nil, reasonContains: "octal"),
        .init(name: "bad mode: too wide", text: "[daemon]\nsocket_mode = \"7777\"\n", key: "daemon.socket_mode", line: nil, reasonContains: "octal"),
        .init(name: "bad mode: text", text: "[daemon]\nsocket_mode = \"rw-rw----\"\n", key: "daemon.socket_mode", line: nil, reasonContains: "octal"),
        .init(name: "bad access entry", text: "[access]\nclerk = [\"alice\"]\n", key: "access.clerk", line: nil, reasonContains: "user:NAME"),
        .init(name: "unknown role", text: "[access]\nauditor = [\"user:x\"]\n", key: "access.auditor", line: nil, reasonContains: "unknown key"),
        .init(name: "relative state directory", text: "[daemon]\nstate_directory = \"var\"\n", key: "daemon.state_directory", line: nil, reasonContains: "absolute"),
        .init(name: "unknown time zone", text: "[policy]\ntimezone = \"Mars/Olympus\"\n", key: "policy.timezone", line: nil, reasonContains: "time zone"),
        .init(name: "wrong type: bool as string", text: "[policy]\nrequire_filing = \"yes\"\n", key: "policy.require_filing", line: nil, reasonContains: "true or false"),
        .init(name: "max_count out of range", text: "[policy]\nmax_count = 0\n", key: "policy.max_count", line: nil, reasonContains: "between"),
        .init(name: "bad office hours", text: "[policy]\noffice_hours = [\"8:30-12\"]\n", key: "policy.office_hours", line: nil, reasonContains: "08:30-12:00"),
        .init(name: "bad office day", text: "[policy]\noffice_days = [\"monday\"]\n", key: "policy.office_days", line: nil, reasonContains: "weekday"),
        .init(name: "bad holiday", text: "[policy]\nholidays = [\"2026-02-30\"]\n", key: "policy.holidays", line: nil, reasonContains: "YYYY-MM-DD"),
        .init(name: "both urgent windows", text: "[policy]\nurgent_window = \"2h\"\nurgent_window_hours = 2\n", key: "policy.urgent_window", line: nil, reasonContains: "not both"),
        .init(name: "bad urgent window", text: "[policy]\nurgent_window = \"soon\"\n", key: "policy.urgent_window", line: nil, reasonContains: "duration"),
        .init(name: "anomaly threshold out of range", text: "[anomalies]\nquick_use_repeats = 1\n", key: "anomalies.quick_use_repeats", line: nil, reasonContains: "between 2"),
        .init(name: "unknown anomaly key", text: "[anomalies]\nthreshold = 1\n", key: "anomalies.threshold", line: nil, reasonContains: "unknown key"),
        .init(name: "county over http off loopback", text: "[county]\nurl = \"http://county.example:7380\"\nwitness_key = \"county.example/witness+3a0b2950+BFGcQrq7Cy72KRItvxL5tgkXf6X3Nd4FqVy1P7sC0Fpx\"\n", key: "county.url", line: nil, reasonContains: "https"),
        .init(name: "county url with a trailing slash", text: "[county]\nurl = \"http://127.0.0.1:7380/\"\nwitness_key = \"county.example/witness+3a0b2950+BFGcQrq7Cy72KRItvxL5tgkXf6X3Nd4FqVy1P7sC0Fpx\"\n", key: "county.url", line: nil, reasonContains: "no trailing slash"),
        .init(name: "county https without a pinned CA", text: "[county]\nurl = \"https://county.example:7380\"\nwitness_key = \"county.example/witness+3a0b2950+BFGcQrq7Cy72KRItvxL5tgkXf6X3Nd4FqVy1P7sC0Fpx\"\n", key: "county.ca_certificate", line: nil, reasonContains: "pinned"),
        .init(name: "county key of the wrong type (a register key)", text: "[county]\nurl = \"http://127.0.0.1:7380\"\nwitness_key = \"sealkeeper/x+00000000+AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"\n", key: "county.witness_key", line: nil, reasonContains: "cosigner key"),
        .init(name: "county without its key", text: "[county]\nurl = \"http://127.0.0.1:7380\"\n", key: "county.witness_key", line: nil, reasonContains: "cosigner key"),
        .init(name: "county max_lag not a duration", text: "[county]\nurl = \"http://127.0.0.1:7380\"\nwitness_key = \"county.example/witness+3a0b2950+BFGcQrq7Cy72KRItvxL5tgkXf6X3Nd4FqVy1P7sC0Fpx\"\nmax_lag = \"an hour\"\n", key: "county.max_lag", line: nil, reasonContains: "duration"),
        .init(name: "syntax error names the line", text: "[daemon]\nsocket = \"/a\"\nsocket_mode = \n", key: nil, line: 3, reasonContains: "parsing"),
        .init(name: "unterminated string names the line", text: "# c\n\n[daemon]\nsocket = \"/a\n", key: nil, line: 4, reasonContains: "parsing"),
    ]

    @Test("each invalid file is refused naming the file, the key and, for syntax errors, the line", arguments: invalid)
    func refusesInvalid(_ case_: Invalid) throws {
        let error = #expect(throws: ConfigurationError.self) {
            try DaemonConfiguration.parse(case_.text, file: "/etc/sealkeeper/sealkeeper.toml")
        }
        let e = try #require(error)
        #expect(e.file == "/etc/sealkeeper/sealkeeper.toml")
        #expect(e.key == case_.key)
        if let line = case_.line { #expect(e.line == line) }
        #expect(e.reason.contains(case_.reasonContains))
        #expect(e.description.hasPrefix("/etc/sealkeeper/sealkeeper.toml"))
    }

    @Test("a missing file named with --config is an error; a missing default file means defaults")
    func missingFile() throws {
        #expect(throws: ConfigurationError.self) {
            try DaemonConfiguration.load(path: "/nonexistent/sealkeeper.toml", required: true)
        }
        #expect(try DaemonConfiguration.load(path: "/nonexistent/sealkeeper.toml", required: false) == DaemonConfiguration())
    }
}

@Suite("[pcsc] configuration")
struct PCSCConfigurationTests {
    @Test("durations, reader filters and refusals", arguments: [
        ("unlock_timeout = \"30m\"", 1800.0 as Double?),
        ("unlock_timeout = \"1h30m\"", 5400),
        ("unlock_timeout = \"1d\"", 86_400),
        ("unlock_timeout = \"10s\"", 10),
        ("unlock_timeout = \"8d\"", nil),
        ("unlock_timeout = \"8 hours\"", nil),
        ("unlock_timeout = 3600", nil),
    ])
    func unlockTimeout(line: String, seconds: Double?) {
        let parsed = try? DaemonConfiguration.parse("[pcsc]\n\(line)\n", file: "t.toml")
        #expect(parsed?.pcsc.unlockTimeout == seconds)
    }

    @Test("defaults: enabled, 8 hours, every reader; readers and enabled are read")
    func defaults() throws {
        let defaults = try DaemonConfiguration.parse("", file: "t.toml").pcsc
        #expect(defaults == PCSCSettings())
        #expect(defaults.enabled && defaults.unlockTimeout == 8 * 3600 && defaults.readers.isEmpty)
        let set = try DaemonConfiguration.parse("[pcsc]\nenabled = false\nreaders = [\"Yubico\", \"OMNIKEY\"]\n", file: "t.toml").pcsc
        #expect(!set.enabled && set.readers == ["Yubico", "OMNIKEY"])
        #expect(throws: ConfigurationError.self) { try DaemonConfiguration.parse("[pcsc]\nreader = []\n", file: "t.toml") }
    }
}
