import SealCore
import Testing

@Suite("Seal lifecycle")
struct SealLifecycleTests {
    typealias S = Seal.Status
    typealias A = SealLifecycle.Action

    /// Every (from, action) pair and where it leads; nil means refused with illegal-transition.
    static let table: [(S, A, S?)] = [
        (.registered, .activate, .active), (.registered, .suspend, nil), (.registered, .revoke, nil),
        (.registered, .reportLost, nil), (.registered, .destroy, .destroyed),
        (.active, .activate, nil), (.active, .suspend, .suspended), (.active, .revoke, .revoked),
        (.active, .reportLost, .lost), (.active, .destroy, .destroyed),
        (.suspended, .activate, .active), (.suspended, .suspend, nil), (.suspended, .revoke, .revoked),
        (.suspended, .reportLost, .lost), (.suspended, .destroy, .destroyed),
        (.lost, .activate, nil), (.lost, .suspend, nil), (.lost, .revoke, nil), (.lost, .reportLost, nil),
        (.lost, .destroy, .destroyed),
        (.revoked, .activate, nil), (.revoked, .suspend, nil), (.revoked, .revoke, nil), (.revoked, .reportLost, nil),
        (.revoked, .destroy, .destroyed),
        (.destroyed, .activate, nil), (.destroyed, .suspend, nil), (.destroyed, .revoke, nil),
        (.destroyed, .reportLost, nil), (.destroyed, .destroy, nil),
    ]

    @Test("the table covers every status and action exactly once")
    func tableIsComplete() {
        #expect(Self.table.count == S.allCases.count * A.allCases.count)
        #expect(Set(Self.table.map { "\($0.0)-\($0.1)" }).count == Self.table.count)
    }

    @Test("each transition leads where DESIGN.md says, or is refused naming from and to", arguments: table.indices)
    func transition(_ i: Int) throws {
        let (from, action, expected) = Self.table[i]
        if let expected {
            #expect(try SealLifecycle.transition(from: from, action) == expected)
        } else {
            let error = #expect(throws: SealError.self) { try SealLifecycle.transition(from: from, action) }
            #expect(error?.code == .illegalTransition)
            #expect(error?.message.contains(from.rawValue) == true)
        }
    }

    @Test(
        "destruction needs a witness other than the actor",
        arguments: [
            ("S001", "S002", true), ("S001", nil, false), ("S001", "", false), ("S001", "S001", false), (nil, "S002", true),
        ] as [(String?, String?, Bool)]
    )
    func destroyWitness(actor: String?, witness: String?, allowed: Bool) {
        if allowed {
            #expect(throws: Never.self) { try SealLifecycle.checkDestroyWitness(actor: actor, witness: witness) }
        } else {
            let error = #expect(throws: SealError.self) { try SealLifecycle.checkDestroyWitness(actor: actor, witness: witness) }
            #expect(error?.code == .witnessRequired)
        }
    }

    @Test(
        "seal kinds fit matter categories",
        arguments: [
            (Seal.Kind.delegatedApproval, Matter.Category.administrative, true), (.delegatedApproval, .publicService, false),
            (.business, .publicService, true), (.business, .administrative, false),
            (.approvalService, .administrative, true), (.officialNo2, .publicService, true), (.other, .administrative, true),
        ] as [(Seal.Kind, Matter.Category, Bool)]
    )
    func kindFits(kind: Seal.Kind, category: Matter.Category, fits: Bool) {
        #expect(Seal.kind(kind, fits: category) == fits)
    }
}

@Suite("Custody rules")
struct CustodyRulesTests {
    @Test(
        "handover: to someone new, before a witness who is neither",
        arguments: [
            ("S1", "S2", "S3", nil), ("S1", "S1", "S3", SealError.Code.invalidField), ("S1", "S2", "S1", .witnessRequired),
            ("S1", "S2", "S2", .witnessRequired),
        ] as [(String, String, String, SealError.Code?)]
    )
    func handover(from: String, to: String, witness: String, refusal: SealError.Code?) {
        if let refusal {
            let error = #expect(throws: SealError.self) { try CustodyRules.checkHandover(from: from, to: to, witness: witness) }
            #expect(error?.code == refusal)
        } else {
            #expect(throws: Never.self) { try CustodyRules.checkHandover(from: from, to: to, witness: witness) }
        }
    }

    @Test(
        "carry-out: never twice, never for a dead seal, always with a reason",
        arguments: [
            (Seal.Status.active, false, "下村办理", nil), (.active, true, "下村办理", SealError.Code.alreadyCarriedOut),
            (.destroyed, false, "x理由", .illegalTransition), (.lost, false, "x理由", .illegalTransition),
            (.active, false, "  ", .invalidField), (.active, false, "。。。", .invalidField),
        ] as [(Seal.Status, Bool, String, SealError.Code?)]
    )
    func carryOut(status: Seal.Status, out: Bool, reason: String, refusal: SealError.Code?) {
        if let refusal {
            let error = #expect(throws: SealError.self) { try CustodyRules.checkCarryOut(status: status, alreadyOut: out, reason: reason) }
            #expect(error?.code == refusal)
        } else {
            #expect(throws: Never.self) { try CustodyRules.checkCarryOut(status: status, alreadyOut: out, reason: reason) }
        }
    }
}
