import Foundation
import Logging
import NIOCore
import PostgresNIO
import SealBook
import SealCore
import SealStore
import SealWire

/// A query built with bound values: `bind` answers the placeholder for a value.
struct BoundQuery {
    var sql = ""
    var binds = PostgresBindings()
    private var count = 0

    mutating func bind(_ value: String) -> String {
        try! binds.append(value)
        count += 1
        return "$\(count)"
    }

    mutating func bind(_ value: Int) -> String {
        try! binds.append(Int64(value))
        count += 1
        return "$\(count)"
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: binds) }
}

/// The county inspector's reading of the mirrored books: the township's book line, statistics and exports over the
/// county's PostgreSQL tables, shown through the same types (`BookLine`, `UsageStatistics`, `ExportLine`) as at the
/// township, so a line, a count or an export reads the same at both.
public struct CountyBook: Sendable {
    public let store: CountyStore
    public let settings: ReportSettings
    var client: PostgresClient { store.database.client }
    var logger: Logger { store.database.logger }

    public init(store: CountyStore, settings: ReportSettings) {
        self.store = store
        self.settings = settings
    }

    /// A township the county mirrors, by name.
    public struct Township: Sendable, Equatable {
        public var name: String
        public var origin: String
    }

    /// The township named `name`, or `invalid-field` listing the known ones: a typo is never an empty book.
    public func township(_ name: String) async throws -> Township {
        let all = try await store.townships()
        guard let found = all.first(where: { $0.name == name || $0.origin == name }) else {
            let list = all.isEmpty ? "none are added" : "known: " + all.map(\.name).joined(separator: ", ")
            throw SealError(.invalidField, "township \"\(name)\": no such township; \(list)")
        }
        return Township(name: found.name, origin: found.origin)
    }

    /// Refuses a seal, matter or staff member the township (or, with none, any township) does not know.
    public func checkFilter(_ filter: BookFilter, origin: String?) async throws {
        for (flag, value, table, column, noun) in [
            ("seal", filter.seal, "seal", "id", "seal"), ("matter", filter.matter, "matter", "code", "matter"),
            ("user", filter.user, "staff", "id", "staff member"),
        ] {
            guard let value else { continue }
            var q = BoundQuery()
            q.sql = "SELECT DISTINCT \(column) FROM \(table) WHERE \(origin.map { "origin = \(q.bind($0))" } ?? "true") ORDER BY \(column)"
            var known: [String] = []
            for try await (key) in try await client.query(q.query, logger: logger).decode(String.self) { known.append(key) }
            guard !known.contains(value) else { continue }
            let list = known.isEmpty ? "none are registered" : "known: " + known.prefix(30).joined(separator: ", ") + (known.count > 30 ? ", …" : "")
            throw SealError(.invalidField, "\(flag) \"\(value)\": no such \(noun)\(origin == nil ? " in any township" : ""); \(list)")
        }
    }

    /// The method (实施方式) of each township's (seal, matter): that of the first delegation, by id, covering both,
    /// as at the township. Columns origin, seal_id, matter_code, method.
    static let methods = """
        SELECT DISTINCT ON (dm.origin, ds.seal_id, dm.matter_code) dm.origin, ds.seal_id, dm.matter_code, dm.method
        FROM delegation_matter dm JOIN delegation_seal ds ON ds.origin = dm.origin AND ds.delegation_id = dm.delegation_id
        ORDER BY dm.origin, ds.seal_id, dm.matter_code, dm.delegation_id
        """

