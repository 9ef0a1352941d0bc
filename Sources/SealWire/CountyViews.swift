import Foundation
import SealCore

/// A township the county witnesses (`GET /v1/county/townships`).
public struct CountyTownshipView: Sendable, Codable, Equatable {
    public var name: String
    public var origin: String
    /// The township register's verifier key.
    public var vkey: String
    public var addedAt: Date
    /// Who added it: `config`, or the county admin's Unix user.
    public var addedBy: String

    public init(name: String, origin: String, vkey: String, addedAt: Date, addedBy: String) {
        self.name = name
        self.origin = origin
        self.vkey = vkey
        self.addedAt = addedAt
        self.addedBy = addedBy
    }
}

/// `POST /v1/county/townships`.
public struct AddTownshipBody: Sendable, Codable, Equatable {
    public var name: String
    public var origin: String
    public var vkey: String

    public init(name: String, origin: String, vkey: String) {
        self.name = name
        self.origin = origin
        self.vkey = vkey
    }
}

/// One change to the county's list of townships, as recorded.
public struct TownshipChangeView: Sendable, Codable, Equatable {
    public var id: Int
    public var time: Date
    public var actor: String
    public var action: String
    public var name: String
    public var origin: String
    public var vkey: String

    public init(id: Int, time: Date, actor: String, action: String, name: String, origin: String, vkey: String) {
        self.id = id
        self.time = time
        self.actor = actor
        self.action = action
        self.name = name
        self.origin = origin
        self.vkey = vkey
    }
}

/// What the witness knows of one township.
public struct TownshipWitnessView: Sendable, Codable, Equatable {
    public var name: String
    public var origin: String
    /// The size of the latest checkpoint cosigned (0 before the first).
    public var cosignedSize: Int
    public var cosignedAt: Date?
    /// The largest validly signed checkpoint the township has sent, cosigned or not.
    public var seenSize: Int
    /// Entries the township has signed that the witness has not cosigned (seen − cosigned).
    public var lag: Int
    /// The last add-checkpoint request from the township, whatever its answer.
    public var lastContact: Date?
    /// The last answer other than 200 ("409 …", "422 …"), cleared by the next cosignature.
    public var lastRefusal: String?
    /// Fork evidence recorded for this township.
    public var forks: Int
    /// Entries of the township's journal the county's mirror holds, and when it last completed an upload.
    public var mirroredSize: Int
    public var mirroredAt: Date?
    /// Cosigned entries the mirror does not hold yet (cosigned − mirrored).
    public var mirrorLag: Int

    public init(
        name: String, origin: String, cosignedSize: Int, cosignedAt: Date?, seenSize: Int, lag: Int, lastContact: Date?,
        lastRefusal: String?, forks: Int, mirroredSize: Int = 0, mirroredAt: Date? = nil
    ) {
        self.mirroredSize = mirroredSize
        self.mirroredAt = mirroredAt
        self.mirrorLag = max(0, cosignedSize - mirroredSize)
        self.name = name
        self.origin = origin
        self.cosignedSize = cosignedSize
        self.cosignedAt = cosignedAt
        self.seenSize = seenSize
        self.lag = lag
        self.lastContact = lastContact
        self.lastRefusal = lastRefusal
        self.forks = forks
    }
}

/// `GET /v1/county/status`.
public struct CountyStatusView: Sendable, Codable, Equatable {
    public var version: String
    /// The witness's key name and verifier key (`sealctl county key`).
    public var witness: CountyKeyView
    public var database: String
    public var townships: [TownshipWitnessView]
    public var user: String
    public var roles: [String]

    public init(version: String, witness: CountyKeyView, database: String, townships: [TownshipWitnessView], user: String, roles: [String]) {
        self.version = version
        self.witness = witness
        self.database = database
        self.townships = townships
        self.user = user
        self.roles = roles
    }
}

/// `GET /v1/county/key`: the cosigner's verifier key, for townships' `[county] witness_key` and for inspectors'
/// `book verify --witness`.
public struct CountyKeyView: Sendable, Codable, Equatable {
    public var name: String
    public var vkey: String

    public init(name: String, vkey: String) {
        self.name = name
        self.vkey = vkey
    }
}

/// Two validly signed checkpoints of one township that cannot both be true (`GET /v1/county/forks`): the one the
/// witness had cosigned and the one that contradicts it, each a complete signed note anyone can check.
public struct ForkEvidenceView: Sendable, Codable, Equatable {
    public var id: Int
    public var township: String
    public var origin: String
    public var detectedAt: Date
    /// `same-size-other-root` or `inconsistent-proof`.
    public var reason: String
    public var cosignedCheckpoint: String
    public var conflictingCheckpoint: String
    /// The request's old size and proof (base64), as sent.
    public var oldSize: Int
    public var proof: [String]

