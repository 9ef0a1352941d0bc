import Foundation
import SealCore
import Testing

@Suite("Use rules")
struct UsePolicyTests {
    static let approvalSeal = Seal(id: "A", name: "行政审批委托专用章", kind: .delegatedApproval, medium: .physical, owner: "县局", holder: "镇", custodian: "S1", status: .active)
    static let businessSeal = Seal(id: "B", name: "业务专用章", kind: .business, medium: .physical, owner: "县局", holder: "镇", custodian: "S1", status: .active)
    static let licensing = Matter(code: "XK", name: "许可", category: .administrative, powerType: .licensing, delegatingDepartment: "县局", supervisingDepartment: "县局", crossTownship: false, nonDelegable: false)
    static let service = Matter(code: "GG", name: "服务", category: .publicService, powerType: nil, delegatingDepartment: "县局", supervisingDepartment: "县局", crossTownship: false, nonDelegable: false)
    static let today = LocalDate("2026-06-15")!

    static func delegation(_ method: Delegation.Method = .handling, code: String = "XK", from: String = "2026-01-01", to: String = "2026-12-31", revoked: Bool = false, filed: Bool = true) -> Delegation {
        Delegation(id: "D", agreementNumber: "1", delegatingDepartment: "县局", township: "镇", supervisingDepartment: "县局",
                   validFrom: LocalDate(from)!, validTo: LocalDate(to)!, filing: filed ? .init(number: "备1", filedOn: LocalDate("2026-01-02")!) : nil,
                   seals: ["A", "B"], matters: [.init(code: code, method: method)], revokedAt: revoked ? "2026-03-01T00:00:00Z" : nil)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var seal: Seal = UsePolicyTests.approvalSeal
        var matter: Matter = UsePolicyTests.licensing
        var covering: [Delegation] = [UsePolicyTests.delegation()]
        var purpose: UseRequest.Purpose = .decision
        var requireFiling = false
        var refusal: SealError.Code?
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        var suspended = approvalSeal
        suspended.status = .suspended
        var registered = approvalSeal
        registered.status = .registered
        var cross = licensing
        cross.crossTownship = true
        var forbidden = licensing
        forbidden.nonDelegable = true
        return [
            Case(name: "active seal, handling delegation in force, decision"),
            Case(name: "acceptance matter with purpose acceptance passes", covering: [delegation(.acceptance)], purpose: .acceptance),
            Case(name: "acceptance matter with purpose decision fails", covering: [delegation(.acceptance)], purpose: .decision, refusal: .acceptanceOnly),
            Case(name: "acceptance matter with purpose other passes", covering: [delegation(.acceptance)], purpose: .other),
            Case(name: "业务专用章 for a public-service matter", seal: businessSeal, matter: service, covering: [delegation(code: "GG")]),
            Case(name: "suspended seal", seal: suspended, refusal: .sealNotActive),
            Case(name: "registered, never activated", seal: registered, refusal: .sealNotActive),
            Case(name: "no delegation covers seal and matter", covering: [], refusal: .matterNotDelegated),
            Case(name: "delegation valid-to yesterday", covering: [delegation(to: "2026-06-14")], refusal: .delegationNotInForce),
            Case(name: "delegation valid from tomorrow", covering: [delegation(from: "2026-06-16")], refusal: .delegationNotInForce),
            Case(name: "delegation ends today: still in force", covering: [delegation(to: "2026-06-15")]),
            Case(name: "revoked delegation", covering: [delegation(revoked: true)], refusal: .delegationNotInForce),
            Case(name: "one revoked, one in force", covering: [delegation(revoked: true), delegation()]),
            Case(name: "delegated-approval seal on a public-service matter", matter: service, covering: [delegation(code: "GG")], refusal: .sealKindMismatch),
            Case(name: "business seal on an administrative matter", seal: businessSeal, refusal: .sealKindMismatch),
            Case(name: "cross-township matter", matter: cross, refusal: .crossTownship),
            Case(name: "non-delegable matter", matter: forbidden, refusal: .nonDelegable),
            Case(name: "unfiled delegation, filing not required", covering: [delegation(filed: false)]),
            Case(name: "unfiled delegation, filing required", covering: [delegation(filed: false)], requireFiling: true, refusal: .delegationUnfiled),
            Case(name: "filed delegation, filing required", requireFiling: true),
            Case(name: "decision under handling when another delegation only accepts", covering: [delegation(.acceptance), delegation(.handling)]),
        ]
    }()