    /// The township's `BookLineQuery.select` on the county's tables, every join also on the origin, up to its WHERE:
    /// the columns in the order `line(_:)` reads them. The method is joined from `methods` rather than asked per
    /// line, which cost half an export's time.
    static let select = """
        WITH method AS (\(methods))
        SELECT ROW(u.id, u.time, u.seal_id, s.name, u.matter_code, u.case_number, u.reason, u."user", u.request_id, u.medium,
               u.serial, u.count, u.effective_count, u.urgent, u.note, u.document_digest, m.name, us.name,
               COALESCE(u.approver, r.approver), ap.name, r.denied_by, dn.name, mt.method, r.denial_reason, r.denied_at,
               u.recorder, u.certificate_fingerprint, u.statement, u.signature, u.origin, u.line)
        FROM use_record u JOIN seal s ON s.origin = u.origin AND s.id = u.seal_id
        JOIN use_request r ON r.origin = u.origin AND r.id = u.request_id
        LEFT JOIN matter m ON m.origin = u.origin AND m.code = u.matter_code LEFT JOIN staff us ON us.origin = u.origin AND us.id = u."user"
        LEFT JOIN staff ap ON ap.origin = u.origin AND ap.id = COALESCE(u.approver, r.approver)
        LEFT JOIN staff dn ON dn.origin = u.origin AND dn.id = r.denied_by
        LEFT JOIN method mt ON mt.origin = u.origin AND mt.seal_id = u.seal_id AND mt.matter_code = u.matter_code
        """

    /// A row of `select`, read cell by cell in order (looking cells up by name costs a quarter of a listing's time).
    static func line(_ row: PostgresRow) throws -> (line: BookLine, origin: String, order: Int) {
        try RowCells.read(row) { cells in try line(&cells) }
    }

    private static func line(_ cells: inout RowCells) throws -> (line: BookLine, origin: String, order: Int) {
        func text() throws -> String? { try cells.text() }
        func string() throws -> String { try cells.string() }
        func int() throws -> Int { try cells.int() }
        let (id, time, sealID, sealName, matterCode, caseNumber, reason, user, requestID, medium) =
            (try string(), try string(), try string(), try string(), try string(), try string(), try string(), try string(), try string(), try string())
        let (serial, count, effectiveCount, urgent) = (try int(), try int(), try int(), try int() != 0)
        let (note, documentDigest, matterName, userName, bookApprover, approverName, deniedBy, deniedByName, method) =
            (try text(), try text(), try text(), try text(), try text(), try text(), try text(), try text(), try text())
        let (denialReason, deniedAt, recorder, certificateFingerprint, statement, signature) =
            (try text(), try text(), try text(), try text(), try text(), try text())
        return (BookLine(
            id: id, time: time, sealID: sealID, sealName: sealName, matterCode: matterCode, caseNumber: caseNumber, reason: reason, user: user,
            requestID: requestID, medium: medium, serial: serial, count: count, effectiveCount: effectiveCount, urgent: urgent, note: note,
            documentDigest: documentDigest, matterName: matterName, userName: userName, bookApprover: bookApprover, approverName: approverName,
            deniedBy: deniedBy, deniedByName: deniedByName, method: method, denialReason: denialReason, deniedAt: deniedAt, recorder: recorder,
            certificateFingerprint: certificateFingerprint, statement: statement, signature: signature
        ), try string(), try int())
    }

    func lines(_ q: BoundQuery) async throws -> [(line: BookLine, origin: String, order: Int)] {
        var out: [(line: BookLine, origin: String, order: Int)] = []
        for try await row in try await client.query(q.query, logger: logger) { out.append(try Self.line(row)) }
        return out
    }

    /// The corrections of the given uses of one township, in order, with the corrector's name.
    func corrections(origin: String, uses ids: [String]) async throws -> [String: [UseView.Correction]] {
        guard !ids.isEmpty else { return [:] }
        return try await corrections(
            """
            SELECT c.use_id, c.new_count, c.reason, c.corrected_by, st.name, c.at FROM use_correction c
            LEFT JOIN staff st ON st.origin = c.origin AND st.id = c.corrected_by
            WHERE c.origin = \(origin) AND c.use_id = ANY(\(ids)) ORDER BY c.id
            """
        )
    }

