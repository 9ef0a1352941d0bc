import Foundation

/// The body of a C2SP tlog-witness `add-checkpoint` request (https://c2sp.org/tlog-witness): `old <size>`, zero to
/// 63 consistency proof lines (base64 SHA-256 hashes), an empty line, then the signed checkpoint. Every line ends in
/// a newline.
public struct AddCheckpointRequest: Sendable, Equatable {
    public var oldSize: Int
    public var proof: [TreeHash]
    /// The signed checkpoint as sent (a signed note).
    public var checkpoint: String

    public static let maxProofLines = 63

    public init(oldSize: Int, proof: [TreeHash], checkpoint: String) {
        self.oldSize = oldSize
        self.proof = proof
        self.checkpoint = checkpoint
    }

    /// The request body's bytes.
    public var body: String {
        "old \(oldSize)\n" + proof.map { $0.base64 + "\n" }.joined() + "\n" + checkpoint
    }

    /// Why a body is not an add-checkpoint request (the witness answers 400 with it).
    public struct Malformed: Error, Equatable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// Parses a body exactly: `old` with a decimal size without leading zeros, at most 63 proof lines of 32-byte
    /// base64 hashes, one empty line, then a signed note (which `SignedNote(parsing:)` checks).
    public init(parsing body: [UInt8]) throws(Malformed) {
        guard let text = String(validating: body, as: UTF8.self) else { throw Malformed("the body is not UTF-8") }
        var rest = Substring(text)
        func line() throws(Malformed) -> Substring {
            guard let newline = rest.firstIndex(of: "\n") else { throw Malformed("a line does not end in a newline") }
            defer { rest = rest[rest.index(after: newline)...] }
            return rest[..<newline]
        }
        let first = try line()
        guard first.hasPrefix("old "), let size = Self.decimal(first.dropFirst(4)) else {
            throw Malformed("the first line must be \"old <size>\" with a decimal size without leading zeros")
        }
        var proof: [TreeHash] = []
        while true {
            let next = try line()
            if next.isEmpty { break }
            guard proof.count < Self.maxProofLines else {
                throw Malformed("more than \(Self.maxProofLines) consistency proof lines")
            }
            guard let hash = TreeHash(base64: String(next)), hash.base64 == next else {
                throw Malformed("proof line \(proof.count + 1) is not a base64 SHA-256 hash")
            }
            proof.append(hash)
        }
        guard !rest.isEmpty else { throw Malformed("no checkpoint after the empty line") }
        oldSize = size
        self.proof = proof
        checkpoint = String(rest)
    }

    /// A decimal size as tlog specs write them: digits only, no sign, no leading zeros (except `0` itself).
    public static func decimal(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), text == "0" || !text.hasPrefix("0"),
            let value = Int(text)
        else { return nil }
        return value
    }
}

/// What a witness does with a verified add-checkpoint request, given the checkpoint it last cosigned for the origin
/// (the rules of C2SP tlog-witness, after origin lookup and signature checks). Pure: the caller persists `cosign`
/// atomically with a compare-and-swap on `stored.size`.
public enum WitnessVerdict: Sendable, Equatable {
    /// Cosign; the new latest checkpoint is the request's (unchanged when it is the one stored).
    case cosign
    /// 400: the old size is larger than the checkpoint's.
    case oldAfterNew
    /// 409 with the stored size: the client's old size is not the size last cosigned.
    case conflict(storedSize: Int)
    /// 409 with the stored size, and evidence of a fork: same size as the cosigned checkpoint, another root.
    case sameSizeOtherRoot(storedSize: Int)
    /// 422, and evidence of a fork (or of a broken client): the consistency proof does not verify.
    case badProof

    public static func judge(request: AddCheckpointRequest, checkpoint: Checkpoint, stored: (size: Int, root: TreeHash)?)
        -> WitnessVerdict
    {
        let old = request.oldSize
        guard old <= checkpoint.size else { return .oldAfterNew }
        let storedSize = stored?.size ?? 0
        guard old == storedSize else { return .conflict(storedSize: storedSize) }
        guard let stored, old > 0 else {
            // Never cosigned (or only the empty tree): the proof must be empty and there is nothing to check against.
            return request.proof.isEmpty ? .cosign : .badProof
        }
        if checkpoint.size == stored.size {
            guard checkpoint.root == stored.root else { return .sameSizeOtherRoot(storedSize: stored.size) }
            return request.proof.isEmpty ? .cosign : .badProof
        }
        let consistent = MerkleProof.verifyConsistency(
            firstSize: stored.size, secondSize: checkpoint.size, firstRoot: stored.root, secondRoot: checkpoint.root,
            proof: request.proof
        )
        return consistent ? .cosign : .badProof
    }
}
