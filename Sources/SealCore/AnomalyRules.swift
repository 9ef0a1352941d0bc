import Foundation

/// What the anomaly report looks at, read from the register for a period.
public struct AuditFacts: Sendable {
    public struct Use: Sendable, Equatable {
        public var id: String
        public var seal: String
        public var request: String
        public var time: Date
        public var user: String
        /// Nil for an urgent use made before its request was approved.
        public var approver: String?
        public var count: Int
        public var urgent: Bool
        public var reason: String
        public var caseNumber: String
        public var matter: String
        /// When the request was approved (nil: not (yet) approved).
        public var approvedAt: Date?
        /// Agreement number of the delegation the use falls under, when every delegation in force for its seal and
        /// matter on that day was unfiled (未备案).
        public var unfiledAgreement: String?
        /// For an urgent use whose request was then denied (驳回): who denied it, when, and why.
        public var denial: UseRequest.Denial?

        public init(
            id: String, seal: String, request: String, time: Date, user: String, approver: String?, count: Int, urgent: Bool, reason: String,
            caseNumber: String, matter: String, approvedAt: Date?, unfiledAgreement: String? = nil, denial: UseRequest.Denial? = nil
        ) {
            self.denial = denial
            self.id = id
            self.seal = seal
            self.request = request
            self.time = time
            self.user = user
            self.approver = approver
            self.count = count
            self.urgent = urgent
            self.reason = reason
            self.caseNumber = caseNumber
            self.matter = matter
            self.approvedAt = approvedAt
            self.unfiledAgreement = unfiledAgreement
        }
    }

    /// An approved request, with how much of its approval was used.
    public struct Approval: Sendable, Equatable {
        public var request: String
        public var requester: String
        public var approver: String
        public var approvedAt: Date
        public var approvedCount: Int
        public var used: Int

        public init(request: String, requester: String, approver: String, approvedAt: Date, approvedCount: Int, used: Int) {
            self.request = request
            self.requester = requester
            self.approver = approver
            self.approvedAt = approvedAt
            self.approvedCount = approvedCount
            self.used = used
        }
    }

    /// A journal entry: a refusal (`code`) or a card unlock.
    public struct Event: Sendable, Equatable {
        public var seq: Int
        public var time: Date
        public var staff: String?
        public var subject: String?
        /// The refusal code, or the unlocked seal's reader.
        public var detail: String

        public init(seq: Int, time: Date, staff: String?, subject: String?, detail: String) {
            self.seq = seq
            self.time = time
            self.staff = staff
            self.subject = subject
            self.detail = detail
        }
    }

    public struct CarryOut: Sendable, Equatable {
        public var id: Int
        public var seal: String
        public var carrier: String
        public var outAt: Date
        public var due: Date
        public var returnedAt: Date?

        public init(id: Int, seal: String, carrier: String, outAt: Date, due: Date, returnedAt: Date?) {
            self.id = id
            self.seal = seal
            self.carrier = carrier
            self.outAt = outAt
            self.due = due
            self.returnedAt = returnedAt
        }
    }

    /// In time order.
    public var uses: [Use]
    /// In order of approval.
    public var approvals: [Approval]
    public var refusals: [Event]
    public var unlocks: [Event]
    public var carryOuts: [CarryOut]

    public init(uses: [Use] = [], approvals: [Approval] = [], refusals: [Event] = [], unlocks: [Event] = [], carryOuts: [CarryOut] = []) {
        self.uses = uses
        self.approvals = approvals
        self.refusals = refusals
        self.unlocks = unlocks
        self.carryOuts = carryOuts
    }
}

