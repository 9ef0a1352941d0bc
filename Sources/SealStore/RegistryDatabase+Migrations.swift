import Foundation
import GRDB

extension RegistryDatabase {
    /// Every schema change, in order. A migration is never edited once shipped: add a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-daemon-metadata") { db in
            // Facts about this register that never change once written (created-at, register origin).
            try db.create(table: "daemon_metadata") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
            try db.execute(
                sql: "INSERT INTO daemon_metadata(key, value) VALUES ('created_at', ?)",
                arguments: [JournalClock.timestamp()]
            )
        }
        migrator.registerMigration("v2-journal-and-registry") { db in
            // The journal: one row per state change. `entry` holds the canonical bytes the leaf hash covers; the
            // other columns are copies for querying.
            try db.create(table: "journal") { t in
                t.primaryKey("seq", .integer)
                t.column("time", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("subject", .text)
                t.column("actor_staff", .text)
                t.column("entry", .text).notNull()
                t.column("leaf_hash", .blob).notNull()
            }
            try db.create(index: "journal_subject", on: "journal", columns: ["subject", "seq"])
            try db.create(index: "journal_kind", on: "journal", columns: ["kind", "seq"])
            // Perfect subtree hashes: node (level, idx) covers leaves [idx·2^level, (idx+1)·2^level).
            try db.create(table: "merkle_node", options: [.withoutRowID]) { t in
                t.column("level", .integer).notNull()
                t.column("idx", .integer).notNull()
                t.column("hash", .blob).notNull()
                t.primaryKey(["level", "idx"])
            }
            try db.create(table: "checkpoint") { t in
                t.primaryKey("size", .integer)
                t.column("root", .blob).notNull()
                t.column("time", .text).notNull()
                t.column("note", .text).notNull()
            }

            try db.create(table: "staff") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("roles", .text).notNull()
                t.column("unix_user", .text).unique()
                t.column("disabled", .boolean).notNull().defaults(to: false)
            }
            try db.create(table: "matter") { t in
                t.primaryKey("code", .text)
                t.column("name", .text).notNull()
                t.column("category", .text).notNull()
                t.column("power_type", .text)
                t.column("delegating_department", .text).notNull()
                t.column("supervising_department", .text).notNull()
                t.column("cross_township", .boolean).notNull()
                t.column("non_delegable", .boolean).notNull()
            }
            try db.create(table: "seal") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("medium", .text).notNull()
                t.column("owner", .text).notNull()
                t.column("holder", .text).notNull()
                t.column("custodian", .text).notNull().references("staff")
                t.column("status", .text).notNull()
            }
            try db.create(table: "delegation") { t in
                t.primaryKey("id", .text)
                t.column("agreement_number", .text).notNull()
                t.column("delegating_department", .text).notNull()
                t.column("township", .text).notNull()
                t.column("supervising_department", .text).notNull()
                t.column("valid_from", .text).notNull()
                t.column("valid_to", .text).notNull()
                t.column("filing_number", .text)
                t.column("filed_on", .text)
                t.column("revoked_at", .text)
                t.column("revocation_reason", .text)
            }
            try db.create(table: "delegation_seal", options: [.withoutRowID]) { t in
                t.column("delegation_id", .text).notNull().references("delegation")
                t.column("seal_id", .text).notNull().references("seal")
                t.primaryKey(["delegation_id", "seal_id"])
            }
            try db.create(index: "delegation_seal_by_seal", on: "delegation_seal", columns: ["seal_id"])
            try db.create(table: "delegation_matter", options: [.withoutRowID]) { t in
                t.column("delegation_id", .text).notNull().references("delegation")
                t.column("matter_code", .text).notNull().references("matter")
                t.column("method", .text).notNull()
                t.primaryKey(["delegation_id", "matter_code"])
            }
            try db.create(table: "carry_out") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("seal_id", .text).notNull().references("seal")
                t.column("carrier", .text).notNull().references("staff")
                t.column("reason", .text).notNull()
                t.column("approver", .text).notNull().references("staff")
                t.column("due", .text).notNull()
                t.column("out_at", .text).notNull()
                t.column("returned_at", .text)
            }
            try db.create(index: "carry_out_open", on: "carry_out", columns: ["seal_id", "returned_at"])
        }
        migrator.registerMigration("v3-requests-and-uses") { db in
            try db.create(table: "use_request") { t in
                t.primaryKey("id", .text)
                t.column("seal_id", .text).notNull().references("seal")
                t.column("matter_code", .text).notNull().references("matter")
                t.column("case_number", .text).notNull()
                t.column("purpose", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("count", .integer).notNull()
                t.column("document_digest", .text)
                t.column("urgent", .boolean).notNull()
                t.column("requester", .text).notNull().references("staff")
                t.column("created_at", .text).notNull()
                t.column("status", .text).notNull()
                t.column("approver", .text)
                t.column("approved_count", .integer)
                t.column("approved_until", .text)
                t.column("approved_at", .text)
                t.column("denied_by", .text)
                t.column("denial_reason", .text)
                t.column("denied_at", .text)
                t.column("used", .integer).notNull().defaults(to: 0)
            }
            try db.create(index: "use_request_by_status", on: "use_request", columns: ["status"])
            try db.create(index: "use_request_by_requester", on: "use_request", columns: ["requester"])
            // One row per use (a line of the 印章使用登记本). `count` is as recorded; `effective_count` after corrections.
            try db.create(table: "use_record") { t in
                t.primaryKey("id", .text)
                t.column("request_id", .text).notNull().references("use_request")
                t.column("seal_id", .text).notNull().references("seal")
                t.column("matter_code", .text).notNull()
                t.column("case_number", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("count", .integer).notNull()
                t.column("effective_count", .integer).notNull()
                t.column("user", .text).notNull()
                t.column("recorder", .text)
                t.column("approver", .text)
                t.column("urgent", .boolean).notNull()
                t.column("note", .text)
                t.column("document_digest", .text)
                t.column("time", .text).notNull()
                t.column("medium", .text).notNull()
                t.column("certificate_fingerprint", .text)
                t.column("statement", .text)
                t.column("signature", .text)
            }
            try db.create(index: "use_record_by_seal", on: "use_record", columns: ["seal_id", "time"])
            try db.create(index: "use_record_by_request", on: "use_record", columns: ["request_id"])
            try db.create(table: "use_correction") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("use_id", .text).notNull().references("use_record")
                t.column("new_count", .integer).notNull()
                t.column("reason", .text).notNull()
                t.column("corrected_by", .text)
                t.column("at", .text).notNull()
            }
        }
        migrator.registerMigration("v4-seal-cards") { db in
            // The key card bound to an electronic seal: its slot 9C certificate. One card, one seal.
            try db.create(table: "seal_card") { t in
                t.primaryKey("seal_id", .text).references("seal")
                t.column("fingerprint", .text).notNull().unique()
                t.column("certificate", .blob).notNull()
                t.column("subject", .text).notNull()
                t.column("reader", .text).notNull()
                t.column("bound_at", .text).notNull()
                t.column("bound_by", .text)
            }
        }
        migrator.registerMigration("v5-impressions-made") { db in
            // Impressions made against an approval, apart from the book's count after corrections: a correction that
            // lowers a count must never give approved impressions back. Each use counts its highest count ever.
            try db.alter(table: "use_request") { t in t.add(column: "made", .integer).notNull().defaults(to: 0) }
            try db.execute(sql: """
                UPDATE use_request SET made = (
                  SELECT COALESCE(SUM(MAX(u.count, COALESCE((SELECT MAX(c.new_count) FROM use_correction c WHERE c.use_id = u.id), 0))), 0)
                  FROM use_record u WHERE u.request_id = use_request.id);
                UPDATE use_request SET status = 'exhausted' WHERE status = 'approved' AND made >= approved_count;
                """)
            // 权力类型 follows the national classification, whose last type is 其他行政权力.
            try db.execute(sql: "UPDATE matter SET power_type = '其他行政权力' WHERE power_type = '其他'")
        }
        migrator.registerMigration("v6-stored-serial") { db in
            // The 序号 is stored when a line is written (one past the seal's highest), never counted again: counting
            // it on every write made recording slower as a seal's book grew, and a line's number can never change.
            try db.alter(table: "use_record") { t in t.add(column: "serial", .integer) }
            try db.execute(sql: """
                WITH numbered AS (SELECT id, ROW_NUMBER() OVER (PARTITION BY seal_id ORDER BY time, id) AS n FROM use_record)
                UPDATE use_record SET serial = numbered.n FROM numbered WHERE numbered.id = use_record.id;
                CREATE UNIQUE INDEX use_record_by_seal_serial ON use_record(seal_id, serial);
                CREATE INDEX use_record_by_time ON use_record(time);
                CREATE INDEX use_request_by_approval ON use_request(approved_at);
                """)
        }
        migrator.registerMigration("v7-row-seals") { db in
            // Every registry row sealed with a MAC, each table's digest bound to the checkpoints (see RowSeals).
            try db.alter(table: "checkpoint") { t in t.add(column: "state_mac", .blob) }
            try RowSeals.install(db)
        }
        migrator.registerMigration("v8-cosignatures") { db in
            // The county witness's cosignatures: each checkpoint it cosigned, as the complete note with the register's
            // signature and the witness's line(s). Not a registry table: the journal does not derive it, and the
            // cosignatures prove themselves.
            try db.create(table: "cosigned_checkpoint") { t in
                t.primaryKey("size", .integer)
                t.column("witness", .text).notNull()
                t.column("note", .text).notNull()
                t.column("cosigned_at", .integer).notNull()
            }
        }
        migrator.registerMigration("v9-correction-by-use") { db in
            // An export page reads its lines' corrections, a use view its own: by use, not by scanning every
            // correction the book has.
            try db.create(index: "use_correction_by_use", on: "use_correction", columns: ["use_id"])
        }
        migrator.registerMigration("v10-uses-by-time-and-id") { db in
            // Reports read a period's uses by time, ties by id: with the id in the index they come in that order
            // instead of being sorted at every reading (twice per report, once more per export summary).
            try db.execute(sql: """
                DROP INDEX use_record_by_time;
                CREATE INDEX use_record_by_time_id ON use_record(time, id);
                """)
        }
        return migrator
    }
}
