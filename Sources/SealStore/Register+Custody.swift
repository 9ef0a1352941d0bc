import Foundation
import GRDB
import SealBook
import SealCore
import SealWire

extension Register {
    /// `custody.handover`: from the current custodian to `to`, before `witness`.
    public func handover(seal id: String, to next: String, witness: String, actor: JournalActor) async throws -> CustodyView {
        try await writer.write(actor: actor) { w in
            let db = w.db
            guard let seal = try Self.seal(db, id: id) else { throw SealError(.unknownSeal, "no seal \(id)") }
            try CustodyRules.checkHandover(from: seal.custodian, to: next, witness: witness)
            _ = try Self.activeStaff(db, id: next, as: "new custodian")
            _ = try Self.activeStaff(db, id: witness, as: "witness")
            if try Self.openCarryOut(db, seal: id) != nil {
                throw SealError(.alreadyCarriedOut, "seal \(id) is carried out; record its return before handing it over")
            }
            try w.record(.custodyHandover(.init(seal: id, from: seal.custodian, to: next, witness: witness)), subject: id)
            var updated = seal
            updated.custodian = next
            return try Self.custodyState(db, seal: updated, now: w.now)
        }
    }

    /// `custody.carried-out`: the seal leaves the office with `carrier` until `due`.
    public func carryOut(
        seal id: String, carrier: String, reason: String, due: Date, approver: String, actor: JournalActor
    ) async throws -> CustodyView {
        try await writer.write(actor: actor) { w in
            let (db, now) = (w.db, w.now)
            guard let seal = try Self.seal(db, id: id) else { throw SealError(.unknownSeal, "no seal \(id)") }
            try CustodyRules.checkCarryOut(status: seal.status, alreadyOut: try Self.openCarryOut(db, seal: id) != nil, reason: reason)
            guard due > now else { throw SealError(.invalidField, "the due-back time must be in the future") }
            guard approver != carrier else {
                throw SealError(.selfApproval, "the carrier cannot approve their own carry-out")
            }
            _ = try Self.activeStaff(db, id: carrier, as: "carrier")
            _ = try Self.activeStaff(db, id: approver, as: "approver")
            let dueText = JournalClock.timestamp(due)
            try w.record(.custodyCarriedOut(.init(seal: id, carrier: carrier, reason: reason, approver: approver, due: dueText)), subject: id)
            return try Self.custodyState(db, seal: seal, now: now)
        }
    }

    /// `custody.returned`: the open carry-out ends.
    public func returnSeal(_ id: String, actor: JournalActor) async throws -> CustodyView {
        try await writer.write(actor: actor) { w in
            let (db, now) = (w.db, w.now)
            guard let seal = try Self.seal(db, id: id) else { throw SealError(.unknownSeal, "no seal \(id)") }
            guard let open = try Self.openCarryOut(db, seal: id) else {
                throw SealError(.notCarriedOut, "seal \(id) is not carried out")
            }
            let overdue = (open["due"] as String) < JournalClock.timestamp(now)
            try w.record(.custodyReturned(.init(seal: id, carrier: open["carrier"], late: overdue)), subject: id)
            return try Self.custodyState(db, seal: seal, now: now)
        }
    }

    /// Every seal's custody, or only seals whose carry-out is overdue.
    public func custody(overdueOnly: Bool) async throws -> [CustodyView] {
        try await pool.read { db in
            let now = Date()
            return try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM seal ORDER BY id"), as: Seal.init(row:))
                .map { try Self.custodyState(db, seal: $0, now: now) }
                .filter { !overdueOnly || ($0.carriedOut?.overdue ?? false) }
        }
    }

    /// The custody events of one seal, oldest first.
    public func custodyHistory(seal id: String) async throws -> [JournalEntryView] {
        try await pool.read { db in
            guard try Self.seal(db, id: id) != nil else { throw SealError(.unknownSeal, "no seal \(id)") }
            return try Self.sealHistory(db, seal: id, kinds: ["seal.added"] + JournalEvent.custodyKinds)
        }
    }

    static func openCarryOut(_ db: Database, seal: String) throws -> Row? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM carry_out WHERE seal_id = ? AND returned_at IS NULL"), arguments: [seal])
    }

    static func custodyState(_ db: Database, seal: Seal, now: Date) throws -> CustodyView {
        var state = CustodyView(seal: seal.id, sealName: seal.name, custodian: seal.custodian, carriedOut: nil)
        if let open = try openCarryOut(db, seal: seal.id) {
            let due: String = open["due"]
            state.carriedOut = .init(
                carrier: open["carrier"], reason: open["reason"], approver: open["approver"], due: due,
                outAt: open["out_at"], overdue: (LocalTime.parseStored(due) ?? .distantFuture) < now
            )
        }
        return state
    }
}