/// One finding: what kind, and the register entries that show it.
public struct Anomaly: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case urgentDenied = "urgent-denied"
        case outsideOfficeHours = "outside-office-hours"
        case urgentNotApproved = "urgent-not-approved"
        case unfiledDelegation = "unfiled-delegation"
        case overdueCarryOut = "overdue-carry-out"
        case refusalsAboveThreshold = "refusals-above-threshold"
        case quickApprovalAndUse = "quick-approval-and-use"
        case unlockOutsideOfficeHours = "unlock-outside-office-hours"
        case approvalsUsedToTheLast = "approvals-used-to-the-last"
        case repeatedReason = "repeated-reason"
        case witnessLag = "witness-lag"
        /// At the county: a township's register contradicts a checkpoint the county cosigned (fork evidence).
        case fork = "fork"
        /// At the county: a township sent a signed checkpoint older than one the county cosigned (an older copy runs).
        case rollback = "rollback"
        /// County only: a township that has not contacted the county for longer than `max_silence`.
        case silentTownship = "silent-township"
        /// County only: entries the witness cosigned that the county's mirror does not hold, for longer than `max_lag`.
        case mirrorLag = "mirror-lag"

        public var title: String {
            switch self {
            case .urgentDenied: "紧急用印被驳回 · urgent uses whose request was denied"
            case .outsideOfficeHours: "非工作时间用印 · uses outside office hours"
            case .urgentNotApproved: "紧急用印未在时限内补批 · urgent uses not approved within the window"
            case .unfiledDelegation: "未备案委托下用印 · uses under unfiled delegations"
            case .overdueCarryOut: "外带逾期未还 · overdue carry-outs"
            case .refusalsAboveThreshold: "被拒次数过多 · refusals per clerk above the threshold"
            case .quickApprovalAndUse: "同一批准人与用印人快速批用 · quick approve-then-use by the same pair, repeatedly"
            case .unlockOutsideOfficeHours: "非工作时间解锁印章卡 · card unlocks outside office hours"
            case .approvalsUsedToTheLast: "连续用尽批准数 · approvals used to the last impression, many in a row"
            case .repeatedReason: "事由雷同 · the same reason on many cases"
            case .witnessLag: "县级见证滞后 · entries the county witness has not cosigned for too long"
            case .fork: "登记本分叉 · a township's register contradicts what the county cosigned"
            case .rollback: "登记本回退 · a township runs an older copy of its register than the county cosigned"
            case .silentTownship: "乡镇长期未报送 · a township silent for longer than max_silence"
            case .mirrorLag: "县级镜像滞后 · cosigned entries the county's copy does not hold"
            }
        }
    }

    /// A register entry behind a finding.
    public struct Evidence: Sendable, Equatable, Codable {
        /// A use (USE-…), request (REQ-…), journal entry (#seq) or carry-out (carry-out N).
        public var ref: String
        /// RFC 3339 UTC.
        public var time: String
        public var staff: String?
        public var seal: String?
        public var detail: String

        public init(ref: String, time: String, staff: String?, seal: String?, detail: String) {
            self.ref = ref
            self.time = time
            self.staff = staff
            self.seal = seal
            self.detail = detail
        }
    }

    public var kind: Kind
    /// What ties the evidence together (a staff member, a pair, a reason), when not just the kind.
    public var subject: String?
    public var evidence: [Evidence]

    public init(kind: Kind, subject: String? = nil, evidence: [Evidence]) {
        self.kind = kind
        self.subject = subject
        self.evidence = evidence
    }
}

/// The anomaly rules: pure functions of the period's facts, the settings and the current time.
public enum AnomalyRules {
    /// The findings over facts held in memory: the tally's two passes over them (the daemon streams the same passes
    /// from the register, so both give the same report).
    public static func detect(_ facts: AuditFacts, settings: ReportSettings, now: Date) -> [Anomaly] {
        findings(settings: settings, now: now) { visit in facts.read(visit) }.map {
            Anomaly(kind: $0.finding.kind, subject: $0.finding.subject, evidence: $0.evidence)
        }
    }

    /// The findings over the facts `facts` reads — it is called twice, the tally then the routing, and must give the
    /// same facts in the same order, skipping the rest of a kind of fact when its visitor answers false for one — each
    /// with its first `limit` entries (all by default) and its full count. The second reading leaves a kind of fact
    /// as soon as every finding it shows has its entries.
    public static func findings(
        settings: ReportSettings, now: Date, limit: Int = .max, facts: ((AuditFacts.Fact) -> Bool) throws -> Void
    ) rethrows -> [(finding: PlannedFinding, evidence: [Anomaly.Evidence])] {
        var sample = AnomalySample(settings: settings, now: now, limit: limit)
        try facts { sample.count($0) }
        if sample.finishCounting() { try facts { sample.route($0) } }
        return sample.findings
    }

