import Foundation
import GRDB
import SealBook
import SealCore
import SealWire

extension UseRequest {
    init(row: Row) {
        var approval: Approval?
        if let approver: String = row["approver"] {
            approval = Approval(approver: approver, count: row["approved_count"], until: row["approved_until"], at: row["approved_at"])
        }
        var denial: Denial?
        if let by: String = row["denied_by"] {
            denial = Denial(by: by, reason: row["denial_reason"], at: row["denied_at"])
        }
        self.init(
            id: row["id"], seal: row["seal_id"], matter: row["matter_code"], caseNumber: row["case_number"],
            purpose: Purpose(rawValue: row["purpose"]) ?? .other, reason: row["reason"], count: row["count"],
            documentDigest: row["document_digest"], urgent: row["urgent"], requester: row["requester"],
            createdAt: row["created_at"], status: Status(rawValue: row["status"]) ?? .pending, approval: approval,
            denial: denial, used: row["used"], made: row["made"]
        )
    }
}

extension Register {
    /// The staff member behind an actor, required for anything a person must sign for (用印人, 批准人).
    static func actingStaff(_ db: Database, _ actor: JournalActor) throws -> Staff {
        guard let id = actor.staff else {
            throw SealError(
                .staffRequired,
                "this must be done as a registered staff member: link your Unix user to a staff record, or use a trusted tool with --as"
            )
        }
        return try activeStaff(db, id: id, as: "acting")
    }

    /// The facts the use rules need for this seal and matter, loaded in the caller's transaction.
    static func policyFacts(_ db: Database, seal sealID: String, matter code: String, purpose: UseRequest.Purpose, now: Date, settings: UsePolicySettings) throws -> UsePolicy.Facts {
        guard let seal = try Self.seal(db, id: sealID) else { throw SealError(.unknownSeal, "no seal \(sealID)") }
        return try policyFacts(db, seal: seal, matter: code, purpose: purpose, now: now, settings: settings)
    }

