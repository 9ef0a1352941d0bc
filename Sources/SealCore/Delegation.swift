import Foundation

/// A written delegation 委托 from a county department to a township: which seals and matters it covers, how
/// each matter is implemented, and when it is in force.
public struct Delegation: Sendable, Equatable, Codable {
    public enum Method: String, Sendable, Codable, CaseIterable {
        /// 委托办理: the township decides and stamps.
        case handling
        /// 委托受理: the township only receives applications.
        case acceptance
    }

    public struct CoveredMatter: Sendable, Equatable, Codable {
        public var code: String
        public var method: Method
        public init(code: String, method: Method) {
            self.code = code
            self.method = method
        }
    }

    /// 司法行政部门备案
    public struct Filing: Sendable, Equatable, Codable {
        public var number: String
        public var filedOn: LocalDate
        public init(number: String, filedOn: LocalDate) {
            self.number = number
            self.filedOn = filedOn
        }
    }

    public var id: String
    /// 委托协议 / 委托授权书 number.
    public var agreementNumber: String
    public var delegatingDepartment: String
    public var township: String
    public var supervisingDepartment: String
    public var validFrom: LocalDate
    public var validTo: LocalDate
    public var filing: Filing?
    public var seals: [String]
    public var matters: [CoveredMatter]
    public var revokedAt: String?
    public var revocationReason: String?

    public init(
        id: String, agreementNumber: String, delegatingDepartment: String, township: String,
        supervisingDepartment: String, validFrom: LocalDate, validTo: LocalDate, filing: Filing?, seals: [String],
        matters: [CoveredMatter], revokedAt: String? = nil, revocationReason: String? = nil
    ) {
        self.id = id
        self.agreementNumber = agreementNumber
        self.delegatingDepartment = delegatingDepartment
        self.township = township
        self.supervisingDepartment = supervisingDepartment
        self.validFrom = validFrom
        self.validTo = validTo
        self.filing = filing
        self.seals = seals
        self.matters = matters
        self.revokedAt = revokedAt
        self.revocationReason = revocationReason
    }

    public var isFiled: Bool { filing != nil }

    /// Whether the delegation is in force on `date` (local calendar date): inside the window and not revoked.
    public func isInForce(on date: LocalDate) -> Bool {
        revokedAt == nil && validFrom <= date && date <= validTo
    }
}

/// What a new delegation must satisfy, checked against the seals and matters it names.
public enum DelegationRules {
    /// A draft as the administrator submitted it.
    public struct Draft: Sendable, Codable, Equatable {
        public var agreementNumber: String
        public var delegatingDepartment: String
        public var township: String
        public var supervisingDepartment: String
        public var validFrom: LocalDate
        public var validTo: LocalDate
        public var filingNumber: String?
        public var filedOn: LocalDate?
        public var seals: [String]
        public var matters: [Delegation.CoveredMatter]

        public init(
            agreementNumber: String, delegatingDepartment: String, township: String, supervisingDepartment: String,
            validFrom: LocalDate, validTo: LocalDate, filingNumber: String?, filedOn: LocalDate?, seals: [String],
            matters: [Delegation.CoveredMatter]
        ) {
            self.agreementNumber = agreementNumber
            self.delegatingDepartment = delegatingDepartment
            self.township = township
            self.supervisingDepartment = supervisingDepartment
            self.validFrom = validFrom
            self.validTo = validTo
            self.filingNumber = filingNumber
            self.filedOn = filedOn
            self.seals = seals
            self.matters = matters
        }
    }

    /// Checks the draft against the registry and returns the filing to record (nil: unfiled, allowed and flagged).
    /// Each refusal has its own code: `invalid-field`, `unknown-seal`, `unknown-matter`, `non-delegable`,
    /// `cross-township`, `seal-kind-mismatch`, `invalid-validity`.
    public static func validate(
        _ draft: Draft, seals: [String: Seal], matters: [String: Matter]
    ) throws(SealError) -> Delegation.Filing? {
        for (field, value) in [
            ("agreement number", draft.agreementNumber), ("delegating department", draft.delegatingDepartment),
            ("township", draft.township), ("supervising department", draft.supervisingDepartment),
        ] where value.trimmingCharacters(in: .whitespaces).isEmpty {
            throw SealError(.invalidField, "the \(field) must not be empty")
        }
        guard draft.validFrom <= draft.validTo else {
            throw SealError(
                .invalidValidity,
                "valid-to \(draft.validTo) is before valid-from \(draft.validFrom)"
            )
        }
        guard !draft.seals.isEmpty else { throw SealError(.invalidField, "a delegation covers at least one seal") }
        guard !draft.matters.isEmpty else { throw SealError(.invalidField, "a delegation covers at least one matter") }
        if Set(draft.matters.map(\.code)).count != draft.matters.count {
            throw SealError(.invalidField, "a matter is listed twice")
        }
        var filing: Delegation.Filing?
        switch (draft.filingNumber, draft.filedOn) {
        case (nil, nil): filing = nil
        case (let number?, let date?) where !number.isEmpty: filing = .init(number: number, filedOn: date)
        default:
            throw SealError(.invalidField, "a filing record needs both its number and its date")
        }
        var covered: [Seal] = []
        for id in draft.seals {
            guard let seal = seals[id] else { throw SealError(.unknownSeal, "no seal \(id)") }
            covered.append(seal)
        }
        for item in draft.matters {
            guard let matter = matters[item.code] else {
                throw SealError(.unknownMatter, "no matter \(item.code) in the catalogue")
            }
            if matter.nonDelegable {
                throw SealError(.nonDelegable, "matter \(matter.code) (\(matter.name)) may not be delegated by law")
            }
            if matter.crossTownship {
                throw SealError(.crossTownship, "matter \(matter.code) (\(matter.name)) is cross-township and stays with the county")
            }
            for seal in covered where !Seal.kind(seal.kind, fits: matter.category) {
                throw SealError(
                    .sealKindMismatch,
                    "seal \(seal.id) is \(seal.kind.rawValue), which does not fit the \(matter.category.rawValue) matter \(matter.code)"
                )
            }
        }
        return filing
    }
}

