import Foundation
import GRDB

/// The name an id has in one of the register's small tables (staff, matters, seals), looked up once per id for the
/// lines of one long read instead of joined on every line. A book's lines name the same few people, matters and
/// seals over and over; the joins (two B-tree searches each, five a line) were about a third of SQLite's time for a
/// page of the book and an export. Asked inside the read's transaction, so what it answers is what the join gave:
/// nil where the LEFT JOIN gave NULL.
struct NameMemo {
    private let statement: Statement
    private var names: [String: String?] = [:]
    /// The id asked last and its name: consecutive lines mostly name the same.
    private var lastID: [UInt8] = []
    private var lastName: String?

    /// `table`'s `name` by its key column `key`.
    init(_ db: Database, table: String, key: String) throws {
        statement = try db.cachedStatement(sql: "SELECT name FROM \(table) WHERE \(key) = ?")
        lastID.reserveCapacity(64)
    }

    /// The name of the id whose bytes are `id` (a column's, as the line query gives it); nil for a NULL id.
    mutating func name(_ id: UnsafeBufferPointer<UInt8>?) throws -> String? {
        guard let id else { return nil }
        if id.count == lastID.count, lastID.withUnsafeBufferPointer({ $0.elementsEqual(id) }) { return lastName }
        let key = String(decoding: id, as: UTF8.self)
        let name: String?
        if let known = names[key] {
            name = known
        } else {
            name = try String.fetchOne(statement, arguments: [key])
            names[key] = name
        }
        lastID.removeAll(keepingCapacity: true)
        lastID.append(contentsOf: id)
        lastName = name
        return name
    }

    /// The names a book line shows, each looked up by its id: the seal's, the matter's and the staff's — one memo
    /// for each column, as each keeps the id it was asked last (a line's user and approver differ).
    struct Line {
        var seal: NameMemo
        var matter: NameMemo
        var user: NameMemo
        var approver: NameMemo
        var deniedBy: NameMemo

        init(_ db: Database) throws {
            seal = try NameMemo(db, table: "seal", key: "id")
            matter = try NameMemo(db, table: "matter", key: "code")
            user = try NameMemo(db, table: "staff", key: "id")
            approver = try NameMemo(db, table: "staff", key: "id")
            deniedBy = try NameMemo(db, table: "staff", key: "id")
        }
    }
}
