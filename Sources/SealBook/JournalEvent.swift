import Foundation
import SealCore

/// What a journal entry records: its kind and its payload, one Codable type per kind. The payload's JSON (snake_case
/// keys) is the entry's `payload`; `JournalEvent(kind:payload:)` reads one back.
///
/// Versioning: an entry is hashed as written, forever, so a kind's payload only ever gains optional members, and
/// readers accept their absence. A change that is not additive takes a new kind name; every kind ever written
/// stays decodable here.
public enum JournalEvent: Sendable, Equatable {
    case staffAdded(Staff)
    case staffDisabled(StaffDisabled)
    case matterAdded(Matter)
    case matterUpdated(Matter)
    case sealAdded(Seal)
    case sealTransitioned(SealTransitioned)
    case delegationAdded(Delegation)
    case delegationRevoked(DelegationRevoked)
    case custodyHandover(CustodyHandover)
    case custodyCarriedOut(CustodyCarriedOut)
    case custodyReturned(CustodyReturned)
    case cardBound(CardBound)
    case cardUnbound(CardUnbound)
    case cardObserved(CardObserved)
    case requestCreated(RequestCreated)
    case requestApproved(RequestApproved)
    case requestDenied(RequestDenied)
    case requestCancelled(RequestClosed)
    case requestExhausted(RequestClosed)
    case useRecorded(UseRecorded)
    case useCorrected(UseCorrected)
    case refused(Refusal)

    /// The entry's kind, e.g. `seal.added`.
    public var kind: String {
        switch self {
        case .staffAdded: "staff.added"
        case .staffDisabled: "staff.disabled"
        case .matterAdded: "matter.added"
        case .matterUpdated: "matter.updated"
        case .sealAdded: "seal.added"
        case .sealTransitioned(let t): t.action.eventKind
        case .delegationAdded: "delegation.added"
        case .delegationRevoked: "delegation.revoked"
        case .custodyHandover: "custody.handover"
        case .custodyCarriedOut: "custody.carried-out"
        case .custodyReturned: "custody.returned"
        case .cardBound: "card.bound"
        case .cardUnbound: "card.unbound"
        case .cardObserved(let o): o.what.rawValue
        case .requestCreated: "request.created"
        case .requestApproved: "request.approved"
        case .requestDenied: "request.denied"
        case .requestCancelled: "request.cancelled"
        case .requestExhausted: "request.exhausted"
        case .useRecorded: "use.recorded"
        case .useCorrected: "use.corrected"
        case .refused: "refused"
        }
    }

    /// The payload as the journal stores it.
    public func payload() throws -> JSONValue {
        switch self {
        case .staffAdded(let v): try JSONValue(encoding: v)
        case .staffDisabled(let v): try JSONValue(encoding: v)
        case .matterAdded(let v), .matterUpdated(let v): try JSONValue(encoding: v)
        case .sealAdded(let v): try JSONValue(encoding: v)
        case .sealTransitioned(let v): try JSONValue(encoding: v)
        case .delegationAdded(let v): try JSONValue(encoding: v)
        case .delegationRevoked(let v): try JSONValue(encoding: v)
        case .custodyHandover(let v): try JSONValue(encoding: v)
        case .custodyCarriedOut(let v): try JSONValue(encoding: v)
        case .custodyReturned(let v): try JSONValue(encoding: v)
        case .cardBound(let v): try JSONValue(encoding: v)
        case .cardUnbound(let v): try JSONValue(encoding: v)
        case .cardObserved(let v): try JSONValue(encoding: v)
        case .requestCreated(let v): try JSONValue(encoding: v)
        case .requestApproved(let v): try JSONValue(encoding: v)
        case .requestDenied(let v): try JSONValue(encoding: v)
        case .requestCancelled(let v), .requestExhausted(let v): try JSONValue(encoding: v)
        case .useRecorded(let v): try JSONValue(encoding: v)
        case .useCorrected(let v): try JSONValue(encoding: v)
        case .refused(let v): try JSONValue(encoding: v)
        }
    }

    /// Every kind this build writes, in the order of the cases above: what `GET /v1/events?kind=` names, with or
    /// without entries yet. A kind or prefix outside it that no entry of the journal has is a typo, not an empty list.
    public static let kinds: [String] =
        ["staff.added", "staff.disabled", "matter.added", "matter.updated", "seal.added"]
        + SealLifecycle.Action.allCases.map(\.eventKind)
        + ["delegation.added", "delegation.revoked"] + custodyKinds + ["card.bound", "card.unbound"]
        + CardObserved.What.allCases.map(\.rawValue)
        + ["request.created", "request.approved", "request.denied", "request.cancelled", "request.exhausted", "use.recorded", "use.corrected", "refused"]