    /// The same for a seal already loaded. The covering delegations come in one query, each with only this seal and
    /// this matter (what the rules look at), however many matters it delegates.
    static func policyFacts(_ db: Database, seal: Seal, matter code: String, purpose: UseRequest.Purpose, now: Date, settings: UsePolicySettings) throws -> UsePolicy.Facts {
        guard let matter = try Self.matter(db, code: code) else { throw SealError(.unknownMatter, "no matter \(code)") }
        let covering = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT d.*, dm.method FROM delegation_seal ds JOIN delegation d ON d.id = ds.delegation_id
            JOIN delegation_matter dm ON dm.delegation_id = ds.delegation_id AND dm.matter_code = ?
            WHERE ds.seal_id = ? ORDER BY d.id
            """), arguments: [code, seal.id]) { row in
            Delegation(row: row, seals: [seal.id], matters: [.init(code: code, method: Delegation.Method(rawValue: row["method"]) ?? .acceptance)])
        }
        return UsePolicy.Facts(
            seal: seal, matter: matter, covering: covering, today: LocalDate.today(now, timeZone: settings.zone), purpose: purpose,
            requireFiling: settings.requireFiling
        )
    }

    /// `request.created`: checked against every rule now, so a request that could never be used is refused at once.
    public func createRequest(_ new: NewUseRequest, actor: JournalActor) async throws -> UseRequest {
        let settings = self.useSettings
        return try await writer.write(actor: actor) { w in
            let (db, now) = (w.db, w.now)
            let requester = try Self.actingStaff(db, actor)
            try UsePolicy.checkReason(new.reason)
            try UsePolicy.checkCount(new.count, max: settings.maxCount)
            try UsePolicy.checkCaseNumber(new.caseNumber)
            let digest = try UsePolicy.checkDigest(new.documentDigest)
            let facts = try Self.policyFacts(db, seal: new.seal, matter: new.matter, purpose: new.purpose, now: now, settings: settings)
            let delegation = try UsePolicy.checkDelegation(facts)
            // Requests are never deleted, so the rowid counts them in O(log n) (COUNT(*) walks the table).
            let count = try Int.fetchOne(db.cachedStatement(sql: "SELECT MAX(rowid) FROM use_request")) ?? 0
            let request = UseRequest(
                id: RegisterID.request(count + 1), seal: new.seal, matter: new.matter, caseNumber: new.caseNumber,
                purpose: new.purpose, reason: new.reason, count: new.count, documentDigest: digest, urgent: new.urgent ?? false,
                requester: requester.id, createdAt: JournalClock.timestamp(now)
            )
            try w.record(.requestCreated(.init(request: request, delegation: delegation.id)), subject: request.id)
            return request
        }
    }

    /// `request.approved`: by someone other than the requester, for at most the requested count, until `until`
    /// (default: the end of the local day).
    public func approveRequest(id: String, count: Int?, until: Date?, actor: JournalActor) async throws -> UseRequest {
        let settings = self.useSettings
        return try await writer.write(actor: actor) { w in
            let (db, now) = (w.db, w.now)
            let approver = try Self.actingStaff(db, actor)
            guard var request = try Self.request(db, id: id) else { throw SealError(.unknownRequest, "no request \(id)") }
            guard approver.id != request.requester else {
                throw SealError(.selfApproval, "\(approver.id) requested \(id) and cannot approve it")
            }
            guard request.status == .pending else {
                throw SealError(.illegalRequestState, "request \(id) is \(request.effectiveStatus(now: now).rawValue), not pending")
            }
            let approved = count ?? request.count
            guard approved >= 1, approved <= request.count else {
                throw SealError(.invalidField, "the approved count must be between 1 and the \(request.count) requested")
            }
            guard approved >= request.made else {
                throw SealError(.invalidField, "\(request.made) impressions were already made urgently; approve at least that many")
            }
            // Default: the last second of today in the register's time zone.
            let deadline = until ?? LocalDate.today(now, timeZone: settings.zone).end(in: settings.zone).addingTimeInterval(-1)
            guard deadline > now else { throw SealError(.invalidField, "the approval must be valid until a time in the future") }
            // Rules are checked again: the seal or delegation may have changed since the request.
            try UsePolicy.checkDelegation(try Self.policyFacts(db, seal: request.seal, matter: request.matter, purpose: request.purpose, now: now, settings: settings))
            request.approval = .init(approver: approver.id, count: approved, until: JournalClock.timestamp(deadline), at: JournalClock.timestamp(now))
            request.status = request.made >= approved ? .exhausted : .approved
            try w.record(.requestApproved(.init(request: id, approver: approver.id, count: approved, until: request.approval!.until)), subject: id)
            return request
        }
    }

    /// `request.denied`, with a reason.
    public func denyRequest(id: String, reason: String, actor: JournalActor) async throws -> UseRequest {
        try await writer.write(actor: actor) { w in
            let (db, now) = (w.db, w.now)
            let approver = try Self.actingStaff(db, actor)
            guard var request = try Self.request(db, id: id) else { throw SealError(.unknownRequest, "no request \(id)") }
            guard approver.id != request.requester else {
                throw SealError(.selfApproval, "\(approver.id) requested \(id) and cannot decide on it; cancel it instead")
            }
            guard request.status == .pending else {
                throw SealError(.illegalRequestState, "request \(id) is \(request.status.rawValue), not pending")
            }
            guard ReasonText.isMeaningful(reason) else { throw SealError(.invalidField, "a denial needs a reason") }
            request.status = .denied
            request.denial = .init(by: approver.id, reason: reason, at: JournalClock.timestamp(now))
            try w.record(.requestDenied(.init(request: id, by: approver.id, reason: reason)), subject: id)
            return request
        }
    }

    /// `request.cancelled`, by the requester, before any use.
    public func cancelRequest(id: String, actor: JournalActor) async throws -> UseRequest {
        try await writer.write(actor: actor) { w in
            let db = w.db
            let staff = try Self.actingStaff(db, actor)
            guard var request = try Self.request(db, id: id) else { throw SealError(.unknownRequest, "no request \(id)") }
            guard staff.id == request.requester else {
                throw SealError(.notRequester, "only the requester (\(request.requester)) can cancel \(id)")
            }
            guard request.status == .pending || request.status == .approved, request.made == 0 else {
                throw SealError(.illegalRequestState, "request \(id) is \(request.status.rawValue)\(request.made > 0 ? " and has uses" : ""); it cannot be cancelled")
            }
            request.status = .cancelled
            try w.record(.requestCancelled(.init(request: id)), subject: id)
            return request
        }
    }

    /// Requests newest first (`status` may also be `urgent-unresolved`), a page of at most `limit` after the request `after` (the previous page's `next`), with
    /// the id to ask after for the next page (nil on the last). Filtered by status in SQL on the status index, then
    /// by what depends on the time asked (a lapsed approval, an urgent window): a page reads about as many rows as
    /// it shows, however many requests the register holds.
    public func requests(status: String?, requester: String?, limit: Int, after: String?) async throws -> (requests: [UseRequestView], next: String?) {
        let settings = self.useSettings
        return try await pool.read { db in
            let now = Date()
            var before = Int64.max
            if let after {
                guard let rowid = try Int64.fetchOne(db.cachedStatement(sql: "SELECT rowid FROM use_request WHERE id = ?"), arguments: [after]) else {
                    throw SealError(.invalidField, "after \(after): no such request")
                }
                before = rowid
            }
            let sql = Self.requestListSQL(status: status, byRequester: requester != nil)
            let arguments: StatementArguments = requester.map { [$0] } ?? []
            // Read in chunks until the page is full and one more request shows that another page follows.
            let chunk = limit + 1
            var page: [UseRequestView] = []
            while true {
                let rows = try Row.fetchAll(db.cachedStatement(sql: sql), arguments: [before] + arguments + [chunk])
                for row in rows {
                    before = row["list_rowid"]
                    let request = UseRequest(row: row)
                    guard request.isListed(as: status, now: now, urgentWindow: settings.urgentWindow) else { continue }
                    if page.count == limit { return (page, page.last?.request.id) }
                    page.append(Self.view(request, now: now, settings: settings, uses: []))
                }
                if rows.count < chunk { return (page, nil) }
            }
        }
    }

    /// The request list's query: requests before a rowid, newest first, of the stored statuses `status` can show
    /// (constants from `UseRequest.Status`), by one requester when `byRequester`; arguments: the rowid, the
    /// requester, the limit.
    static func requestListSQL(status: String?, byRequester: Bool) -> String {
        var sql = "SELECT rowid AS list_rowid, * FROM use_request WHERE rowid < ?"
        if let stored = UseRequest.storedStatuses(listedAs: status) {
            sql += " AND status IN (" + stored.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"
        }
        if status == "urgent-unresolved" { sql += " AND urgent = 1 AND made > 0" }
        if byRequester { sql += " AND requester = ?" }
        return sql + " ORDER BY rowid DESC LIMIT ?"
    }

    public func requestView(id: String) async throws -> UseRequestView {
        let settings = self.useSettings
        return try await pool.read { db in
            guard let request = try Self.request(db, id: id) else { throw SealError(.unknownRequest, "no request \(id)") }
            return Self.view(
                request, now: Date(), settings: settings, uses: try Self.useLines(db, UseFilter(request: id), limit: 10_000, after: nil, zone: settings.zone)
            )
        }
    }

    /// A request as people see it at `now`: its state, what remains of its approval, whether it is urgent and
    /// unresolved.
    static func view(_ request: UseRequest, now: Date, settings: UsePolicySettings, uses: [UseView]) -> UseRequestView {
        let state = request.effectiveStatus(now: now)
        return UseRequestView(
            request: request, state: state, remaining: state == .approved ? request.remaining : 0,
            urgentUnresolved: request.isUrgentUnresolved(now: now, window: settings.urgentWindow), uses: uses
        )
    }

    static func request(_ db: Database, id: String) throws -> UseRequest? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM use_request WHERE id = ?"), arguments: [id], as: UseRequest.init(row:))
    }
}
