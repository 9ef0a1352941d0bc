/// What the start-up check found wrong with the stored journal.
public struct TamperReport: Sendable, Equatable, CustomStringConvertible {
    /// The first sequence number that does not match (or the first of the checkpoint range that does not).
    public var firstBadSequence: Int
    public var reason: String

    public var description: String { "entry \(firstBadSequence): \(reason)" }
}