    /// The corrections of one seal's lines `serials`: an export's page asks for them by the range it reads, not
    /// by its thousands of ids.
    func corrections(origin: String, seal: String, serials: ClosedRange<Int>) async throws -> [String: [UseView.Correction]] {
        try await corrections(
            """
            SELECT c.use_id, c.new_count, c.reason, c.corrected_by, st.name, c.at FROM use_correction c
            JOIN use_record u ON u.origin = c.origin AND u.id = c.use_id
            LEFT JOIN staff st ON st.origin = c.origin AND st.id = c.corrected_by
            WHERE c.origin = \(origin) AND u.seal_id = \(seal) AND u.serial BETWEEN \(serials.lowerBound) AND \(serials.upperBound) ORDER BY c.id
            """
        )
    }

    private func corrections(_ query: PostgresQuery) async throws -> [String: [UseView.Correction]] {
        var found: [String: [UseView.Correction]] = [:]
        for try await (use, count, reason, by, byName, at) in try await client.query(query, logger: logger).decode((String, Int, String, String?, String?, String).self) {
            found[use, default: []].append(UseView.Correction(count: count, reason: reason, by: by, byName: byName, at: at))
        }
        return found
    }

    /// The filter's conditions on `use_record u`: township, seal, window, matter, user.
    func narrow(_ q: inout BoundQuery, _ filter: BookFilter, origin: String?) {
        Self.narrow(&q, filter, origin: origin, zone: settings.timeZone)
    }

    static func narrow(_ q: inout BoundQuery, _ filter: BookFilter, origin: String?, zone: TimeZone) {
        if let origin { q.sql += " AND u.origin = \(q.bind(origin))" }
        if let seal = filter.seal { q.sql += " AND u.seal_id = \(q.bind(seal))" }
        let (lower, upper) = filter.storedBounds(zone: zone)
        if filter.from != nil { q.sql += " AND u.time >= \(q.bind(lower))" }
        if filter.to != nil { q.sql += " AND u.time < \(q.bind(upper))" }
        if let matter = filter.matter { q.sql += " AND u.matter_code = \(q.bind(matter))" }
        if let user = filter.user { q.sql += " AND u.\"user\" = \(q.bind(user))" }
    }

    // MARK: The book

    /// A page of one township's book as the township's `GET /v1/uses` answers it: one seal in 序号 order, or the
    /// whole book in time order (lines of the same second in journal order); `after` a use id.
    public func uses(origin: String, _ filter: BookFilter, limit: Int, after: String?) async throws -> [UseView] {
        var q = BoundQuery()
        q.sql = Self.select + " WHERE true"
        narrow(&q, filter, origin: origin)
        if let after {
            var c = BoundQuery()
            c.sql = "SELECT time, line, serial FROM use_record WHERE origin = \(c.bind(origin)) AND id = \(c.bind(after))"
            var cursor: (String, Int, Int)?
            for try await (time, line, serial) in try await client.query(c.query, logger: logger).decode((String, Int, Int).self) { cursor = (time, line, serial) }
            guard let cursor else { throw SealError(.invalidField, "after \(after): no such use") }
            q.sql += filter.seal != nil
                ? " AND u.serial > \(q.bind(cursor.2))" : " AND (u.time, u.line) > (\(q.bind(cursor.0)), \(q.bind(cursor.1)))"
        }
        q.sql += (filter.seal != nil ? " ORDER BY u.serial" : " ORDER BY u.time, u.line") + " LIMIT \(q.bind(limit))"
        let lines = try await self.lines(q)
        let corrections = try await corrections(origin: origin, uses: lines.map(\.line.id))
        return lines.map { $0.line.useView(corrections: corrections[$0.line.id] ?? [], zone: settings.timeZone) }
    }

    // MARK: Statistics

