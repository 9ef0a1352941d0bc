import Foundation
import Testing
@testable import SealCore

@Suite("Anomaly rules, office hours and statistics")
struct AnomalyRulesTests {
    static let zone = TimeZone(identifier: "Asia/Shanghai")!

    /// A local Shanghai time, e.g. "2026-11-20 09:15" (a Friday).
    static func at(_ text: String) -> Date {
        let n = text.split(whereSeparator: { "- :".contains($0) }).map { Int($0)! }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(from: DateComponents(year: n[0], month: n[1], day: n[2], hour: n[3], minute: n[4], second: n.count > 5 ? n[5] : 0))!
    }

    static func use(_ id: String, _ time: String, user: String = "S003", approver: String? = "S002", approvedAt: String? = nil, urgent: Bool = false,
                    reason: String? = nil, caseNumber: String? = nil, unfiled: String? = nil, deniedBy: String? = nil) -> AuditFacts.Use {
        AuditFacts.Use(
            id: id, seal: "SEAL-0001", request: "REQ-\(id)", time: at(time), user: user, approver: approver, count: 1, urgent: urgent, reason: reason ?? "事由\(id)",
            caseNumber: caseNumber ?? "CASE-\(id)", matter: "XK-001", approvedAt: approvedAt.map(at), unfiledAgreement: unfiled,
            denial: deniedBy.map { UseRequest.Denial(by: $0, reason: "不予批准", at: "2026-11-20T07:00:00Z") }
        )
    }

    static var settings: ReportSettings {
        var s = ReportSettings()
        s.officeHours = OfficeHours(holidays: [LocalDate("2026-10-01")!], workdays: [LocalDate("2026-10-11")!])
        s.thresholds.quickUseSeconds = 60
        s.thresholds.quickUseRepeats = 2
        s.thresholds.refusalsPerClerk = 2
        s.thresholds.fullUseStreak = 3
        s.thresholds.repeatedReasonCases = 3
        s.urgentWindow = 3600
        return s
    }

    @Test("office hours: spans, weekdays, holidays and make-up workdays", arguments: [
        ("2026-11-20 09:15", true), ("2026-11-20 08:29", false), ("2026-11-20 12:00", false), ("2026-11-20 13:00", false),
        ("2026-11-20 17:29", true), ("2026-11-20 17:30", false), ("2026-11-21 10:00", false), ("2026-10-01 10:00", false),
        ("2026-10-11 10:00", true),
    ])
    func officeHours(time: String, open: Bool) {
        #expect(Self.settings.officeHours.contains(Self.at(time), zone: Self.zone) == open)
    }

