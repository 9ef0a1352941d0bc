import Foundation

extension AuditFacts {
    /// One fact of a period, as a report reads them one at a time: uses in time order, approvals in order of
    /// approval, refusals and unlocks in journal order, carry-outs by id (the order `AuditFacts` keeps them in).
    public enum Fact: Sendable {
        case use(Use)
        case approval(Approval)
        case refusal(Event)
        case unlock(Event)
        case carryOut(CarryOut)

        public var kind: Kind {
            switch self {
            case .use: .use
            case .approval: .approval
            case .refusal: .refusal
            case .unlock: .unlock
            case .carryOut: .carryOut
            }
        }
    }

    /// The kinds of fact, in the order a reader gives them.
    public enum Kind: Sendable, CaseIterable {
        case use, approval, refusal, unlock, carryOut

        /// The kind of fact that shows findings of `finding` (nil for findings about now, not about the period).
        init?(showing finding: Anomaly.Kind) {
            switch finding {
            case .urgentDenied, .outsideOfficeHours, .urgentNotApproved, .unfiledDelegation, .quickApprovalAndUse, .repeatedReason: self = .use
            case .approvalsUsedToTheLast: self = .approval
            case .refusalsAboveThreshold: self = .refusal
            case .unlockOutsideOfficeHours: self = .unlock
            case .overdueCarryOut: self = .carryOut
            case .witnessLag, .fork, .rollback, .silentTownship, .mirrorLag: return nil
            }
        }
    }

    /// Keeps `fact` with the others of its kind.
    public mutating func append(_ fact: Fact) {
        switch fact {
        case .use(let u): uses.append(u)
        case .approval(let a): approvals.append(a)
        case .refusal(let e): refusals.append(e)
        case .unlock(let e): unlocks.append(e)
        case .carryOut(let c): carryOuts.append(c)
        }
    }

    /// Gives `visit` every fact in the order the rules read them, skipping the rest of a kind when it answers false
    /// (as the register's readers do).
    public func read(_ visit: (Fact) -> Bool) {
        var skipped: Kind?
        for fact in all where fact.kind != skipped {
            if !visit(fact) { skipped = fact.kind }
        }
    }

    /// Every fact, kind by kind, in the order the rules read them.
    public var all: [Fact] {
        uses.map(Fact.use) + approvals.map(Fact.approval) + refusals.map(Fact.refusal) + unlocks.map(Fact.unlock) + carryOuts.map(Fact.carryOut)
    }
}

/// A finding before its evidence is gathered: what it is and how many register entries show it.
public struct PlannedFinding: Sendable, Equatable {
    public var kind: Anomaly.Kind
    public var subject: String?
    public var count: Int

    public init(kind: Anomaly.Kind, subject: String? = nil, count: Int) {
        self.kind = kind
        self.subject = subject
        self.count = count
    }
}

/// The anomaly rules' first pass. The period's facts arrive one at a time and only counts and each group's small
/// state are kept (per clerk, per approver–user pair, per requester's current run, per 事由 its first few cases),
/// never the facts themselves; `plan()` then names the findings, in the report's order, with how many entries show
/// each, and routes the same facts, read a second time in the same order, to their findings. So a report over any
/// period holds its groups, not its uses, and can state each finding's count before its evidence.
public struct AnomalyTally: Sendable {
    let rules: AnomalyRules.Applied
    var single: [Anomaly.Kind: Int] = [:]
    var refusals = OrderedGroups<Int>()
    var pairs = OrderedGroups<Int>()
    var runs = OrderedGroups<ApprovalRuns>()
    var reasons = OrderedGroups<ReasonGroup>()

    /// A requester's approvals so far: how many, the run of fully used ones now open, the runs long enough to list.
    struct ApprovalRuns: Sendable {
        var seen = 0
        var open: Range<Int>?
        var listed: [Range<Int>] = []

        mutating func close(streak: Int) {
            if let run = open, !run.isEmpty, run.count >= streak { listed.append(run) }
            open = nil
        }
    }

    /// A 事由's uses, and its distinct case numbers until there are enough of them to list it.
    struct ReasonGroup: Sendable {
        var uses = 0
        var cases: Set<String> = []
        var listed = false
    }

    public init(settings: ReportSettings, now: Date) {
        rules = AnomalyRules.Applied(settings: settings, now: now)
    }

