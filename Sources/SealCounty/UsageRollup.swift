import PostgresNIO

/// `use_hour`: the mirrored book's uses counted per township, UTC hour, seal, matter, user and approver, kept by
/// PostgreSQL itself. Statistics over a county's quarter (millions of lines) read these groups — tens of thousands —
/// instead of the lines. Statement triggers with transition tables keep the counts: the projection writes a package's
/// lines in one INSERT, so a package costs one grouped upsert. Every change the projection can make to a line or to
/// a request's approver (insert, update, delete, in any order within a package) moves the counts, so the groups are
/// always those the lines give; a test compares them with the township's own statistics.
enum UsageRollup {
    static let statements: [String] = [
        """
        CREATE TABLE use_hour (
            origin text NOT NULL REFERENCES township(origin),
            -- The lines' stored UTC time to the hour: 'YYYY-MM-DDTHH'.
            hour text NOT NULL,
            seal_id text NOT NULL, matter_code text NOT NULL, "user" text NOT NULL,
            -- The book's approver (the line's, else its request's); '' when it has none.
            approver text NOT NULL,
            uses bigint NOT NULL, impressions bigint NOT NULL,
            PRIMARY KEY (origin, hour, seal_id, matter_code, "user", approver)
        )
        """,
        "CREATE INDEX use_hour_by_hour ON use_hour (hour)",
        // A request whose approver changes moves its lines that have none of their own.
        "CREATE INDEX use_record_by_request ON use_record (origin, request_id)",
    ] + [linesFunction] + triggers(on: "use_record", function: "use_hour_lines", old: "old_lines", new: "new_lines")
        + [requestsFunction] + triggers(on: "use_request", function: "use_hour_requests", old: "old_requests", new: "new_requests") + [
            // A county that mirrored before this table existed: its lines counted once.
            apply(lines("use_record", sign: "")) + ";",
        ]

    /// The trigger functions as migration 4 left them. Their first form (migration 3) joined every request of
    /// every township to a package's lines, and ran its statements as plpgsql does, on plans made once per
    /// connection: a plan made while the tables were small (a hash join over all of `use_record`) stayed for every
    /// later package, a sequential scan of millions of lines each (a third of ingestion's time at 30 townships).
    static let functions = [linesFunction, requestsFunction]

    /// A line's contribution moves with each line inserted, deleted or updated.
    static let linesFunction = function(
        "use_hour_lines",
        insert: apply(lines("new_lines", sign: "")),
        delete: apply(lines("old_lines", sign: "-")),
        update: apply(lines("new_lines", sign: "") + " UNION ALL " + lines("old_lines", sign: "-"))
    )

    /// A request's approver moves its lines that have none of their own.
    static let requestsFunction = function(
        "use_hour_requests",
        insert: apply(moved("SELECT n.origin, n.id, '' AS before, COALESCE(n.approver, '') AS after FROM new_requests n")),
        delete: apply(moved("SELECT o.origin, o.id, COALESCE(o.approver, '') AS before, '' AS after FROM old_requests o")),
        update: apply(moved("""
            SELECT n.origin, n.id, COALESCE(o.approver, '') AS before, COALESCE(n.approver, '') AS after
            FROM old_requests o JOIN new_requests n ON n.origin = o.origin AND n.id = o.id
            """))
    )

    /// A plpgsql function run once per statement with its transition tables, doing `insert`, `delete` or `update`
    /// by the statement's kind. Each is run by `EXECUTE`, so it is planned for the tables and the transition
    /// table as they are at that statement, not on a plan cached when the county was empty.
    static func function(_ function: String, insert: String, delete: String, update: String) -> String {
        """
        CREATE OR REPLACE FUNCTION \(function)() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            EXECUTE $sql$\(insert)$sql$;
          ELSIF TG_OP = 'DELETE' THEN
            EXECUTE $sql$\(delete)$sql$;
          ELSE
            EXECUTE $sql$\(update)$sql$;
          END IF;
          RETURN NULL;
        END $$
        """
    }

    /// The statement triggers running `function` on `table` with its transition tables (`old`, `new`).
    static func triggers(on table: String, function: String, old: String, new: String) -> [String] {
        [
            "CREATE TRIGGER \(function)_insert AFTER INSERT ON \(table) REFERENCING NEW TABLE AS \(new) FOR EACH STATEMENT EXECUTE FUNCTION \(function)()",
            """
            CREATE TRIGGER \(function)_update AFTER UPDATE ON \(table) REFERENCING OLD TABLE AS \(old) NEW TABLE AS \(new)
            FOR EACH STATEMENT EXECUTE FUNCTION \(function)()
            """,
            "CREATE TRIGGER \(function)_delete AFTER DELETE ON \(table) REFERENCING OLD TABLE AS \(old) FOR EACH STATEMENT EXECUTE FUNCTION \(function)()",
        ]
    }

    /// Adds signed contributions (origin, hour, seal_id, matter_code, user, approver, uses, impressions) to the
    /// groups; contributions that cancel out (an update that changed nothing counted) write nothing.
    static func apply(_ contributions: String) -> String {
        """
        INSERT INTO use_hour AS h (origin, hour, seal_id, matter_code, "user", approver, uses, impressions)
        SELECT origin, hour, seal_id, matter_code, "user", approver, sum(uses), sum(impressions) FROM (\(contributions)) c
        GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(uses) <> 0 OR sum(impressions) <> 0
        ON CONFLICT (origin, hour, seal_id, matter_code, "user", approver)
        DO UPDATE SET uses = h.uses + EXCLUDED.uses, impressions = h.impressions + EXCLUDED.impressions
        """
    }

    /// The contribution of each line of `table` (+1 use and its count, or with `sign` "-" their removal), with the
    /// approver as the book shows it. The request is looked up (on its key) only for a line without an approver of
    /// its own; a join would let the planner hash every township's requests for each package.
    static func lines(_ table: String, sign: String) -> String {
        """
        SELECT l.origin, substring(l.time, 1, 13) AS hour, l.seal_id, l.matter_code, l."user",
               COALESCE(l.approver, (SELECT r.approver FROM use_request r WHERE r.origin = l.origin AND r.id = l.request_id), '') AS approver,
               \(sign)1 AS uses, \(sign)l.effective_count AS impressions
        FROM \(table) l
        """
    }

    /// The lines without an approver of their own under requests whose approver went from `before` to `after`
    /// (rows of origin, id, before, after), taken from the old group and added to the new.
    static func moved(_ moves: String) -> String {
        """
        SELECT u.origin, substring(u.time, 1, 13) AS hour, u.seal_id, u.matter_code, u."user", m.after AS approver, 1 AS uses, u.effective_count AS impressions
        FROM (\(moves)) m JOIN use_record u ON u.origin = m.origin AND u.request_id = m.id AND u.approver IS NULL WHERE m.before <> m.after
        UNION ALL
        SELECT u.origin, substring(u.time, 1, 13), u.seal_id, u.matter_code, u."user", m.before, -1, -u.effective_count
        FROM (\(moves)) m JOIN use_record u ON u.origin = m.origin AND u.request_id = m.id AND u.approver IS NULL WHERE m.before <> m.after
        """
    }
}