    /// The statistics of the period: the county's (every township, or the one named) and each township's. PostgreSQL
    /// counts the period's lines in groups sharing township, seal, matter, user, approver and UTC hour (minute, in a
    /// zone whose offset is not whole hours); each group is added to the township's rules' accumulator with its local
    /// month, so the figures are the township's, and only the groups cross the socket.
    public func statistics(origin: String?, _ filter: BookFilter) async throws -> (total: UsageStatistics, townships: [String: UsageStatistics]) {
        var months = UsageStatistics.MonthBuckets(zone: settings.timeZone)
        var total = UsageStatistics.Accumulator()
        var each: [String: UsageStatistics.Accumulator] = [:]
        let (lower, upper) = filter.storedBounds(zone: settings.timeZone)
        // The window's edges are whole UTC hours in a zone of whole hours: the hourly groups PostgreSQL keeps
        // (`use_hour`) hold exactly its lines. Otherwise the lines are grouped here by the minute.
        func onTheHour(_ bound: String) -> Bool { bound.count == 20 && bound.hasSuffix(":00:00Z") }
        let hourly = months.hourly && (filter.from == nil || onTheHour(lower)) && (filter.to == nil || onTheHour(upper))
        var q = BoundQuery()
        q.sql = """
            SELECT a.origin, a.seal_id, s.name, a.matter_code, m.name, a."user", us.name, a.approver, ap.name, a.bucket, a.n, a.impressions
            FROM (
            """
        if hourly {
            q.sql += """
                  SELECT origin, seal_id, matter_code, "user", NULLIF(approver, '') AS approver, hour AS bucket, uses AS n, impressions
                  FROM use_hour a WHERE uses <> 0
                """
            if let origin { q.sql += " AND a.origin = \(q.bind(origin))" }
            if let seal = filter.seal { q.sql += " AND a.seal_id = \(q.bind(seal))" }
            if filter.from != nil { q.sql += " AND a.hour >= \(q.bind(String(lower.prefix(13))))" }
            if filter.to != nil { q.sql += " AND a.hour < \(q.bind(String(upper.prefix(13))))" }
            if let matter = filter.matter { q.sql += " AND a.matter_code = \(q.bind(matter))" }
            if let user = filter.user { q.sql += " AND a.\"user\" = \(q.bind(user))" }
        } else {
            q.sql += """
                  SELECT u.origin, u.seal_id, u.matter_code, u."user", COALESCE(u.approver, r.approver) AS approver,
                         substring(u.time, 1, \(months.prefixLength)) AS bucket, count(*) AS n, sum(u.effective_count)::bigint AS impressions
                  FROM use_record u LEFT JOIN use_request r ON u.approver IS NULL AND r.origin = u.origin AND r.id = u.request_id
                  WHERE true
                """
            narrow(&q, filter, origin: origin)
            q.sql += " GROUP BY 1, 2, 3, 4, 5, 6"
        }
        q.sql += """
            ) a JOIN seal s ON s.origin = a.origin AND s.id = a.seal_id
            LEFT JOIN matter m ON m.origin = a.origin AND m.code = a.matter_code LEFT JOIN staff us ON us.origin = a.origin AND us.id = a."user"
            LEFT JOIN staff ap ON ap.origin = a.origin AND ap.id = a.approver
            """
        for try await (town, seal, sealName, matter, matterName, user, userName, approver, approverName, bucket, n, impressions)
            in try await client.query(q.query, logger: logger).decode((String, String, String, String, String?, String, String?, String?, String?, String, Int, Int).self)
        {
            let month = months.month(of: bucket)
            func add(_ accumulator: inout UsageStatistics.Accumulator) {
                accumulator.add(
                    seal: (seal, sealName), matter: (matter, matterName ?? ""), user: (user, userName ?? ""),
                    approver: approver.map { ($0, approverName ?? "") }, month: month, impressions: impressions, uses: n
                )
            }
            add(&total)
            add(&each[town, default: .init()])
        }
        for (town, code, n) in try await refusals(origin: origin, filter) where n > 0 {
            total.addRefusals(code: code, count: n)
            each[town, default: .init()].addRefusals(code: code, count: n)
        }
        return (total.result, each.mapValues(\.result))
    }

