import Foundation
import Testing
@testable import SealCore

/// The rules' two passes (`AnomalyTally` then `AnomalyPlan`), which let the daemon stream a report, against the rules
/// as they were first written — every fact in memory, grouped there — on random periods: the same findings, in the
/// same order, with the same evidence, and each finding's planned count the number of entries routed to it.
@Suite("Anomaly rules in two passes")
struct AnomalyScanTests {
    /// The rules written over whole arrays (the report before it streamed): the oracle.
    static func reference(_ facts: AuditFacts, settings: ReportSettings, now: Date) -> [Anomaly] {
        let rules = AnomalyRules.Applied(settings: settings, now: now)
        let t = settings.thresholds
        var found: [Anomaly] = []
        func add(_ kind: Anomaly.Kind, subject: String? = nil, _ evidence: [Anomaly.Evidence]) {
            if !evidence.isEmpty { found.append(Anomaly(kind: kind, subject: subject, evidence: evidence)) }
        }
        func grouped<T>(_ items: [T], by key: (T) -> String) -> [(String, [T])] {
            var order: [String] = []
            var groups: [String: [T]] = [:]
            for item in items {
                let k = key(item)
                if groups[k] == nil { order.append(k) }
                groups[k, default: []].append(item)
            }
            return order.map { ($0, groups[$0]!) }
        }
        add(.urgentDenied, facts.uses.compactMap(rules.urgentDenied))
        add(.outsideOfficeHours, facts.uses.filter { rules.isOutsideOfficeHours($0.time) }.map(rules.outsideOfficeHours))
        add(.urgentNotApproved, facts.uses.compactMap(rules.urgentNotApproved))
        add(.unfiledDelegation, facts.uses.compactMap { u in u.unfiledAgreement.map { AnomalyRules.use(u, "delegation \($0) has no filing record") } })
        add(.overdueCarryOut, facts.carryOuts.compactMap(rules.overdue))
        for (staff, events) in grouped(facts.refusals.filter { $0.staff != nil }, by: { $0.staff! }) where events.count >= t.refusalsPerClerk {
            add(.refusalsAboveThreshold, subject: staff, events.map { AnomalyRules.journal($0, "refused: \($0.detail)") })
        }
        let quick = facts.uses.filter { rules.quickPair($0) != nil }
        for (pair, uses) in grouped(quick, by: { rules.quickPair($0)! }) where uses.count >= t.quickUseRepeats {
            add(.quickApprovalAndUse, subject: pair, uses.map { u in
                AnomalyRules.use(u, "used \(AnomalyRules.duration(u.time.timeIntervalSince(u.approvedAt!))) after approval")
            })
        }
        add(.unlockOutsideOfficeHours, facts.unlocks.filter { rules.isOutsideOfficeHours($0.time) }.map {
            AnomalyRules.journal($0, "card unlocked \(AnomalyRules.local($0.time, settings.timeZone)) in \($0.detail)")
        })
        for (requester, approvals) in grouped(facts.approvals, by: \.requester) {
            var run: [AuditFacts.Approval] = []
            func close() {
                if run.count >= t.fullUseStreak {
                    add(.approvalsUsedToTheLast, subject: requester, run.map { a in
                        Anomaly.Evidence(ref: a.request, time: AnomalyRules.stamp(a.approvedAt), staff: a.requester, seal: nil,
                                         detail: "approved \(a.approvedCount) by \(a.approver), used \(a.used)")
                    })
                }
                run = []
            }
            for a in approvals {
                if a.approvedCount > 0, a.used == a.approvedCount { run.append(a) } else { close() }
            }
            close()
        }
        for (reason, uses) in grouped(facts.uses, by: { AnomalyRules.trimmed($0.reason) }) where Set(uses.map(\.caseNumber)).count >= t.repeatedReasonCases {
            add(.repeatedReason, subject: reason, uses.map { AnomalyRules.use($0, "case \($0.caseNumber)") })
        }
        return found
    }

