import Crypto
import SealBook
import Testing

@Suite("Canonical entries and signed checkpoints")
struct SignedCheckpointTests {
    @Test("canonical JSON sorts keys, has no white space and escapes minimally")
    func canonicalJSON() {
        let value: JSONValue = ["b": 1, "a": ["x": "引号\"\\\n", "c": nil, "t": true], "é": [1, -2, "\u{01}"]]
        #expect(value.canonicalString == #"{"a":{"c":null,"t":true,"x":"引号\"\\\n"},"b":1,"é":[1,-2,"\u0001"]}"#)
    }

    @Test("the same entry always has the same bytes and leaf hash")
    func entryDeterminism() {
        let actor = JournalActor(staff: "S001", user: "alice", uid: 1001, toolUID: 0)
        let a = JournalEntry(sequence: 7, time: "2026-11-21T05:00:00Z", actor: actor, kind: "seal.added", payload: ["name": "XX镇人民政府行政审批委托专用章", "id": "SEAL-0001"])
        let b = JournalEntry(sequence: 7, time: "2026-11-21T05:00:00Z", actor: actor, kind: "seal.added", payload: ["id": "SEAL-0001", "name": "XX镇人民政府行政审批委托专用章"])
        #expect(a.canonicalBytes == b.canonicalBytes)
        #expect(a.leafHash == b.leafHash)
        #expect(JournalEntry(json: a.json) == a)
        var c = a
        c.payload = ["id": "SEAL-0002", "name": "XX镇人民政府行政审批委托专用章"]
        #expect(c.leafHash != a.leafHash)
    }

    @Test("a signed checkpoint verifies with the register key and with nothing else")
    func checkpointSignature() throws {
        let signer = NoteSigner(name: "sealkeeper/test", privateKey: Curve25519.Signing.PrivateKey())
        let root = try #require(TreeHash(hex: RFC6962Vectors.roots[8]))
        let checkpoint = Checkpoint(origin: "sealkeeper/test", size: 8, root: root, time: "2026-11-21T05:00:00Z")
        let serialized = try checkpoint.signed(by: signer).serialized
        #expect(serialized.hasPrefix("sealkeeper/test\n8\n\(root.base64)\ntime 2026-11-21T05:00:00Z\n\n\u{2014} sealkeeper/test "))
        #expect(Checkpoint.open(serialized, verifier: signer.verifier) == checkpoint)

        let other = NoteSigner(name: "sealkeeper/test", privateKey: Curve25519.Signing.PrivateKey())
        #expect(Checkpoint.open(serialized, verifier: other.verifier) == nil)
        let altered = serialized.replacingOccurrences(of: "\n8\n", with: "\n9\n")
        #expect(Checkpoint.open(altered, verifier: signer.verifier) == nil)

        // Keys survive their text forms.
        let reloaded = try #require(NoteSigner(encoded: signer.encoded))
        #expect(reloaded.verifier == signer.verifier)
        #expect(NoteVerifier(vkey: signer.verifier.vkey) == signer.verifier)
        #expect(NoteVerifier(vkey: signer.verifier.vkey.replacingOccurrences(of: "+", with: "+0", options: [], range: nil)) == nil)
    }
}
