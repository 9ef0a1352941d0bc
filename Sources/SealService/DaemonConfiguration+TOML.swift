import Foundation
import SealCore
import SealWire
import TOMLKit

/// Why a configuration file was refused: the file, the key (dotted path) and, when the parser gives it, the line.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var key: String?
    public var line: Int?
    public var reason: String

    public var description: String {
        var where_ = file
        if let line { where_ += ":\(line)" }
        if let key { where_ += ": \(key)" }
        return "\(where_): \(reason)"
    }
}

extension DaemonConfiguration {
    /// Reads the configuration file at `path`. A missing file is an error only when `required`.
    public static func load(path: String, required: Bool) throws(ConfigurationError) -> DaemonConfiguration {
        guard FileManager.default.fileExists(atPath: path) else {
            if required {
                throw ConfigurationError(file: path, key: nil, line: nil, reason: "file not found")
            }
            return DaemonConfiguration()
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw ConfigurationError(file: path, key: nil, line: nil, reason: "cannot read the file as UTF-8 text")
        }
        return try parse(text, file: path)
    }

    /// Parses TOML text; every unknown section or key, wrong type and bad value is refused.
    public static func parse(_ text: String, file: String) throws(ConfigurationError) -> DaemonConfiguration {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(file: file, key: nil, line: error.source.begin.line, reason: error.description)
        } catch {
            throw ConfigurationError(file: file, key: nil, line: nil, reason: "\(error)")
        }
        let reader = TOMLReader(file: file)
        var config = DaemonConfiguration()
        try reader.sections(table, allowed: ["daemon", "access", "policy", "pcsc", "anomalies", "metrics"])

        if let daemon = try reader.table(table, "daemon") {
            try reader.keys(daemon, section: "daemon", allowed: [
                "socket", "socket_mode", "socket_group", "state_directory", "max_request_body", "max_connections",
                "max_connections_per_user",
            ])
            if let v = try reader.string(daemon, "daemon.socket") { config.socketPath = try reader.path(v, "daemon.socket") }
            if let v = try reader.string(daemon, "daemon.socket_mode") {
                guard v.count >= 3, v.count <= 4, let mode = UInt16(v, radix: 8), mode <= 0o777 else {
                    throw reader.error("daemon.socket_mode", "\"\(v)\" is not an octal permission mode such as \"0660\"")
                }
                config.socketMode = mode
            }
            if let v = try reader.string(daemon, "daemon.socket_group") {
                guard !v.isEmpty else { throw reader.error("daemon.socket_group", "must not be empty") }
                config.socketGroup = v
            }
            if let v = try reader.string(daemon, "daemon.state_directory") {
                config.stateDirectory = try reader.path(v, "daemon.state_directory")
            }
            if let v = try reader.int(daemon, "daemon.max_request_body") {
                guard v >= 1024 else { throw reader.error("daemon.max_request_body", "must be at least 1024 bytes") }
                config.maxRequestBodyBytes = v
            }
            if let v = try reader.int(daemon, "daemon.max_connections") {
                guard (8...100_000).contains(v) else { throw reader.error("daemon.max_connections", "must be between 8 and 100000") }
                config.maxConnections = v
            }
            if let v = try reader.int(daemon, "daemon.max_connections_per_user") {
                guard (1...100_000).contains(v) else {
                    throw reader.error("daemon.max_connections_per_user", "must be between 1 and 100000")
                }
                config.maxConnectionsPerUser = v
            }
            guard config.maxConnectionsPerUser <= config.maxConnections else {
                throw reader.error("daemon.max_connections_per_user", "must not exceed daemon.max_connections (\(config.maxConnections))")
            }
        }
        if let metrics = try reader.table(table, "metrics") {
            try reader.keys(metrics, section: "metrics", allowed: ["listen"])
            if let v = try reader.string(metrics, "metrics.listen") {
                guard let endpoint = MetricsEndpoint(v) else {
                    throw reader.error(
                        "metrics.listen", "\"\(v)\" is not a loopback address and port such as \"127.0.0.1:9464\" or \"[::1]:9464\""
                    )
                }
                config.metricsListen = endpoint
            }
        }

