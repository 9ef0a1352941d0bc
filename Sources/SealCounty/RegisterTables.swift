/// The registry tables at the county: the township's tables (`RegisterProjection.tables`) with `origin` in front of
/// every key, filled only by the projection from mirrored journal entries. Integers and the township's 0/1 booleans
/// are `bigint`, times stay the township's stored UTC text, so a row reads back cell for cell as the township holds it.
enum RegisterTables {
    static let statements: [String] = [
        """
        CREATE TABLE staff (
            origin text NOT NULL REFERENCES township(origin), id text NOT NULL, name text NOT NULL, roles text NOT NULL,
            unix_user text, disabled bigint NOT NULL DEFAULT 0, PRIMARY KEY (origin, id)
        )
        """,
        """
        CREATE TABLE matter (
            origin text NOT NULL REFERENCES township(origin), code text NOT NULL, name text NOT NULL, category text NOT NULL,
            power_type text, delegating_department text NOT NULL, supervising_department text NOT NULL,
            cross_township bigint NOT NULL, non_delegable bigint NOT NULL, PRIMARY KEY (origin, code)
        )
        """,
        """
        CREATE TABLE seal (
            origin text NOT NULL REFERENCES township(origin), id text NOT NULL, name text NOT NULL, kind text NOT NULL,
            medium text NOT NULL, owner text NOT NULL, holder text NOT NULL, custodian text NOT NULL, status text NOT NULL,
            PRIMARY KEY (origin, id)
        )
        """,
        """
        CREATE TABLE delegation (
            origin text NOT NULL REFERENCES township(origin), id text NOT NULL, agreement_number text NOT NULL,
            delegating_department text NOT NULL, township text NOT NULL, supervising_department text NOT NULL,
            valid_from text NOT NULL, valid_to text NOT NULL, filing_number text, filed_on text, revoked_at text,
            revocation_reason text, PRIMARY KEY (origin, id)
        )
        """,
        """
        CREATE TABLE delegation_seal (
            origin text NOT NULL REFERENCES township(origin), delegation_id text NOT NULL, seal_id text NOT NULL,
            PRIMARY KEY (origin, delegation_id, seal_id)
        )
        """,
        "CREATE INDEX delegation_seal_by_seal ON delegation_seal (origin, seal_id)",
        """
        CREATE TABLE delegation_matter (
            origin text NOT NULL REFERENCES township(origin), delegation_id text NOT NULL, matter_code text NOT NULL,
            method text NOT NULL, PRIMARY KEY (origin, delegation_id, matter_code)
        )
        """,
        """
        CREATE TABLE carry_out (
            origin text NOT NULL REFERENCES township(origin), id bigint NOT NULL, seal_id text NOT NULL, carrier text NOT NULL,
            reason text NOT NULL, approver text NOT NULL, due text NOT NULL, out_at text NOT NULL, returned_at text,
            PRIMARY KEY (origin, id)
        )
        """,
        "CREATE INDEX carry_out_open ON carry_out (origin, seal_id, returned_at)",
        """
        CREATE TABLE use_request (
            origin text NOT NULL REFERENCES township(origin), id text NOT NULL, seal_id text NOT NULL, matter_code text NOT NULL,
            case_number text NOT NULL, purpose text NOT NULL, reason text NOT NULL, count bigint NOT NULL, document_digest text,
            urgent bigint NOT NULL, requester text NOT NULL, created_at text NOT NULL, status text NOT NULL, approver text,
            approved_count bigint, approved_until text, approved_at text, denied_by text, denial_reason text, denied_at text,
            used bigint NOT NULL DEFAULT 0, made bigint NOT NULL DEFAULT 0, PRIMARY KEY (origin, id)
        )
        """,
        "CREATE INDEX use_request_by_approval ON use_request (origin, approved_at)",
        """
        CREATE TABLE use_record (
            origin text NOT NULL REFERENCES township(origin), id text NOT NULL, request_id text NOT NULL, seal_id text NOT NULL,
            matter_code text NOT NULL, case_number text NOT NULL, reason text NOT NULL, count bigint NOT NULL,
            effective_count bigint NOT NULL, "user" text NOT NULL, recorder text, approver text, urgent bigint NOT NULL, note text,
            document_digest text, time text NOT NULL, medium text NOT NULL, certificate_fingerprint text, statement text,
            signature text, serial bigint NOT NULL,
            -- Not the township's: the journal sequence of the entry that wrote the line, which orders lines of the same
            -- time as the township's rowid does (both follow the journal).
            line bigint NOT NULL,
            PRIMARY KEY (origin, id)
        )
        """,
        "CREATE UNIQUE INDEX use_record_by_seal_serial ON use_record (origin, seal_id, serial)",
        "CREATE INDEX use_record_by_time ON use_record (origin, time, line)",
        // County-wide reports read a period across every township.
        "CREATE INDEX use_record_by_county_time ON use_record (time, origin, line)",
        """
        CREATE TABLE use_correction (
            origin text NOT NULL REFERENCES township(origin), id bigint NOT NULL, use_id text NOT NULL, new_count bigint NOT NULL,
            reason text NOT NULL, corrected_by text, at text NOT NULL, PRIMARY KEY (origin, id)
        )
        """,
        "CREATE INDEX use_correction_by_use ON use_correction (origin, use_id)",
        """
        CREATE TABLE seal_card (
            origin text NOT NULL REFERENCES township(origin), seal_id text NOT NULL, fingerprint text NOT NULL,
            certificate bytea NOT NULL, subject text NOT NULL, reader text NOT NULL, bound_at text NOT NULL, bound_by text,
            PRIMARY KEY (origin, seal_id)
        )
        """,
    ]

    /// Tables whose `id` the township's SQLite assigns (INTEGER PRIMARY KEY AUTOINCREMENT: one past the highest, never
    /// reused; these rows are never deleted): the county assigns the same, per township.
    static let assignedIDs: Set<String> = ["carry_out", "use_correction"]
}