    /// Refusals by code and denials (`denied`) per township in the period, narrowed by the filter as at the township.
    func refusals(origin: String?, _ filter: BookFilter) async throws -> [(String, String, Int)] {
        let (lower, upper) = filter.storedBounds(zone: settings.timeZone)
        var q = BoundQuery()
        let (l, u) = (q.bind(lower), q.bind(upper))
        var refused = """
            SELECT origin, code, seal_id, matter_code, actor_staff FROM (
              SELECT j.origin, j.actor_staff, (j.entry::jsonb)->'payload'->>'code' AS code,
                     COALESCE((j.entry::jsonb)->'payload'->>'seal', r.seal_id, x.seal_id) AS seal_id,
                     COALESCE((j.entry::jsonb)->'payload'->>'matter', r.matter_code, x.matter_code) AS matter_code
              FROM journal j
              LEFT JOIN use_request r ON r.origin = j.origin AND r.id = (j.entry::jsonb)->'payload'->>'request'
              LEFT JOIN use_record x ON x.origin = j.origin AND x.id = (j.entry::jsonb)->'payload'->>'use'
              WHERE j.kind = 'refused' AND j.time >= \(l) AND j.time < \(u)
            ) f WHERE true
            """
        var denied = """
            SELECT j.origin, 'denied' AS code, u.seal_id, u.matter_code, u.requester AS actor_staff FROM journal j
            JOIN use_request u ON u.origin = j.origin AND u.id = j.subject
            WHERE j.kind = 'request.denied' AND j.time >= \(l) AND j.time < \(u)
            """
        for prefix in ["f", "u"] {
            var part = ""
            // County-wide, township by township: the journal's index leads with the township.
            part += " AND \(prefix == "f" ? "f" : "j").origin " + (origin.map { "= \(q.bind($0))" } ?? "IN (SELECT origin FROM township)")
            if let seal = filter.seal { part += " AND \(prefix).seal_id = \(q.bind(seal))" }
            if let matter = filter.matter { part += " AND \(prefix).matter_code = \(q.bind(matter))" }
            if let user = filter.user { part += " AND \(prefix == "f" ? "f.actor_staff" : "u.requester") = \(q.bind(user))" }
            if prefix == "f" { refused += part } else { denied += part }
        }
        q.sql = "SELECT origin, code, count(*) FROM (\(refused) UNION ALL \(denied)) a GROUP BY origin, code"
        var out: [(String, String, Int)] = []
        for try await (town, code, n) in try await client.query(q.query, logger: logger).decode((String, String?, Int).self) {
            out.append((town, code ?? "unknown", n))
        }
        return out
    }

    // MARK: Exports

    /// The seals of one township with lines in the export, in id order, with the 序号 range the window spans.
    public func exportSeals(origin: String, _ filter: BookFilter) async throws -> [ExportSeal] {
        var q = BoundQuery()
        q.sql = """
            SELECT s.id, s.name, s.kind, s.medium, s.owner, s.holder, s.custodian, s.status, st.name FROM seal s
            LEFT JOIN staff st ON st.origin = s.origin AND st.id = s.custodian WHERE s.origin = \(q.bind(origin))
            """
        if let seal = filter.seal { q.sql += " AND s.id = \(q.bind(seal))" }
        q.sql += " ORDER BY s.id"
        var seals: [(Seal, String)] = []
        for try await (id, name, kind, medium, owner, holder, custodian, status, custodianName)
            in try await client.query(q.query, logger: logger).decode((String, String, String, String, String, String, String, String, String?).self)
        {
            seals.append((Seal(
                id: id, name: name, kind: Seal.Kind(rawValue: kind) ?? .other, medium: Seal.Medium(rawValue: medium) ?? .physical, owner: owner,
                holder: holder, custodian: custodian, status: Seal.Status(rawValue: status) ?? .registered
            ), custodianName ?? ""))
        }
        let (lower, upper) = filter.storedBounds(zone: settings.timeZone)
        var out: [ExportSeal] = []
        for (seal, custodianName) in seals {
            // As at the township: the first and last line of the window by time, on the (seal, time) order.
            var s = BoundQuery()
            let (o, id, l, u) = (s.bind(origin), s.bind(seal.id), s.bind(lower), s.bind(upper))
            s.sql = """
                SELECT (SELECT serial FROM use_record WHERE origin = \(o) AND seal_id = \(id) AND time >= \(l) AND time < \(u) ORDER BY time, serial LIMIT 1),
                       (SELECT serial FROM use_record WHERE origin = \(o) AND seal_id = \(id) AND time >= \(l) AND time < \(u) ORDER BY time DESC, serial DESC LIMIT 1)
                """
            var range: ClosedRange<Int>?
            for try await (first, last) in try await client.query(s.query, logger: logger).decode((Int?, Int?).self) {
                if let first, let last { range = min(first, last)...max(first, last) }
            }
            guard let range else { continue }
            out.append(ExportSeal(seal: seal, custodianName: custodianName, delegations: try await delegations(origin: origin, seal: seal.id), serials: range))
        }
        return out
    }