    @Test("each combination passes or fails with its own code", arguments: cases)
    func delegationRules(_ c: Case) {
        let facts = UsePolicy.Facts(seal: c.seal, matter: c.matter, covering: c.covering, today: Self.today, purpose: c.purpose, requireFiling: c.requireFiling)
        if let refusal = c.refusal {
            let error = #expect(throws: SealError.self) { try UsePolicy.checkDelegation(facts) }
            #expect(error?.code == refusal)
        } else {
            #expect(throws: Never.self) { try UsePolicy.checkDelegation(facts) }
        }
    }

    static func request(_ status: UseRequest.Status, approved: Int? = 5, until: String = "2026-06-15T10:00:00Z", approver: String = "S2", used: Int = 0, urgent: Bool = false, count: Int = 5) -> UseRequest {
        UseRequest(id: "R", seal: "A", matter: "XK", caseNumber: "C1", purpose: .decision, reason: "决定书", count: count,
                   documentDigest: nil, urgent: urgent, requester: "S3", createdAt: "2026-06-15T08:00:00Z", status: status,
                   approval: approved.map { .init(approver: approver, count: $0, until: until, at: "2026-06-15T08:30:00Z") }, used: used)
    }

    struct UseCase: Sendable, CustomTestStringConvertible {
        var name: String
        var request: UseRequest
        var count = 1
        var now = "2026-06-15T09:00:00Z"
        var recorder: String? = "S1"
        var admin = false
        var carrier: String?
        var refusal: SealError.Code?
        var urgentUse = false
        var testDescription: String { name }
    }

    static let useCases: [UseCase] = [
        UseCase(name: "custodian records under a live approval", request: request(.approved)),
        UseCase(name: "an admin who is not the custodian may record", request: request(.approved), recorder: "S9", admin: true),
        UseCase(name: "someone else may not", request: request(.approved), recorder: "S9", refusal: .forbidden),
        UseCase(name: "pending", request: request(.pending, approved: nil), refusal: .notApproved),
        UseCase(name: "denied", request: request(.denied, approved: nil), refusal: .notApproved),
        UseCase(name: "cancelled", request: request(.cancelled, approved: nil), refusal: .notApproved),
        UseCase(name: "approval expired a second ago", request: request(.approved), now: "2026-06-15T10:00:01Z", refusal: .approvalExpired),
        UseCase(name: "approval valid to the second", request: request(.approved), now: "2026-06-15T10:00:00Z"),
        UseCase(name: "exactly the approved count", request: request(.approved, used: 4), count: 1),
        UseCase(name: "one more than approved", request: request(.approved, used: 4), count: 2, refusal: .countExceedsApproval),
        UseCase(name: "exhausted", request: request(.exhausted, used: 5), refusal: .countExceedsApproval),
        UseCase(name: "approved by the requester", request: request(.approved, approver: "S3"), refusal: .selfApproval),
        UseCase(name: "carried out: the carrier records", request: request(.approved), recorder: "S4", carrier: "S4"),
        UseCase(name: "carried out: the custodian cannot", request: request(.approved), recorder: "S1", carrier: "S4", refusal: .sealCarriedOut),
        UseCase(name: "urgent, before approval", request: request(.pending, approved: nil, urgent: true), urgentUse: true),
        UseCase(name: "urgent, before approval, beyond the requested count", request: request(.pending, approved: nil, used: 5, urgent: true), refusal: .countExceedsApproval),
        UseCase(name: "zero impressions", request: request(.approved), count: 0, refusal: .invalidField),
    ]

    @Test("recording a use checks the approval, the count and who holds the seal", arguments: useCases)
    func useRules(_ c: UseCase) {
        let facts = UsePolicy.UseFacts(request: c.request, count: c.count, now: LocalTime.parseStored(c.now)!, recorder: c.recorder, recorderIsAdmin: c.admin, custodian: "S1", carrier: c.carrier)
        if let refusal = c.refusal {
            let error = #expect(throws: SealError.self) { try UsePolicy.checkUse(facts) }
            #expect(error?.code == refusal)
        } else {
            #expect((try? UsePolicy.checkUse(facts)) == c.urgentUse)
        }
    }

    @Test("a reason must say something", arguments: [("加盖行政许可决定书", true), ("approve 3 copies", true), ("", false), ("   ", false), ("。。。", false), ("!?-", false), ("2", true)])
    func reasons(text: String, ok: Bool) {
        #expect(ReasonText.isMeaningful(text) == ok)
    }

