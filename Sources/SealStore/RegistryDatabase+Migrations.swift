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
                arguments: [ISO8601DateFormatterCache.now()]
            )
        }
        return migrator
    }
}
