import Foundation
import GRDB
import SealBook
import SealCore
import SealWire

/// A key card bound to an electronic seal.
public struct CardBinding: Sendable, Codable, Equatable {
    public var seal: String
    /// SHA-256 of the DER certificate, lower-case hex.
    public var fingerprint: String
    public var certificate: Data
    public var subject: String
    /// The reader the card was in when it was bound.
    public var reader: String
    public var boundAt: String
    public var boundBy: String?

    init(row: Row) {
        seal = row["seal_id"]
        fingerprint = row["fingerprint"]
        certificate = row["certificate"]
        subject = row["subject"]
        reader = row["reader"]
        boundAt = row["bound_at"]
        boundBy = row["bound_by"]
    }
}

extension Register {
    /// `card.bound`: the certificate read from the card in `reader` becomes the electronic seal's key.
    public func bindCard(seal id: String, certificate: Data, fingerprint: String, subject: String, reader: String, actor: JournalActor) async throws -> CardBinding {
        try await writer.write(actor: actor) { w in
            let db = w.db
            guard let seal = try Self.seal(db, id: id) else { throw SealError(.unknownSeal, "no seal \(id)") }
            guard seal.medium == .electronic else {
                throw SealError(.wrongMedium, "seal \(id) is physical; only an electronic seal takes a key card")
            }
            if let existing = try Self.cardBinding(db, seal: id) {
                throw SealError(
                    .cardAlreadyBound,
                    existing.fingerprint == fingerprint
                        ? "this card is already bound to \(id)"
                        : "seal \(id) already has card \(existing.fingerprint.prefix(16))…; unbind it first"
                )
            }
            if let other = try String.fetchOne(db.cachedStatement(sql: "SELECT seal_id FROM seal_card WHERE fingerprint = ?"), arguments: [fingerprint]) {
                throw SealError(.cardBoundElsewhere, "this card is bound to seal \(other)")
            }
            try w.record(
                .cardBound(.init(seal: id, reader: reader, fingerprint: fingerprint, subject: subject, certificate: certificate.base64EncodedString())),
                subject: id
            )
            return try Self.cardBinding(db, seal: id)!
        }
    }

    /// `card.unbound`: the seal no longer has a key card; its past signatures keep their certificate in the journal.
    public func unbindCard(seal id: String, actor: JournalActor) async throws -> CardBinding {
        try await writer.write(actor: actor) { w in
            guard try Self.seal(w.db, id: id) != nil else { throw SealError(.unknownSeal, "no seal \(id)") }
            guard let binding = try Self.cardBinding(w.db, seal: id) else { throw SealError(.cardNotBound, "seal \(id) has no key card") }
            try w.record(.cardUnbound(.init(seal: id, fingerprint: binding.fingerprint, reader: binding.reader)), subject: id)
            return binding
        }
    }

    public func seal(id: String) async throws -> Seal? {
        try await pool.read { db in try Self.seal(db, id: id) }
    }

    public func cardBindings() async throws -> [CardBinding] {
        try await pool.read { db in try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM seal_card ORDER BY seal_id"), as: CardBinding.init(row:)) }
    }

    public func cardBinding(seal id: String) async throws -> CardBinding? {
        try await pool.read { db in try Self.cardBinding(db, seal: id) }
    }

    static func cardBinding(_ db: Database, seal id: String) throws -> CardBinding? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM seal_card WHERE seal_id = ?"), arguments: [id], as: CardBinding.init(row:))
    }

    /// A card custody event (`card.inserted`, `card.removed`, `card.unlocked`, `card.locked`), journaled as it happens.
    public func journalCardEvent(_ event: JournalEvent.CardObserved, subject: String?, actor: JournalActor) async throws {
        try await writer.write(actor: actor) { w in try w.record(.cardObserved(event), subject: subject) }
    }
}
