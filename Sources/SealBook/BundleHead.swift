import Foundation

/// What a self-contained, offline-verifiable export needs besides the entries themselves.
public struct BundleHead: Sendable {
    public var origin: String
    public var verifierKey: String
    public var checkpointNote: String
    public var size: Int
    /// Leaf indices `[begin, end)` of the exported entries (sequence numbers begin+1 … end).
    public var begin: Int
    public var end: Int
    /// Roots of the aligned subtrees covering `[0, begin)` and `[end, size)`.
    public var left: [TreeHash]
    public var right: [TreeHash]
    /// Every card certificate bound up to the checkpoint: (seal, fingerprint, DER base64).
    public var certificates: [(seal: String, fingerprint: String, der: String)]

    public init(
        origin: String,
        verifierKey: String,
        checkpointNote: String,
        size: Int,
        begin: Int,
        end: Int,
        left: [TreeHash],
        right: [TreeHash],
        certificates: [(seal: String, fingerprint: String, der: String)]
    ) {
        self.origin = origin
        self.verifierKey = verifierKey
        self.checkpointNote = checkpointNote
        self.size = size
        self.begin = begin
        self.end = end
        self.left = left
        self.right = right
        self.certificates = certificates
    }
}
