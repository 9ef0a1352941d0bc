import Foundation
import GRDB
import SealBook
import SealCore
import SealWire

extension Matter {
    init(row: Row) {
        self.init(
            code: row["code"], name: row["name"], category: Matter.Category(rawValue: row["category"]) ?? .administrative,
            powerType: (row["power_type"] as String?).flatMap(Matter.PowerType.init(rawValue:)),
            delegatingDepartment: row["delegating_department"], supervisingDepartment: row["supervising_department"],
            crossTownship: row["cross_township"], nonDelegable: row["non_delegable"]
        )
    }
}

extension Register {
    /// What an import changed: new, updated and unchanged matters.
    public struct MatterUpsert: Sendable, Equatable {
        public var imported = 0
        public var updated = 0
        public var unchanged = 0
    }

    /// Imports parsed catalogue rows, upserting by code: `matter.added` / `matter.updated` per changed row.
    public func importMatters(_ matters: [Matter], actor: JournalActor) async throws -> MatterUpsert {
        try await writer.write(actor: actor) { w in
            var result = MatterUpsert()
            for matter in matters {
                let existing = try Row.fetchOne(w.db.cachedStatement(sql: "SELECT * FROM matter WHERE code = ?"), arguments: [matter.code], as: Matter.init(row:))
                if existing == matter {
                    result.unchanged += 1
                    continue
                }
                if existing == nil { result.imported += 1 } else { result.updated += 1 }
                try w.record(existing == nil ? .matterAdded(matter) : .matterUpdated(matter), subject: matter.code)
            }
            return result
        }
    }

    public func matters(category: Matter.Category?) async throws -> [Matter] {
        try await pool.read { db in
            if let category {
                return try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM matter WHERE category = ? ORDER BY code"), arguments: [category.rawValue], as: Matter.init(row:))
            }
            return try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM matter ORDER BY code"), as: Matter.init(row:))
        }
    }

    public func matter(code: String) async throws -> Matter? {
        try await pool.read { db in try Self.matter(db, code: code) }
    }

    static func matter(_ db: Database, code: String) throws -> Matter? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM matter WHERE code = ?"), arguments: [code], as: Matter.init(row:))
    }
}