    /// A period of `n` uses (and proportionally many approvals, refusals, unlocks and carry-outs) drawn from small
    /// sets of staff, reasons (some with stray white space) and cases, so that every rule both fires and does not.
    static func period(_ n: Int, seed: UInt64) -> AuditFacts {
        var rng = SplitMix(seed: seed)
        func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
        func chance(_ percent: UInt64) -> Bool { rng.next() % 100 < percent }
        let start = Date(timeIntervalSince1970: 1_790_000_000)
        let staff = ["S001", "S002", "S003", "S004"]
        let reasons = ["营业执照", " 营业执照", "营业执照\n", "设立登记", "变更登记", "注销"]
        var facts = AuditFacts()
        var time = start
        for i in 0..<n {
            time += Double(rng.next() % 7200)
            let urgent = chance(15)
            let approver: String? = urgent && chance(50) ? nil : pick(staff)
            let approvedAt: Date? = chance(80) ? time - Double(rng.next() % 200) + (urgent ? Double(rng.next() % 8000) : 0) : nil
            facts.uses.append(AuditFacts.Use(
                id: "USE-\(i)", seal: pick(["SEAL-0001", "SEAL-0002"]), request: "REQ-\(i / 3)", time: time, user: pick(staff), approver: approver,
                count: 1, urgent: urgent, reason: pick(reasons), caseNumber: "CASE-\(rng.next() % 9)", matter: "XK-001", approvedAt: approvedAt,
                unfiledAgreement: chance(10) ? pick(["委托2026-01", "委托2026-02"]) : nil,
                denial: urgent && chance(30) ? UseRequest.Denial(by: pick(staff), reason: "不予批准", at: "2026-09-20T07:00:00Z") : nil
            ))
        }
        for i in 0..<(n / 2) {
            let approved = 1 + Int(rng.next() % 3)
            facts.approvals.append(AuditFacts.Approval(
                request: "REQ-\(i)", requester: pick(staff), approver: pick(staff), approvedAt: start + Double(i * 600),
                approvedCount: chance(5) ? 0 : approved, used: chance(75) ? approved : Int(rng.next() % 3)
            ))
        }
        for i in 0..<(n / 4) {
            facts.refusals.append(AuditFacts.Event(seq: i * 3, time: start + Double(i * 900), staff: chance(10) ? nil : pick(staff), subject: "SEAL-0001",
                                                   detail: pick(["over-approved-count", "outside-delegation"])))
            facts.unlocks.append(AuditFacts.Event(seq: i * 3 + 1, time: start + Double(rng.next() % 604_800), staff: pick(staff), subject: "SEAL-0001",
                                                  detail: "Virtual PCD 00 00"))
        }
        for i in 0..<(n / 10) {
            let out = start + Double(i * 3600)
            facts.carryOuts.append(AuditFacts.CarryOut(id: i, seal: "SEAL-0001", carrier: pick(staff), outAt: out, due: out + 7200,
                                                       returnedAt: chance(30) ? nil : out + Double(rng.next() % 14_400)))
        }
        return facts
    }

    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let now = Date(timeIntervalSince1970: 1_790_000_000 + 30 * 86_400)

