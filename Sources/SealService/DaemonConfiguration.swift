import Foundation
import SealBook
import SealCore
import SealWire

/// The daemon's settings, read from `sealkeeper.toml` and overridden by command-line flags.
public struct DaemonConfiguration: Sendable, Equatable {
    public static let defaultPath = "/etc/sealkeeper/sealkeeper.toml"

    /// Path of the Unix socket the daemon listens on (ignored when systemd passes a socket).
    public var socketPath: String = "/run/sealkeeper/sealkeeper.sock"
    /// Permission bits applied to the socket file after binding.
    public var socketMode: UInt16 = 0o660
    /// Group given to the socket file, when set.
    public var socketGroup: String?
    /// Where `registry.sqlite` and the register's keys live (created 0700).
    public var stateDirectory: String = "/var/lib/sealkeeper"
    /// Largest request body accepted, in bytes; larger bodies get 413.
    public var maxRequestBodyBytes: Int = 1 << 20
    /// Connections held open at once, in all and per Unix user (`[daemon] max_connections`,
    /// `max_connections_per_user`); more get 503 `too-many-connections` and are closed.
    public var maxConnections = 1024
    public var maxConnectionsPerUser = 256
    /// Where Prometheus may scrape `/metrics` over TCP (`[metrics] listen`, loopback only); off when nil.
    public var metricsListen: MetricsEndpoint?
    /// Which Unix users and groups hold which roles, and who may act on behalf of staff.
    public var access = AccessPolicy()
    /// The use rules' settings (`[policy]`).
    public var useSettings = UsePolicySettings()
    /// Key cards through PC/SC (`[pcsc]`).
    public var pcsc = PCSCSettings()
    /// When the office is open (`[policy] office_hours`, `office_days`, `holidays`, `workdays`).
    public var officeHours = OfficeHours()
    /// The anomaly report's thresholds (`[anomalies]`).
    public var anomalies = AnomalyThresholds()
    /// The county witness (`[county]`); nil when this township is not witnessed.
    public var county: CountyLink?

    public init() {}

    /// What the statistics and anomaly reports read.
    public var reportSettings: ReportSettings {
        var settings = ReportSettings()
        settings.officeHours = officeHours
        settings.thresholds = anomalies
        settings.urgentWindow = useSettings.urgentWindow
        settings.timeZone = TimeZone(identifier: useSettings.timeZone) ?? settings.timeZone
        return settings
    }
}

/// `[county]`: where the county witness is, its cosigner key, the CA its TLS certificate must chain to.
public struct CountyLink: Sendable, Equatable {
    /// The witness's submission prefix: the daemon posts to `<url>/add-checkpoint`.
    public var url: String
    /// The county's cosigner verifier key (`sealctl county key` at the county prints it).
    public var witnessKey: CosignatureVerifier
    /// The only CA trusted for the county's certificate (pinned; required for https).
    public var caCertificate: String?
    /// How far behind the cosignature may fall before `report anomalies` lists a `witness-lag`.
    public var maxLag: TimeInterval = 3600

    public init(url: String, witnessKey: CosignatureVerifier, caCertificate: String? = nil) {
        self.url = url
        self.witnessKey = witnessKey
        self.caCertificate = caCertificate
    }
}

/// `[pcsc]`: whether the daemon watches PC/SC readers, how long an unlocked card stays unlocked, which readers.
public struct PCSCSettings: Sendable, Equatable {
    public var enabled = true
    /// How long a card's PIN is kept after `card unlock` (default 8 h).
    public var unlockTimeout: TimeInterval = 8 * 3600
    /// Substrings of reader names to watch; empty watches every reader.
    public var readers: [String] = []

    public init() {}
}

/// A loopback TCP address for `/metrics` (`[metrics] listen = "127.0.0.1:9464"`). Only loopback is accepted: the
/// metrics say how busy the register is, which is nobody's business off this machine.
public struct MetricsEndpoint: Sendable, Equatable {
    public var host: String
    public var port: Int

    public init?(_ text: String) {
        guard let address = HostPort(text), address.isLoopback,
            address.host == "localhost" || address.host == "::1" || address.host.split(separator: ".").count == 4
        else { return nil }
        host = address.host
        port = address.port
    }
}
