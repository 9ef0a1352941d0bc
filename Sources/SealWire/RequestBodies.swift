import SealCore

// The JSON bodies of the API's writes, one type per body, sent by sealctl and decoded by the daemon. A field
// renamed here changes both ends at once; `docs/openapi.yaml` describes the same shapes.

// MARK: - Staff and seals

/// `POST /v1/staff`.
public struct NewStaff: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    public var roles: [Role]
    public var unixUser: String?

    public init(id: String, name: String, roles: [Role], unixUser: String? = nil) {
        self.id = id
        self.name = name
        self.roles = roles
        self.unixUser = unixUser
    }
}

/// `POST /v1/seals`: a new seal as the administrator describes it.
public struct NewSeal: Sendable, Codable, Equatable {
    public var name: String
    public var kind: Seal.Kind
    public var medium: Seal.Medium
    public var owner: String
    public var holder: String
    public var custodian: String

    public init(name: String, kind: Seal.Kind, medium: Seal.Medium, owner: String, holder: String, custodian: String) {
        self.name = name
        self.kind = kind
        self.medium = medium
        self.owner = owner
        self.holder = holder
        self.custodian = custodian
    }
}

/// `POST /v1/seals/{id}/{activate|suspend|revoke|report-lost|destroy}`: why, and (to destroy) before whom.
public struct SealTransition: Sendable, Codable, Equatable {
    public var reason: String?
    public var witness: String?

    public init(reason: String? = nil, witness: String? = nil) {
        self.reason = reason
        self.witness = witness
    }
}

// MARK: - Delegations

/// `POST /v1/delegations`: the agreement as the delegation rules check it.
public typealias NewDelegation = DelegationRules.Draft

/// `POST /v1/delegations/{id}/revoke`.
public struct DelegationRevocation: Sendable, Codable, Equatable {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }
}

// MARK: - Custody

/// `POST /v1/seals/{id}/custody/handover` (交接).
public struct CustodyHandover: Sendable, Codable, Equatable {
    public var to: String
    public var witness: String

    public init(to: String, witness: String) {
        self.to = to
        self.witness = witness
    }
}

/// `POST /v1/seals/{id}/custody/carry-out` (外带); `due` is RFC 3339 or wall-clock time in the register's zone.
public struct CarryOutRequest: Sendable, Codable, Equatable {
    public var carrier: String
    public var reason: String
    public var due: String
    public var approver: String

    public init(carrier: String, reason: String, due: String, approver: String) {
        self.carrier = carrier
        self.reason = reason
        self.due = due
        self.approver = approver
    }
}

// MARK: - Requests and uses

/// `POST /v1/requests`: a new request as the clerk submits it.
public struct NewUseRequest: Sendable, Codable, Equatable {
    public var seal: String
    public var matter: String
    public var caseNumber: String
    public var purpose: UseRequest.Purpose
    public var reason: String
    public var count: Int
    public var documentDigest: String?
    public var urgent: Bool?

    public init(
        seal: String,
        matter: String,
        caseNumber: String,
        purpose: UseRequest.Purpose,
        reason: String,
        count: Int,
        documentDigest: String? = nil,
        urgent: Bool? = nil
    ) {
        self.seal = seal
        self.matter = matter
        self.caseNumber = caseNumber
        self.purpose = purpose
        self.reason = reason
        self.count = count
        self.documentDigest = documentDigest
        self.urgent = urgent
    }
}

/// `POST /v1/requests/{id}/approve`: fewer impressions than asked, or a validity end (RFC 3339 or wall-clock).
public struct RequestApproval: Sendable, Codable, Equatable {
    public var count: Int?
    public var until: String?

    public init(count: Int? = nil, until: String? = nil) {
        self.count = count
        self.until = until
    }
}

/// `POST /v1/requests/{id}/deny` (驳回).
public struct RequestDenial: Sendable, Codable, Equatable {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }
}

/// `POST /v1/uses`: a physical use under an approved request.
public struct UseRecord: Sendable, Codable, Equatable {
    public var request: String
    public var count: Int
    public var note: String?

    public init(request: String, count: Int, note: String? = nil) {
        self.request = request
        self.count = count
        self.note = note
    }
}

/// `POST /v1/uses/{id}/correct`.
public struct UseCorrection: Sendable, Codable, Equatable {
    public var count: Int
    public var reason: String

    public init(count: Int, reason: String) {
        self.count = count
        self.reason = reason
    }
}

// MARK: - Key cards

/// `POST /v1/cards/unlock`: the PIN, which the daemon copies into locked memory and never logs.
public struct CardUnlock: Sendable, Codable, Equatable {
    public var seal: String
    public var pin: String
    /// Its members as sent: the daemon checks this body for unknown members by name alone, so the PIN is not parsed
    /// into one more value (`BodyMemberAuditTests` holds this to what decoding reads).
    public static let memberNames: Set<String> = ["seal", "pin"]

    public init(seal: String, pin: String) {
        self.seal = seal
        self.pin = pin
    }
}

/// `POST /v1/cards/lock`.
public struct CardLock: Sendable, Codable, Equatable {
    public var seal: String

    public init(seal: String) {
        self.seal = seal
    }
}

/// `POST /v1/seals/{id}/card`: bind the card in this reader.
public struct CardBind: Sendable, Codable, Equatable {
    public var reader: String

    public init(reader: String) {
        self.reader = reader
    }
}

/// `POST /v1/requests/{id}/sign`: an electronic seal's use.
public struct SignRequest: Sendable, Codable, Equatable {
    /// SHA-256 of the document, 64 hex characters.
    public var digest: String?
    public var count: Int?
    public var note: String?

    public init(digest: String? = nil, count: Int? = nil, note: String? = nil) {
        self.digest = digest
        self.count = count
        self.note = note
    }
}