    /// Whether `filter` (a kind, or a prefix ending in `.`) names any kind this build writes.
    public static func namesKnownKind(_ filter: String) -> Bool {
        filter.hasSuffix(".") ? kinds.contains { $0.hasPrefix(filter) } : kinds.contains(filter)
    }

    /// The kinds that make a seal's own history (journaled with the seal as subject): its registration, status
    /// changes, custody and card binding. Its uses and refusals are journaled under the seal too, but they grow with
    /// the book, so they are read page by page from the book and the events, never as part of the seal.
    public static let sealHistoryKinds: [String] =
        ["seal.added"] + SealLifecycle.Action.allCases.map(\.eventKind) + custodyKinds + ["card.bound", "card.unbound"]

    /// The kinds of a seal's custody history.
    public static let custodyKinds = ["custody.handover", "custody.carried-out", "custody.returned"]

    /// Reads a stored entry's kind and payload back; nil for a kind this build does not know.
    public init?(kind: String, payload: JSONValue) throws {
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try payload.decode(T.self) }
        switch kind {
        case "staff.added": self = .staffAdded(try decode(Staff.self))
        case "staff.disabled": self = .staffDisabled(try decode(StaffDisabled.self))
        case "matter.added": self = .matterAdded(try decode(Matter.self))
        case "matter.updated": self = .matterUpdated(try decode(Matter.self))
        case "seal.added": self = .sealAdded(try decode(Seal.self))
        case "delegation.added": self = .delegationAdded(try decode(Delegation.self))
        case "delegation.revoked": self = .delegationRevoked(try decode(DelegationRevoked.self))
        case "custody.handover": self = .custodyHandover(try decode(CustodyHandover.self))
        case "custody.carried-out": self = .custodyCarriedOut(try decode(CustodyCarriedOut.self))
        case "custody.returned": self = .custodyReturned(try decode(CustodyReturned.self))
        case "card.bound": self = .cardBound(try decode(CardBound.self))
        case "card.unbound": self = .cardUnbound(try decode(CardUnbound.self))
        case "request.created": self = .requestCreated(try decode(RequestCreated.self))
        case "request.approved": self = .requestApproved(try decode(RequestApproved.self))
        case "request.denied": self = .requestDenied(try decode(RequestDenied.self))
        case "request.cancelled": self = .requestCancelled(try decode(RequestClosed.self))
        case "request.exhausted": self = .requestExhausted(try decode(RequestClosed.self))
        case "use.recorded": self = .useRecorded(try decode(UseRecorded.self))
        case "use.corrected": self = .useCorrected(try decode(UseCorrected.self))
        case "refused": self = .refused(try decode(Refusal.self))
        default:
            if let action = SealLifecycle.Action.allCases.first(where: { $0.eventKind == kind }) {
                var transition = try decode(SealTransitioned.self)
                transition.action = action
                self = .sealTransitioned(transition)
            } else if let what = CardObserved.What(rawValue: kind) {
                var observed = try decode(CardObserved.self)
                observed.what = what
                self = .cardObserved(observed)
            } else {
                return nil
            }
        }
    }

    // MARK: - Payloads

    public struct StaffDisabled: Sendable, Equatable, Codable {
        public var id: String
        public init(id: String) { self.id = id }
    }

    /// `seal.activated`, `seal.suspended`, `seal.revoked`, `seal.reported-lost`, `seal.destroyed`.
    public struct SealTransitioned: Sendable, Equatable, Codable {
        /// Which transition (it names the kind; not in the payload).
        public var action: SealLifecycle.Action = .activate
        public var seal: String
        public var from: Seal.Status
        public var to: Seal.Status
        public var reason: String?
        public var witness: String?

        enum CodingKeys: String, CodingKey { case seal, from, to, reason, witness }

        public init(action: SealLifecycle.Action, seal: String, from: Seal.Status, to: Seal.Status, reason: String?, witness: String?) {
            self.action = action
            self.seal = seal
            self.from = from
            self.to = to
            self.reason = reason
            self.witness = witness
        }
    }

    public struct DelegationRevoked: Sendable, Equatable, Codable {
        public var delegation: String
        public var reason: String
        public init(delegation: String, reason: String) {
            self.delegation = delegation
            self.reason = reason
        }
    }

    public struct CustodyHandover: Sendable, Equatable, Codable {
        public var seal: String
        public var from: String
        public var to: String
        public var witness: String
        public init(seal: String, from: String, to: String, witness: String) {
            self.seal = seal
            self.from = from
            self.to = to
            self.witness = witness
        }
    }

    public struct CustodyCarriedOut: Sendable, Equatable, Codable {
        public var seal: String
        public var carrier: String
        public var reason: String
        public var approver: String
        /// Stored UTC time.
        public var due: String
        public init(seal: String, carrier: String, reason: String, approver: String, due: String) {
            self.seal = seal
            self.carrier = carrier
            self.reason = reason
            self.approver = approver
            self.due = due
        }
    }

    public struct CustodyReturned: Sendable, Equatable, Codable {
        public var seal: String
        public var carrier: String
        public var late: Bool
        public init(seal: String, carrier: String, late: Bool) {
            self.seal = seal
            self.carrier = carrier
            self.late = late
        }
    }

    public struct CardBound: Sendable, Equatable, Codable {
        public var seal: String
        public var reader: String
        public var fingerprint: String
        public var subject: String
        /// The certificate (DER, base64), so an exported book can check every signature offline.
        public var certificate: String
        public init(seal: String, reader: String, fingerprint: String, subject: String, certificate: String) {
            self.seal = seal
            self.reader = reader
            self.fingerprint = fingerprint
            self.subject = subject
            self.certificate = certificate
        }
    }

    public struct CardUnbound: Sendable, Equatable, Codable {
        public var seal: String
        public var fingerprint: String
        public var reader: String
        public init(seal: String, fingerprint: String, reader: String) {
            self.seal = seal
            self.fingerprint = fingerprint
            self.reader = reader
        }
    }

    /// A card custody event as it happens: `card.inserted`, `card.removed`, `card.unlocked`, `card.locked`. Members a
    /// kind does not have are left out; `fingerprint`, `subject` and `seal` are written as null when a card in a
    /// reader has none (a card that is not a seal's).
    public struct CardObserved: Sendable, Equatable, Codable {
        public enum What: String, Sendable, Codable, CaseIterable {
            case inserted = "card.inserted", removed = "card.removed", unlocked = "card.unlocked", locked = "card.locked"
        }
        /// Which event (it names the kind; not in the payload).
        public var what: What = .inserted
        public var reader: String?
        public var atr: String?
        public var fingerprint: String??
        public var subject: String??
        public var seal: String??
        /// Stored UTC time the unlock lasts until.
        public var until: String?
        public var reason: String?

        enum CodingKeys: String, CodingKey { case reader, atr, fingerprint, subject, seal, until, reason }

        public init(
            what: What, reader: String? = nil, atr: String? = nil, fingerprint: String?? = nil, subject: String?? = nil, seal: String?? = nil,
            until: String? = nil, reason: String? = nil
        ) {
            self.what = what
            self.reader = reader
            self.atr = atr
            self.fingerprint = fingerprint
            self.subject = subject
            self.seal = seal
            self.until = until
            self.reason = reason
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeIfPresent(reader, forKey: .reader)
            try c.encodeIfPresent(atr, forKey: .atr)
            // Present-but-nil is an explicit null.
            if let fingerprint { try c.encode(fingerprint, forKey: .fingerprint) }
            if let subject { try c.encode(subject, forKey: .subject) }
            if let seal { try c.encode(seal, forKey: .seal) }
            try c.encodeIfPresent(until, forKey: .until)
            try c.encodeIfPresent(reason, forKey: .reason)
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            reader = try c.decodeIfPresent(String.self, forKey: .reader)
            atr = try c.decodeIfPresent(String.self, forKey: .atr)
            func double(_ key: CodingKeys) throws -> String?? {
                c.contains(key) ? .some(try c.decodeIfPresent(String.self, forKey: key)) : .none
            }
            fingerprint = try double(.fingerprint)
            subject = try double(.subject)
            seal = try double(.seal)
            until = try c.decodeIfPresent(String.self, forKey: .until)
            reason = try c.decodeIfPresent(String.self, forKey: .reason)
        }
    }

    /// The request as created, and the delegation it falls under.
    public struct RequestCreated: Sendable, Equatable, Codable {
        public var request: UseRequest
        public var delegation: String

        public init(request: UseRequest, delegation: String) {
            self.request = request
            self.delegation = delegation
        }

        enum CodingKeys: String, CodingKey { case delegation }

        // The request's members and `delegation` side by side in one object.
        public func encode(to encoder: any Encoder) throws {
            try request.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(delegation, forKey: .delegation)
        }

        public init(from decoder: any Decoder) throws {
            request = try UseRequest(from: decoder)
            delegation = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .delegation)
        }
    }

    public struct RequestApproved: Sendable, Equatable, Codable {
        public var request: String
        public var approver: String
        public var count: Int
        /// Stored UTC time.
        public var until: String
        public init(request: String, approver: String, count: Int, until: String) {
            self.request = request
            self.approver = approver
            self.count = count
            self.until = until
        }
    }

    public struct RequestDenied: Sendable, Equatable, Codable {
        public var request: String
        public var by: String
        public var reason: String
        public init(request: String, by: String, reason: String) {
            self.request = request
            self.by = by
            self.reason = reason
        }
    }

    /// `request.cancelled`, `request.exhausted`.
    public struct RequestClosed: Sendable, Equatable, Codable {
        public var request: String
        public init(request: String) { self.request = request }
    }

    /// A line of the book. `approver` and `document_digest` are written as null when absent; `note` and the signed
    /// parts (an electronic seal's statement, signature and card) are left out.
    public struct UseRecorded: Sendable, Equatable, Codable {
        public var use: String
        public var request: String
        public var seal: String
        public var matter: String
        public var caseNumber: String
        public var reason: String
        public var count: Int
        public var user: String
        public var recorder: String
        public var approver: String?
        public var urgent: Bool
        public var medium: Seal.Medium
        public var documentDigest: String?
        public var note: String?
        /// The signed statement's exact bytes, the DER signature (base64) and the card: checkable offline against the
        /// certificate journaled by `card.bound`.
        public var statement: String?
        public var signature: String?
        public var certificateFingerprint: String?

        public init(
            use: String, request: String, seal: String, matter: String, caseNumber: String, reason: String, count: Int, user: String,
            recorder: String, approver: String?, urgent: Bool, medium: Seal.Medium, documentDigest: String?, note: String?,
            statement: String? = nil, signature: String? = nil, certificateFingerprint: String? = nil
        ) {
            self.use = use
            self.request = request
            self.seal = seal
            self.matter = matter
            self.caseNumber = caseNumber
            self.reason = reason
            self.count = count
            self.user = user
            self.recorder = recorder
            self.approver = approver
            self.urgent = urgent
            self.medium = medium
            self.documentDigest = documentDigest
            // An empty note is no note (it is not written).
            self.note = note?.isEmpty == false ? note : nil
            self.statement = statement
            self.signature = signature
            self.certificateFingerprint = certificateFingerprint
        }

        enum CodingKeys: String, CodingKey {
            case use, request, seal, matter, caseNumber, reason, count, user, recorder, approver, urgent, medium, documentDigest, note
            case statement, signature, certificateFingerprint
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(use, forKey: .use)
            try c.encode(request, forKey: .request)
            try c.encode(seal, forKey: .seal)
            try c.encode(matter, forKey: .matter)
            try c.encode(caseNumber, forKey: .caseNumber)
            try c.encode(reason, forKey: .reason)
            try c.encode(count, forKey: .count)
            try c.encode(user, forKey: .user)
            try c.encode(recorder, forKey: .recorder)
            try c.encode(approver, forKey: .approver)
            try c.encode(urgent, forKey: .urgent)
            try c.encode(medium, forKey: .medium)
            try c.encode(documentDigest, forKey: .documentDigest)
            try c.encodeIfPresent(note, forKey: .note)
            try c.encodeIfPresent(statement, forKey: .statement)
            try c.encodeIfPresent(signature, forKey: .signature)
            try c.encodeIfPresent(certificateFingerprint, forKey: .certificateFingerprint)
        }
    }

    public struct UseCorrected: Sendable, Equatable, Codable {
        public var use: String
        public var request: String
        public var from: Int
        public var to: Int
        public var reason: String
        public init(use: String, request: String, from: Int, to: Int, reason: String) {
            self.use = use
            self.request = request
            self.from = from
            self.to = to
            self.reason = reason
        }
    }

    /// A refused action, journaled before the caller hears it: what was tried, the code, the message, and what it
    /// was about.
    public struct Refusal: Sendable, Equatable, Codable {
        public var action: String
        public var code: String
        public var message: String
        public var seal: String?
        public var matter: String?
        public var request: String?
        public var use: String?
        public var count: Int?
        public var caseNumber: String?

        public init(
            action: String, code: String, message: String, seal: String? = nil, matter: String? = nil, request: String? = nil, use: String? = nil,
            count: Int? = nil, caseNumber: String? = nil
        ) {
            self.action = action
            self.code = code
            self.message = message
            self.seal = seal
            self.matter = matter
            self.request = request
            self.use = use
            self.count = count
            self.caseNumber = caseNumber
        }
    }
}

extension SealLifecycle.Action {
    /// The journal kind of this transition.
    public var eventKind: String {
        switch self {
        case .activate: "seal.activated"
        case .suspend: "seal.suspended"
        case .revoke: "seal.revoked"
        case .reportLost: "seal.reported-lost"
        case .destroy: "seal.destroyed"
        }
    }
}