    /// The township's delegations (those covering `seal`, when given), with their seals and matters, in id order.
    func delegations(origin: String, seal: String?) async throws -> [Delegation] {
        var found: [Delegation] = []
        var q = BoundQuery()
        q.sql = """
            SELECT d.id, d.agreement_number, d.delegating_department, d.township, d.supervising_department, d.valid_from, d.valid_to,
                   d.filing_number, d.filed_on, d.revoked_at, d.revocation_reason,
                   ARRAY(SELECT seal_id FROM delegation_seal x WHERE x.origin = d.origin AND x.delegation_id = d.id ORDER BY seal_id),
                   ARRAY(SELECT matter_code || '=' || method FROM delegation_matter x WHERE x.origin = d.origin AND x.delegation_id = d.id ORDER BY matter_code)
            FROM delegation d WHERE d.origin = \(q.bind(origin))
            """
        if let seal {
            q.sql += " AND EXISTS (SELECT 1 FROM delegation_seal ds WHERE ds.origin = d.origin AND ds.delegation_id = d.id AND ds.seal_id = \(q.bind(seal)))"
        }
        q.sql += " ORDER BY d.id"
        let rows = try await client.query(q.query, logger: logger)
        for try await (id, agreement, from, township, supervisor, validFrom, validTo, filing, filedOn, revokedAt, revocationReason, seals, matters)
            in rows.decode((String, String, String, String, String, String, String, String?, String?, String?, String?, [String], [String]).self)
        {
            var filingValue: Delegation.Filing?
            if let filing, let date = filedOn.flatMap(LocalDate.init) { filingValue = .init(number: filing, filedOn: date) }
            found.append(Delegation(
                id: id, agreementNumber: agreement, delegatingDepartment: from, township: township, supervisingDepartment: supervisor,
                validFrom: LocalDate(validFrom)!, validTo: LocalDate(validTo)!, filing: filingValue, seals: seals,
                matters: matters.map {
                    let parts = $0.split(separator: "=", maxSplits: 1).map(String.init)
                    return Delegation.CoveredMatter(code: parts[0], method: Delegation.Method(rawValue: parts.count > 1 ? parts[1] : "") ?? .acceptance)
                },
                revokedAt: revokedAt, revocationReason: revocationReason
            ))
        }
        return found
    }

    /// The lines of one seal's book of 序号 `serials` inside the window, in 序号 order.
    public func exportPage(origin: String, _ export: ExportSeal, _ filter: BookFilter, serials: ClosedRange<Int>, headers: BookTable.Headers)
        async throws -> [ExportLine]
    {
        // The book's own columns only; the names come from the township's small tables, read
        // once a page: joining them per line costs PostgreSQL more than the lines themselves.
        async let names = exportNames(origin: origin, seal: export.seal.id)
        // The corrections first, so each row becomes its export line as it is read.
        let corrections = try await corrections(origin: origin, seal: export.seal.id, serials: serials)
        return try await exportLines(origin: origin, export, filter, serials: serials, names: try await names, corrections: corrections, headers: headers)
    }

