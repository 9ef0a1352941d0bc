import Foundation
import GRDB
import Synchronization
import SealBook
import SealCore
import SealWire

/// Which lines of the book to read.
public struct UseFilter: Sendable {
    public var seal: String?
    public var matter: String?
    public var user: String?
    public var request: String?
    /// One use by id.
    public var id: String?
    /// Local dates, inclusive.
    public var from: LocalDate?
    public var to: LocalDate?

    public init(
        seal: String? = nil, matter: String? = nil, user: String? = nil, request: String? = nil, id: String? = nil,
        from: LocalDate? = nil, to: LocalDate? = nil
    ) {
        self.id = id
        self.seal = seal
        self.matter = matter
        self.user = user
        self.request = request
        self.from = from
        self.to = to
    }
}

extension Register {
    /// `use.recorded` for a physical seal: by its custodian (or an admin), or by the carrier while it is out.
    public func recordUse(request id: String, count: Int, note: String?, actor: JournalActor, actorIsAdmin: Bool) async throws -> UseView {
        let settings = self.useSettings
        return try await writer.write(actor: actor) { w in
            let checked = try Self.checkUse(w.db, request: id, count: count, actor: actor, actorIsAdmin: actorIsAdmin, medium: .physical, now: w.now, settings: settings)
            return try Self.recordUse(w, checked, count: count, note: note, digest: checked.request.documentDigest, signed: nil, zone: settings.zone)
        }
    }

    /// Everything a card signature needs, checked before the card is asked: the rules, the binding and the statement.
    public struct SignedUsePlan: Sendable {
        public var binding: CardBinding
        public var statement: UseStatement
        public var note: String?
    }

    /// Checks an electronic use (all the usage rules, the requester signing, the document digest) and builds the
    /// statement the card will sign. Nothing is written: the use is recorded by `recordSignedUse` once signed.
    public func prepareSignedUse(request id: String, count: Int, digest: String?, note: String?, actor: JournalActor) async throws -> SignedUsePlan {
        let settings = self.useSettings
        let origin = self.origin
        return try await pool.read { db in
            let now = Date()
            let checked = try Self.checkUse(db, request: id, count: count, actor: actor, actorIsAdmin: false, medium: .electronic, now: now, settings: settings)
            let request = checked.request
            let documentSHA256 = try UsePolicy.signedDocument(presented: digest, approved: request.documentDigest, request: id)
            guard let binding = try Self.cardBinding(db, seal: checked.seal.id) else {
                throw SealError(.cardNotBound, "seal \(checked.seal.id) has no key card bound (seal bind-card)")
            }
            let statement = UseStatement(
                register: origin, seal: checked.seal.id, sealName: checked.seal.name, certificateSHA256: binding.fingerprint,
                request: request.id, matter: request.matter, caseNumber: request.caseNumber, documentSHA256: documentSHA256,
                count: count, time: JournalClock.timestamp(now), user: request.requester, approver: request.approval?.approver
            )
            return SignedUsePlan(binding: binding, statement: statement, note: note)
        }
    }

    /// `use.recorded` for an electronic seal: the rules are checked again (another use may have taken the last
    /// impression while the card signed), then the statement, signature and certificate fingerprint are stored.
    public func recordSignedUse(_ plan: SignedUsePlan, signature: [UInt8], actor: JournalActor) async throws -> UseView {
        let settings = self.useSettings
        return try await writer.write(actor: actor) { w in
            let statement = plan.statement
            let checked = try Self.checkUse(w.db, request: statement.request, count: statement.count, actor: actor, actorIsAdmin: false, medium: .electronic, now: w.now, settings: settings)
            guard try Self.cardBinding(w.db, seal: statement.seal)?.fingerprint == plan.binding.fingerprint else {
                throw SealError(.cardMismatch, "seal \(statement.seal)'s key card changed while signing")
            }
            let signed = SignedParts(fingerprint: plan.binding.fingerprint, statement: String(decoding: statement.bytes, as: UTF8.self), signature: Data(signature).base64EncodedString())
            return try Self.recordUse(w, checked, count: statement.count, note: plan.note, digest: statement.documentSHA256, signed: signed, zone: settings.zone)
        }
    }

