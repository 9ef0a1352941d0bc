import Foundation
import SealBook
import SealCore

/// What `seal show` prints: the seal, the delegations that cover it, its custody and its history.
public struct SealView: Sendable, Codable {
    public var seal: Seal
    public var delegations: [Delegation]
    public var custody: CustodyView
    public var history: [JournalEntryView]

    public init(seal: Seal, delegations: [Delegation], custody: CustodyView, history: [JournalEntryView]) {
        self.seal = seal
        self.delegations = delegations
        self.custody = custody
        self.history = history
    }
}

/// A delegation with the township's list of delegated matters (赋权事项清单).
public struct DelegationView: Sendable, Codable {
    public struct ListedMatter: Sendable, Codable {
        public var code: String
        public var name: String
        public var method: Delegation.Method
        public var category: Matter.Category
        public var powerType: Matter.PowerType?
        public var delegatingDepartment: String
        public var supervisingDepartment: String

        public init(
            code: String,
            name: String,
            method: Delegation.Method,
            category: Matter.Category,
            powerType: Matter.PowerType? = nil,
            delegatingDepartment: String,
            supervisingDepartment: String
        ) {
            self.code = code
            self.name = name
            self.method = method
            self.category = category
            self.powerType = powerType
            self.delegatingDepartment = delegatingDepartment
            self.supervisingDepartment = supervisingDepartment
        }
    }
    public var delegation: Delegation
    public var filed: Bool
    public var inForceToday: Bool
    public var matters: [ListedMatter]

    public init(delegation: Delegation, filed: Bool, inForceToday: Bool, matters: [ListedMatter]) {
        self.delegation = delegation
        self.filed = filed
        self.inForceToday = inForceToday
        self.matters = matters
    }
}

/// A seal's custody now: its custodian and, when it is out of the office, the open carry-out.
public struct CustodyView: Sendable, Codable {
    public struct CarryOut: Sendable, Codable {
        public var carrier: String
        public var reason: String
        public var approver: String
        public var due: String
        public var outAt: String
        public var overdue: Bool

        public init(carrier: String, reason: String, approver: String, due: String, outAt: String, overdue: Bool) {
            self.carrier = carrier
            self.reason = reason
            self.approver = approver
            self.due = due
            self.outAt = outAt
            self.overdue = overdue
        }
    }
    public var seal: String
    public var sealName: String
    public var custodian: String
    public var carriedOut: CarryOut?

    public init(seal: String, sealName: String, custodian: String, carriedOut: CarryOut? = nil) {
        self.seal = seal
        self.sealName = sealName
        self.custodian = custodian
        self.carriedOut = carriedOut
    }
}

/// A request with its uses, as `request show` prints it.
public struct UseRequestView: Sendable, Codable {
    public var request: UseRequest
    /// `pending`, `approved`, `denied`, `cancelled`, `exhausted` or `expired`, as of now.
    public var state: UseRequest.Status
    public var remaining: Int
    public var urgentUnresolved: Bool
    public var uses: [UseView]

    public init(
        request: UseRequest,
        state: UseRequest.Status,
        remaining: Int,
        urgentUnresolved: Bool,
        uses: [UseView]
    ) {
        self.request = request
        self.state = state
        self.remaining = remaining
        self.urgentUnresolved = urgentUnresolved
        self.uses = uses
    }
}

/// One line of the 印章使用登记本.
public struct UseView: Sendable, Codable, SnakeCaseEncoded, Equatable {
    public var id: String
    /// 序号: the use's number in this seal's book.
    public var serial: Int
    public var seal: String
    public var sealName: String
    public var time: String
    /// Local date and time in the register's time zone, as the paper book writes them.
    public var localDate: String
    public var localTime: String
    /// 事由
    public var reason: String
    /// 批准人 (staff id and name); empty for an urgent use not yet approved, or whose request was denied.
    public var approver: String?
    public var approverName: String?
    /// For an urgent use whose request was then denied (驳回): who denied it, their name, when and why.
    public var denial: UseRequest.Denial?
    public var deniedByName: String?
    /// 用印人
    public var user: String
    public var userName: String
    /// 用印数 after corrections.
    public var count: Int
    public var recordedCount: Int
    public var matter: String
    public var matterName: String
    public var caseNumber: String
    public var request: String
    public var urgent: Bool
    public var recorder: String?
    public var note: String?
    public var documentDigest: String?
    public var medium: String
    /// For an electronic use: the card certificate's SHA-256, the signed statement and its DER signature (base64).
    public var certificateFingerprint: String?
    public var statement: String?
    public var signature: String?
    public var corrections: [Correction]

