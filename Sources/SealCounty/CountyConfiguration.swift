import Foundation
import SealBook
import SealCore
import SealService
import TOMLKit

/// The roles county staff hold on `sealcountyd`'s socket (`[access]`).
public enum CountyRole: String, Sendable, Codable, CaseIterable {
    /// Adds townships, reads everything.
    case admin = "county-admin"
    /// Reads the county's view: status, forks, the witness key.
    case inspector = "county-inspector"
}

/// `sealcountyd`'s settings, read from `county.toml`.
public struct CountyConfiguration: Sendable {
    public static let defaultPath = "/etc/sealkeeper/county.toml"

    /// The witness's name: the key name of its cosignatures (a schema-less URL, as tlog-cosignature advises).
    public var name = "county.example/witness"
    /// Where `county.key` lives (created 0700; the key 0600). Nothing else is kept outside PostgreSQL.
    public var stateDirectory = "/var/lib/sealcounty"
    /// County staff's Unix socket.
    public var socketPath = "/run/sealcounty/sealcounty.sock"
    public var socketMode: UInt16 = 0o660
    public var socketGroup: String?
    public var access: [CountyRole: [AccessRule]] = [:]
    /// The zone the county reads its townships' books in (local dates of reports and exports), as townships do.
    public var timeZone = TimeZone(identifier: "Asia/Shanghai")!
    /// A township not heard from for longer is listed as `silent-township`.
    public var maxSilence: TimeInterval = 24 * 3600
    /// Cosigned entries not mirrored for longer are listed as `mirror-lag`.
    public var maxMirrorLag: TimeInterval = 15 * 60

    public var database = DatabaseSettings()
    public var townships = TownshipListener()
    /// Townships the configuration names; added (and the change recorded) at start when missing.
    public var configuredTownships: [TownshipEntry] = []

    public init() {}

    /// `[database]`: a Unix socket directory or a host, the role and database, TLS for a host.
    public struct DatabaseSettings: Sendable, Equatable {
        /// Directory holding PostgreSQL's socket (`.s.PGSQL.<port>`); used when `host` is nil.
        public var socketDirectory = "/var/run/postgresql"
        public var host: String?
        public var port = 5432
        public var user = "sealcounty"
        public var password: String?
        public var database = "sealcounty"
        /// For `host`: require TLS (verifying the server against the system's roots or `ca_certificate`).
        public var tls = false
        public var caCertificate: String?
        /// How long start-up waits for the database before giving up (postgres-nio may otherwise wait forever on
        /// a wrong address).
        public var connectTimeout: TimeInterval = 10
        public var maxConnections = 16

        public init() {}
    }

    /// The mirror's cosigner name: the witness's with `/mirror` for a final `/witness`, else with `/mirror` added.
    public var mirrorName: String {
        name.hasSuffix("/witness") ? String(name.dropLast("/witness".count)) + "/mirror" : name + "/mirror"
    }

    /// `[townships]`: where townships reach the witness.
    public struct TownshipListener: Sendable, Equatable {
        /// `host:port`; TLS is required unless the host is loopback.
        public var listen = "127.0.0.1:7380"
        /// The witness's submission prefix: `POST <prefix>/add-checkpoint`.
        public var prefix = ""
        public var tlsCertificate: String?
        public var tlsKey: String?
        /// Largest add-checkpoint body (63 proof lines and a checkpoint with its signatures fit in 16 KiB).
        public var maxBodyBytes = 16 * 1024
        /// Largest add-entries body, compressed or not (a township sends at most 1 MiB of packages at a time).
        public var maxUploadBytes = 8 << 20
        /// Requests handled at once; more get 429 with Retry-After.
        public var maxInFlight = 64

        public init() {}

        public var host: String { HostPort(listen, ports: 0...65535)?.host ?? "" }
        public var port: Int { HostPort(listen, ports: 0...65535)?.port ?? 0 }
        public var isLoopback: Bool { HostPort.isLoopback(host) }
    }
}

/// A township the county witnesses: its name, its register's origin and the register's verifier key.
public struct TownshipEntry: Sendable, Equatable {
    public var name: String
    public var origin: String
    public var verifier: NoteVerifier

    public init(name: String, origin: String, verifier: NoteVerifier) {
        self.name = name
        self.origin = origin
        self.verifier = verifier
    }

