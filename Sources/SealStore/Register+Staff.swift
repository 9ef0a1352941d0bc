import Foundation
import GRDB
import SealBook
import SealCore
import SealWire

extension Staff {
    init(row: Row) {
        self.init(
            id: row["id"], name: row["name"],
            roles: (row["roles"] as String).split(separator: ",").compactMap { Role(rawValue: String($0)) },
            unixUser: row["unix_user"], disabled: row["disabled"]
        )
    }
}

extension Register {
    /// `staff.added`: a new staff member.
    public func addStaff(_ staff: Staff, actor: JournalActor) async throws -> Staff {
        try Staff.validateNew(id: staff.id, name: staff.name, roles: staff.roles)
        return try await writer.write(actor: actor) { w in
            let db = w.db
            if try Self.staff(db, id: staff.id) != nil {
                throw SealError(.staffExists, "staff \(staff.id) already exists")
            }
            if let user = staff.unixUser, let other = try String.fetchOne(db.cachedStatement(sql: "SELECT id FROM staff WHERE unix_user = ?"), arguments: [user]) {
                throw SealError(.staffExists, "Unix user \(user) is already linked to staff \(other)")
            }
            var stored = staff
            stored.disabled = false
            try w.record(.staffAdded(stored), subject: stored.id)
            return stored
        }
    }

    /// `staff.disabled`: the staff member can no longer act or be named in new records.
    public func disableStaff(id: String, actor: JournalActor) async throws -> Staff {
        try await writer.write(actor: actor) { w in
            guard var staff = try Self.staff(w.db, id: id) else { throw SealError(.unknownStaff, "no staff member \(id)") }
            guard !staff.disabled else { throw SealError(.staffDisabled, "staff \(id) is already disabled") }
            try w.record(.staffDisabled(.init(id: id)), subject: id)
            staff.disabled = true
            return staff
        }
    }

    /// The staff member `id`, as committed (from `StaffDirectory`, re-read after any change to the table).
    public func staff(id: String) async throws -> Staff? {
        try await staffSnapshot().byID[id]
    }

    /// The staff member linked to Unix user `unixUser`, as committed.
    public func staff(unixUser: String) async throws -> Staff? {
        try await staffSnapshot().byUnixUser[unixUser]
    }

    private func staffSnapshot() async throws -> StaffDirectory.Snapshot {
        try await staffDirectory.snapshot {
            try await pool.read { db in try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM staff"), as: Staff.init(row:)) }
        }
    }

    public func allStaff() async throws -> [Staff] {
        try await pool.read { db in try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM staff ORDER BY id"), as: Staff.init(row:)) }
    }

    static func staff(_ db: Database, id: String) throws -> Staff? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM staff WHERE id = ?"), arguments: [id], as: Staff.init(row:))
    }

    /// The staff member, who must exist and be enabled, for naming in a new record.
    static func activeStaff(_ db: Database, id: String, as what: String) throws -> Staff {
        guard let staff = try staff(db, id: id) else { throw SealError(.unknownStaff, "no staff member \(id) (\(what))") }
        guard !staff.disabled else { throw SealError(.staffDisabled, "staff \(id) (\(what)) is disabled") }
        return staff
    }
}
