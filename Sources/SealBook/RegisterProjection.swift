import Foundation
import SealCore

/// One stored value of a registry table, as any SQL store holds it.
public enum Cell: Sendable, Hashable, CustomStringConvertible {
    case null
    case int(Int64)
    case text(String)
    case blob([UInt8])

    public static func text(_ value: String?) -> Cell { value.map { .text($0) } ?? .null }
    public static func bool(_ value: Bool) -> Cell { .int(value ? 1 : 0) }
    public static func int(_ value: Int) -> Cell { .int(Int64(value)) }

    public var description: String {
        switch self {
        case .null: "NULL"
        case .int(let n): "\(n)"
        case .text(let s): "'\(s)'"
        case .blob(let b): "x'\(Hex.lowercase(b))'"
        }
    }

    public var intValue: Int? { if case .int(let n) = self { Int(n) } else { nil } }
    public var textValue: String? { if case .text(let s) = self { s } else { nil } }
}

/// A registry table's row by column name.
public typealias TableRow = [String: Cell]

/// What an event does to the registry tables.
public enum RowChange: Sendable, Equatable {
    case insert(table: String, row: TableRow)
    /// Inserts the row, or updates the row with the same `key` columns.
    case upsert(table: String, key: [String], row: TableRow)
    case update(table: String, key: TableRow, set: TableRow)
    case delete(table: String, key: TableRow)
}

/// A row the projection reads before it can say what an event changes (the stores answer these; the projection
/// itself never touches storage).
public enum ProjectionRead: Sendable, Hashable {
    /// The `use_request` row.
    case request(String)
    /// The `use_record` row.
    case use(String)
    /// `["max": n]`: the highest 序号 of the seal's uses (NULL when it has none).
    case highestSerial(seal: String)
    /// `["max": n]`: the highest count a use's corrections have set (NULL when it has none).
    case highestCorrection(use: String)
    /// The seal's `carry_out` row with no return yet.
    case openCarryOut(seal: String)
}

/// The journal as the single source of the registry tables: one pure function from an event (with the entry's
/// time and actor, and the few rows it reads) to the changes it makes. The township applies it to SQLite in the
/// transaction that appends the entry; the county applies the same function to its PostgreSQL copy; replaying a
/// journal through it rebuilds every table exactly.
public enum RegisterProjection {
    /// The registry tables the projection writes, in the order a replay fills them.
    public static let tables = [
        "staff", "matter", "seal", "delegation", "delegation_seal", "delegation_matter", "carry_out", "use_request",
        "use_record", "use_correction", "seal_card",
    ]

    /// What `changes` needs to read for this event.
    public static func reads(for event: JournalEvent) -> [ProjectionRead] {
        switch event {
        case .requestApproved(let e): [.request(e.request)]
        case .useRecorded(let e): [.request(e.request), .highestSerial(seal: e.seal)]
        case .useCorrected(let e): [.request(e.request), .use(e.use), .highestCorrection(use: e.use)]
        case .custodyReturned(let e): [.openCarryOut(seal: e.seal)]
        default: []
        }
    }

    /// The `subject` column the township writes beside an entry (what the entry is about, for history and the
    /// reports), from the entry and the rows `reads(for:)` named: a mirror has only the entry, the township's
    /// writer chose it when it appended. Nil where the township writes none.
    public static func subject(for event: JournalEvent, reads: [ProjectionRead: TableRow]) -> String? {
        switch event {
        case .staffAdded(let s): s.id
        case .staffDisabled(let e): e.id
        case .matterAdded(let m), .matterUpdated(let m): m.code
        case .sealAdded(let s): s.id
        case .sealTransitioned(let e): e.seal
        case .delegationAdded(let d): d.id
        case .delegationRevoked(let e): e.delegation
        case .custodyHandover(let e): e.seal
        case .custodyCarriedOut(let e): e.seal
        case .custodyReturned(let e): e.seal
        case .cardBound(let e): e.seal
        case .cardUnbound(let e): e.seal
        // A card event is about the seal whose card it is, else the reader.
        case .cardObserved(let e): (e.seal ?? nil) ?? e.reader
        case .requestCreated(let e): e.request.id
        case .requestApproved(let e): e.request
        case .requestDenied(let e): e.request
        case .requestCancelled(let e): e.request
        case .requestExhausted(let e): e.request
        case .useRecorded(let u): u.seal
        case .useCorrected(let c): reads[.use(c.use)]?["seal_id"]?.textValue
        // A refusal is about what the refused action named first: the seal (a request or an unlock), else the request
        // (approving, denying, cancelling, recording, signing), else the use (a correction).
        case .refused(let r): r.seal ?? r.request ?? r.use
        }
    }