    @Test("office hour spans parse HH:MM-HH:MM", arguments: [
        ("08:30-12:00", true), ("00:00-24:00", true), ("12:00-08:30", false), ("8:30-12:00", false), ("08:30-24:01", false), ("08:30", false),
    ])
    func spans(text: String, valid: Bool) {
        #expect((OfficeHours.Span(text) != nil) == valid)
        if valid { #expect(OfficeHours.Span(text)!.description == text) }
    }

    func kinds(_ facts: AuditFacts, now: String = "2026-11-20 16:00") -> [Anomaly.Kind: Anomaly] {
        Dictionary(uniqueKeysWithValues: AnomalyRules.detect(facts, settings: Self.settings, now: Self.at(now)).map { ($0.kind, $0) })
    }

    @Test("an orderly day lists nothing")
    func clean() {
        let facts = AuditFacts(
            uses: [Self.use("U1", "2026-11-20 09:30", approvedAt: "2026-11-20 09:00"), Self.use("U2", "2026-11-20 10:30", user: "S005", approver: "S004", approvedAt: "2026-11-20 09:00")],
            approvals: [AuditFacts.Approval(request: "R1", requester: "S003", approver: "S002", approvedAt: Self.at("2026-11-20 09:00"), approvedCount: 2, used: 1)],
            refusals: [AuditFacts.Event(seq: 4, time: Self.at("2026-11-20 09:10"), staff: "S003", subject: nil, detail: "invalid-field")],
            unlocks: [AuditFacts.Event(seq: 5, time: Self.at("2026-11-20 08:45"), staff: "S001", subject: "SEAL-0003", detail: "Virtual PCD 00 00")],
            carryOuts: [AuditFacts.CarryOut(id: 1, seal: "SEAL-0001", carrier: "S004", outAt: Self.at("2026-11-20 09:00"), due: Self.at("2026-11-20 12:00"), returnedAt: Self.at("2026-11-20 11:00"))]
        )
        #expect(kinds(facts).isEmpty)
    }

    @Test("each rule fires on its own facts and names the entries")
    func each() {
        let facts = AuditFacts(
            uses: [
                Self.use("U1", "2026-11-21 10:00", approvedAt: "2026-11-20 09:00"),  // Saturday
                Self.use("U2", "2026-11-20 09:00", approver: nil, approvedAt: "2026-11-20 10:30", urgent: true),  // approved 90 min later
                Self.use("U3", "2026-11-20 14:10", approver: nil, urgent: true),  // never approved, now 16:00
                Self.use("U4", "2026-11-20 15:20", approver: nil, urgent: true),  // never approved, window not over
                Self.use("U6", "2026-11-20 14:50", approver: nil, urgent: true, deniedBy: "S002"),  // denied 15:00: at once, not after the window
                Self.use("U5", "2026-11-20 09:40", unfiled: "委托协议2026-02"),
                Self.use("Q1", "2026-11-20 10:00:30", user: "S005", approver: "S004", approvedAt: "2026-11-20 10:00", reason: "同一事由"),
                Self.use("Q2", "2026-11-20 11:00:59", user: "S005", approver: "S004", approvedAt: "2026-11-20 11:00", reason: "同一事由"),
                Self.use("Q3", "2026-11-20 11:30", user: "S005", approver: "S004", approvedAt: "2026-11-20 11:28", reason: "同一事由 "),
            ],
            approvals: ["R1", "R2", "R3", "R4"].enumerated().map { i, id in
                AuditFacts.Approval(request: id, requester: "S005", approver: "S004", approvedAt: Self.at("2026-11-20 1\(i):00"), approvedCount: 2, used: 2)
            },
            refusals: [
                AuditFacts.Event(seq: 7, time: Self.at("2026-11-20 09:10"), staff: "S005", subject: nil, detail: "invalid-field"),
                AuditFacts.Event(seq: 9, time: Self.at("2026-11-20 09:20"), staff: "S005", subject: "REQ-1", detail: "not-approved"),
                AuditFacts.Event(seq: 11, time: Self.at("2026-11-20 09:30"), staff: "S003", subject: nil, detail: "invalid-field"),
            ],
            unlocks: [AuditFacts.Event(seq: 12, time: Self.at("2026-11-20 22:15"), staff: "S001", subject: "SEAL-0003", detail: "Virtual PCD 00 00")],
            carryOuts: [
                AuditFacts.CarryOut(id: 1, seal: "SEAL-0001", carrier: "S004", outAt: Self.at("2026-11-20 09:00"), due: Self.at("2026-11-20 12:00"), returnedAt: Self.at("2026-11-20 13:00")),
                AuditFacts.CarryOut(id: 2, seal: "SEAL-0002", carrier: "S004", outAt: Self.at("2026-11-20 09:00"), due: Self.at("2026-11-20 15:00"), returnedAt: nil),
                AuditFacts.CarryOut(id: 3, seal: "SEAL-0002", carrier: "S004", outAt: Self.at("2026-11-20 09:00"), due: Self.at("2026-11-20 17:00"), returnedAt: nil),
            ]
        )
        let found = kinds(facts)
        func refs(_ kind: Anomaly.Kind) -> [String] { found[kind]?.evidence.map(\.ref) ?? [] }
        #expect(refs(.outsideOfficeHours) == ["U1"])
        #expect(refs(.urgentNotApproved) == ["U2", "U3"], "a denied use is its own, more serious kind")
        #expect(refs(.urgentDenied) == ["U6"])
        #expect(found[.urgentDenied]?.evidence.first?.detail == "denied by S002 2026-11-20 fri 15:00: 不予批准")
        #expect(refs(.unfiledDelegation) == ["U5"])
        #expect(refs(.overdueCarryOut) == ["carry-out 1", "carry-out 2"])
        #expect(refs(.refusalsAboveThreshold) == ["#7", "#9"] && found[.refusalsAboveThreshold]?.subject == "S005")
        #expect(refs(.quickApprovalAndUse) == ["Q1", "Q2"] && found[.quickApprovalAndUse]?.subject == "S004 → S005", "Q3 came 2 min after approval")
        #expect(refs(.unlockOutsideOfficeHours) == ["#12"])
        #expect(refs(.approvalsUsedToTheLast) == ["R1", "R2", "R3", "R4"])
        #expect(refs(.repeatedReason) == ["Q1", "Q2", "Q3"] && found[.repeatedReason]?.subject == "同一事由", "trailing space is the same reason")
        // Every kind computed from the period's facts fires; the witness lag is about now (its own test below) and
        // forks are found by the county.
        #expect(Set(found.keys) == Set(Anomaly.Kind.allCases).subtracting([.witnessLag, .fork, .rollback, .silentTownship, .mirrorLag]))
    }

    @Test("reasons are grouped without the white space around them, as Foundation trims it", arguments: [
        "营业执照", " 营业执照", "营业执照\n", "\u{3000}营业执照\u{3000}", "", " ", "\t\r\n", "a b", "e\u{301}", "\u{301}x", " \u{1F600} ",
    ])
    func trimmedReasons(reason: String) {
        #expect(AnomalyRules.trimmed(reason) == reason.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test("a scalar is taken for white space at an end exactly when Foundation's trimming takes it off")
    func spaceAtEnds() {
        // Every scalar of the Basic Multilingual Plane and the supplementary ones reasons may hold.
        let scalars = (0...0xFFFF).compactMap(Unicode.Scalar.init) + (0x1F300...0x1F64F).compactMap(Unicode.Scalar.init) + (0x20000...0x2000F).compactMap(Unicode.Scalar.init)
        var wrong: [String] = []
        for scalar in scalars {
            if AnomalyRules.mayBeSpace(scalar) != CharacterSet.whitespacesAndNewlines.contains(scalar) { wrong.append(String(scalar.value, radix: 16)) }
            // Trimming is asked at both ends, of a reason with this scalar at either.
            for reason in ["\(Character(scalar))事由", "事由\(Character(scalar))"] where AnomalyRules.trimmed(reason) != reason.trimmingCharacters(in: .whitespacesAndNewlines) {
                wrong.append("\(String(scalar.value, radix: 16)) in \(reason.debugDescription)")
            }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(20))")
    }

    @Test("a streak of approvals used to the last is broken by one that is not")
    func streaks() {
        let pattern = [true, true, false, true, true]
        let approvals = pattern.enumerated().map { i, full in
            AuditFacts.Approval(request: "R\(i)", requester: "S005", approver: "S004", approvedAt: Self.at("2026-11-20 1\(i):00"), approvedCount: 3, used: full ? 3 : 1)
        }
        #expect(kinds(AuditFacts(approvals: approvals))[.approvalsUsedToTheLast] == nil)
    }

    @Test("repeated reasons count distinct cases, not uses")
    func repeatedReasonCases() {
        let uses = (1...4).map { Self.use("U\($0)", "2026-11-20 10:0\($0)", reason: "同一事由", caseNumber: $0 <= 2 ? "C1" : "C2") }
        #expect(kinds(AuditFacts(uses: uses))[.repeatedReason] == nil)
    }

    @Test("a use falls under an unfiled delegation only when no covering delegation in force was filed")
    func unfiled() {
        func d(_ id: String, filed: Bool, from: String = "2026-01-01", to: String = "2026-12-31", revoked: String? = nil, matter: String = "XK-001") -> Delegation {
            Delegation(
                id: id, agreementNumber: "协议-\(id)", delegatingDepartment: "县局", township: "XX镇", supervisingDepartment: "县司法局",
                validFrom: LocalDate(from)!, validTo: LocalDate(to)!, filing: filed ? .init(number: "备-1", filedOn: LocalDate(from)!) : nil,
                seals: ["SEAL-0001"], matters: [.init(code: matter, method: .handling)], revokedAt: revoked
            )
        }
        let day = LocalDate("2026-06-01")!
        let time = "2026-06-01T02:00:00Z"
        #expect(AnomalyRules.unfiledAgreement([d("A", filed: false)], seal: "SEAL-0001", matter: "XK-001", day: day, time: time) == "协议-A")
        #expect(AnomalyRules.unfiledAgreement([d("A", filed: false), d("B", filed: true)], seal: "SEAL-0001", matter: "XK-001", day: day, time: time) == nil)
        #expect(AnomalyRules.unfiledAgreement([d("A", filed: false, to: "2026-05-31")], seal: "SEAL-0001", matter: "XK-001", day: day, time: time) == nil)
        #expect(AnomalyRules.unfiledAgreement([d("A", filed: false, revoked: "2026-07-01T00:00:00Z")], seal: "SEAL-0001", matter: "XK-001", day: day, time: time) == "协议-A",
                "revoked later: it still covered the use")
        #expect(AnomalyRules.unfiledAgreement([d("A", filed: false, revoked: "2026-05-01T00:00:00Z")], seal: "SEAL-0001", matter: "XK-001", day: day, time: time) == nil)
        #expect(AnomalyRules.unfiledAgreement([d("A", filed: false, matter: "GG-001")], seal: "SEAL-0001", matter: "XK-001", day: day, time: time) == nil)
    }

    @Test("a report's look-up of unfiled agreements answers as the rule does, for every seal, matter and moment")
    func unfiledLookUp() {
        func d(_ id: String, filed: Bool, seals: [String], matter: String, to: String = "2026-12-31", revoked: String? = nil) -> Delegation {
            Delegation(
                id: id, agreementNumber: "协议-\(id)", delegatingDepartment: "县局", township: "XX镇", supervisingDepartment: "县司法局",
                validFrom: LocalDate("2026-01-01")!, validTo: LocalDate(to)!, filing: filed ? .init(number: "备-\(id)", filedOn: LocalDate("2026-01-01")!) : nil,
                seals: seals, matters: [.init(code: matter, method: .handling)], revokedAt: revoked
            )
        }
        let all = [
            d("A", filed: false, seals: ["SEAL-0001"], matter: "XK-001"),
            d("B", filed: true, seals: ["SEAL-0001", "SEAL-0002"], matter: "XK-001", to: "2026-06-30"),
            d("C", filed: false, seals: ["SEAL-0002"], matter: "GG-001", revoked: "2026-08-01T00:00:00Z"),
            d("D", filed: true, seals: ["SEAL-0003"], matter: "GG-001"),
            d("E", filed: false, seals: ["SEAL-0003"], matter: "XK-001", to: "2026-03-31"),
        ]
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        // Every subset of the delegations, so a register whose agreements are all filed (nothing to look for) is one.
        for mask in 0..<(1 << all.count) {
            let delegations = all.indices.filter { mask & (1 << $0) != 0 }.map { all[$0] }
            let lookUp = AnomalyRules.UnfiledAgreements(delegations, zone: zone)
            for seal in ["SEAL-0001", "SEAL-0002", "SEAL-0003", "SEAL-0009"] {
                for matter in ["XK-001", "GG-001"] {
                    // Each side of a validity's end and of a revocation, in the register's zone (16:00Z is midnight there).
                    for time in ["2026-03-31T15:59:59Z", "2026-03-31T16:00:00Z", "2026-06-30T12:00:00Z", "2026-06-30T16:00:00Z", "2026-07-31T23:59:59Z", "2026-08-01T00:00:01Z", "2027-01-02T00:00:00Z"] {
                        let at = LocalTime.parseStored(time)!
                        let expected = AnomalyRules.unfiledAgreement(delegations, seal: seal, matter: matter, day: LocalDate.today(at, timeZone: zone), time: time)
                        #expect(lookUp.agreement(seal: seal, matter: matter, at: at, time: time) == expected, "\(mask) \(seal) \(matter) \(time)")
                    }
                }
            }
        }
    }

    @Test("statistics add up per dimension, sorted by key; refusals by count")
    func statistics() {
        var a = UsageStatistics.Accumulator()
        a.add(seal: ("SEAL-0002", "业务章"), matter: ("GG-001", "就业"), user: ("S005", "钱七"), approver: ("S004", "赵六"), month: "2026-11", impressions: 2)
        a.add(seal: ("SEAL-0001", "审批章"), matter: ("XK-001", "设立"), user: ("S003", "王五"), approver: ("S002", "李四"), month: "2026-10", impressions: 1)
        a.add(seal: ("SEAL-0001", "审批章"), matter: ("XK-001", "设立"), user: ("S003", "王五"), approver: nil, month: "2026-11", impressions: 3)
        a.addRefusals(code: "invalid-field", count: 1)
        a.addRefusals(code: "denied", count: 2)
        a.addRefusals(code: "invalid-field", count: 2)
        let s = a.result
        #expect(s.uses == 3 && s.impressions == 6)
        #expect(s.bySeal == [.init(key: "SEAL-0001", name: "审批章", uses: 2, impressions: 4), .init(key: "SEAL-0002", name: "业务章", uses: 1, impressions: 2)])
        #expect(s.byMonth.map(\.key) == ["2026-10", "2026-11"] && s.byMonth[1].impressions == 5)
        #expect(s.byApprover.map(\.key) == ["", "S002", "S004"])
        #expect(s.refusals == [.init(code: "invalid-field", count: 3), .init(code: "denied", count: 2)])
    }

    @Test(
        "a witness lag is listed only when uncosigned entries are older than max_lag",
        arguments: [
            // (oldest uncosigned entry at, uncosigned entries, max_lag, listed)
            ("2026-11-20 09:00", 3, 3600.0, true),  // 1 h 15 min behind, max 1 h
            ("2026-11-20 09:30", 3, 3600.0, false),  // 45 min behind
            ("2026-11-20 09:00", 0, 3600.0, false),  // everything cosigned
            ("2026-11-19 10:15", 1, 86400.0, false),  // exactly a day: not beyond
            ("2026-11-19 10:14", 1, 86400.0, true),
        ]
    )
    func witnessLag(oldest: String, uncosigned: Int, maxLag: Double, listed: Bool) throws {
        let now = Self.at("2026-11-20 10:15")
        let found = AnomalyRules.witnessLag(
            oldest: (seq: 42, time: Self.at(oldest)), uncosigned: uncosigned, maxLag: maxLag, now: now, state: "unreachable", zone: Self.zone
        )
        #expect((found != nil) == listed)
        if let found {
            #expect(found.kind == .witnessLag)
            #expect(found.subject == "county witness: unreachable")
            #expect(found.evidence.map(\.ref) == ["#42"])
            #expect(found.evidence[0].detail.hasPrefix("\(uncosigned) entries not cosigned"))
        }
        #expect(AnomalyRules.witnessLag(oldest: nil, uncosigned: 0, maxLag: 60, now: now, state: "cosigned", zone: Self.zone) == nil)
    }

    @Test(
        "a township is silent when the county has not heard from it for longer than max_silence (or ever, once added that long ago)",
        arguments: [
            // (last contact, added, max_silence, listed)
            (Optional("2026-11-19 10:00"), "2026-01-01 00:00", 86400.0, true),  // 24 h 15 min
            (Optional("2026-11-19 10:30"), "2026-01-01 00:00", 86400.0, false),  // 23 h 45 min
            (nil, "2026-11-20 09:00", 86400.0, false),  // added an hour ago, not heard from yet
            (nil, "2026-11-18 09:00", 86400.0, true),  // added two days ago, never heard from
        ] as [(String?, String, Double, Bool)]
    )
    func silentTownship(lastContact: String?, added: String, maxSilence: Double, listed: Bool) {
        let now = Self.at("2026-11-20 10:15")
        let found = AnomalyRules.silentTownship(
            name: "城关镇", lastContact: lastContact.map(Self.at), addedAt: Self.at(added), maxSilence: maxSilence, now: now, zone: Self.zone
        )
        #expect((found != nil) == listed)
        if let found {
            #expect(found.kind == .silentTownship && found.subject == "城关镇")
            #expect(found.evidence[0].detail.hasPrefix(lastContact == nil ? "never in contact" : "last contact"))
        }
    }

    @Test(
        "a mirror lag is listed when cosigned entries are not mirrored for longer than max_lag",
        arguments: [
            // (cosigned, mirrored, cosigned at, listed)
            (10, 10, "2026-11-20 08:00", false),  // the copy holds everything
            (10, 4, "2026-11-20 10:10", false),  // 5 min: an upload is under way
            (10, 4, "2026-11-20 09:00", true),  // 75 min behind
        ]
    )
    func mirrorLag(cosigned: Int, mirrored: Int, cosignedAt: String, listed: Bool) {
        let found = AnomalyRules.mirrorLag(
            name: "城关镇", cosigned: cosigned, cosignedAt: Self.at(cosignedAt), mirrored: mirrored, maxLag: 3600, now: Self.at("2026-11-20 10:15"), zone: Self.zone
        )
        #expect((found != nil) == listed)
        if let found {
            #expect(found.evidence.map(\.ref) == ["#\(mirrored + 1)"])
            #expect(found.evidence[0].detail.hasPrefix("\(cosigned - mirrored) cosigned entries not mirrored"))
        }
    }
}