    public mutating func add(_ fact: AuditFacts.Fact) {
        let t = rules.settings.thresholds
        switch fact {
        case .use(let u):
            if rules.urgentDenied(u) != nil { single[.urgentDenied, default: 0] += 1 }
            if rules.isOutsideOfficeHours(u.time) { single[.outsideOfficeHours, default: 0] += 1 }
            if rules.urgentNotApproved(u) != nil { single[.urgentNotApproved, default: 0] += 1 }
            if u.unfiledAgreement != nil { single[.unfiledDelegation, default: 0] += 1 }
            if let pair = rules.quickPair(u) { pairs.update(pair, default: 0) { $0 += 1 } }
            reasons.update(AnomalyRules.trimmed(u.reason), default: ReasonGroup()) { group in
                group.uses += 1
                guard !group.listed else { return }
                group.cases.insert(u.caseNumber)
                if group.cases.count >= t.repeatedReasonCases {
                    group.listed = true
                    group.cases = []
                }
            }
        case .approval(let a):
            runs.update(a.requester, default: ApprovalRuns()) { r in
                if AnomalyRules.usedToTheLast(a) {
                    r.open = (r.open?.lowerBound ?? r.seen)..<(r.seen + 1)
                } else {
                    r.close(streak: t.fullUseStreak)
                }
                r.seen += 1
            }
        case .refusal(let e):
            if let staff = e.staff { refusals.update(staff, default: 0) { $0 += 1 } }
        case .unlock(let e):
            if rules.isOutsideOfficeHours(e.time) { single[.unlockOutsideOfficeHours, default: 0] += 1 }
        case .carryOut(let c):
            if rules.overdue(c) != nil { single[.overdueCarryOut, default: 0] += 1 }
        }
    }

    /// The findings, in the report's order, and the router for the second pass.
    public func plan() -> AnomalyPlan {
        let t = rules.settings.thresholds
        var plan = AnomalyPlan(rules: rules)
        func add(_ kind: Anomaly.Kind, subject: String? = nil, _ count: Int) -> Int? {
            guard count > 0 else { return nil }
            plan.findings.append(PlannedFinding(kind: kind, subject: subject, count: count))
            return plan.findings.count - 1
        }
        for kind in [Anomaly.Kind.urgentDenied, .outsideOfficeHours, .urgentNotApproved, .unfiledDelegation, .overdueCarryOut] {
            plan.single[kind] = add(kind, single[kind] ?? 0)
        }
        for (staff, n) in refusals.ordered where n >= t.refusalsPerClerk {
            plan.refusals[staff] = add(.refusalsAboveThreshold, subject: staff, n)
        }
        for (pair, n) in pairs.ordered where n >= t.quickUseRepeats {
            plan.pairs[GroupKey(pair)] = add(.quickApprovalAndUse, subject: pair, n)
        }
        plan.single[.unlockOutsideOfficeHours] = add(.unlockOutsideOfficeHours, single[.unlockOutsideOfficeHours] ?? 0)
        for (requester, state) in runs.ordered {
            var state = state
            state.close(streak: t.fullUseStreak)
            plan.runs[requester] = state.listed.compactMap { run in add(.approvalsUsedToTheLast, subject: requester, run.count).map { (run, $0) } }
        }
        for (reason, group) in reasons.ordered where group.listed {
            plan.reasons[GroupKey(reason)] = add(.repeatedReason, subject: reason, group.uses)
        }
        return plan
    }
}

/// The second pass: which finding each fact is evidence of, and the evidence. Fed the same facts in the same order
/// as the tally, it gives each finding exactly the count the tally planned.
public struct AnomalyPlan: Sendable {
    let rules: AnomalyRules.Applied
    public internal(set) var findings: [PlannedFinding] = []
    var single: [Anomaly.Kind: Int] = [:]
    var refusals: [String: Int] = [:]
    var pairs: [GroupKey: Int] = [:]
    var reasons: [GroupKey: Int] = [:]
    var runs: [String: [(Range<Int>, Int)]] = [:]
    var approvalsSeen: [String: Int] = [:]

    init(rules: AnomalyRules.Applied) {
        self.rules = rules
    }

