import Foundation
import GRDB
import SealBook
import SealCore
import SealWire

extension Seal {
    init(row: Row) {
        self.init(
            id: row["id"], name: row["name"], kind: Seal.Kind(rawValue: row["kind"]) ?? .other,
            medium: Seal.Medium(rawValue: row["medium"]) ?? .physical, owner: row["owner"], holder: row["holder"],
            custodian: row["custodian"], status: Seal.Status(rawValue: row["status"]) ?? .registered
        )
    }
}

extension Register {
    /// `seal.added`: registers a seal (status `registered`) and returns it with its new id.
    public func addSeal(_ new: NewSeal, actor: JournalActor) async throws -> Seal {
        for (field, value) in [("name", new.name), ("owner", new.owner), ("holder", new.holder)]
        where value.trimmingCharacters(in: .whitespaces).isEmpty {
            throw SealError(.invalidField, "the seal's \(field) must not be empty")
        }
        return try await writer.write(actor: actor) { w in
            _ = try Self.activeStaff(w.db, id: new.custodian, as: "custodian")
            // Seals are never deleted, so the rowid counts them.
            let count = try Int.fetchOne(w.db.cachedStatement(sql: "SELECT MAX(rowid) FROM seal")) ?? 0
            let id = RegisterID.seal(count + 1)
            let seal = Seal(id: id, name: new.name, kind: new.kind, medium: new.medium, owner: new.owner, holder: new.holder, custodian: new.custodian)
            try w.record(.sealAdded(seal), subject: id)
            return seal
        }
    }

    /// `seal.activated` / `seal.suspended` / `seal.revoked` / `seal.reported-lost` / `seal.destroyed`.
    public func transitionSeal(
        id: String, action: SealLifecycle.Action, reason: String?, witness: String?, actor: JournalActor
    ) async throws -> Seal {
        if action == .destroy { try SealLifecycle.checkDestroyWitness(actor: actor.staff, witness: witness) }
        return try await writer.write(actor: actor) { w in
            guard var seal = try Self.seal(w.db, id: id) else { throw SealError(.unknownSeal, "no seal \(id)") }
            let from = seal.status
            seal.status = try SealLifecycle.transition(from: from, action)
            if action == .destroy, let witness { _ = try Self.activeStaff(w.db, id: witness, as: "witness") }
            try w.record(.sealTransitioned(.init(
                action: action, seal: id, from: from, to: seal.status, reason: reason?.isEmpty == false ? reason : nil, witness: witness
            )), subject: id)
            return seal
        }
    }

    public func seals(status: Seal.Status?) async throws -> [Seal] {
        try await pool.read { db in
            if let status {
                return try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM seal WHERE status = ? ORDER BY id"), arguments: [status.rawValue], as: Seal.init(row:))
            }
            return try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM seal ORDER BY id"), as: Seal.init(row:))
        }
    }

    public func sealDetail(id: String) async throws -> SealView {
        try await pool.read { db in
            guard let seal = try Self.seal(db, id: id) else { throw SealError(.unknownSeal, "no seal \(id)") }
            let delegationIDs = try String.fetchAll(db.cachedStatement(sql: "SELECT delegation_id FROM delegation_seal WHERE seal_id = ? ORDER BY delegation_id"), arguments: [id])
            let delegations = try delegationIDs.compactMap { try Self.delegation(db, id: $0) }
            let history = try Self.sealHistory(db, seal: id, kinds: JournalEvent.sealHistoryKinds)
            return SealView(seal: seal, delegations: delegations, custody: try Self.custodyState(db, seal: seal, now: Date()), history: history)
        }
    }

    /// The seal's journal entries of `kinds`, oldest first. Read on the kind index, one range per kind, so the cost
    /// follows how many such events the register holds, not how many uses the seal has (every use is journaled with
    /// the seal as subject, so the subject index would walk the seal's whole book).
    static func sealHistory(_ db: Database, seal id: String, kinds: [String]) throws -> [JournalEntryView] {
        try Row.fetchAll(
            db.cachedStatement(sql: sealHistorySQL(kinds: kinds.count)), arguments: StatementArguments(kinds + [id])
        ).map(Self.entryView)
    }

    static func sealHistorySQL(kinds: Int) -> String {
        "SELECT seq, time, kind, subject, entry, leaf_hash FROM journal INDEXED BY journal_kind WHERE kind IN ("
            + Array(repeating: "?", count: kinds).joined(separator: ", ") + ") AND subject = ? ORDER BY seq"
    }

    static func seal(_ db: Database, id: String) throws -> Seal? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM seal WHERE id = ?"), arguments: [id], as: Seal.init(row:))
    }
}