    /// The export lines of `serials` in one seal's book, in order.
    private func exportLines(
        origin: String, _ export: ExportSeal, _ filter: BookFilter, serials: ClosedRange<Int>,
        names: ExportNames, corrections: [String: [UseView.Correction]],
        headers: BookTable.Headers
    ) async throws -> [ExportLine] {
        let (lower, upper) = filter.storedBounds(zone: settings.timeZone)
        var q = BoundQuery()
        q.sql = """
            SELECT ROW(u.id, u.time, u.matter_code, u.case_number, u.reason, u."user", u.serial, u.count,
                       u.effective_count, u.urgent, u.note, u.document_digest, COALESCE(u.approver, r.approver), r.denied_by)
            FROM use_record u JOIN use_request r ON r.origin = u.origin AND r.id = u.request_id
            WHERE u.origin = \(q.bind(origin)) AND u.seal_id = \(q.bind(export.seal.id)) AND u.serial BETWEEN \(q.bind(serials.lowerBound)) AND \(q.bind(serials.upperBound)) ORDER BY u.serial
            """
        let zone = settings.timeZone
        var lines: [ExportLine] = []
        lines.reserveCapacity(serials.count)
        for try await row in try await client.query(q.query, logger: logger) {
            // Only the columns a book line shows (the request and medium are not among them): every column is
            // PostgreSQL's work too.
            let exported = try RowCells.read(row) { cells -> ExportLine? in
                let (id, time, matter, caseNumber, reason, user) =
                    (try cells.string(), try cells.string(), try cells.string(), try cells.string(), try cells.string(), try cells.string())
                let (serial, count, effective, urgent) = (try cells.int(), try cells.int(), try cells.int(), try cells.int())
                let (note, digest, approver, deniedBy) = (try cells.text(), try cells.text(), try cells.text(), try cells.text())
                guard BookLine.isExported(filter, lower: lower, upper: upper, time: time, matter: matter, user: user) else { return nil }
                return BookLine.exportLine(
                    serial: serial, time: time, sealName: export.seal.name, reason: reason, approver: approver,
                    approverName: approver.flatMap { names.staff[$0] }, deniedBy: deniedBy, deniedByName: deniedBy.flatMap { names.staff[$0] },
                    urgent: urgent != 0, user: user, userName: names.staff[user], count: count, effectiveCount: effective, matterCode: matter,
                    matterName: names.matters[matter], caseNumber: caseNumber, method: names.methods[matter], note: note, documentDigest: digest,
                    corrections: corrections[id] ?? [], headers: headers, zone: zone
                )
            }
            if let exported { lines.append(exported) }
        }
        return lines
    }

    typealias ExportNames = (staff: [String: String], matters: [String: String], methods: [String: String])

    /// A township's staff and matter names, and the method of each matter on `seal` (from `methods`, as `select`
    /// joins it).
    func exportNames(origin: String, seal: String) async throws -> ExportNames {
        var staff: [String: String] = [:]
        for try await (id, name) in try await client.query("SELECT id, name FROM staff WHERE origin = \(origin)", logger: logger).decode((String, String).self) {
            staff[id] = name
        }
        var matters: [String: String] = [:]
        for try await (code, name) in try await client.query("SELECT code, name FROM matter WHERE origin = \(origin)", logger: logger).decode((String, String).self) {
            matters[code] = name
        }
        var methods: [String: String] = [:]
        var q = BoundQuery()
        q.sql = "SELECT matter_code, method FROM (\(Self.methods)) mt WHERE origin = \(q.bind(origin)) AND seal_id = \(q.bind(seal))"
        for try await (code, method) in try await client.query(q.query, logger: logger).decode((String, String).self) { methods[code] = method }
        return (staff, matters, methods)
    }

    /// The mirror checkpoint of a township, as exports name it (nil before the first upload).
    public func mirrorCheckpoint(origin: String) async throws -> CheckpointView? {
        guard let state = try await store.mirrorState(origin: origin), let note = state.checkpoint,
            let text = SignedNote(parsing: note)?.text, let checkpoint = Checkpoint(noteText: text)
        else { return nil }
        return CheckpointView(origin: origin, size: checkpoint.size, root: checkpoint.root.base64, rootHex: checkpoint.root.hex, time: checkpoint.time, note: note)
    }
}

