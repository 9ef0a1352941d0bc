import Foundation
import SealBook
import SealCore
import SealWire
import TOMLKit

extension DaemonConfiguration {
    /// Reads the configuration file at `path`. A missing file is an error only when `required`.
    public static func load(path: String, required: Bool) throws(ConfigurationError) -> DaemonConfiguration {
        guard let text = try TOMLReader.fileText(path: path, required: required) else { return DaemonConfiguration() }
        return try parse(text, file: path)
    }

    /// Parses TOML text; every unknown section or key, wrong type and bad value is refused.
    public static func parse(_ text: String, file: String) throws(ConfigurationError) -> DaemonConfiguration {
        let table = try TOMLReader.table(text, file: file)
        let reader = TOMLReader(file: file)
        var config = DaemonConfiguration()
        try reader.sections(table, allowed: ["daemon", "access", "policy", "pcsc", "anomalies", "metrics", "county"])

        if let daemon = try reader.table(table, "daemon") {
            try reader.keys(daemon, section: "daemon", allowed: [
                "socket", "socket_mode", "socket_group", "state_directory", "max_request_body", "max_connections",
                "max_connections_per_user",
            ])
            if let v = try reader.string(daemon, "daemon.socket") { config.socketPath = try reader.path(v, "daemon.socket") }
            if let v = try reader.mode(daemon, "daemon.socket_mode") { config.socketMode = v }
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
                guard let seconds = TOMLReader.duration(v), (1...30 * 86_400).contains(seconds) else {
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
                guard let seconds = TOMLReader.duration(v), (1...7 * 86_400).contains(seconds) else {
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
        if let county = try reader.table(table, "county") {
            try reader.keys(county, section: "county", allowed: ["url", "witness_key", "ca_certificate", "max_lag"])
            guard let url = try reader.string(county, "county.url"), let parsed = URLComponents(string: url),
                let scheme = parsed.scheme, ["http", "https"].contains(scheme), let host = parsed.host, !host.isEmpty,
                parsed.query == nil, !url.hasSuffix("/")
            else {
                throw reader.error("county.url", "give the witness's URL prefix, such as \"https://county.example:7380\" (no trailing slash)")
            }
            guard scheme == "https" || HostPort.isLoopback(host) else {
                throw reader.error("county.url", "\(host) is not loopback: the county must be reached over https")
            }
            guard let vkey = try reader.string(county, "county.witness_key"), let witnessKey = CosignatureVerifier(vkey: vkey) else {
                throw reader.error("county.witness_key", "give the county's cosigner key NAME+HASH+BASE64 (sealctl county key at the county)")
            }
            var link = CountyLink(url: url, witnessKey: witnessKey)
            if let v = try reader.string(county, "county.ca_certificate") { link.caCertificate = try reader.path(v, "county.ca_certificate") }
            guard scheme == "http" || link.caCertificate != nil else {
                throw reader.error("county.ca_certificate", "https needs the county's CA certificate (PEM), pinned: no other CA is trusted")
            }
            if let v = try reader.string(county, "county.max_lag") {
                guard let seconds = TOMLReader.duration(v), (1...30 * 86_400).contains(seconds) else {
                    throw reader.error("county.max_lag", "\"\(v)\" is not a duration between 1s and 30d such as \"1h\"")
                }
                link.maxLag = seconds
            }
            config.county = link
        }
        return config
    }
}