    struct CheckedUse {
        var request: UseRequest
        var seal: Seal
        var recorder: Staff
        var urgentBeforeApproval: Bool
    }

    struct SignedParts {
        var fingerprint: String
        var statement: String
        var signature: String
    }

    /// The usage rules for one use of `medium`, read inside the caller's transaction.
    static func checkUse(
        _ db: Database, request id: String, count: Int, actor: JournalActor, actorIsAdmin: Bool, medium: Seal.Medium, now: Date,
        settings: UsePolicySettings
    ) throws -> CheckedUse {
        let recorder = try actingStaff(db, actor)
        guard let request = try request(db, id: id) else { throw SealError(.unknownRequest, "no request \(id)") }
        guard let seal = try seal(db, id: request.seal) else { throw SealError(.unknownSeal, "no seal \(request.seal)") }
        try UsePolicy.checkMedium(seal, recordedAs: medium)
        let carrier: String? = medium == .physical ? try openCarryOut(db, seal: seal.id).map { $0["carrier"] } : nil
        let urgentBeforeApproval = try UsePolicy.checkUse(.init(
            request: request, count: count, now: now, recorder: recorder.id, recorderIsAdmin: actorIsAdmin,
            custodian: seal.custodian, carrier: carrier, electronic: medium == .electronic
        ))
        try UsePolicy.checkDelegation(try policyFacts(db, seal: seal, matter: request.matter, purpose: request.purpose, now: now, settings: settings))
        return CheckedUse(request: request, seal: seal, recorder: recorder, urgentBeforeApproval: urgentBeforeApproval)
    }

    /// Records one line of the book (`use.recorded`, and `request.exhausted` when it took the last approved
    /// impression) and answers with the line as the book shows it. The 序号 and the line's time (the statement's,
    /// for a signed use) are the projection's.
    static func recordUse(
        _ w: JournalTransaction, _ checked: CheckedUse, count: Int, note: String?, digest: String?, signed: SignedParts?, zone: TimeZone
    ) throws -> UseView {
        let request = checked.request
        // Uses are never deleted, so the rowid counts them (in O(log n), where COUNT(*) walks the whole table).
        let useID = RegisterID.use((try Int.fetchOne(w.db.cachedStatement(sql: "SELECT MAX(rowid) FROM use_record")) ?? 0) + 1)
        try w.record(.useRecorded(.init(
            use: useID, request: request.id, seal: request.seal, matter: request.matter, caseNumber: request.caseNumber,
            reason: request.reason, count: count, user: request.requester, recorder: checked.recorder.id, approver: request.approval?.approver,
            urgent: checked.urgentBeforeApproval || request.urgent, medium: signed == nil ? .physical : .electronic, documentDigest: digest,
            note: note, statement: signed?.statement, signature: signed?.signature, certificateFingerprint: signed?.fingerprint
        )), subject: request.seal)
        if UsePolicy.exhausts(request, count: count) {
            try w.record(.requestExhausted(.init(request: request.id)), subject: request.id)
        }
        // A line written in this transaction has no corrections yet: their look-up is left out.
        return try useLines(w.db, UseFilter(id: useID), limit: 1, after: nil, zone: zone, corrected: false)[0]
    }

