import Foundation
import Logging
import NIOSSL
import PostgresNIO
import SealCore

/// The county's PostgreSQL: the connection pool, its configuration, and the versioned schema.
public struct CountyDatabase: Sendable {
    public let client: PostgresClient
    public let logger: Logger
    /// Where it is, for status and logs (never the password).
    public let description: String

    public init(settings: CountyConfiguration.DatabaseSettings, logger: Logger) throws {
        var configuration: PostgresClient.Configuration
        if let host = settings.host {
            var tls = PostgresClient.Configuration.TLS.disable
            if settings.tls {
                var tlsConfiguration = NIOSSL.TLSConfiguration.makeClientConfiguration()
                if let ca = settings.caCertificate {
                    tlsConfiguration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca))
                }
                tls = .require(tlsConfiguration)
            }
            configuration = .init(host: host, port: settings.port, username: settings.user, password: settings.password, database: settings.database, tls: tls)
            description = "postgresql://\(settings.user)@\(host):\(settings.port)/\(settings.database)\(settings.tls ? " (TLS)" : "")"
        } else {
            let path = "\(settings.socketDirectory)/.s.PGSQL.\(settings.port)"
            configuration = .init(unixSocketPath: path, username: settings.user, password: settings.password, database: settings.database)
            description = "postgresql://\(settings.user)@\(path)/\(settings.database)"
        }
        configuration.options.connectTimeout = .seconds(Int64(settings.connectTimeout))
        configuration.options.maximumConnections = settings.maxConnections
        // The county's queries are short; PostgreSQL's JIT compiler would spend seconds compiling an aggregate over a
        // quarter's lines that runs in less without it (measured: 2.5 s of a 6.6 s query).
        configuration.options.additionalStartupParameters = [("jit", "off")]
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
    }

    /// Runs `body` within `seconds`, or fails with `database-unavailable`: a pool pointed at a wrong address may wait
    /// forever for a connection rather than fail.
    public func within<T: Sendable>(_ seconds: TimeInterval, _ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw SealError(.databaseUnavailable, "\(what): no answer from \(description) within \(Int(seconds)) s")
            }
            return value
        }
    }

    /// Runs `body` in a transaction (BEGIN … COMMIT, ROLLBACK when it throws). postgres-nio wraps whatever the body
    /// throws in `PostgresTransactionError`; a refusal of ours is unwrapped so it reaches the client with its code.
    public func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            if let refusal = error.closureError as? SealError { throw refusal }
            throw error
        }
    }

    /// Whether `error` is PostgreSQL's unique_violation (23505): a concurrent insert of the same key won.
    public static func isUniqueViolation(_ error: any Error) -> Bool {
        let error = (error as? PostgresTransactionError)?.closureError ?? (error as? PostgresTransactionError)?.commitError ?? error
        return (error as? PSQLError)?.serverInfo?[.sqlState] == "23505"
    }

    /// One schema change; applied once, in order, each in its own transaction.
    struct Migration {
        let version: Int
        let name: String
        let statements: [PostgresQuery]
    }

    static let migrations: [Migration] = [
        Migration(version: 1, name: "townships-and-witness", statements: [
            """
            CREATE TABLE township (
                origin text PRIMARY KEY,
                name text NOT NULL UNIQUE,
                vkey text NOT NULL,
                added_at timestamptz NOT NULL DEFAULT now(),
                added_by text NOT NULL
            )
            """,
            // Every change to the list of townships, as it happened (nothing updates or deletes these rows).
            """
            CREATE TABLE township_change (
                id bigserial PRIMARY KEY,
                time timestamptz NOT NULL DEFAULT now(),
                actor text NOT NULL,
                action text NOT NULL,
                name text NOT NULL,
                origin text NOT NULL,
                vkey text NOT NULL
            )
            """,
            // The latest checkpoint cosigned per origin: the witness's whole state (tlog-witness asks for no more).
            """
            CREATE TABLE witness_state (
                origin text PRIMARY KEY REFERENCES township(origin),
                size bigint NOT NULL DEFAULT 0 CHECK (size >= 0),
                root bytea,
                checkpoint text,
                cosigned_at timestamptz,
                seen_size bigint NOT NULL DEFAULT 0,
                last_contact timestamptz,
                last_refusal text
            )
            """,
            """
            CREATE TABLE fork_evidence (
                id bigserial PRIMARY KEY,
                origin text NOT NULL REFERENCES township(origin),
                detected_at timestamptz NOT NULL DEFAULT now(),
                reason text NOT NULL,
                cosigned_checkpoint text NOT NULL,
                conflicting_checkpoint text NOT NULL,
                old_size bigint NOT NULL,
                proof text NOT NULL
            )
            """,
            // A forked township retries; the same contradiction is kept once.
            "CREATE UNIQUE INDEX fork_evidence_once ON fork_evidence (origin, md5(cosigned_checkpoint), md5(conflicting_checkpoint))",
        ]),
        Migration(version: 2, name: "mirror", statements: [
            // Per origin: how far the copy reaches (`next`: entries stored, with the Merkle frontier over them) and the
            // mirror checkpoint (the township's signed checkpoint every entry up to `size` is stored under).
            """
            CREATE TABLE mirror_state (
                origin text PRIMARY KEY REFERENCES township(origin),
                next bigint NOT NULL DEFAULT 0 CHECK (next >= 0),
                frontier bytea NOT NULL DEFAULT ''::bytea,
                size bigint NOT NULL DEFAULT 0 CHECK (size >= 0 AND size <= next),
                root bytea,
                checkpoint text,
                mirrored_at timestamptz,
                last_upload timestamptz
            )
            """,
            "INSERT INTO mirror_state (origin) SELECT origin FROM township",
            // The township's journal, entry by entry, as its leaf hash covers it; the other columns are copies for
            // querying, as at the township.
            """
            CREATE TABLE journal (
                origin text NOT NULL REFERENCES township(origin),
                seq bigint NOT NULL,
                time text NOT NULL,
                kind text NOT NULL,
                subject text,
                actor_staff text,
                entry text NOT NULL,
                PRIMARY KEY (origin, seq)
            )
            """,
            "CREATE INDEX journal_kind ON journal (origin, kind, time)",
        ] + RegisterTables.statements.map { PostgresQuery(unsafeSQL: $0) }),
        Migration(version: 3, name: "use-hour", statements: UsageRollup.statements.map { PostgresQuery(unsafeSQL: $0) }),
        Migration(version: 4, name: "use-hour-planned-per-statement", statements: UsageRollup.functions.map { PostgresQuery(unsafeSQL: $0) }),
    ]

    /// Brings the schema up to date. Several `sealcountyd` processes may start at once on one database: an advisory
    /// lock held for the transaction lets one migrate while the others wait and then find nothing to do.
    public func migrate() async throws {
        try await client.query(
            "CREATE TABLE IF NOT EXISTS schema_migration (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
            logger: logger
        )
        for migration in Self.migrations {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(8370212)", logger: logger)
                let applied = try await connection.query("SELECT 1 FROM schema_migration WHERE version = \(migration.version)", logger: logger)
                var done = false
                for try await _ in applied { done = true }
                guard !done else { return }
                for statement in migration.statements { try await connection.query(statement, logger: logger) }
                try await connection.query(
                    "INSERT INTO schema_migration (version, name) VALUES (\(migration.version), \(migration.name))", logger: logger
                )
                logger.info("database migrated", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            }
        }
    }
}