    @Test("two passes find what the rules over whole arrays find, in the same order", arguments: [(0, 1), (7, 2), (60, 3), (400, 4), (2_000, 5)] as [(Int, UInt64)])
    func sameAsWhole(n: Int, seed: UInt64) {
        let facts = Self.period(n, seed: seed)
        let settings = AnomalyRulesTests.settings
        let streamed = AnomalyRules.detect(facts, settings: settings, now: Self.now)
        let whole = Self.reference(facts, settings: settings, now: Self.now)
        #expect(streamed == whole)
        if n >= 400 {
            // The draw exercises every kind a period's facts can show (the county's kinds are not the period's).
            let kinds = Set(whole.map(\.kind))
            #expect(kinds.isSuperset(of: [.urgentDenied, .outsideOfficeHours, .urgentNotApproved, .unfiledDelegation, .overdueCarryOut,
                                          .refusalsAboveThreshold, .quickApprovalAndUse, .unlockOutsideOfficeHours, .approvalsUsedToTheLast,
                                          .repeatedReason]), "\(kinds)")
            #expect(whole.filter { $0.kind == .approvalsUsedToTheLast }.count > Set(facts.approvals.map(\.requester)).count / 2)
        }
    }

    @Test("each planned count is the number of entries the second pass routes to that finding; thresholds of 0 and 1")
    func plannedCounts() {
        let facts = Self.period(500, seed: 9)
        for threshold in [0, 1, 2, 50] {
            var settings = AnomalyRulesTests.settings
            settings.thresholds.refusalsPerClerk = threshold
            settings.thresholds.quickUseRepeats = threshold
            settings.thresholds.fullUseStreak = threshold
            settings.thresholds.repeatedReasonCases = threshold
            var tally = AnomalyTally(settings: settings, now: Self.now)
            for fact in facts.all { tally.add(fact) }
            var plan = tally.plan()
            var routed = Array(repeating: 0, count: plan.findings.count)
            for fact in facts.all { plan.route(fact) { i, _ in routed[i] += 1 } }
            #expect(routed == plan.findings.map(\.count), "threshold \(threshold)")
            #expect(!routed.contains(0))
            #expect(AnomalyRules.detect(facts, settings: settings, now: Self.now) == Self.reference(facts, settings: settings, now: Self.now), "threshold \(threshold)")
        }
    }

    @Test("the tally keeps groups, not facts: a 事由's cases are forgotten once it is listed")
    func reasonCasesForgotten() {
        var tally = AnomalyTally(settings: AnomalyRulesTests.settings, now: Self.now)
        for i in 0..<1_000 {
            tally.add(.use(AnomalyRulesTests.use("U\(i)", "2026-11-20 09:15", reason: "同一事由", caseNumber: "CASE-\(i)")))
        }
        let group = tally.reasons.ordered.first { $0.0 == "同一事由" }?.1
        #expect(group?.uses == 1_000)
        #expect(group?.listed == true)
        #expect(group?.cases.isEmpty == true)
        #expect(tally.plan().findings.first { $0.kind == .repeatedReason } == PlannedFinding(kind: .repeatedReason, subject: "同一事由", count: 1_000))
    }

    @Test(
        "with a limit: each finding's first entries and its full count; the second reading skips the rest of a kind of fact once its findings have theirs",
        arguments: [1, 3, 40]
    )
    func limited(limit: Int) {
        let facts = Self.period(2_000, seed: 11)
        let all = facts.all
        let settings = AnomalyRulesTests.settings
        var readings: [Int] = []
        var usesRead: [Int] = []
        let found = AnomalyRules.findings(settings: settings, now: Self.now, limit: limit) { visit in
            // As the register's reader does: a false skips the rest of that kind.
            var n = 0, uses = 0
            var skipped: AuditFacts.Kind?
            for fact in all where fact.kind != skipped {
                n += 1
                if case .use = fact { uses += 1 }
                if !visit(fact) { skipped = fact.kind }
            }
            readings.append(n)
            usesRead.append(uses)
        }
        let whole = Self.reference(facts, settings: settings, now: Self.now)
        #expect(found.map(\.finding.kind) == whole.map(\.kind))
        #expect(found.map(\.finding.subject) == whole.map(\.subject))
        #expect(found.map(\.finding.count) == whole.map(\.evidence.count))
        #expect(found.map(\.evidence) == whole.map { Array($0.evidence.prefix(limit)) })
        // The tally reads everything; the routing leaves the uses once the findings they show are complete, though
        // the approvals after them are still read for theirs.
        #expect(readings.first == all.count)
        #expect(readings.count == 2 && readings[1] < all.count, "\(readings)")
        let useFindings = whole.filter { AuditFacts.Kind(showing: $0.kind) == .use }
        let lastNeeded = useFindings.compactMap { finding in
            facts.uses.indices.filter { i in finding.evidence.prefix(limit).contains { $0.ref == facts.uses[i].id } }.max()
        }.max()
        #expect(usesRead[1] == (lastNeeded ?? -1) + 1, "uses read until the last one a finding shows among its first \(limit)")
        #expect(usesRead[1] < facts.uses.count)
    }

    @Test("a 事由 repeats when it is written the same, byte for byte: group names are hashed and compared as stored")
    func groupNamesAsStored() {
        #expect(GroupKey("同一事由") == GroupKey("同一" + "事由"))
        #expect(GroupKey("营业执照 → 注销").hashValue == GroupKey(String("营业执照 → 注销".reversed().reversed())).hashValue)
        #expect(GroupKey("é") != GroupKey("e\u{301}"), "canonically equivalent, written differently")
        #expect(GroupKey("") == GroupKey("") && GroupKey("a") != GroupKey(""))
        var groups = OrderedGroups<Int>()
        for reason in ["设立登记", "变更登记", "设立" + "登记", "e\u{301}", "é"] { groups.update(reason, default: 0) { $0 += 1 } }
        #expect(groups.ordered.map(\.1) == [2, 1, 1, 1])
    }
}
