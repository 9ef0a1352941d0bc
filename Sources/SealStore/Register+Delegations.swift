import Foundation
import GRDB
import SealBook
import SealCore
import SealWire

extension Register {
    /// `delegation.added`, after every rule in `DelegationRules` passed against the current registry.
    public func addDelegation(_ draft: DelegationRules.Draft, actor: JournalActor) async throws -> Delegation {
        try await writer.write(actor: actor) { w in
            var seals: [String: Seal] = [:]
            for id in draft.seals { if let seal = try Self.seal(w.db, id: id) { seals[id] = seal } }
            var matters: [String: Matter] = [:]
            for item in draft.matters { if let matter = try Self.matter(w.db, code: item.code) { matters[item.code] = matter } }
            let filing = try DelegationRules.validate(draft, seals: seals, matters: matters)
            // Delegations are never deleted, so the rowid counts them.
            let count = try Int.fetchOne(w.db.cachedStatement(sql: "SELECT MAX(rowid) FROM delegation")) ?? 0
            let delegation = Delegation(
                id: RegisterID.delegation(count + 1), agreementNumber: draft.agreementNumber,
                delegatingDepartment: draft.delegatingDepartment, township: draft.township,
                supervisingDepartment: draft.supervisingDepartment, validFrom: draft.validFrom, validTo: draft.validTo,
                filing: filing, seals: Array(Set(draft.seals)).sorted(), matters: draft.matters
            )
            try w.record(.delegationAdded(delegation), subject: delegation.id)
            return delegation
        }
    }

    /// `delegation.revoked`: from now on it covers nothing.
    public func revokeDelegation(id: String, reason: String, actor: JournalActor) async throws -> Delegation {
        guard ReasonText.isMeaningful(reason) else {
            throw SealError(.invalidField, "revoking a delegation needs a reason")
        }
        return try await writer.write(actor: actor) { w in
            guard var delegation = try Self.delegation(w.db, id: id) else {
                throw SealError(.unknownDelegation, "no delegation \(id)")
            }
            guard delegation.revokedAt == nil else {
                throw SealError(.alreadyRevoked, "delegation \(id) was already revoked at \(delegation.revokedAt!)")
            }
            try w.record(.delegationRevoked(.init(delegation: id, reason: reason)), subject: id)
            delegation.revokedAt = JournalClock.timestamp(w.now)
            delegation.revocationReason = reason
            return delegation
        }
    }

    /// Delegations, optionally those in force on `date`, or of one township.
    public func delegations(inForceOn date: LocalDate?, township: String?) async throws -> [DelegationView] {
        let zone = useSettings.zone
        return try await pool.read { db in
            let ids = try String.fetchAll(db.cachedStatement(sql: "SELECT id FROM delegation ORDER BY id"))
            return try ids.compactMap { id -> DelegationView? in
                guard let delegation = try Self.delegation(db, id: id) else { return nil }
                if let township, delegation.township != township { return nil }
                if let date, !delegation.isInForce(on: date) { return nil }
                return try Self.detail(db, delegation, zone: zone)
            }
        }
    }

    public func delegationDetail(id: String) async throws -> DelegationView {
        let zone = useSettings.zone
        return try await pool.read { db in
            guard let delegation = try Self.delegation(db, id: id) else { throw SealError(.unknownDelegation, "no delegation \(id)") }
            return try Self.detail(db, delegation, zone: zone)
        }
    }

    static func detail(_ db: Database, _ delegation: Delegation, zone: TimeZone) throws -> DelegationView {
        let listed = try delegation.matters.map { item -> DelegationView.ListedMatter in
            let matter = try Self.matter(db, code: item.code)
            return .init(
                code: item.code, name: matter?.name ?? "", method: item.method, category: matter?.category ?? .administrative,
                powerType: matter?.powerType, delegatingDepartment: matter?.delegatingDepartment ?? "",
                supervisingDepartment: matter?.supervisingDepartment ?? ""
            )
        }
        return DelegationView(
            delegation: delegation, filed: delegation.isFiled, inForceToday: delegation.isInForce(on: LocalDate.today(timeZone: zone)),
            matters: listed
        )
    }

    static func delegation(_ db: Database, id: String) throws -> Delegation? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM delegation WHERE id = ?"), arguments: [id]) else { return nil }
        let seals = try String.fetchAll(db.cachedStatement(sql: "SELECT seal_id FROM delegation_seal WHERE delegation_id = ? ORDER BY seal_id"), arguments: [id])
        let matters = try Row.fetchAll(db.cachedStatement(sql: "SELECT matter_code, method FROM delegation_matter WHERE delegation_id = ? ORDER BY matter_code"), arguments: [id])
            .map { Delegation.CoveredMatter(code: $0["matter_code"], method: Delegation.Method(rawValue: $0["method"]) ?? .acceptance) }
        return Delegation(row: row, seals: seals, matters: matters)
    }
}

extension Delegation {
    /// A `delegation` row with the seals and matters given.
    init(row: Row, seals: [String], matters: [CoveredMatter]) {
        var filing: Filing?
        if let number: String = row["filing_number"], let date = (row["filed_on"] as String?).flatMap(LocalDate.init) {
            filing = .init(number: number, filedOn: date)
        }
        self.init(
            id: row["id"], agreementNumber: row["agreement_number"], delegatingDepartment: row["delegating_department"],
            township: row["township"], supervisingDepartment: row["supervising_department"],
            validFrom: LocalDate(row["valid_from"] as String)!, validTo: LocalDate(row["valid_to"] as String)!,
            filing: filing, seals: seals, matters: matters, revokedAt: row["revoked_at"], revocationReason: row["revocation_reason"]
        )
    }
}
