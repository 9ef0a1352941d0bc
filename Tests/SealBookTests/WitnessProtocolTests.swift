import Crypto
import Foundation
import SealBook
import Testing

@Suite("C2SP tlog-cosignature/v1 and tlog-witness add-checkpoint, byte for byte")
struct WitnessProtocolTests {
    /// Ed25519 seed 00 01 … 1f. The expected vkey and cosignature line below were computed outside this code base
    /// (Python's `cryptography`, following the tlog-cosignature text: key ID = SHA-256(name ‖ 0x0A ‖ 0x04 ‖ key)[:4],
    /// signature bytes = key ID ‖ u64 BE time ‖ Ed25519 over "cosignature/v1\ntime T\n" ‖ body).
    static let key = CosignerKey(
        name: "county.example/witness",
        privateKey: try! Curve25519.Signing.PrivateKey(rawRepresentation: Array(0..<32) as [UInt8])
    )
    static let body = "sealkeeper/town-a\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\ntime 2026-11-22T01:00:00Z\n"
    static let line =
        "\u{2014} county.example/witness HDCFzQAAAABq/YbAO8DUxwwIixybivuyBjLWYla1MrfeW0/ImZsMe6C74MpTxUqec60pDoyRTvtq+2Nac37nTsHv/ii1IO5AyZ8ODA==\n"

    @Test("the cosigner's vkey, key ID and cosignature line are the spec's bytes")
    func cosignatureBytes() throws {
        #expect(Self.key.verifier.vkey == "county.example/witness+1c3085cd+BAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4")
        let signature = try Self.key.cosign(noteText: Self.body, time: 1_795_000_000)
        #expect(SignedNote(text: Self.body, signatures: [signature]).serialized == Self.body + "\n" + Self.line)
        // And a line made elsewhere verifies here, with its time.
        let note = try #require(SignedNote(parsing: Self.body + "\n" + Self.line))
        #expect(Self.key.verifier.cosignedTime(note) == 1_795_000_000)
        #expect(CosignatureVerifier(vkey: Self.key.verifier.vkey) == Self.key.verifier)
        #expect(CosignerKey(encoded: Self.key.encoded)?.verifier == Self.key.verifier)
    }

    @Test("a cosignature does not verify for another body, another time, another name, or as a note signature")
    func cosignatureRefusals() throws {
        let verifier = Self.key.verifier
        let otherBody = Self.body.replacingOccurrences(of: "\n5\n", with: "\n6\n")
        #expect(verifier.cosignedTime(try #require(SignedNote(parsing: otherBody + "\n" + Self.line))) == nil)
        // Rewriting the time inside the signature bytes breaks it.
        var raw = Array(Data(base64Encoded: String(Self.line.split(separator: " ")[2].dropLast()))!)
        raw[11] ^= 1
        let retimed = "\u{2014} county.example/witness \(Data(raw).base64EncodedString())\n"
        #expect(verifier.cosignedTime(try #require(SignedNote(parsing: Self.body + "\n" + retimed))) == nil)
        let renamed = Self.line.replacingOccurrences(of: "county.example/witness", with: "county.example/other")
        #expect(verifier.cosignedTime(try #require(SignedNote(parsing: Self.body + "\n" + renamed))) == nil)
        // The same Ed25519 key as a note signer (type 0x01) has another key ID: a cosignature is not a log signature.
        let asSigner = NoteSigner(name: Self.key.name, privateKey: try Curve25519.Signing.PrivateKey(rawRepresentation: Array(0..<32) as [UInt8]))
        #expect(asSigner.verifier.keyHash != verifier.keyHash)
        #expect(!asSigner.verifier.verify(try #require(SignedNote(parsing: Self.body + "\n" + Self.line))))
    }

    @Test("the spec's example add-checkpoint body parses, and serializes back to the same bytes")
    func specExampleBody() throws {
        let body = """
            old 20852014
            PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=
            jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=
            5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=
            /6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=

            example.com/behind-the-sofa
            20852163
            CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

            — example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=
            — example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=

            """
        let request = try AddCheckpointRequest(parsing: Array(body.utf8))
        #expect(request.oldSize == 20_852_014)
        #expect(request.proof.count == 4)
        #expect(request.proof[0].base64 == "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=")
        let note = try #require(SignedNote(parsing: request.checkpoint))
        #expect(note.signatures.count == 2)
        #expect(Checkpoint(noteText: note.text)?.size == 20_852_163)
        #expect(request.body == body)
    }

