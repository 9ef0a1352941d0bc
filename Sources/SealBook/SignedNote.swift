import Crypto
import Foundation

/// A C2SP signed note (https://c2sp.org/signed-note) signed with Ed25519: a text ending in a newline, a blank
/// line, then one line per signature: `— NAME BASE64(keyhash[4] ‖ signature[64])`.
public struct SignedNote: Sendable, Equatable {
    public var text: String
    public var signatures: [Signature]

    public struct Signature: Sendable, Equatable {
        public var name: String
        public var keyHash: [UInt8]
        public var signature: [UInt8]

        public init(name: String, keyHash: [UInt8], signature: [UInt8]) {
            self.name = name
            self.keyHash = keyHash
            self.signature = signature
        }

        /// The signature line: `— NAME BASE64(keyhash ‖ signature)` and a newline.
        public var line: String { "\u{2014} \(name) \(Base64.encode(keyHash + signature))\n" }
    }

    public init(text: String, signatures: [Signature]) {
        self.text = text
        self.signatures = signatures
    }

    /// The note as transmitted.
    public var serialized: String {
        text + "\n" + signatures.map(\.line).joined()
    }

    /// Parses a serialized note; nil when it is not of the signed-note form.
    public init?(parsing serialized: String) {
        guard let split = serialized.range(of: "\n\n", options: .backwards) else { return nil }
        let text = String(serialized[..<split.lowerBound]) + "\n"
        let signatureBlock = serialized[split.upperBound...]
        guard signatureBlock.hasSuffix("\n") else { return nil }
        var signatures: [Signature] = []
        for line in signatureBlock.dropLast().split(separator: "\n", omittingEmptySubsequences: false) {
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0] == "\u{2014}", let raw = Base64.decode(String(parts[2])), raw.count > 4
            else { return nil }
            signatures.append(.init(name: String(parts[1]), keyHash: Array(raw.prefix(4)), signature: Array(raw.dropFirst(4))))
        }
        guard !signatures.isEmpty else { return nil }
        self.text = text
        self.signatures = signatures
    }
}

/// The register's Ed25519 note key: signs checkpoints. Its verifier key (`vkey`) is what a county keeps to check
/// exported books offline.
public struct NoteSigner: Sendable {
    public let name: String
    let privateKey: Curve25519.Signing.PrivateKey

    public init(name: String, privateKey: Curve25519.Signing.PrivateKey) {
        self.name = name
        self.privateKey = privateKey
    }

    public var verifier: NoteVerifier { NoteVerifier(name: name, publicKey: privateKey.publicKey) }

    /// A symmetric key for another purpose, derived from this key (HKDF-SHA256 with `label` as its info): whoever
    /// holds the signing key holds it, nobody else can compute it, and it is never stored.
    public func derivedKey(_ label: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: privateKey.rawRepresentation), info: Array(label.utf8), outputByteCount: 32)
    }

    /// Signs `text` (which must end in a newline) and returns the signed note.
    public func sign(_ text: String) throws -> SignedNote {
        let signature = try privateKey.signature(for: Array(text.utf8))
        return SignedNote(
            text: text, signatures: [.init(name: name, keyHash: verifier.keyHash, signature: Array(signature))]
        )
    }

    /// The private key in the Go note package's form, `PRIVATE+KEY+NAME+HASH+BASE64(0x01 ‖ seed)`.
    public var encoded: String {
        "PRIVATE+KEY+\(name)+\(verifier.keyHashHex)+\(Base64.encode([0x01] + Array(privateKey.rawRepresentation)))"
    }

    /// Reads the form `encoded` writes.
    public init?(encoded: String) {
        let parts = encoded.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "+", maxSplits: 4)
        guard parts.count == 5, parts[0] == "PRIVATE", parts[1] == "KEY", let raw = Base64.decode(String(parts[4])),
            raw.count == 33, raw[0] == 0x01,
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw.dropFirst())
        else { return nil }
        self.init(name: String(parts[2]), privateKey: key)
        guard verifier.keyHashHex == parts[3] else { return nil }
    }
}

/// Checks note signatures against one Ed25519 public key.
public struct NoteVerifier: Sendable, Equatable {
    public let name: String
    public let publicKey: Curve25519.Signing.PublicKey

    public init(name: String, publicKey: Curve25519.Signing.PublicKey) {
        self.name = name
        self.publicKey = publicKey
    }

    public static func == (a: NoteVerifier, b: NoteVerifier) -> Bool {
        a.name == b.name && a.publicKey.rawRepresentation == b.publicKey.rawRepresentation
    }

    /// SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key)[0..<4], the note key id.
    public var keyHash: [UInt8] {
        Array(SHA256.hash(data: Array(name.utf8) + [0x0A, 0x01] + Array(publicKey.rawRepresentation)).prefix(4))
    }

    public var keyHashHex: String { Hex.lowercase(keyHash) }

    /// The verifier key string `NAME+HASH+BASE64(0x01 ‖ public key)`.
    public var vkey: String { "\(name)+\(keyHashHex)+\(Base64.encode([0x01] + Array(publicKey.rawRepresentation)))" }

    /// SHA-256 of the public key, hex: the fingerprint people compare by eye.
    public var fingerprint: String {
        Hex.lowercase(Array(SHA256.hash(data: publicKey.rawRepresentation)))
    }

    public init?(vkey: String) {
        let parts = vkey.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "+", maxSplits: 2)
        guard parts.count == 3, let raw = Base64.decode(String(parts[2])), raw.count == 33, raw[0] == 0x01,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw.dropFirst())
        else { return nil }
        self.init(name: String(parts[0]), publicKey: key)
        guard keyHashHex == parts[1] else { return nil }
    }

    /// Whether the note carries a valid signature by this key.
    public func verify(_ note: SignedNote) -> Bool {
        note.signatures.contains { signature in
            signature.name == name && signature.keyHash == keyHash
                && publicKey.isValidSignature(signature.signature, for: Array(note.text.utf8))
        }
    }
}