    /// Calls `emit` with the finding's index and the evidence for each finding `fact` shows — of those `wanted`
    /// accepts: the evidence of a finding that has all it needs is not even made.
    public mutating func route(_ fact: AuditFacts.Fact, wanted: (Int) -> Bool = { _ in true }, _ emit: (Int, Anomaly.Evidence) throws -> Void) rethrows {
        func want(_ i: Int?) -> Int? { i.flatMap { wanted($0) ? $0 : nil } }
        switch fact {
        case .use(let u):
            if let i = want(single[.urgentDenied]), let e = rules.urgentDenied(u) { try emit(i, e) }
            if let i = want(single[.outsideOfficeHours]), rules.isOutsideOfficeHours(u.time) { try emit(i, rules.outsideOfficeHours(u)) }
            if let i = want(single[.urgentNotApproved]), let e = rules.urgentNotApproved(u) { try emit(i, e) }
            if let i = want(single[.unfiledDelegation]), let agreement = u.unfiledAgreement {
                try emit(i, AnomalyRules.use(u, "delegation \(agreement) has no filing record"))
            }
            if !pairs.isEmpty, let pair = rules.quickPair(u), let i = want(pairs[GroupKey(pair)]) {
                try emit(i, AnomalyRules.use(u, "used \(AnomalyRules.duration(u.time.timeIntervalSince(u.approvedAt!))) after approval"))
            }
            if !reasons.isEmpty, let i = want(reasons[GroupKey(AnomalyRules.trimmed(u.reason))]) { try emit(i, AnomalyRules.use(u, "case \(u.caseNumber)")) }
        case .approval(let a):
            guard let listed = runs[a.requester] else { return }
            let n = approvalsSeen[a.requester, default: 0]
            approvalsSeen[a.requester] = n + 1
            if let (_, i) = listed.first(where: { $0.0.contains(n) }), wanted(i) {
                try emit(i, Anomaly.Evidence(
                    ref: a.request, time: AnomalyRules.stamp(a.approvedAt), staff: a.requester, seal: nil,
                    detail: "approved \(a.approvedCount) by \(a.approver), used \(a.used)"
                ))
            }
        case .refusal(let e):
            if let staff = e.staff, let i = want(refusals[staff]) { try emit(i, AnomalyRules.journal(e, "refused: \(e.detail)")) }
        case .unlock(let e):
            if let i = want(single[.unlockOutsideOfficeHours]), rules.isOutsideOfficeHours(e.time) {
                try emit(i, AnomalyRules.journal(e, "card unlocked \(AnomalyRules.local(e.time, rules.settings.timeZone)) in \(e.detail)"))
            }
        case .carryOut(let c):
            if let i = want(single[.overdueCarryOut]), let e = rules.overdue(c) { try emit(i, e) }
        }
    }
}

/// The findings with their first `limit` entries each (all by default) and their full counts, fed by whoever reads
/// the facts, synchronously or not: `count` every fact, `finishCounting`, then — when it says so — `route` the same
/// facts in the same order, skipping the rest of a kind of fact once `route` answers false for it (every finding that
/// kind shows has its entries: an export's summary over a long period then reads its uses only until each of their
/// findings has its first entries, not to the end).
public struct AnomalySample: Sendable {
    var tally: AnomalyTally
    let limit: Int
    var plan: AnomalyPlan?
    var needed: [Int] = []
    var evidence: [[Anomaly.Evidence]] = []
    /// Each finding's kind of fact, and per kind the findings still short of their entries.
    var shownBy: [AuditFacts.Kind] = []
    var incomplete: [AuditFacts.Kind: Int] = [:]

    public init(settings: ReportSettings, now: Date, limit: Int = .max) {
        tally = AnomalyTally(settings: settings, now: now)
        self.limit = limit
    }

    /// The first reading: always true (read on).
    public mutating func count(_ fact: AuditFacts.Fact) -> Bool {
        tally.add(fact)
        return true
    }

    /// Between the readings: whether there is anything to route.
    public mutating func finishCounting() -> Bool {
        let plan = tally.plan()
        self.plan = plan
        needed = plan.findings.map { min($0.count, limit) }
        evidence = needed.map { n in
            var list: [Anomaly.Evidence] = []
            list.reserveCapacity(n)
            return list
        }
        // Planned findings are all about the period, so each has its kind of fact.
        shownBy = plan.findings.map { AuditFacts.Kind(showing: $0.kind)! }
        for (kind, n) in zip(shownBy, needed) where n > 0 { incomplete[kind, default: 0] += 1 }
        return !incomplete.isEmpty
    }

    /// The second reading: false once every finding shown by this kind of fact has its entries (skip the rest of
    /// the kind; the next kind may still be wanted).
    public mutating func route(_ fact: AuditFacts.Fact) -> Bool {
        let kind = fact.kind
        guard incomplete[kind, default: 0] > 0 else { return false }
        plan!.route(fact, wanted: { evidence[$0].count < needed[$0] }) { i, e in
            evidence[i].append(e)
            if evidence[i].count == needed[i] { incomplete[shownBy[i], default: 0] -= 1 }
        }
        return incomplete[kind, default: 0] > 0
    }

    public var findings: [(finding: PlannedFinding, evidence: [Anomaly.Evidence])] {
        Array(zip(plan?.findings ?? [], evidence))
    }
}