    /// A C2SP key name (and log origin): printable ASCII, no spaces, no '+'.
    static func isKeyName(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && $0 != "+" }
    }

    /// Checks a township as an admin or the configuration gives it: the key's name must be the origin (a register
    /// signs its checkpoints with a key named after its origin).
    public static func validated(name: String, origin: String, vkey: String) throws -> TownshipEntry {
        guard let problem = FieldLimits.problem(field: "name", value: name) ?? (name.isEmpty ? "name: must not be empty" : nil)
        else {
            guard let verifier = NoteVerifier(vkey: vkey) else {
                throw SealError(.invalidField, "vkey: not a register's verifier key NAME+HASH+BASE64 (sealctl book key at the township prints it)")
            }
            guard TownshipEntry.isKeyName(origin) else {
                throw SealError(.invalidField, "origin: \"\(origin)\" is not a log origin (printable ASCII without spaces or '+')")
            }
            guard verifier.name == origin else {
                throw SealError(.invalidField, "vkey: the key is named \"\(verifier.name)\", but the origin is \"\(origin)\"")
            }
            return TownshipEntry(name: name, origin: origin, verifier: verifier)
        }
        throw SealError(.invalidField, problem)
    }
}

extension CountyConfiguration {
    public static func load(path: String, required: Bool) throws(ConfigurationError) -> CountyConfiguration {
        guard let text = try TOMLReader.fileText(path: path, required: required) else { return CountyConfiguration() }
        return try parse(text, file: path)
    }