    /// `use.corrected`: a new entry referencing the use; the original line is never edited in the journal.
    public func correctUse(id: String, count: Int, reason: String, actor: JournalActor) async throws -> UseView {
        let settings = self.useSettings
        return try await writer.write(actor: actor) { w in
            let db = w.db
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM use_record WHERE id = ?"), arguments: [id]) else {
                throw SealError(.unknownUse, "no use \(id)")
            }
            let old: Int = row["effective_count"]
            let recorded: Int = row["count"]
            let requestID: String = row["request_id"]
            let request = try Self.request(db, id: requestID)!
            let raised = try Int.fetchOne(db.cachedStatement(sql: "SELECT MAX(new_count) FROM use_correction WHERE use_id = ?"), arguments: [id]) ?? 0
            // The rule refuses what may not be; the projection makes the same arithmetic on the tables.
            _ = try UsePolicy.correct(request, use: .init(current: old, highest: max(recorded, raised)), to: count, reason: reason)
            try w.record(.useCorrected(.init(use: id, request: requestID, from: old, to: count, reason: reason)), subject: row["seal_id"])
            return try Self.useLines(db, UseFilter(id: id), limit: 1, after: nil, zone: settings.zone)[0]
        }
    }

    /// A page of the book under `filter` as the API answers it, each stored time shown in `timesIn`: the bytes of
    /// the `UsePageView` of `useLines` (the same lines as views), written straight from the rows (`BookLineQuery.page`).
    public func usePage(_ filter: UseFilter, limit: Int, after: String?, timesIn: TimeZone) async throws -> PageBytes {
        let zone = useSettings.zone
        return try await pool.read { db in
            guard let (sql, arguments) = try Self.useQuery(db, filter, limit: limit, after: after, zone: zone, select: BookLineQuery.pageSelect) else {
                var empty: [UInt8] = []
                UsePageView.open(next: nil, &empty)
                UsePageView.close(&empty)
                return PageBytes(bytes: empty, start: 0)
            }
            return try BookLineQuery.page(db, sql, arguments, limit: limit, zone: zone, timesIn: timesIn)
        }
    }

    /// A page of the book under `filter` as the paper register shows it (`BookLinesPage`): the lines of `usePage`,
    /// in the same order and paged by the same cursor, as their cells in `headers`' language.
    public func bookLinesPage(_ filter: UseFilter, limit: Int, after: String?, headers: BookTable.Headers) async throws -> PageBytes {
        let head = Mutex<[UInt8]>([])
        let rest = try await bookLinesPage(filter, limit: limit, after: after, headers: headers) { bytes in head.withLock { $0 = bytes } }
        return PageBytes(bytes: head.withLock { $0 } + rest, start: 0)
    }

    /// The page of `bookLinesPage` in two parts: its head (`BookLinesPage.open`: the columns and the cursor) handed
    /// to `head` before any line is made, and the rest (the lines and the close) returned, both from one read. A
    /// client paging through the book asks for the next page as soon as it has this one's cursor, so the daemon
    /// makes the two pages at once, on two of the pool's readers, instead of one after the other.
    public func bookLinesPage(
        _ filter: UseFilter, limit: Int, after: String?, headers: BookTable.Headers, head: @escaping @Sendable ([UInt8]) -> Void
    ) async throws -> [UInt8] {
        let zone = useSettings.zone
        return try await pool.read { db in
            var open: [UInt8] = []
            guard let (sql, arguments) = try Self.useQuery(db, filter, limit: limit, after: after, zone: zone, select: BookLineQuery.linesSelect) else {
                BookLinesPage.open(columns: BookTable.columns(headers), next: nil, &open)
                head(open)
                var close: [UInt8] = []
                BookLinesPage.close(&close)
                return close
            }
            // The page's last line, found first (its `limit`-th), is the next page's cursor: on the index the page
            // is read on, unless a matter or a user is asked for. Those are read from the lines, so a few lines
            // of theirs in a long book would be looked for twice; their head waits for the lines instead.
            guard filter.matter == nil, filter.user == nil else {
                let (lines, next) = try BookLineQuery.linesPage(db, sql, arguments, limit: limit, zone: zone, headers: headers)
                BookLinesPage.open(columns: BookTable.columns(headers), next: next, &open)
                head(open)
                return lines
            }
            let next = try Self.useQuery(db, filter, limit: 1, after: after, zone: zone, select: BookLineQuery.idSelect).flatMap { sql, arguments in
                var arguments = arguments
                _ = arguments.append(contentsOf: [limit - 1])
                return try String.fetchOne(db.cachedStatement(sql: sql + " OFFSET ?"), arguments: arguments)
            }
            BookLinesPage.open(columns: BookTable.columns(headers), next: next, &open)
            head(open)
            let (lines, ending) = try BookLineQuery.linesPage(db, sql, arguments, limit: limit, zone: zone, headers: headers)
            // Both queries read the same rows of one snapshot on the same index, so they agree: a difference is a bug,
            // and the answer ends short of its close rather than with a page its cursor does not follow.
            guard ending == next else {
                throw DatabaseError(message: "the page's lines end at \(ending ?? "the book's end"), not at its cursor \(next ?? "(none)")")
            }
            return lines
        }
    }

    /// `corrected`: false when the lines cannot have corrections (written in the caller's transaction), so they are
    /// not looked for.
    static func useLines(_ db: Database, _ filter: UseFilter, limit: Int, after: String?, zone: TimeZone, corrected: Bool = true) throws -> [UseView] {
        guard let (sql, arguments) = try useQuery(db, filter, limit: limit, after: after, zone: zone) else { return [] }
        let lines = try BookLineQuery.lines(db, sql, arguments)
        let corrections = corrected ? try BookLineQuery.corrections(db, uses: lines.map(\.id)) : [:]
        return lines.map { $0.useView(corrections: corrections[$0.id] ?? [], zone: zone) }
    }

    /// The book line query (`select`: `BookLineQuery.select`, or `pageSelect` for a page written from the rows) with
    /// the conditions of a page under `filter`; nil when the filter's window holds none of its seal's uses.
    static func useQuery(
        _ db: Database, _ filter: UseFilter, limit: Int, after: String?, zone: TimeZone, select: String = BookLineQuery.select
    ) throws -> (String, StatementArguments)? {
        // 序号 are stored with the line, so no filter renumbers the book and no page counts what came before it.
        // One seal's book is read in 序号 order on its (seal, serial) index; the whole book in time order.
        var sql = select + " WHERE 1 = 1"
        var arguments: StatementArguments = []
        func add(_ clause: String, _ values: [(any DatabaseValueConvertible)?]) {
            sql += " AND \(clause)"
            _ = arguments.append(contentsOf: StatementArguments(values))
        }
        let (lower, upper) = bounds(BookFilter(from: filter.from, to: filter.to), zone: zone)
        let cursor = try after.map { id -> Row in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT seal_id, serial, time, rowid FROM use_record WHERE id = ?"), arguments: [id]) else {
                throw SealError(.invalidField, "after \(id): no such use")
            }
            return row
        }
        if let id = filter.id { add("u.id = ?", [id]) }
        if let request = filter.request { add("u.request_id = ?", [request]) }
        let order: String
        if let seal = filter.seal {
            add("u.seal_id = ?", [seal])
            if filter.id == nil, filter.request == nil, filter.from != nil || filter.to != nil {
                guard let window = try BookLineQuery.serials(db, seal: seal, lower: lower, upper: upper) else { return nil }
                add("u.serial BETWEEN ? AND ?", [window.lowerBound, window.upperBound])
            }
            if let cursor { add("u.serial > ?", [cursor["serial"] as Int]) }
            order = "u.serial"
        } else {
            if let cursor { add("(u.time, u.rowid) > (?, ?)", [cursor["time"] as String, cursor["rowid"] as Int64]) }
            order = "u.time, u.rowid"
        }
        if filter.from != nil { add("u.time >= ?", [lower]) }
        if filter.to != nil { add("u.time < ?", [upper]) }
        if let matter = filter.matter { add("u.matter_code = ?", [matter]) }
        if let user = filter.user { add("u.user = ?", [user]) }
        sql += " ORDER BY \(order) LIMIT ?"
        _ = arguments.append(contentsOf: [limit])
        return (sql, arguments)
    }

    /// Journals a refusal of a usage action with the caller and the code, before the caller hears it.
    public func journalRefusal(action: String, error: SealError, subject: String?, details: [String: JSONValue], actor: JournalActor) async {
        // A refusal that is itself about storage cannot be journaled; everything else must be.
        guard error.code != .storageUnavailable, error.code != .journalTampered, error.code != .registerTampered else { return }
        let refusal = JournalEvent.Refusal(
            action: action, code: error.code.rawValue, message: error.message, seal: details["seal"]?.stringValue,
            matter: details["matter"]?.stringValue, request: details["request"]?.stringValue, use: details["use"]?.stringValue,
            count: details["count"]?.intValue.map { Int($0) }, caseNumber: details["case_number"]?.stringValue
        )
        _ = try? await writer.write(actor: actor) { w in try w.record(.refused(refusal), subject: subject) }
    }
}