/// A group's name (a 事由, an approver–user pair, a staff id; a workbook's shared string) hashed and compared by its
/// UTF-8 bytes, as stored: a 事由 repeats when it is written the same, and Swift's `String` hashing and equality
/// normalise non-ASCII text at every use, which cost a tenth of a report's reading.
public struct GroupKey: Hashable, Sendable {
    public let text: String

    public init(_ text: String) { self.text = text }

    public static func == (a: Self, b: Self) -> Bool {
        // Lengths first: a native string knows its UTF-8 length, and most texts compared differ in it.
        guard a.text.utf8.count == b.text.utf8.count else { return false }
        var x = a.text, y = b.text
        return x.withUTF8 { p in y.withUTF8 { q in p.count == q.count && (p.count == 0 || memcmp(p.baseAddress!, q.baseAddress!, p.count) == 0) } }
    }

    public func hash(into hasher: inout Hasher) {
        var t = text
        t.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

/// Groups by key in the order their keys were first seen.
struct OrderedGroups<Value: Sendable>: Sendable {
    private var index: [GroupKey: Int] = [:]
    private(set) var keys: [String] = []
    private var values: [Value] = []

    mutating func update(_ key: String, default value: @autoclosure () -> Value, _ change: (inout Value) -> Void) {
        if let i = index[GroupKey(key)] {
            change(&values[i])
        } else {
            index[GroupKey(key)] = values.count
            keys.append(key)
            values.append(value())
            change(&values[values.count - 1])
        }
    }

    var ordered: Zip2Sequence<[String], [Value]> { zip(keys, values) }
}

extension AnomalyRules {
    /// The per-fact rules with the report's settings and time applied: what the tally counts and the plan routes, one
    /// definition for both passes.
    struct Applied: Sendable {
        let settings: ReportSettings
        let now: Date

        func isOutsideOfficeHours(_ time: Date) -> Bool {
            !settings.officeHours.contains(time, zone: settings.timeZone)
        }

        func outsideOfficeHours(_ u: AuditFacts.Use) -> Anomaly.Evidence {
            AnomalyRules.use(u, "\(AnomalyRules.local(u.time, settings.timeZone)) · \(u.reason)")
        }

        /// The most serious line a book can hold: a seal was used and the approver then said no.
        func urgentDenied(_ u: AuditFacts.Use) -> Anomaly.Evidence? {
            guard u.urgent, let denial = u.denial else { return nil }
            let at = (try? Date(denial.at, strategy: .iso8601)).map { AnomalyRules.local($0, settings.timeZone) } ?? denial.at
            return AnomalyRules.use(u, "denied by \(denial.by) \(at): \(denial.reason)")
        }

        func urgentNotApproved(_ u: AuditFacts.Use) -> Anomaly.Evidence? {
            guard u.urgent, u.approver == nil, u.denial == nil else { return nil }
            let deadline = u.time.addingTimeInterval(settings.urgentWindow)
            if let approved = u.approvedAt {
                guard approved > deadline else { return nil }
                return AnomalyRules.use(
                    u, "approved \(AnomalyRules.local(approved, settings.timeZone)), \(AnomalyRules.duration(approved.timeIntervalSince(u.time))) after the use"
                )
            }
            guard now > deadline else { return nil }
            return AnomalyRules.use(u, "not approved \(AnomalyRules.duration(now.timeIntervalSince(u.time))) after the use")
        }

        /// `approver → user` when the use came within `quick_use_seconds` of its approval by someone else.
        func quickPair(_ u: AuditFacts.Use) -> String? {
            guard let approver = u.approver, approver != u.user, let at = u.approvedAt else { return nil }
            let gap = u.time.timeIntervalSince(at)
            guard gap >= 0, gap <= Double(settings.thresholds.quickUseSeconds) else { return nil }
            return "\(approver) → \(u.user)"
        }

        func overdue(_ c: AuditFacts.CarryOut) -> Anomaly.Evidence? {
            let back = c.returnedAt ?? now
            guard back > c.due else { return nil }
            let zone = settings.timeZone
            let state = c.returnedAt.map { "returned \(AnomalyRules.local($0, zone))" } ?? "not returned"
            return Anomaly.Evidence(
                ref: "carry-out \(c.id)", time: AnomalyRules.stamp(c.outAt), staff: c.carrier, seal: c.seal,
                detail: "due \(AnomalyRules.local(c.due, zone)), \(state), \(AnomalyRules.duration(back.timeIntervalSince(c.due))) late"
            )
        }
    }

    /// An approval whose every approved impression was used.
    static func usedToTheLast(_ a: AuditFacts.Approval) -> Bool {
        a.approvedCount > 0 && a.used == a.approvedCount
    }
}