    public struct Correction: Sendable, Codable, SnakeCaseEncoded, Equatable {
        public var count: Int
        public var reason: String
        public var by: String?
        public var byName: String?
        public var at: String

        enum SnakeKeys: String, CodingKey {
            case count, reason, by, at
            case byName = "by_name"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: SnakeKeys.self)
            try c.encode(count, forKey: .count)
            try c.encode(reason, forKey: .reason)
            try c.encodeIfPresent(by, forKey: .by)
            try c.encodeIfPresent(byName, forKey: .byName)
            try c.encode(at, forKey: .at)
        }

        /// Read under its snake_case keys, or camelCase ones through the API's key strategy (see `SnakeCaseDecoded`).
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: SnakeCaseKeys.Key.self)
            let snake = !c.contains(SnakeCaseKeys.Key("byName"))
            func key(_ k: SnakeKeys) -> SnakeCaseKeys.Key { SnakeCaseKeys.Key(k, snake: snake) }
            count = try c.decode(Int.self, forKey: key(.count))
            reason = try c.decode(String.self, forKey: key(.reason))
            by = try c.decodeIfPresent(String.self, forKey: key(.by))
            byName = try c.decodeIfPresent(String.self, forKey: key(.byName))
            at = try c.decode(String.self, forKey: key(.at))
        }

        public init(count: Int, reason: String, by: String? = nil, byName: String? = nil, at: String) {
            self.count = count
            self.reason = reason
            self.by = by
            self.byName = byName
            self.at = at
        }
    }

    enum SnakeKeys: String, CodingKey {
        case id, serial, seal, time, reason, approver, denial, user, count, matter, request, urgent, recorder, note, medium, statement, signature, corrections
        case sealName = "seal_name", localDate = "local_date", localTime = "local_time", approverName = "approver_name"
        case deniedByName = "denied_by_name", userName = "user_name", recordedCount = "recorded_count", matterName = "matter_name"
        case caseNumber = "case_number", documentDigest = "document_digest", certificateFingerprint = "certificate_fingerprint"
    }

    /// Written under snake_case keys (see `SnakeCaseEncoded`): the book's lines are the API's longest lists. Read
    /// through the API's key strategy like every other type.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: SnakeKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(serial, forKey: .serial)
        try c.encode(seal, forKey: .seal)
        try c.encode(sealName, forKey: .sealName)
        try c.encode(time, forKey: .time)
        try c.encode(localDate, forKey: .localDate)
        try c.encode(localTime, forKey: .localTime)
        try c.encode(reason, forKey: .reason)
        try c.encodeIfPresent(approver, forKey: .approver)
        try c.encodeIfPresent(approverName, forKey: .approverName)
        try c.encodeIfPresent(denial, forKey: .denial)
        try c.encodeIfPresent(deniedByName, forKey: .deniedByName)
        try c.encode(user, forKey: .user)
        try c.encode(userName, forKey: .userName)
        try c.encode(count, forKey: .count)
        try c.encode(recordedCount, forKey: .recordedCount)
        try c.encode(matter, forKey: .matter)
        try c.encode(matterName, forKey: .matterName)
        try c.encode(caseNumber, forKey: .caseNumber)
        try c.encode(request, forKey: .request)
        try c.encode(urgent, forKey: .urgent)
        try c.encodeIfPresent(recorder, forKey: .recorder)
        try c.encodeIfPresent(note, forKey: .note)
        try c.encodeIfPresent(documentDigest, forKey: .documentDigest)
        try c.encode(medium, forKey: .medium)
        try c.encodeIfPresent(certificateFingerprint, forKey: .certificateFingerprint)
        try c.encodeIfPresent(statement, forKey: .statement)
        try c.encodeIfPresent(signature, forKey: .signature)
        try c.encode(corrections, forKey: .corrections)
    }

    /// Read under its snake_case keys (sealctl reads pages of the book without the key strategy, see
    /// `SnakeCaseDecoded`), or camelCase ones when it sits inside an answer read through the strategy: `seal_name`,
    /// always there, tells which.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: SnakeCaseKeys.Key.self)
        let snake = c.contains(SnakeCaseKeys.Key("seal_name"))
        func key(_ k: SnakeKeys) -> SnakeCaseKeys.Key { SnakeCaseKeys.Key(k, snake: snake) }
        id = try c.decode(String.self, forKey: key(.id))
        serial = try c.decode(Int.self, forKey: key(.serial))
        seal = try c.decode(String.self, forKey: key(.seal))
        sealName = try c.decode(String.self, forKey: key(.sealName))
        time = try c.decode(String.self, forKey: key(.time))
        localDate = try c.decode(String.self, forKey: key(.localDate))
        localTime = try c.decode(String.self, forKey: key(.localTime))
        reason = try c.decode(String.self, forKey: key(.reason))
        approver = try c.decodeIfPresent(String.self, forKey: key(.approver))
        approverName = try c.decodeIfPresent(String.self, forKey: key(.approverName))
        denial = try c.decodeIfPresent(UseRequest.Denial.self, forKey: key(.denial))
        deniedByName = try c.decodeIfPresent(String.self, forKey: key(.deniedByName))
        user = try c.decode(String.self, forKey: key(.user))
        userName = try c.decode(String.self, forKey: key(.userName))
        count = try c.decode(Int.self, forKey: key(.count))
        recordedCount = try c.decode(Int.self, forKey: key(.recordedCount))
        matter = try c.decode(String.self, forKey: key(.matter))
        matterName = try c.decode(String.self, forKey: key(.matterName))
        caseNumber = try c.decode(String.self, forKey: key(.caseNumber))
        request = try c.decode(String.self, forKey: key(.request))
        urgent = try c.decode(Bool.self, forKey: key(.urgent))
        recorder = try c.decodeIfPresent(String.self, forKey: key(.recorder))
        note = try c.decodeIfPresent(String.self, forKey: key(.note))
        documentDigest = try c.decodeIfPresent(String.self, forKey: key(.documentDigest))
        medium = try c.decode(String.self, forKey: key(.medium))
        certificateFingerprint = try c.decodeIfPresent(String.self, forKey: key(.certificateFingerprint))
        statement = try c.decodeIfPresent(String.self, forKey: key(.statement))
        signature = try c.decodeIfPresent(String.self, forKey: key(.signature))
        corrections = try c.decode([Correction].self, forKey: key(.corrections))
    }

    public init(
        id: String,
        serial: Int,
        seal: String,
        sealName: String,
        time: String,
        localDate: String,
        localTime: String,
        reason: String,
        approver: String? = nil,
        approverName: String? = nil,
        denial: UseRequest.Denial? = nil,
        deniedByName: String? = nil,
        user: String,
        userName: String,
        count: Int,
        recordedCount: Int,
        matter: String,
        matterName: String,
        caseNumber: String,
        request: String,
        urgent: Bool,
        recorder: String? = nil,
        note: String? = nil,
        documentDigest: String? = nil,
        medium: String,
        certificateFingerprint: String? = nil,
        statement: String? = nil,
        signature: String? = nil,
        corrections: [Correction]
    ) {
        self.id = id
        self.serial = serial
        self.seal = seal
        self.sealName = sealName
        self.time = time
        self.localDate = localDate
        self.localTime = localTime
        self.reason = reason
        self.approver = approver
        self.approverName = approverName
        self.denial = denial
        self.deniedByName = deniedByName
        self.user = user
        self.userName = userName
        self.count = count
        self.recordedCount = recordedCount
        self.matter = matter
        self.matterName = matterName
        self.caseNumber = caseNumber
        self.request = request
        self.urgent = urgent
        self.recorder = recorder
        self.note = note
        self.documentDigest = documentDigest
        self.medium = medium
        self.certificateFingerprint = certificateFingerprint
        self.statement = statement
        self.signature = signature
        self.corrections = corrections
    }
}

/// What an import did.
public struct MatterImportView: Sendable, Codable, Equatable {
    public var imported: Int
    public var updated: Int
    public var unchanged: Int
    public var skipped: Int
    public var errors: [ErrorBody.LineError]
    /// How the file was read: `utf-8` or `gb18030`, and whether that was detected or declared.
    public var encoding: String
    public var encodingDetected: Bool

    public init(
        imported: Int,
        updated: Int,
        unchanged: Int,
        skipped: Int,
        errors: [ErrorBody.LineError],
        encoding: String,
        encodingDetected: Bool
    ) {
        self.imported = imported
        self.updated = updated
        self.unchanged = unchanged
        self.skipped = skipped
        self.errors = errors
        self.encoding = encoding
        self.encodingDetected = encodingDetected
    }
}
