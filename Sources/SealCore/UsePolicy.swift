import Foundation

/// The rules a use must pass, as one pure function: the store loads the facts, this decides. Each failure is its
/// own code; the first rule that fails is reported.
public enum UsePolicy {
    /// Everything the rules look at, loaded inside the transaction that will record the outcome.
    public struct Facts: Sendable {
        public var seal: Seal
        public var matter: Matter
        /// Delegations that list both this seal and this matter, whatever their validity. The rules look at nothing
        /// else in them, so a store may give each with only this seal and matter.
        public var covering: [Delegation]
        /// The local calendar date of the use (in the configured time zone).
        public var today: LocalDate
        public var purpose: UseRequest.Purpose
        public var requireFiling: Bool

        public init(
            seal: Seal, matter: Matter, covering: [Delegation], today: LocalDate, purpose: UseRequest.Purpose,
            requireFiling: Bool
        ) {
            self.seal = seal
            self.matter = matter
            self.covering = covering
            self.today = today
            self.purpose = purpose
            self.requireFiling = requireFiling
        }
    }

    /// The delegation under which the seal may be used for the matter today, or the refusal.
    /// Checked when a request is created and again at every use.
    @discardableResult
    public static func checkDelegation(_ f: Facts) throws(SealError) -> Delegation {
        guard f.seal.status == .active else {
            throw SealError(.sealNotActive, "seal \(f.seal.id) is \(f.seal.status.rawValue), not active")
        }
        if f.matter.crossTownship {
            throw SealError(.crossTownship, "matter \(f.matter.code) is cross-township and stays with the county")
        }
        if f.matter.nonDelegable {
            throw SealError(.nonDelegable, "matter \(f.matter.code) may not be delegated by law")
        }
        guard Seal.kind(f.seal.kind, fits: f.matter.category) else {
            throw SealError(
                .sealKindMismatch,
                "seal \(f.seal.id) (\(f.seal.kind.rawValue)) does not fit the \(f.matter.category.rawValue) matter \(f.matter.code)"
            )
        }
        guard !f.covering.isEmpty else {
            throw SealError(.matterNotDelegated, "no delegation covers seal \(f.seal.id) for matter \(f.matter.code)")
        }
        let inForce = f.covering.filter { $0.isInForce(on: f.today) }
        guard !inForce.isEmpty else {
            let why = f.covering.map { d in
                d.revokedAt != nil ? "\(d.id) revoked" : (f.today < d.validFrom ? "\(d.id) not valid until \(d.validFrom)" : "\(d.id) expired \(d.validTo)")
            }
            throw SealError(.delegationNotInForce, "no covering delegation is in force on \(f.today): \(why.joined(separator: ", "))")
        }
        var usable = inForce
        if f.requireFiling {
            usable = inForce.filter(\.isFiled)
            guard !usable.isEmpty else {
                throw SealError(.delegationUnfiled, "the covering delegation \(inForce[0].id) has no judicial filing record, and filing is required")
            }
        }
        // 委托办理 lets the township decide; 委托受理 only lets it receive.
        if f.purpose == .decision {
            guard let handling = usable.first(where: { d in d.matters.contains { $0.code == f.matter.code && $0.method == .handling } }) else {
                throw SealError(
                    .acceptanceOnly,
                    "matter \(f.matter.code) is delegated for acceptance only (委托受理); the township cannot stamp a decision"
                )
            }
            return handling
        }
        return usable[0]
    }

    /// Who may record a physical use, and when: the approval must be in force and cover the count.
    public struct UseFacts: Sendable {
        public var request: UseRequest
        public var count: Int
        /// RFC 3339 UTC now.
        public var now: Date
        /// Staff id of the person recording the use.
        public var recorder: String?
        public var recorderIsAdmin: Bool
        public var custodian: String
        /// The carrier, when the seal is carried out.
        public var carrier: String?
        /// An electronic seal's use is signed by its card at the requester's (用印人's) hand, not recorded by a custodian.
        public var electronic: Bool

        public init(request: UseRequest, count: Int, now: Date, recorder: String?, recorderIsAdmin: Bool, custodian: String, carrier: String?, electronic: Bool = false) {
            self.electronic = electronic
            self.request = request
            self.count = count
            self.now = now
            self.recorder = recorder
            self.recorderIsAdmin = recorderIsAdmin
            self.custodian = custodian
            self.carrier = carrier
        }
    }