        if let access = try reader.table(table, "access") {
            let roleKeys = Role.allCases.map(\.rawValue)
            try reader.keys(access, section: "access", allowed: roleKeys + ["trusted_tools"])
            var grants: [Role: [AccessRule]] = [:]
            for role in Role.allCases {
                if let rules = try reader.rules(access, "access.\(role.rawValue)") { grants[role] = rules }
            }
            config.access = AccessPolicy(grants: grants, trustedTools: try reader.rules(access, "access.trusted_tools") ?? [])
        }
        if let policy = try reader.table(table, "policy") {
            try reader.keys(policy, section: "policy", allowed: [
                "timezone", "max_count", "urgent_window", "urgent_window_hours", "require_filing", "office_hours", "office_days", "holidays", "workdays",
            ])
            if let v = try reader.string(policy, "policy.timezone") {
                guard TimeZone(identifier: v) != nil else {
                    throw reader.error("policy.timezone", "\"\(v)\" is not a time zone name such as \"Asia/Shanghai\"")
                }
                config.useSettings.timeZone = v
            }
            if let v = try reader.int(policy, "policy.max_count") {
                guard (1...10_000).contains(v) else { throw reader.error("policy.max_count", "must be between 1 and 10000") }
                config.useSettings.maxCount = v
            }
            if let v = try reader.int(policy, "policy.urgent_window_hours") {
                guard (1...24 * 30).contains(v) else { throw reader.error("policy.urgent_window_hours", "must be between 1 and 720") }
                config.useSettings.urgentWindow = TimeInterval(v * 3600)
            }
            if let v = try reader.string(policy, "policy.urgent_window") {
                guard policy["urgent_window_hours"] == nil else {
                    throw reader.error("policy.urgent_window", "give urgent_window or urgent_window_hours, not both")
                }
                guard let seconds = Self.duration(v), (1...30 * 86_400).contains(seconds) else {
                    throw reader.error("policy.urgent_window", "\"\(v)\" is not a duration between 1s and 30d such as \"24h\"")
                }
                config.useSettings.urgentWindow = seconds
            }
            if let v = try reader.bool(policy, "policy.require_filing") { config.useSettings.requireFiling = v }
            if let v = try reader.strings(policy, "policy.office_hours") {
                var spans: [OfficeHours.Span] = []
                for text in v {
                    guard let span = OfficeHours.Span(text) else {
                        throw reader.error("policy.office_hours", "\"\(text)\" is not a span of the day such as \"08:30-12:00\"")
                    }
                    spans.append(span)
                }
                config.officeHours.spans = spans
            }
            if let v = try reader.strings(policy, "policy.office_days") {
                var days: Set<Int> = []
                for text in v {
                    guard let i = OfficeHours.weekdayNames.firstIndex(of: text.lowercased()) else {
                        throw reader.error("policy.office_days", "\"\(text)\" is not a weekday; use \(OfficeHours.weekdayNames.joined(separator: ", "))")
                    }
                    days.insert(i + 1)
                }
                config.officeHours.days = days
            }
            for key in ["holidays", "workdays"] {
                guard let v = try reader.strings(policy, "policy.\(key)") else { continue }
                var dates: Set<LocalDate> = []
                for text in v {
                    guard let date = LocalDate(text) else { throw reader.error("policy.\(key)", "\"\(text)\" is not a date YYYY-MM-DD") }
                    dates.insert(date)
                }
                if key == "holidays" { config.officeHours.holidays = dates } else { config.officeHours.workdays = dates }
            }
        }
        if let pcsc = try reader.table(table, "pcsc") {
            try reader.keys(pcsc, section: "pcsc", allowed: ["enabled", "unlock_timeout", "readers"])
            if let v = try reader.bool(pcsc, "pcsc.enabled") { config.pcsc.enabled = v }
            if let v = try reader.string(pcsc, "pcsc.unlock_timeout") {
                guard let seconds = Self.duration(v), (1...7 * 86_400).contains(seconds) else {
                    throw reader.error("pcsc.unlock_timeout", "\"\(v)\" is not a duration between 1s and 7d such as \"8h\" or \"30m\"")
                }
                config.pcsc.unlockTimeout = seconds
            }
            if let v = try reader.strings(pcsc, "pcsc.readers") { config.pcsc.readers = v }
        }
        if let anomalies = try reader.table(table, "anomalies") {
            let keys: [(String, WritableKeyPath<AnomalyThresholds, Int>, ClosedRange<Int>)] = [
                ("refusals_per_clerk", \.refusalsPerClerk, 1...10_000), ("quick_use_seconds", \.quickUseSeconds, 1...86_400),
                ("quick_use_repeats", \.quickUseRepeats, 2...10_000), ("full_use_streak", \.fullUseStreak, 2...10_000),
                ("repeated_reason_cases", \.repeatedReasonCases, 2...10_000),
            ]
            try reader.keys(anomalies, section: "anomalies", allowed: keys.map(\.0))
            for (key, path, range) in keys {
                guard let v = try reader.int(anomalies, "anomalies.\(key)") else { continue }
                guard range.contains(v) else { throw reader.error("anomalies.\(key)", "must be between \(range.lowerBound) and \(range.upperBound)") }
                config.anomalies[keyPath: path] = v
            }
        }
        return config
    }
}

