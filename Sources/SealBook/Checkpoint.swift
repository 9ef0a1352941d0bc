import Foundation

/// A C2SP tlog checkpoint (https://c2sp.org/tlog-checkpoint): the register's origin, tree size and root hash, plus
/// one extension line with the time it was made. Signed as a note by the register key after each commit batch.
public struct Checkpoint: Sendable, Equatable {
    public var origin: String
    public var size: Int
    public var root: TreeHash
    /// RFC 3339 UTC time the checkpoint was made.
    public var time: String

    public init(origin: String, size: Int, root: TreeHash, time: String) {
        self.origin = origin
        self.size = size
        self.root = root
        self.time = time
    }

    /// The note text the signature covers.
    public var noteText: String { "\(origin)\n\(size)\n\(root.base64)\ntime \(time)\n" }

    /// Parses a checkpoint's note text.
    public init?(noteText: String) {
        let lines = noteText.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 4, lines.last == "", let size = Int(lines[1]), size >= 0,
            String(size) == lines[1], let root = TreeHash(base64: String(lines[2]))
        else { return nil }
        origin = String(lines[0])
        self.size = size
        self.root = root
        time = lines.dropFirst(3).first { $0.hasPrefix("time ") }.map { String($0.dropFirst(5)) } ?? ""
        guard !origin.isEmpty else { return nil }
    }

    public func signed(by signer: NoteSigner) throws -> SignedNote { try signer.sign(noteText) }

    /// Parses and verifies a serialized signed checkpoint; nil when malformed or not signed by `verifier`.
    public static func open(_ serialized: String, verifier: NoteVerifier) -> Checkpoint? {
        guard let note = SignedNote(parsing: serialized), verifier.verify(note) else { return nil }
        return Checkpoint(noteText: note.text)
    }
}