    public init(
        id: Int, township: String, origin: String, detectedAt: Date, reason: String, cosignedCheckpoint: String,
        conflictingCheckpoint: String, oldSize: Int, proof: [String]
    ) {
        self.id = id
        self.township = township
        self.origin = origin
        self.detectedAt = detectedAt
        self.reason = reason
        self.cosignedCheckpoint = cosignedCheckpoint
        self.conflictingCheckpoint = conflictingCheckpoint
        self.oldSize = oldSize
        self.proof = proof
    }
}

public enum TownshipsKey: ListKey { public static let name = "townships" }
public enum TownshipChangesKey: ListKey { public static let name = "changes" }
public enum ForksKey: ListKey { public static let name = "forks" }
public typealias CountyTownshipListView = ListView<TownshipsKey, CountyTownshipView>
public typealias TownshipChangeListView = ListView<TownshipChangesKey, TownshipChangeView>
public typealias ForkListView = ListView<ForksKey, ForkEvidenceView>
public enum AnomaliesKey: ListKey { public static let name = "anomalies" }
/// `GET /v1/county/anomalies`: findings across townships, in the township report's form.
public typealias CountyAnomalyListView = ListView<AnomaliesKey, AnomalyFinding>

/// `GET /v1/county/reports/stats`: the county's statistics for the period (every township, or the one asked for)
/// and each township's, each in the township report's form.
public struct CountyStatisticsView: Sendable, Codable {
    public var period: ReportPeriod
    public var statistics: UsageStatistics
    public var townships: [TownshipStatisticsView]

    public init(period: ReportPeriod, statistics: UsageStatistics, townships: [TownshipStatisticsView]) {
        self.period = period
        self.statistics = statistics
        self.townships = townships
    }
}

public struct TownshipStatisticsView: Sendable, Codable {
    public var name: String
    public var origin: String
    public var statistics: UsageStatistics

    public init(name: String, origin: String, statistics: UsageStatistics) {
        self.name = name
        self.origin = origin
        self.statistics = statistics
    }
}

/// `GET /v1/county/reports/anomalies`: each township's anomaly report (the township's rules on the county's copy)
/// and the county's own findings (forks, rollbacks, silent townships, mirror lag).
public struct CountyAnomalyReportView: Sendable, Codable {
    public var period: ReportPeriod
    public var settings: AnomalySettingsView
    public var county: [AnomalyFinding]
    public var townships: [TownshipAnomaliesView]

    public init(period: ReportPeriod, settings: AnomalySettingsView, county: [AnomalyFinding], townships: [TownshipAnomaliesView]) {
        self.period = period
        self.settings = settings
        self.county = county
        self.townships = townships
    }
}

public struct TownshipAnomaliesView: Sendable, Codable {
    public var name: String
    public var origin: String
    public var anomalies: [AnomalyFinding]

    public init(name: String, origin: String, anomalies: [AnomalyFinding]) {
        self.name = name
        self.origin = origin
        self.anomalies = anomalies
    }
}

/// The township's view of its witness, in `GET /v1/status` (`witness`), absent when no `[county]` is configured.
public struct WitnessStatusView: Sendable, Codable, Equatable {
    /// The county's add-checkpoint prefix.
    public var url: String
    /// `cosigned` (up to date), `pending` (newer checkpoints not cosigned yet), `unreachable`, `refused` (the county
    /// answered 403/404: it does not know this register), `rolled-back` or `forked` (writes refused).
    public var state: String
    public var cosignedSize: Int
    public var cosignedAt: Date?
    /// Checkpointed entries not yet cosigned.
    public var lag: Int
    public var lastContact: Date?
    public var lastError: String?
    /// Entries the county's mirror holds (as it last said; 0 until it has answered).
    public var mirroredSize: Int
    /// Why the last upload to the mirror failed, if it did.
    public var mirrorError: String?

    public init(
        url: String, state: String, cosignedSize: Int, cosignedAt: Date?, lag: Int, lastContact: Date?, lastError: String?, mirroredSize: Int = 0,
        mirrorError: String? = nil
    ) {
        self.mirroredSize = mirroredSize
        self.mirrorError = mirrorError
        self.url = url
        self.state = state
        self.cosignedSize = cosignedSize
        self.cosignedAt = cosignedAt
        self.lag = lag
        self.lastContact = lastContact
        self.lastError = lastError
    }
}