    /// The changes `event`, journaled at `time` by `actor`, makes, given the rows `reads(for:)` named.
    public static func changes(
        for event: JournalEvent, time: String, actor: JournalActor, reads: [ProjectionRead: TableRow]
    ) throws -> [RowChange] {
        func read(_ what: ProjectionRead) throws -> TableRow {
            guard let row = reads[what] else { throw ProjectionError.missing(what) }
            return row
        }
        switch event {
        case .staffAdded(let s):
            return [.insert(table: "staff", row: [
                "id": .text(s.id), "name": .text(s.name), "roles": .text(s.roles.map(\.rawValue).joined(separator: ",")),
                "unix_user": .text(s.unixUser), "disabled": .bool(false),
            ])]
        case .staffDisabled(let e):
            return [.update(table: "staff", key: ["id": .text(e.id)], set: ["disabled": .bool(true)])]
        case .matterAdded(let m), .matterUpdated(let m):
            return [.upsert(table: "matter", key: ["code"], row: [
                "code": .text(m.code), "name": .text(m.name), "category": .text(m.category.rawValue), "power_type": .text(m.powerType?.rawValue),
                "delegating_department": .text(m.delegatingDepartment), "supervising_department": .text(m.supervisingDepartment),
                "cross_township": .bool(m.crossTownship), "non_delegable": .bool(m.nonDelegable),
            ])]
        case .sealAdded(let s):
            return [.insert(table: "seal", row: [
                "id": .text(s.id), "name": .text(s.name), "kind": .text(s.kind.rawValue), "medium": .text(s.medium.rawValue),
                "owner": .text(s.owner), "holder": .text(s.holder), "custodian": .text(s.custodian), "status": .text(s.status.rawValue),
            ])]
        case .sealTransitioned(let e):
            return [.update(table: "seal", key: ["id": .text(e.seal)], set: ["status": .text(e.to.rawValue)])]
        case .delegationAdded(let d):
            return [.insert(table: "delegation", row: [
                "id": .text(d.id), "agreement_number": .text(d.agreementNumber), "delegating_department": .text(d.delegatingDepartment),
                "township": .text(d.township), "supervising_department": .text(d.supervisingDepartment),
                "valid_from": .text(d.validFrom.description), "valid_to": .text(d.validTo.description),
                "filing_number": .text(d.filing?.number), "filed_on": .text(d.filing?.filedOn.description),
                "revoked_at": .null, "revocation_reason": .null,
            ])]
                + d.seals.map { .insert(table: "delegation_seal", row: ["delegation_id": .text(d.id), "seal_id": .text($0)]) }
                + d.matters.map {
                    .insert(table: "delegation_matter", row: ["delegation_id": .text(d.id), "matter_code": .text($0.code), "method": .text($0.method.rawValue)])
                }
        case .delegationRevoked(let e):
            return [.update(table: "delegation", key: ["id": .text(e.delegation)], set: ["revoked_at": .text(time), "revocation_reason": .text(e.reason)])]
        case .custodyHandover(let e):
            return [.update(table: "seal", key: ["id": .text(e.seal)], set: ["custodian": .text(e.to)])]
        case .custodyCarriedOut(let e):
            return [.insert(table: "carry_out", row: [
                "seal_id": .text(e.seal), "carrier": .text(e.carrier), "reason": .text(e.reason), "approver": .text(e.approver),
                "due": .text(e.due), "out_at": .text(time), "returned_at": .null,
            ])]
        case .custodyReturned(let e):
            let open = try read(.openCarryOut(seal: e.seal))
            return [.update(table: "carry_out", key: ["id": open["id"] ?? .null], set: ["returned_at": .text(time)])]
        case .cardBound(let e):
            guard let certificate = Data(base64Encoded: e.certificate) else { throw ProjectionError.invalid("card.bound certificate is not base64") }
            return [.insert(table: "seal_card", row: [
                "seal_id": .text(e.seal), "fingerprint": .text(e.fingerprint), "certificate": .blob(Array(certificate)),
                "subject": .text(e.subject), "reader": .text(e.reader), "bound_at": .text(time), "bound_by": .text(actor.staff),
            ])]
        case .cardUnbound(let e):
            return [.delete(table: "seal_card", key: ["seal_id": .text(e.seal)])]
        case .cardObserved, .refused:
            return []
        case .requestCreated(let e):
            let r = e.request
            return [.insert(table: "use_request", row: [
                "id": .text(r.id), "seal_id": .text(r.seal), "matter_code": .text(r.matter), "case_number": .text(r.caseNumber),
                "purpose": .text(r.purpose.rawValue), "reason": .text(r.reason), "count": .int(r.count), "document_digest": .text(r.documentDigest),
                "urgent": .bool(r.urgent), "requester": .text(r.requester), "created_at": .text(r.createdAt), "status": .text(UseRequest.Status.pending.rawValue),
                "approver": .null, "approved_count": .null, "approved_until": .null, "approved_at": .null,
                "denied_by": .null, "denial_reason": .null, "denied_at": .null, "used": .int(0), "made": .int(0),
            ])]
        case .requestApproved(let e):
            let made = try read(.request(e.request))["made"]?.intValue ?? 0
            return [.update(table: "use_request", key: ["id": .text(e.request)], set: [
                "status": .text((made >= e.count ? UseRequest.Status.exhausted : .approved).rawValue), "approver": .text(e.approver),
                "approved_count": .int(e.count), "approved_until": .text(e.until), "approved_at": .text(time),
            ])]
        case .requestDenied(let e):
            return [.update(table: "use_request", key: ["id": .text(e.request)], set: [
                "status": .text(UseRequest.Status.denied.rawValue), "denied_by": .text(e.by), "denial_reason": .text(e.reason), "denied_at": .text(time),
            ])]
        case .requestCancelled(let e):
            return [.update(table: "use_request", key: ["id": .text(e.request)], set: ["status": .text(UseRequest.Status.cancelled.rawValue)])]
        case .requestExhausted(let e):
            return [.update(table: "use_request", key: ["id": .text(e.request)], set: ["status": .text(UseRequest.Status.exhausted.rawValue)])]
        case .useRecorded(let u):
            let request = try read(.request(u.request))
            let serial = (try read(.highestSerial(seal: u.seal))["max"]?.intValue ?? 0) + 1
            // A signed use is dated by its statement (the card signed that time); a physical one by its entry.
            let usedAt = try u.statement.map { try JSONValue(parsing: $0)["time"]?.stringValue ?? time } ?? time
            let used = (request["used"]?.intValue ?? 0) + u.count
            let made = (request["made"]?.intValue ?? 0) + u.count
            let status = request["status"]?.textValue ?? ""
            let exhausted = status == UseRequest.Status.approved.rawValue && made >= (request["approved_count"]?.intValue ?? 0)
            return [
                .insert(table: "use_record", row: [
                    "id": .text(u.use), "serial": .int(serial), "request_id": .text(u.request), "seal_id": .text(u.seal), "matter_code": .text(u.matter),
                    "case_number": .text(u.caseNumber), "reason": .text(u.reason), "count": .int(u.count), "effective_count": .int(u.count),
                    "user": .text(u.user), "recorder": .text(u.recorder), "approver": .text(u.approver), "urgent": .bool(u.urgent), "note": .text(u.note),
                    "document_digest": .text(u.documentDigest), "time": .text(usedAt), "medium": .text(u.medium.rawValue),
                    "certificate_fingerprint": .text(u.certificateFingerprint), "statement": .text(u.statement), "signature": .text(u.signature),
                ]),
                .update(table: "use_request", key: ["id": .text(u.request)], set: [
                    "used": .int(used), "made": .int(made), "status": .text(exhausted ? UseRequest.Status.exhausted.rawValue : status),
                ]),
            ]
        case .useCorrected(let c):
            let request = try read(.request(c.request))
            let use = try read(.use(c.use))
            let raised = try read(.highestCorrection(use: c.use))["max"]?.intValue ?? 0
            let highest = max(use["count"]?.intValue ?? 0, raised)
            let used = (request["used"]?.intValue ?? 0) - c.from + c.to
            let made = (request["made"]?.intValue ?? 0) + max(0, c.to - highest)
            var status = request["status"]?.textValue ?? ""
            if status == UseRequest.Status.approved.rawValue, let approved = request["approved_count"]?.intValue, made >= approved {
                status = UseRequest.Status.exhausted.rawValue
            }
            return [
                .insert(table: "use_correction", row: [
                    "use_id": .text(c.use), "new_count": .int(c.to), "reason": .text(c.reason),
                    "corrected_by": .text(actor.staff ?? actor.user.map { "user:\($0)" }), "at": .text(time),
                ]),
                .update(table: "use_record", key: ["id": .text(c.use)], set: ["effective_count": .int(c.to)]),
                .update(table: "use_request", key: ["id": .text(c.request)], set: ["used": .int(used), "made": .int(made), "status": .text(status)]),
            ]
        }
    }
}

public enum ProjectionError: Error, Equatable, CustomStringConvertible {
    /// The store did not answer a read the event needs (a journal that refers to a row it never created).
    case missing(ProjectionRead)
    case invalid(String)

    public var description: String {
        switch self {
        case .missing(let read): "the projection needs \(read), which the tables do not hold"
        case .invalid(let why): why
        }
    }
}