    @Test("counts run from 1 to the configured maximum", arguments: [(0, false), (1, true), (50, true), (51, false), (-3, false)])
    func counts(n: Int, ok: Bool) {
        #expect(((try? UsePolicy.checkCount(n, max: 50)) != nil) == ok)
    }

    @Test("digests are 64 hex characters, stored lower-case")
    func digests() throws {
        #expect(try UsePolicy.checkDigest("AB" + String(repeating: "0", count: 62)) == "ab" + String(repeating: "0", count: 62))
        #expect(try UsePolicy.checkDigest(nil) == nil)
        #expect(throws: SealError.self) { try UsePolicy.checkDigest("xyz") }
        #expect(throws: SealError.self) { try UsePolicy.checkDigest(String(repeating: "g", count: 64)) }
    }

    @Test("expired and urgent-unresolved are read from the stored state and the clock")
    func derivedStates() {
        let r = Self.request(.approved)
        #expect(r.effectiveStatus(now: LocalTime.parseStored("2026-06-15T09:59:59Z")!) == .approved)
        #expect(r.effectiveStatus(now: LocalTime.parseStored("2026-06-15T10:00:01Z")!) == .expired)
        let urgent = Self.request(.pending, approved: nil, used: 1, urgent: true)
        let created = try! Date("2026-06-15T08:00:00Z", strategy: .iso8601)
        #expect(!urgent.isUrgentUnresolved(now: created.addingTimeInterval(3600), window: 24 * 3600))
        #expect(urgent.isUrgentUnresolved(now: created.addingTimeInterval(25 * 3600), window: 24 * 3600))
        #expect(Self.request(.denied, approved: nil, used: 1, urgent: true).isUrgentUnresolved(now: created, window: 24 * 3600))
        #expect(!Self.request(.pending, approved: nil, used: 0, urgent: true).isUrgentUnresolved(now: created.addingTimeInterval(25 * 3600), window: 24 * 3600))
    }

    @Test(
        "a use is recorded on the seal's own medium",
        arguments: [(Seal.Medium.physical, Seal.Medium.physical, true), (.electronic, .electronic, true), (.physical, .electronic, false), (.electronic, .physical, false)]
    )
    func medium(seal: Seal.Medium, recordedAs: Seal.Medium, allowed: Bool) {
        var s = Self.approvalSeal
        s.medium = seal
        do {
            try UsePolicy.checkMedium(s, recordedAs: recordedAs)
            #expect(allowed)
        } catch {
            #expect(!allowed && error.code == .wrongMedium)
        }
    }

    @Test("a request names its case", arguments: [("2026-XK-1", true), ("", false), ("   ", false)])
    func caseNumber(text: String, allowed: Bool) {
        #expect(((try? UsePolicy.checkCaseNumber(text)) != nil) == allowed)
    }

    static let a = String(repeating: "a", count: 64)
    static let b = String(repeating: "b", count: 64)

    @Test(
        "a card signs the approved document, or the one presented when none was named",
        arguments: [
            (Optional(a), Optional(a), Optional(a), SealError.Code?.none), (nil, a, a, nil), (a.uppercased(), nil, a, nil),
            (b, a, nil, .digestMismatch), (nil, nil, nil, .invalidField), ("xyz", nil, nil, .invalidField),
        ] as [(String?, String?, String?, SealError.Code?)]
    )
    func signedDocument(presented: String?, approved: String?, signed: String?, refusal: SealError.Code?) {
        do {
            #expect(try UsePolicy.signedDocument(presented: presented, approved: approved, request: "R") == signed)
            #expect(refusal == nil)
        } catch {
            #expect(error.code == refusal)
        }
    }

    @Test(
        "the use that takes an approval's last impression exhausts it",
        arguments: [(UseRequest.Status.approved, 2, 1, 4, false), (.approved, 3, 1, 4, true), (.approved, 0, 4, 3, true), (.pending, 0, 1, 1, false)]
    )
    func exhausts(status: UseRequest.Status, made: Int, count: Int, approved: Int, exhausted: Bool) {
        var request = UseRequest(id: "R", seal: "A", matter: "XK", caseNumber: "1", purpose: .decision, reason: "事由", count: 5, documentDigest: nil,
                                 urgent: false, requester: "S1", createdAt: "2026-06-15T00:00:00Z")
        request.status = status
        request.made = made
        if status == .approved { request.approval = .init(approver: "S2", count: approved, until: "2026-06-15T15:59:59Z", at: "2026-06-15T01:00:00Z") }
        #expect(UsePolicy.exhausts(request, count: count) == exhausted)
    }
}