    /// Parses `county.toml`; unknown sections and keys, wrong types and bad values are refused, naming the key.
    public static func parse(_ text: String, file: String) throws(ConfigurationError) -> CountyConfiguration {
        let table = try TOMLReader.table(text, file: file)
        let reader = TOMLReader(file: file)
        var config = CountyConfiguration()
        try reader.sections(table, allowed: ["county", "database", "townships", "township", "access"])
        if let county = try reader.table(table, "county") {
            try reader.keys(
                county, section: "county", allowed: ["name", "state_directory", "socket", "socket_mode", "socket_group", "timezone", "max_silence", "max_lag"]
            )
            if let v = try reader.string(county, "county.timezone") {
                guard let zone = TimeZone(identifier: v) else { throw reader.error("county.timezone", "\"\(v)\" is not a time zone name such as \"Asia/Shanghai\"") }
                config.timeZone = zone
            }
            for (key, path) in [("max_silence", \CountyConfiguration.maxSilence), ("max_lag", \CountyConfiguration.maxMirrorLag)] {
                if let v = try reader.string(county, "county.\(key)") {
                    guard let seconds = TOMLReader.duration(v), (1...365 * 86_400).contains(seconds) else {
                        throw reader.error("county.\(key)", "\"\(v)\" is not a duration between 1s and 365d such as \"24h\"")
                    }
                    config[keyPath: path] = seconds
                }
            }
            if let v = try reader.string(county, "county.name") {
                guard TownshipEntry.isKeyName(v) else {
                    throw reader.error("county.name", "\"\(v)\" is not a key name (printable ASCII without spaces or '+')")
                }
                config.name = v
            }
            if let v = try reader.string(county, "county.state_directory") { config.stateDirectory = try reader.path(v, "county.state_directory") }
            if let v = try reader.string(county, "county.socket") { config.socketPath = try reader.path(v, "county.socket") }
            if let v = try reader.mode(county, "county.socket_mode") { config.socketMode = v }
            if let v = try reader.string(county, "county.socket_group") { config.socketGroup = v }
        }
        if let db = try reader.table(table, "database") {
            try reader.keys(db, section: "database", allowed: [
                "socket_directory", "host", "port", "user", "password", "database", "tls", "ca_certificate", "connect_timeout",
                "max_connections",
            ])
            if let v = try reader.string(db, "database.socket_directory") { config.database.socketDirectory = try reader.path(v, "database.socket_directory") }
            if let v = try reader.string(db, "database.host") { config.database.host = v }
            if let v = try reader.int(db, "database.port") {
                guard (1...65535).contains(v) else { throw reader.error("database.port", "must be between 1 and 65535") }
                config.database.port = v
            }
            if let v = try reader.string(db, "database.user") { config.database.user = v }
            if let v = try reader.string(db, "database.password") { config.database.password = v }
            if let v = try reader.string(db, "database.database") { config.database.database = v }
            if let v = try reader.bool(db, "database.tls") { config.database.tls = v }
            if let v = try reader.string(db, "database.ca_certificate") { config.database.caCertificate = try reader.path(v, "database.ca_certificate") }
            if let v = try reader.string(db, "database.connect_timeout") {
                guard let seconds = TOMLReader.duration(v), (1...600).contains(seconds) else {
                    throw reader.error("database.connect_timeout", "\"\(v)\" is not a duration between 1s and 10m such as \"10s\"")
                }
                config.database.connectTimeout = seconds
            }
            if let v = try reader.int(db, "database.max_connections") {
                guard (1...1000).contains(v) else { throw reader.error("database.max_connections", "must be between 1 and 1000") }
                config.database.maxConnections = v
            }
        }
        if let listener = try reader.table(table, "townships") {
            try reader.keys(listener, section: "townships", allowed: ["listen", "prefix", "tls_certificate", "tls_key", "max_body", "max_upload", "max_in_flight"])
            if let v = try reader.string(listener, "townships.listen") {
                guard HostPort(v, ports: 0...65535) != nil else {
                    throw reader.error("townships.listen", "\"\(v)\" is not an address and port such as \"0.0.0.0:7380\"")
                }
                config.townships.listen = v
            }
            if let v = try reader.string(listener, "townships.prefix") {
                guard v.isEmpty || (v.hasPrefix("/") && !v.hasSuffix("/")) else {
                    throw reader.error("townships.prefix", "\"\(v)\" must be empty or a path such as \"/witness\" (no trailing slash)")
                }
                config.townships.prefix = v
            }
            if let v = try reader.string(listener, "townships.tls_certificate") { config.townships.tlsCertificate = try reader.path(v, "townships.tls_certificate") }
            if let v = try reader.string(listener, "townships.tls_key") { config.townships.tlsKey = try reader.path(v, "townships.tls_key") }
            if let v = try reader.int(listener, "townships.max_body") {
                guard (1024...1 << 20).contains(v) else { throw reader.error("townships.max_body", "must be between 1024 and 1048576") }
                config.townships.maxBodyBytes = v
            }
            if let v = try reader.int(listener, "townships.max_upload") {
                guard ((2 << 20)...(256 << 20)).contains(v) else { throw reader.error("townships.max_upload", "must be between 2097152 and 268435456") }
                config.townships.maxUploadBytes = v
            }
            if let v = try reader.int(listener, "townships.max_in_flight") {
                guard (1...10_000).contains(v) else { throw reader.error("townships.max_in_flight", "must be between 1 and 10000") }
                config.townships.maxInFlight = v
            }
            guard (config.townships.tlsCertificate == nil) == (config.townships.tlsKey == nil) else {
                throw reader.error("townships.tls_key", "give tls_certificate and tls_key together")
            }
        }
        if config.townships.tlsCertificate == nil && !config.townships.isLoopback {
            throw reader.error(
                "townships.listen", "\(config.townships.listen) is not loopback: townships must reach the witness over TLS (set tls_certificate and tls_key)"
            )
        }
        if let list = table["township"] {
            guard let array = list.array else { throw reader.error("township", "expected [[township]] tables") }
            for (i, element) in array.enumerated() {
                let key = "township[\(i + 1)]"
                guard let entry = element.table else { throw reader.error(key, "expected a table") }
                try reader.keys(entry, section: key, allowed: ["name", "origin", "vkey"])
                guard let name = try reader.string(entry, "\(key).name"), let origin = try reader.string(entry, "\(key).origin"),
                    let vkey = try reader.string(entry, "\(key).vkey")
                else { throw reader.error(key, "a township needs name, origin and vkey") }
                do {
                    config.configuredTownships.append(try TownshipEntry.validated(name: name, origin: origin, vkey: vkey))
                } catch let error as SealError {
                    throw reader.error(key, error.message)
                } catch {
                    throw reader.error(key, "\(error)")
                }
            }
            guard Set(config.configuredTownships.map(\.origin)).count == config.configuredTownships.count else {
                throw reader.error("township", "two townships have the same origin")
            }
        }
        if let access = try reader.table(table, "access") {
            try reader.keys(access, section: "access", allowed: CountyRole.allCases.map(\.rawValue))
            for role in CountyRole.allCases {
                if let rules = try reader.rules(access, "access.\(role.rawValue)") { config.access[role] = rules }
            }
        }
        return config
    }

    /// The roles granted to a principal.
    public func roles(for principal: UnixPrincipal) -> [CountyRole] {
        CountyRole.allCases.filter { role in access[role, default: []].contains { $0.matches(principal) } }
    }
}