    /// The text without leading and trailing white space; most reasons have none, and are returned as they are
    /// without Foundation's trimming (a copy through NSString per use).
    static func trimmed(_ text: String) -> String {
        if let first = text.unicodeScalars.first, let last = text.unicodeScalars.last, !mayBeSpace(first), !mayBeSpace(last) { return text }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether `trimmingCharacters(in: .whitespacesAndNewlines)` would take the scalar off an end. Printable ASCII,
    /// CJK punctuation, ideographs and full-width forms — how nearly every 事由 begins and ends — never are, and are
    /// answered without asking `CharacterSet`, which was a sixteenth of reading a report's facts.
    static func mayBeSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x21...0x7E, 0x3001...0x303F, 0x4E00...0x9FFF, 0xFF01...0xFF5E: false
        default: CharacterSet.whitespacesAndNewlines.contains(scalar)
        }
    }

    /// The county witness has not cosigned the register's entries since `oldest` (the first entry after the cosigned
    /// size) for longer than `maxLag`: the register's history is unwitnessed, whatever the reason (county down, link
    /// cut, the township refused). Not tied to the report's period: it is about now.
    public static func witnessLag(
        oldest: (seq: Int, time: Date)?, uncosigned: Int, maxLag: TimeInterval, now: Date, state: String, zone: TimeZone
    ) -> Anomaly? {
        guard let oldest, uncosigned > 0, now.timeIntervalSince(oldest.time) > maxLag else { return nil }
        return Anomaly(kind: .witnessLag, subject: "county witness: \(state)", evidence: [
            Anomaly.Evidence(
                ref: "#\(oldest.seq)", time: stamp(oldest.time), staff: nil, seal: nil,
                detail: "\(uncosigned) entries not cosigned; the oldest, of \(local(oldest.time, zone)), waits \(duration(now.timeIntervalSince(oldest.time))) (max_lag \(duration(maxLag)))"
            ),
        ])
    }

    /// A township the county has not heard from (no checkpoint sent, cosigned or not) for longer than `maxSilence`,
    /// or ever since it was added that long ago: its book may be growing unwitnessed, or its machine may be gone.
    public static func silentTownship(name: String, lastContact: Date?, addedAt: Date, maxSilence: TimeInterval, now: Date, zone: TimeZone) -> Anomaly? {
        let since = lastContact ?? addedAt
        guard now.timeIntervalSince(since) > maxSilence else { return nil }
        let detail = lastContact.map { "last contact \(local($0, zone)), \(duration(now.timeIntervalSince($0))) ago" }
            ?? "never in contact since it was added \(local(addedAt, zone))"
        return Anomaly(kind: .silentTownship, subject: name, evidence: [
            Anomaly.Evidence(ref: name, time: stamp(since), staff: nil, seal: nil, detail: detail + " (max_silence \(duration(maxSilence)))"),
        ])
    }

    /// Entries the witness cosigned (the township's book as the county knows it) that the mirror does not hold, the
    /// cosignature older than `maxLag`: uploads are failing, so the county's copy and its reports are behind.
    public static func mirrorLag(name: String, cosigned: Int, cosignedAt: Date?, mirrored: Int, maxLag: TimeInterval, now: Date, zone: TimeZone) -> Anomaly? {
        guard cosigned > mirrored, let cosignedAt, now.timeIntervalSince(cosignedAt) > maxLag else { return nil }
        return Anomaly(kind: .mirrorLag, subject: name, evidence: [
            Anomaly.Evidence(
                ref: "#\(mirrored + 1)", time: stamp(cosignedAt), staff: nil, seal: nil,
                detail: "\(cosigned - mirrored) cosigned entries not mirrored (the copy holds \(mirrored) of \(cosigned)); cosigned \(local(cosignedAt, zone)), \(duration(now.timeIntervalSince(cosignedAt))) ago (max_lag \(duration(maxLag)))"
            ),
        ])
    }

    static func use(_ u: AuditFacts.Use, _ detail: String) -> Anomaly.Evidence {
        Anomaly.Evidence(ref: u.id, time: stamp(u.time), staff: u.user, seal: u.seal, detail: detail)
    }

    static func journal(_ e: AuditFacts.Event, _ detail: String) -> Anomaly.Evidence {
        Anomaly.Evidence(ref: "#\(e.seq)", time: stamp(e.time), staff: e.staff, seal: e.subject, detail: detail)
    }

    /// RFC 3339 UTC, `2026-11-22T15:59:59Z` (`Date.formatted(.iso8601)`). Both this and `local` go through
    /// `CivilTime`: every piece of evidence has a time and most a local one, and a report over a long period has
    /// as many as it has uses; Foundation's formatters cost microseconds each.
    static func stamp(_ date: Date) -> String {
        CivilTime(secondsSince1970: Int64(date.timeIntervalSince1970.rounded(.down))).utcText
    }

    /// Local wall-clock time with the weekday, as a township clerk would say it: `2026-11-22 sun 23:59`.
    static func local(_ date: Date, _ zone: TimeZone) -> String {
        let c = CivilTime(date, zone: zone)
        // Written as bytes: joined as strings, this was a tenth of an anomaly report where every use is evidence.
        var text: [UInt8] = []
        text.reserveCapacity(20)
        c.appendDateText(to: &text)
        text.append(0x20)
        text += OfficeHours.weekdayNames[c.weekday - 1].utf8
        text.append(0x20)
        CivilTime.appendDigits(c.hour, 2, to: &text)
        text.append(0x3A)
        CivilTime.appendDigits(c.minute, 2, to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    static func duration(_ seconds: TimeInterval) -> String {
        let s = Int(seconds.rounded())
        if s < 120 { return "\(s) s" }
        if s < 7200 { return "\(s / 60) min" }
        if s < 172_800 { return "\(s / 3600) h" }
        return "\(s / 86_400) d"
    }
}

extension AnomalyRules {
    /// The agreement a use fell under when every delegation covering its seal and matter at that moment was
    /// unfiled; nil when one of them was filed or none covered it. A delegation revoked later still covered the use.
    public static func unfiledAgreement(_ delegations: [Delegation], seal: String, matter: String, day: LocalDate, time: String) -> String? {
        let covering = delegations.filter { d in
            d.seals.contains(seal) && d.matters.contains { $0.code == matter } && d.validFrom <= day && day <= d.validTo
                && (d.revokedAt.map { $0 > time } ?? true)
        }
        guard !covering.isEmpty, covering.allSatisfy({ !$0.isFiled }) else { return nil }
        return covering.map(\.agreementNumber).sorted().first
    }

    /// `unfiledAgreement` for every use of a report, asked of the delegations once: a use only falls under an unfiled
    /// agreement when an unfiled delegation names its seal, and most registers file every agreement, so most uses
    /// are answered by one look-up, without working out their day or searching the delegations.
    public struct UnfiledAgreements: Sendable {
        let delegations: [Delegation]
        let zone: TimeZone
        /// The seals some unfiled delegation names.
        let unfiledSeals: Set<String>

        public init(_ delegations: [Delegation], zone: TimeZone) {
            self.delegations = delegations
            self.zone = zone
            unfiledSeals = Set(delegations.filter { !$0.isFiled }.flatMap(\.seals))
        }

        /// The agreement a use of `seal` for `matter` at `at` (stored as `time`) fell under unfiled, or nil.
        public func agreement(seal: String, matter: String, at: Date, time: @autoclosure () -> String) -> String? {
            guard !unfiledSeals.isEmpty, unfiledSeals.contains(seal) else { return nil }
            return AnomalyRules.unfiledAgreement(delegations, seal: seal, matter: matter, day: LocalDate.today(at, timeZone: zone), time: time())
        }
    }
}
