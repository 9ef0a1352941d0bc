import Foundation
import SealCore

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
    /// Which Unix users and groups hold which roles, and who may act on behalf of staff.
    public var access = AccessPolicy()
    /// The use rules' settings (`[policy]`).
    public var policy = UsePolicySettings()
    /// Key cards through PC/SC (`[pcsc]`).
    public var pcsc = PCSCSettings()
    /// When the office is open (`[policy] office_hours`, `office_days`, `holidays`, `workdays`).
    public var officeHours = OfficeHours()
    /// The anomaly report's thresholds (`[anomalies]`).
    public var anomalies = AnomalyThresholds()

    public init() {}

    /// What the statistics and anomaly reports read.
    public var reportSettings: ReportSettings {
        var settings = ReportSettings()
        settings.officeHours = officeHours
        settings.thresholds = anomalies
        settings.urgentWindow = policy.urgentWindow
        settings.timeZone = TimeZone(identifier: policy.timeZone) ?? settings.timeZone
        return settings
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