    @Test(
        "malformed bodies are refused with a reason",
        arguments: [
            "old 01\n\ncheckpoint",  // leading zero
            "old -1\n\ncheckpoint",
            "old +1\n\ncheckpoint",
            "old  1\n\ncheckpoint",
            "Old 1\n\ncheckpoint",
            "old 1\nnot a hash\n\ncheckpoint",
            "old 1\nAAAA\n\ncheckpoint",  // base64, but not 32 bytes
            "old 1\n",  // no blank line
            "old 1\n\n",  // no checkpoint
            "old 1",  // no newline at all
            "old 99999999999999999999999\n\ncheckpoint",
        ]
    )
    func malformed(body: String) {
        #expect(throws: AddCheckpointRequest.Malformed.self) { try AddCheckpointRequest(parsing: Array(body.utf8)) }
    }

    @Test("more than 63 proof lines are refused; 63 are accepted")
    func proofLineLimit() throws {
        let hash = TreeHash.empty.base64 + "\n"
        let ok = "old 1\n" + String(repeating: hash, count: 63) + "\nx\n\n— a b\n"
        #expect(try AddCheckpointRequest(parsing: Array(ok.utf8)).proof.count == 63)
        let tooMany = "old 1\n" + String(repeating: hash, count: 64) + "\nx\n\n— a b\n"
        #expect(throws: AddCheckpointRequest.Malformed.self) { try AddCheckpointRequest(parsing: Array(tooMany.utf8)) }
        #expect(throws: AddCheckpointRequest.Malformed.self) { try AddCheckpointRequest(parsing: [0xFF, 0x0A]) }
    }


    @Test("the witness's verdicts follow tlog-witness for every case")
    func verdicts() throws {
        let tree = InMemoryMerkleTree(leaves: (0..<8).map { TreeHash.leaf(Array("\($0)".utf8)) }).tree
        let r5 = try tree.root(size: 5)
        let r8 = try tree.root(size: 8)
        let proof = try tree.consistencyProof(from: 5, to: 8)
        func checkpoint(_ size: Int, _ root: TreeHash) -> Checkpoint { Checkpoint(origin: "o", size: size, root: root, time: "") }
        func judge(old: Int, proof: [TreeHash], _ cp: Checkpoint, stored: (Int, TreeHash)?) -> WitnessVerdict {
            WitnessVerdict.judge(request: .init(oldSize: old, proof: proof, checkpoint: ""), checkpoint: cp, stored: stored.map { (size: $0.0, root: $0.1) })
        }
        // First contact: old 0, empty proof.
        #expect(judge(old: 0, proof: [], checkpoint(5, r5), stored: nil) == .cosign)
        #expect(judge(old: 0, proof: proof, checkpoint(5, r5), stored: nil) == .badProof)
        // Growth with a valid proof; the same with a proof for other sizes or another root.
        #expect(judge(old: 5, proof: proof, checkpoint(8, r8), stored: (5, r5)) == .cosign)
        #expect(judge(old: 5, proof: Array(proof.dropLast()), checkpoint(8, r8), stored: (5, r5)) == .badProof)
        #expect(judge(old: 5, proof: proof, checkpoint(8, r5), stored: (5, r5)) == .badProof)
        #expect(judge(old: 5, proof: proof, checkpoint(8, r8), stored: (5, r8)) == .badProof)
        // old > size: 400, checked before the stored size.
        #expect(judge(old: 9, proof: [], checkpoint(8, r8), stored: (5, r5)) == .oldAfterNew)
        // old not the stored size (behind, ahead, or 0 to learn it): 409 with the stored size.
        #expect(judge(old: 0, proof: [], checkpoint(8, r8), stored: (5, r5)) == .conflict(storedSize: 5))
        #expect(judge(old: 3, proof: [], checkpoint(8, r8), stored: (5, r5)) == .conflict(storedSize: 5))
        #expect(judge(old: 5, proof: [], checkpoint(8, r8), stored: nil) == .conflict(storedSize: 0))
        // Same size: same root is cosigned again; another root is a fork.
        #expect(judge(old: 5, proof: [], checkpoint(5, r5), stored: (5, r5)) == .cosign)
        #expect(judge(old: 5, proof: [], checkpoint(5, r8), stored: (5, r5)) == .sameSizeOtherRoot(storedSize: 5))
    }
}
