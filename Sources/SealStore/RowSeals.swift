import Crypto
import Foundation
import GRDB
import GRDBSQLite
import SealBook

/// Every row of every registry table carries a seal: an HMAC-SHA256 of its values under a key derived from the
/// register key, kept in `row_seal` (table, primary key, MAC) by triggers the daemon installs on each table. Per
/// table, `table_digest` holds the count of sealed rows and the sum of their MACs modulo 2^256 (a keyed multiset
/// hash, updated in O(1) per change), and every signed checkpoint stores a MAC over those digests with its size and
/// root (`checkpoint.state_mac`).
///
/// So a row edited, added or deleted behind the daemon's back — with the sqlite3 shell, say — is found at
/// start-up: an edited or added row has no seal matching its values (and names itself); a row deleted with its seal
/// leaves the table's digest off the one bound to the checkpoint; digests rewritten to match need the key. Writing a
/// row from outside the daemon fails outright, since only the daemon's connections know `row_mac`. Like the
/// journal's signatures, this holds against anyone without `register.key`; root on the township host, who can read
/// the key, is the county witness's business.
enum RowSeals {
    /// The HKDF label of the seals' key, derived from the register key.
    static let keyLabel = "sealkeeper/row-seal/v1"

    /// The registry tables: everything the journal's events change. Metadata, the journal, its Merkle nodes and
    /// checkpoints are not here: the journal check covers those.
    static let tables = [
        "staff", "matter", "seal", "delegation", "delegation_seal", "delegation_matter", "carry_out", "use_request",
        "use_record", "use_correction", "seal_card",
    ]

    /// Each table's columns and primary key, read from the schema. A migration that adds a column to one of these
    /// tables must call `install(_:)` again, or the start-up check reports the triggers as altered.
    struct Shape {
        var table: String
        var columns: [String]
        var key: [String]

        /// The primary key as one text value (`char(31)` between parts), for `prefix` NEW or OLD or a table alias.
        func keyExpression(_ prefix: String) -> String {
            key.map { "CAST(\(prefix).\($0) AS TEXT)" }.joined(separator: " || char(31) || ")
        }

        func macExpression(_ prefix: String) -> String {
            "row_mac('\(table)', " + columns.map { "\(prefix).\($0)" }.joined(separator: ", ") + ")"
        }

        /// The triggers that keep `row_seal` in step with the table, by name.
        var triggers: [(name: String, sql: String)] {
            [
                ("row_seal_insert_\(table)", """
                    CREATE TRIGGER row_seal_insert_\(table) AFTER INSERT ON \(table) BEGIN
                      INSERT INTO row_seal(tbl, key, mac) VALUES ('\(table)', \(keyExpression("NEW")), \(macExpression("NEW")));
                    END
                    """),
                ("row_seal_update_\(table)", """
                    CREATE TRIGGER row_seal_update_\(table) AFTER UPDATE ON \(table) BEGIN
                      DELETE FROM row_seal WHERE tbl = '\(table)' AND key = \(keyExpression("OLD"));
                      INSERT INTO row_seal(tbl, key, mac) VALUES ('\(table)', \(keyExpression("NEW")), \(macExpression("NEW")));
                    END
                    """),
                ("row_seal_delete_\(table)", """
                    CREATE TRIGGER row_seal_delete_\(table) AFTER DELETE ON \(table) BEGIN
                      DELETE FROM row_seal WHERE tbl = '\(table)' AND key = \(keyExpression("OLD"));
                    END
                    """),
            ]
        }
    }

    /// The digest triggers on `row_seal` itself.
    static let digestTriggers: [(name: String, sql: String)] = [
        ("row_seal_digest_insert", """
            CREATE TRIGGER row_seal_digest_insert AFTER INSERT ON row_seal BEGIN
              UPDATE table_digest SET rows = rows + 1, sum = digest_add(sum, NEW.mac) WHERE tbl = NEW.tbl;
            END
            """),
        ("row_seal_digest_delete", """
            CREATE TRIGGER row_seal_digest_delete AFTER DELETE ON row_seal BEGIN
              UPDATE table_digest SET rows = rows - 1, sum = digest_sub(sum, OLD.mac) WHERE tbl = OLD.tbl;
            END
            """),
    ]