    /// Checks a use against its request's state. Returns whether it is an urgent use before approval.
    public static func checkUse(_ u: UseFacts) throws(SealError) -> Bool {
        guard u.count >= 1 else { throw SealError(.invalidField, "a use needs a count of at least 1") }
        let r = u.request
        if u.electronic {
            guard u.recorder == r.requester else {
                throw SealError(.notRequester, "only the requester \(r.requester) (用印人) signs with an electronic seal")
            }
        } else if let carrier = u.carrier {
            guard u.recorder == carrier else {
                throw SealError(.sealCarriedOut, "the seal is carried out by \(carrier); only the carrier can use it until it returns")
            }
        } else {
            guard u.recorder == u.custodian || u.recorderIsAdmin else {
                throw SealError(.forbidden, "only the seal's custodian (\(u.custodian)) or an admin records a physical use")
            }
        }
        switch r.status {
        case .approved:
            guard let approval = r.approval else { throw SealError(.notApproved, "request \(r.id) has no approval") }
            if approval.approver == r.requester {
                throw SealError(.selfApproval, "request \(r.id) was approved by its own requester")
            }
            guard !approval.lapsed(at: u.now) else {
                throw SealError(.approvalExpired, "the approval of \(r.id) expired at \(approval.until)")
            }
            guard r.made + u.count <= approval.count else {
                throw SealError(
                    .countExceedsApproval,
                    "\(u.count) more would make \(r.made + u.count) of \(approval.count) approved impressions"
                )
            }
            return false
        case .pending where r.urgent:
            // 紧急用印: recorded now, must be approved within the window; never beyond what was requested.
            guard r.made + u.count <= r.count else {
                throw SealError(.countExceedsApproval, "\(r.made + u.count) would exceed the \(r.count) requested")
            }
            return true
        case .pending:
            throw SealError(.notApproved, "request \(r.id) is pending approval")
        case .denied:
            throw SealError(.notApproved, "request \(r.id) was denied")
        case .cancelled:
            throw SealError(.notApproved, "request \(r.id) was cancelled")
        case .exhausted:
            throw SealError(.countExceedsApproval, "request \(r.id) has used all \(r.approval?.count ?? 0) approved impressions")
        case .expired:
            throw SealError(.approvalExpired, "the approval of \(r.id) has expired")
        }
    }

    /// One use's counts as a correction sees them.
    public struct CorrectedUse: Sendable, Equatable {
        /// 用印数 in the book now (after earlier corrections).
        public var current: Int
        /// The highest count the use has had: as recorded, or raised by an earlier correction.
        public var highest: Int
        public init(current: Int, highest: Int) {
            self.current = current
            self.highest = highest
        }
    }

    /// A correction (更正) of one use's count: the request after it. The approved count bounds the impressions
    /// *made*: lowering a count (one was spoiled, 作废) changes the book, never the approval, so an exhausted request
    /// stays exhausted; raising it above anything recorded counts the extra impressions against the approval.
    public static func correct(_ request: UseRequest, use: CorrectedUse, to count: Int, reason: String) throws(SealError) -> UseRequest {
        guard ReasonText.isMeaningful(reason) else { throw SealError(.invalidField, "a correction needs a reason") }
        guard count >= 0 else { throw SealError(.invalidField, "the corrected count cannot be negative") }
        guard count != use.current else {
            throw SealError(.invalidField, "the use already shows \(count) impression(s); a correction must change it")
        }
        var after = request
        after.used = request.used - use.current + count
        after.made = request.made + max(0, count - use.highest)
        let ceiling = request.approval?.count ?? request.count
        guard after.made <= ceiling else {
            throw SealError(
                .countExceedsApproval,
                "the correction would make \(after.made) impressions made of \(ceiling) \(request.approval == nil ? "requested" : "approved")"
            )
        }
        if after.status == .approved, let approval = after.approval, after.made >= approval.count { after.status = .exhausted }
        return after
    }

    /// A 事由 must say something: not blank, not only punctuation.
    public static func checkReason(_ reason: String) throws(SealError) {
        guard ReasonText.isMeaningful(reason) else {
            throw SealError(.invalidField, "the reason (事由) must say why the seal is needed, not be blank or only punctuation")
        }
    }

    /// A physical seal's uses are recorded by its custodian; an electronic seal's are signed by its card.
    public static func checkMedium(_ seal: Seal, recordedAs medium: Seal.Medium) throws(SealError) {
        guard seal.medium == medium else {
            throw medium == .physical
                ? SealError(.wrongMedium, "seal \(seal.id) is electronic: its uses are signed by its card (use sign)")
                : SealError(.wrongMedium, "seal \(seal.id) is physical: its uses are recorded by its custodian (use record)")
        }
    }

    /// A request names the case it is for (办件编号).
    public static func checkCaseNumber(_ caseNumber: String) throws(SealError) {
        guard !caseNumber.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw SealError(.invalidField, "a request needs the case number (办件编号)")
        }
    }

    /// The document a card signs for: the one the request was approved for, when it named one; some document in any
    /// case. Returns its SHA-256 (lower-case hex).
    public static func signedDocument(presented: String?, approved: String?, request: String) throws(SealError) -> String {
        let document = try checkDigest(presented)
        if let approved, let document, approved != document {
            throw SealError(.digestMismatch, "the document's SHA-256 is not the one request \(request) was approved for (\(approved.prefix(16))…)")
        }
        guard let digest = document ?? approved else {
            throw SealError(.invalidField, "a signature needs the document's SHA-256 (--document FILE or --digest)")
        }
        return digest
    }

    /// Whether `count` more impressions take the last one the request's approval allows.
    public static func exhausts(_ request: UseRequest, count: Int) -> Bool {
        request.status == .approved && request.made + count >= (request.approval?.count ?? 0)
    }

    public static func checkCount(_ count: Int, max: Int) throws(SealError) {
        guard (1...max).contains(count) else {
            throw SealError(.invalidField, "the count (用印数) must be between 1 and \(max)")
        }
    }

    /// SHA-256 hex, 64 characters.
    public static func checkDigest(_ digest: String?) throws(SealError) -> String? {
        guard let digest else { return nil }
        let lower = digest.lowercased()
        guard lower.count == 64, lower.allSatisfy({ $0.isHexDigit }) else {
            throw SealError(.invalidField, "the document digest must be 64 hex characters (SHA-256)")
        }
        return lower
    }
}
