import Foundation

/// A clerk's request to use a seal for one case, and what became of it.
public struct UseRequest: Sendable, Equatable, Codable {
    public enum Purpose: String, Sendable, Codable, CaseIterable {
        /// Stamping an acceptance notice (受理).
        case acceptance
        /// Stamping a decision (决定) — only under 委托办理.
        case decision
        case other
    }

    /// Stored states; `expired` and `urgent-unresolved` are derived when read (see `effectiveStatus`).
    public enum Status: String, Sendable, Codable, CaseIterable {
        case pending, approved, denied, cancelled, exhausted, expired
    }

    public struct Approval: Sendable, Equatable, Codable {
        public var approver: String
        public var count: Int
        /// RFC 3339 UTC: uses after this are refused with `approval-expired`.
        public var until: String
        public var at: String
        public init(approver: String, count: Int, until: String, at: String) {
            self.approver = approver
            self.count = count
            self.until = until
            self.at = at
        }
    }

    public struct Denial: Sendable, Equatable, Codable {
        public var by: String
        public var reason: String
        public var at: String
        public init(by: String, reason: String, at: String) {
            self.by = by
            self.reason = reason
            self.at = at
        }
    }

    public var id: String
    public var seal: String
    public var matter: String
    public var caseNumber: String
    public var purpose: Purpose
    /// 事由
    public var reason: String
    /// 用印数 requested.
    public var count: Int
    /// SHA-256 of the document to be stamped, hex, when given.
    public var documentDigest: String?
    /// 紧急用印: the custodian may record a use before approval.
    public var urgent: Bool
    /// Staff id of the requester (the 用印人 of its uses).
    public var requester: String
    public var createdAt: String
    public var status: Status
    public var approval: Approval?
    public var denial: Denial?
    /// Impressions in the book so far, after corrections (what the statistics count).
    public var used: Int
    /// Impressions made against the approval: every recorded impression, and any a correction adds; a correction
    /// that lowers a count never lowers this, so it can never give approved impressions back.
    public var made: Int

    public init(
        id: String, seal: String, matter: String, caseNumber: String, purpose: Purpose, reason: String, count: Int,
        documentDigest: String?, urgent: Bool, requester: String, createdAt: String, status: Status = .pending,
        approval: Approval? = nil, denial: Denial? = nil, used: Int = 0, made: Int? = nil
    ) {
        self.id = id
        self.seal = seal
        self.matter = matter
        self.caseNumber = caseNumber
        self.purpose = purpose
        self.reason = reason
        self.count = count
        self.documentDigest = documentDigest
        self.urgent = urgent
        self.requester = requester
        self.createdAt = createdAt
        self.status = status
        self.approval = approval
        self.denial = denial
        self.used = used
        self.made = made ?? used
    }

    /// What a request list may be filtered by: a status as people see it, or `urgent-unresolved`.
    public static let listFilters = Status.allCases.map(\.rawValue) + ["urgent-unresolved"]

    /// The stored statuses of the requests a list filtered by `filter` (one of `listFilters`) can show: `approved`
    /// and `expired` are both stored `approved` (whether an approval has lapsed depends on when the list is read;
    /// `expired` itself is never stored, but a request stored so would read `expired`),
    /// an unresolved urgent request is pending, denied or cancelled. Nil when every stored status can.
    public static func storedStatuses(listedAs filter: String?) -> [Status]? {
        switch filter {
        case nil: nil
        case "urgent-unresolved": [.pending, .denied, .cancelled]
        case Status.approved.rawValue: [.approved]
        case Status.expired.rawValue: [.approved, .expired]
        case let s?: Status(rawValue: s).map { [$0] } ?? []
        }
    }

    /// Whether a list filtered by `filter` shows this request at `now` (`storedStatuses` narrows, this decides).
    public func isListed(as filter: String?, now: Date, urgentWindow: TimeInterval) -> Bool {
        switch filter {
        case nil: true
        case "urgent-unresolved": isUrgentUnresolved(now: now, window: urgentWindow)
        case let s?: effectiveStatus(now: now).rawValue == s
        }
    }

    /// The status people see at `now`: an approval past its time with impressions left reads `expired`.
    public func effectiveStatus(now: Date) -> Status {
        if status == .approved, let approval, approval.lapsed(at: now) { return .expired }
        return status
    }

    /// Impressions still available under the approval (0 when not approved).
    public var remaining: Int {
        guard let approval, status == .approved else { return 0 }
        return max(0, approval.count - made)
    }

    /// An urgent request used before approval that is denied, cancelled, or still unapproved past `deadline`.
    public func isUrgentUnresolved(now: Date, window: TimeInterval) -> Bool {
        guard urgent, made > 0 else { return false }
        switch status {
        case .denied, .cancelled: return true
        case .pending:
            guard let created = try? Date(createdAt, strategy: .iso8601) else { return false }
            return now.timeIntervalSince(created) > window
        default: return false
        }
    }
}

/// Settings for the use rules, from `[policy]`.
public struct UsePolicySettings: Sendable, Equatable {
    /// Largest 用印数 one request may ask for.
    public var maxCount: Int = 50
    /// Time zone for "end of the local day" and for deciding which day a delegation is in force.
    public var timeZone: String = "Asia/Shanghai"
    /// How long an urgent use may stay unapproved before it is an anomaly.
    public var urgentWindow: TimeInterval = 24 * 3600
    /// Refuse uses under a delegation with no judicial filing record (`delegation-unfiled`).
    public var requireFiling = false

    public init() {}

    /// The configured time zone (validated when the configuration was read).
    public var zone: TimeZone { TimeZone(identifier: timeZone) ?? .current }
}

extension UseRequest.Approval {
    /// Whether the approval's validity ended before `now`, compared as instants (the stored text is only its form).
    public func lapsed(at now: Date) -> Bool {
        guard let end = LocalTime.parseStored(until) else { return true }
        return end < now
    }
}
