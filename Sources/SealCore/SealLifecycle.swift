/// The seal status lifecycle: `registered → active ⇄ suspended`; `active|suspended → lost | revoked`;
/// `* → destroyed` (with a witness other than the actor).
public enum SealLifecycle {
    public enum Action: String, Sendable, CaseIterable, Codable {
        case activate, suspend, revoke
        case reportLost = "report-lost"
        case destroy
    }

    /// The status `action` leads to from `status`, or `illegal-transition` naming both.
    public static func transition(from status: Seal.Status, _ action: Action) throws(SealError) -> Seal.Status {
        let target: Seal.Status
        let allowed: Bool
        switch action {
        case .activate:
            target = .active
            allowed = status == .registered || status == .suspended
        case .suspend:
            target = .suspended
            allowed = status == .active
        case .revoke:
            target = .revoked
            allowed = status == .active || status == .suspended
        case .reportLost:
            target = .lost
            allowed = status == .active || status == .suspended
        case .destroy:
            target = .destroyed
            allowed = status != .destroyed
        }
        guard allowed else {
            throw SealError(
                .illegalTransition,
                "a seal cannot go from \(status.rawValue) to \(target.rawValue) (\(action.rawValue))"
            )
        }
        return target
    }

    /// Destruction needs a witness who is not the person destroying the seal.
    public static func checkDestroyWitness(actor: String?, witness: String?) throws(SealError) {
        guard let witness, !witness.isEmpty else {
            throw SealError(.witnessRequired, "destroying a seal needs a witness (--witness STAFF-ID)")
        }
        if let actor, actor == witness {
            throw SealError(.witnessRequired, "the witness must be someone other than the person destroying the seal")
        }
    }
}