extension CountyBook {
    /// The head of a bundle of one township's copy, as the township cuts it: the mirror checkpoint with the witness's
    /// cosignature (the witness cosigned a tree it extends), the entry range of the filter's dates, the boundary
    /// hashes (computed from the copy's leaves, which the county keeps no tree of) and the bound card certificates.
    public func bundleHead(origin: String, vkey: String, witnessKey: CosignerKey, _ filter: BookFilter) async throws -> BundleHead {
        guard let state = try await store.mirrorState(origin: origin), let stored = state.checkpoint, let signed = SignedNote(parsing: stored) else {
            throw SealError(.noCheckpoint, "the county holds no entries of \(origin) yet")
        }
        let cosignature = try witnessKey.cosign(noteText: signed.text, time: UInt64(Date().timeIntervalSince1970))
        let note = SignedNote(parsing: stored + cosignature.line)?.serialized ?? stored
        let size = state.size
        let (lower, upper) = filter.storedBounds(zone: settings.timeZone)
        var q = BoundQuery()
        q.sql = """
            SELECT MIN(seq), MAX(seq), (SELECT count(*) FROM journal WHERE origin = $1 AND time < $2 AND seq <= $4)
            FROM journal WHERE origin = $1 AND time >= $2 AND time < $3 AND seq <= $4
            """
        _ = (q.bind(origin), q.bind(lower), q.bind(upper), q.bind(size))
        var (first, last, before): (Int?, Int?, Int) = (nil, nil, 0)
        for try await (f, l, b) in try await client.query(q.query, logger: logger).decode((Int?, Int?, Int).self) { (first, last, before) = (f, l, b) }
        let begin = first.map { $0 - 1 } ?? before
        let end = last ?? begin
        var left: [TreeHash] = []
        for node in CompactRange.decomposition(0, begin) { left.append(try await subtree(origin: origin, node)) }
        var right: [TreeHash] = []
        for node in CompactRange.decomposition(end, size) { right.append(try await subtree(origin: origin, node)) }
        var certificates: [(seal: String, fingerprint: String, der: String)] = []
        let rows = try await client.query("SELECT entry FROM journal WHERE origin = \(origin) AND kind = 'card.bound' AND seq <= \(size) ORDER BY seq", logger: logger)
        for try await (text) in rows.decode(String.self) {
            guard let entry = JournalEntry(json: try JSONValue(parsing: text)), let seal = entry.payload["seal"]?.stringValue,
                let fingerprint = entry.payload["fingerprint"]?.stringValue, let der = entry.payload["certificate"]?.stringValue
            else { continue }
            certificates.append((seal, fingerprint, der))
        }
        return BundleHead(
            origin: origin, verifierKey: vkey, checkpointNote: note, size: size, begin: begin, end: end, left: left, right: right, certificates: certificates
        )
    }

    /// The hash of the perfect subtree (level, index): the leaves `index·2^level ..< (index+1)·2^level` of the copy.
    func subtree(origin: String, _ node: (level: Int, index: Int)) async throws -> TreeHash {
        var frontier = MerkleFrontier()
        let (from, to) = ((node.index << node.level) + 1, (node.index + 1) << node.level)
        var next = from
        // In pages: a subtree may span most of a long book.
        while next <= to {
            let page = try await journalSlice(origin: origin, from: next, to: to, limit: 10_000)
            guard let last = page.last else { throw SealError(.internalError, "the copy of \(origin) lacks entry \(next)") }
            for entry in page { frontier.append(entry.leaf) }
            next = last.seq + 1
        }
        return frontier.root
    }

    /// Entries with sequence numbers in `from…to`, at most `limit`: (seq, canonical text, leaf hash).
    public func journalSlice(origin: String, from: Int, to: Int, limit: Int) async throws -> [(seq: Int, entry: String, leaf: TreeHash)] {
        var out: [(seq: Int, entry: String, leaf: TreeHash)] = []
        let rows = try await client.query(
            "SELECT seq, entry FROM journal WHERE origin = \(origin) AND seq >= \(from) AND seq <= \(to) ORDER BY seq LIMIT \(limit)", logger: logger
        )
        for try await (seq, entry) in rows.decode((Int, String).self) { out.append((seq, entry, TreeHash.leaf(Array(entry.utf8)))) }
        return out
    }
}
