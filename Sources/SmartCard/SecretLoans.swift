/// Which kept secrets are lent out to card operations running on another thread, so that a secret forgotten meanwhile
/// (a lock, a lapse, a removal) is wiped when the operation gives it back, not under it: wiping the page while the
/// card thread reads it could send the card a half-wiped PIN and cost one of its tries.
///
/// Not thread-safe by itself: its owner (the card service's actor) calls it from one isolation domain.
public struct SecretLoans: Sendable {
    private var lent: [ObjectIdentifier: Int] = [:]

    public init() {}

    /// The secret is about to be read off the owner's isolation.
    public mutating func lend(_ secret: LockedSecret) {
        lent[ObjectIdentifier(secret), default: 0] += 1
    }

    /// The secret is back. `kept`: whether the owner still holds it; when not, and nobody else has it, it is wiped now.
    public mutating func giveBack(_ secret: LockedSecret, kept: Bool) {
        let key = ObjectIdentifier(secret)
        guard let count = lent[key] else { return }
        if count > 1 {
            lent[key] = count - 1
            return
        }
        lent[key] = nil
        if !kept { secret.wipe() }
    }

    /// The owner forgets the secret: wiped at once unless it is lent out, else when the last loan comes back.
    public func forget(_ secret: LockedSecret) {
        if lent[ObjectIdentifier(secret)] == nil { secret.wipe() }
    }

    public func isLent(_ secret: LockedSecret) -> Bool { lent[ObjectIdentifier(secret)] != nil }
}