    static func shapes(_ db: Database) throws -> [Shape] {
        try tables.map { table in
            let columns = try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))")
            let key = columns.filter { ($0["pk"] as Int) > 0 }.sorted { ($0["pk"] as Int) < ($1["pk"] as Int) }.map { $0["name"] as String }
            return Shape(table: table, columns: columns.map { $0["name"] }, key: key)
        }
    }

    static func expectedTriggers(_ db: Database) throws -> [(name: String, sql: String)] {
        try shapes(db).flatMap(\.triggers) + digestTriggers
    }

    /// Creates `row_seal` and `table_digest` if needed, (re)creates every trigger for the current schema, and seals
    /// the rows already there (first start after the upgrade that introduced row seals).
    static func install(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS row_seal (tbl TEXT NOT NULL, key TEXT NOT NULL, mac BLOB NOT NULL, PRIMARY KEY (tbl, key)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS table_digest (tbl TEXT PRIMARY KEY, rows INTEGER NOT NULL, sum BLOB NOT NULL);
            """)
        for (name, _) in try Row.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'row_seal_%'").map({ ($0["name"] as String, 0) }) {
            try db.execute(sql: "DROP TRIGGER \(name)")
        }
        for (_, sql) in try expectedTriggers(db) { try db.execute(sql: sql) }
        for shape in try shapes(db) {
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM table_digest WHERE tbl = ?", arguments: [shape.table]) == 0 else { continue }
            try db.execute(sql: "INSERT INTO table_digest(tbl, rows, sum) VALUES (?, 0, zeroblob(32))", arguments: [shape.table])
            try db.execute(sql: "INSERT INTO row_seal(tbl, key, mac) SELECT '\(shape.table)', \(shape.keyExpression(shape.table)), \(shape.macExpression(shape.table)) FROM \(shape.table)")
        }
    }

    // MARK: - The functions the triggers and the check call (registered on every connection)

    /// Registers the functions the triggers and the check call on a connection: `row_mac` (`RowMAC`) and the
    /// digests' `digest_add` / `digest_sub`.
    static func register(_ db: Database, key: SymmetricKey) {
        RowMAC.register(db, key: key)
        db.add(function: DatabaseFunction("digest_add", argumentCount: 2, pure: true) { values in
            add(Data.fromDatabaseValue(values[0]) ?? Data(), Data.fromDatabaseValue(values[1]) ?? Data(), negate: false)
        })
        db.add(function: DatabaseFunction("digest_sub", argumentCount: 2, pure: true) { values in
            add(Data.fromDatabaseValue(values[0]) ?? Data(), Data.fromDatabaseValue(values[1]) ?? Data(), negate: true)
        })
    }

    /// Each value as a type tag, its length and its bytes, so no two rows encode alike.
    static func feed(_ hmac: inout HMAC<SHA256>, _ value: DatabaseValue) {
        func put(_ tag: UInt8, _ bytes: some DataProtocol) {
            hmac.update(data: RowMAC.header(tag: tag, count: bytes.count))
            hmac.update(data: bytes)
        }
        switch value.storage {
        case .null: put(0, [UInt8]())
        case .int64(let n): withUnsafeBytes(of: n.bigEndian) { put(1, Array($0)) }
        case .double(let x): withUnsafeBytes(of: x.bitPattern.bigEndian) { put(2, Array($0)) }
        case .string(let s): put(3, Array(s.utf8))
        case .blob(let d): put(4, d)
        }
    }

    /// `a ± b` modulo 2^256, both 32-byte little-endian (a shorter or empty value counts as zero).
    static func add(_ a: Data, _ b: Data, negate: Bool) -> Data {
        var x = [UInt8](repeating: 0, count: 32)
        var y = [UInt8](repeating: 0, count: 32)
        for (i, byte) in a.prefix(32).enumerated() { x[i] = byte }
        for (i, byte) in b.prefix(32).enumerated() { y[i] = byte }
        if negate {
            // Two's complement: -y = ~y + 1.
            var carry = 1
            for i in 0..<32 {
                let v = Int(~y[i]) + carry
                y[i] = UInt8(v & 0xFF)
                carry = v >> 8
            }
        }
        var carry = 0
        for i in 0..<32 {
            let v = Int(x[i]) + Int(y[i]) + carry
            x[i] = UInt8(v & 0xFF)
            carry = v >> 8
        }
        return Data(x)
    }

    /// The MAC binding the tables' digests to a checkpoint (size and root), stored with it.
    static func stateMAC(_ db: Database, size: Int, root: TreeHash, key: SymmetricKey) throws -> Data {
        var hmac = HMAC<SHA256>(key: key)
        hmac.update(data: Array("sealkeeper/table-digests/v1\n\(size)\n".utf8) + root.bytes)
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT tbl, rows, sum FROM table_digest ORDER BY tbl")) {
            feed(&hmac, (row["tbl"] as String).databaseValue)
            feed(&hmac, (row["rows"] as Int64).databaseValue)
            feed(&hmac, (row["sum"] as Data).databaseValue)
        }
        return Data(hmac.finalize())
    }

    // MARK: - The check

    /// A table whose rows do not add up to its digest: the first row without a matching seal (edited or added), or
    /// the first seal without its row (deleted); nil when the seals match the rows (then the digest itself is off).
    static func locate(_ db: Database, _ shape: Shape) throws -> TableTamper? {
        if let row = try Row.fetchOne(db, sql: """
            SELECT k, (SELECT mac FROM row_seal WHERE tbl = '\(shape.table)' AND key = k) IS NULL AS added FROM (
              SELECT \(shape.keyExpression("t")) AS k, \(shape.macExpression("t")) AS mac FROM \(shape.table) t
            ) WHERE mac IS NOT (SELECT mac FROM row_seal WHERE tbl = '\(shape.table)' AND key = k) LIMIT 1
            """)
        {
            return TableTamper(table: shape.table, row: row["k"], change: (row["added"] as Bool) ? "added" : "edited")
        }
        if let key = try String.fetchOne(db, sql: """
            SELECT key FROM row_seal WHERE tbl = '\(shape.table)' EXCEPT SELECT \(shape.keyExpression("t")) FROM \(shape.table) t LIMIT 1
            """)
        {
            return TableTamper(table: shape.table, row: key, change: "deleted")
        }
        return nil
    }

    /// Every table against its seals and digest, and the digests against the latest checkpoint. Nil when all match.
    static func check(_ db: Database, key: SymmetricKey) throws -> TableTamper? {
        for shape in try shapes(db) {
            // The fast path, one pass: the MACs of the table's rows as they are now must add up to the table's
            // digest (which the checkpoint's state MAC binds). Only when they do not is the table searched for the
            // row to blame.
            let statement = try db.makeStatement(sql: "SELECT \(shape.macExpression("t")) FROM \(shape.table) t")
            var sum = DigestSum()
            var rows = 0
            while true {
                let step = sqlite3_step(statement.sqliteStatement)
                if step == SQLITE_DONE { break }
                guard step == SQLITE_ROW, let mac = sqlite3_column_blob(statement.sqliteStatement, 0) else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: step), message: "checking \(shape.table)")
                }
                sum.add(DigestSum(bytes: UnsafeRawBufferPointer(start: mac, count: 32)))
                rows += 1
            }
            let digest = try Row.fetchOne(db, sql: "SELECT rows, sum FROM table_digest WHERE tbl = ?", arguments: [shape.table])
            if let digest, digest["rows"] == rows, DigestSum(digest["sum"] as Data) == sum { continue }
            return try locate(db, shape) ?? TableTamper(table: shape.table, row: nil, change: "rows deleted with their seals (the table's digest is off)")
        }
        // The digests as the latest checkpoint bound them.
        if let checkpoint = try Row.fetchOne(db, sql: "SELECT size, root, state_mac FROM checkpoint ORDER BY size DESC LIMIT 1"),
            let stored = checkpoint["state_mac"] as Data?, let root = TreeHash(bytes: Array(checkpoint["root"] as Data))
        {
            guard try stateMAC(db, size: checkpoint["size"], root: root, key: key) == stored else {
                return TableTamper(table: "table_digest", row: nil, change: "rewritten (the digests are not those bound to the checkpoint)")
            }
        }
        // The triggers that keep the seals: removed or rewritten ones would let later changes go unsealed.
        for (name, sql) in try expectedTriggers(db) {
            guard try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", arguments: [name]) == sql else {
                return TableTamper(table: name, row: nil, change: "trigger removed or rewritten")
            }
        }
        return nil
    }
}

/// A registry table that does not match what the daemon wrote.
public struct TableTamper: Sendable, Equatable, CustomStringConvertible {
    public var table: String
    /// The row's primary key (parts joined by U+001F), when one row is to blame.
    public var row: String?
    public var change: String

    public var description: String {
        "table \(table)" + (row.map { ", row \($0.replacingOccurrences(of: "\u{1F}", with: "/"))" } ?? "") + ": \(change)"
    }
}