extension DaemonConfiguration {
    /// "8h", "30m", "90s", "1d" or a combination such as "1h30m".
    static func duration(_ text: String) -> TimeInterval? {
        var total: TimeInterval = 0
        var number = ""
        for c in text {
            if c.isASCII, c.isNumber {
                number.append(c)
                continue
            }
            guard let n = Double(number) else { return nil }
            switch c {
            case "s": total += n
            case "m": total += n * 60
            case "h": total += n * 3600
            case "d": total += n * 86_400
            default: return nil
            }
            number = ""
        }
        return number.isEmpty && total > 0 ? total : nil
    }
}

/// Typed access to a TOML table that turns every mismatch into a `ConfigurationError` naming the key.
private struct TOMLReader {
    let file: String

    func error(_ key: String?, _ reason: String) -> ConfigurationError {
        ConfigurationError(file: file, key: key, line: nil, reason: reason)
    }

    func sections(_ root: TOMLTable, allowed: [String]) throws(ConfigurationError) {
        for key in root.keys.sorted() where !allowed.contains(key) {
            let kind = root[key]?.type == .table ? "unknown section [\(key)]" : "unknown key at top level"
            throw error(key, "\(kind); expected one of: \(allowed.map { "[\($0)]" }.joined(separator: ", "))")
        }
    }

    func keys(_ table: TOMLTable, section: String, allowed: [String]) throws(ConfigurationError) {
        for key in table.keys.sorted() where !allowed.contains(key) {
            throw error("\(section).\(key)", "unknown key; [\(section)] takes: \(allowed.joined(separator: ", "))")
        }
    }

    func table(_ root: TOMLTable, _ key: String) throws(ConfigurationError) -> TOMLTable? {
        guard let value = root[key] else { return nil }
        guard let table = value.table else { throw error(key, "expected a section [\(key)], found \(value.type)") }
        return table
    }

    func string(_ table: TOMLTable, _ dotted: String) throws(ConfigurationError) -> String? {
        guard let value = table[leaf(dotted)] else { return nil }
        guard let string = value.string else { throw error(dotted, "expected a string, found \(value.type)") }
        return string
    }

    func int(_ table: TOMLTable, _ dotted: String) throws(ConfigurationError) -> Int? {
        guard let value = table[leaf(dotted)] else { return nil }
        guard let int = value.int else { throw error(dotted, "expected an integer, found \(value.type)") }
        return int
    }

    func bool(_ table: TOMLTable, _ dotted: String) throws(ConfigurationError) -> Bool? {
        guard let value = table[leaf(dotted)] else { return nil }
        guard let bool = value.bool else { throw error(dotted, "expected true or false, found \(value.type)") }
        return bool
    }

    func strings(_ table: TOMLTable, _ dotted: String) throws(ConfigurationError) -> [String]? {
        guard let value = table[leaf(dotted)] else { return nil }
        guard let array = value.array else { throw error(dotted, "expected an array of strings, found \(value.type)") }
        var out: [String] = []
        for element in array {
            guard let text = element.string, !text.isEmpty else { throw error(dotted, "expected non-empty strings") }
            out.append(text)
        }
        return out
    }

    func path(_ value: String, _ dotted: String) throws(ConfigurationError) -> String {
        guard value.hasPrefix("/") || value.hasPrefix(".") else {
            throw error(dotted, "\"\(value)\" must be an absolute path (or start with ./)")
        }
        return value
    }

    func rules(_ table: TOMLTable, _ dotted: String) throws(ConfigurationError) -> [AccessRule]? {
        guard let value = table[leaf(dotted)] else { return nil }
        guard let array = value.array else { throw error(dotted, "expected an array of strings, found \(value.type)") }
        var rules: [AccessRule] = []
        for element in array {
            guard let text = element.string else {
                throw error(dotted, "expected an array of strings, found an element of type \(element.type)")
            }
            guard let rule = AccessRule(text) else {
                throw error(dotted, "\"\(text)\" is not \"user:NAME\", \"uid:N\", \"group:NAME\" or \"gid:N\"")
            }
            rules.append(rule)
        }
        return rules
    }

    private func leaf(_ dotted: String) -> String {
        String(dotted.split(separator: ".").last ?? "")
    }
}
