import SealCore
import Testing

@Suite("Delegation rules")
struct DelegationRulesTests {
    static let seals: [String: Seal] = [
        "A": Seal(id: "A", name: "行政审批委托专用章", kind: .delegatedApproval, medium: .physical, owner: "县局", holder: "镇", custodian: "S1"),
        "B": Seal(id: "B", name: "业务专用章", kind: .business, medium: .physical, owner: "县局", holder: "镇", custodian: "S1"),
    ]
    static func matter(_ code: String, _ category: Matter.Category, cross: Bool = false, nonDelegable: Bool = false) -> Matter {
        Matter(code: code, name: code, category: category, powerType: category == .administrative ? .licensing : nil,
               delegatingDepartment: "县局", supervisingDepartment: "县局", crossTownship: cross, nonDelegable: nonDelegable)
    }
    static let matters: [String: Matter] = [
        "XK": matter("XK", .administrative), "GG": matter("GG", .publicService),
        "KX": matter("KX", .administrative, cross: true), "ND": matter("ND", .administrative, nonDelegable: true),
    ]

    static func draft(
        seals: [String] = ["A"], matters: [String] = ["XK"], from: String = "2026-01-01", to: String = "2026-12-31",
        filing: String? = nil, filedOn: String? = nil, agreement: String = "协议1"
    ) -> DelegationRules.Draft {
        DelegationRules.Draft(
            agreementNumber: agreement, delegatingDepartment: "县行政审批服务局", township: "XX镇", supervisingDepartment: "县司法局",
            validFrom: LocalDate(from)!, validTo: LocalDate(to)!, filingNumber: filing, filedOn: filedOn.flatMap(LocalDate.init),
            seals: seals, matters: matters.map { .init(code: $0, method: .handling) }
        )
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var draft: DelegationRules.Draft
        var refusal: SealError.Code?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        .init(name: "委托专用章 with an administrative matter", draft: draft(), refusal: nil),
        .init(name: "业务专用章 with a public-service matter", draft: draft(seals: ["B"], matters: ["GG"]), refusal: nil),
        .init(name: "one-day validity", draft: draft(from: "2026-05-01", to: "2026-05-01"), refusal: nil),
        .init(name: "filed", draft: draft(filing: "备2026-3", filedOn: "2026-01-05"), refusal: nil),
        .init(name: "unknown seal", draft: draft(seals: ["Z"]), refusal: .unknownSeal),
        .init(name: "unknown matter", draft: draft(matters: ["ZZ"]), refusal: .unknownMatter),
        .init(name: "non-delegable matter", draft: draft(matters: ["ND"]), refusal: .nonDelegable),
        .init(name: "cross-township matter", draft: draft(matters: ["KX"]), refusal: .crossTownship),
        .init(name: "委托专用章 with a public-service matter", draft: draft(matters: ["GG"]), refusal: .sealKindMismatch),
        .init(name: "业务专用章 with an administrative matter", draft: draft(seals: ["B"], matters: ["XK"]), refusal: .sealKindMismatch),
        .init(name: "valid-to before valid-from", draft: draft(from: "2026-12-31", to: "2026-01-01"), refusal: .invalidValidity),
        .init(name: "filing number without date", draft: draft(filing: "备1"), refusal: .invalidField),
        .init(name: "no seals", draft: draft(seals: []), refusal: .invalidField),
        .init(name: "no matters", draft: draft(matters: []), refusal: .invalidField),
        .init(name: "matter twice", draft: draft(matters: ["XK", "XK"]), refusal: .invalidField),
        .init(name: "blank agreement number", draft: draft(agreement: " "), refusal: .invalidField),
    ]

    @Test("each draft is accepted or refused with its own code", arguments: cases)
    func validate(_ c: Case) {
        if let refusal = c.refusal {
            let error = #expect(throws: SealError.self) { try DelegationRules.validate(c.draft, seals: Self.seals, matters: Self.matters) }
            #expect(error?.code == refusal)
        } else {
            #expect(throws: Never.self) { try DelegationRules.validate(c.draft, seals: Self.seals, matters: Self.matters) }
        }
    }

    @Test("a missing filing is allowed and marked unfiled")
    func unfiled() throws {
        #expect(try DelegationRules.validate(Self.draft(), seals: Self.seals, matters: Self.matters) == nil)
        let filing = try DelegationRules.validate(Self.draft(filing: "备1", filedOn: "2026-01-02"), seals: Self.seals, matters: Self.matters)
        #expect(filing == .init(number: "备1", filedOn: LocalDate("2026-01-02")!))
    }

    @Test(
        "a delegation is in force inside its window and until revoked",
        arguments: [("2025-12-31", false), ("2026-01-01", true), ("2026-06-30", true), ("2026-12-31", true), ("2027-01-01", false)]
    )
    func inForce(date: String, expected: Bool) {
        var d = Delegation(id: "D", agreementNumber: "1", delegatingDepartment: "a", township: "b", supervisingDepartment: "c",
                           validFrom: LocalDate("2026-01-01")!, validTo: LocalDate("2026-12-31")!, filing: nil, seals: ["A"], matters: [])
        #expect(d.isInForce(on: LocalDate(date)!) == expected)
        d.revokedAt = "2026-03-01T00:00:00Z"
        #expect(!d.isInForce(on: LocalDate(date)!))
    }

    @Test("dates parse strictly", arguments: ["2026-02-29", "2026-13-01", "2026-1-01", "26-01-01", "2026-04-31", "x"])
    func badDates(text: String) {
        #expect(LocalDate(text) == nil)
    }

    @Test("leap days parse")
    func leapDay() {
        #expect(LocalDate("2028-02-29")?.description == "2028-02-29")
    }
}
