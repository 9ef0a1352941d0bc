import Crypto
import Foundation

/// C2SP tlog-cosignature/v1 with Ed25519 (https://c2sp.org/tlog-cosignature): a witness's statement that, as of
/// `time`, the checkpoint is the largest consistent tree head it has seen for the log. A note signature line whose
/// bytes are `keyID[4] ‖ u64 big-endian time ‖ Ed25519 signature[64]`, over
/// `cosignature/v1\ntime <time>\n` followed by the checkpoint's note text.
public enum Cosignature {
    /// The signature type byte of Ed25519 cosignatures, in key IDs and verifier keys.
    public static let signatureType: UInt8 = 0x04

    /// The message a cosignature signs.
    public static func message(noteText: String, time: UInt64) -> [UInt8] {
        Array("cosignature/v1\ntime \(time)\n".utf8) + Array(noteText.utf8)
    }
}

/// The county's cosigning key (a witness key is used for nothing else, as the spec asks).
public struct CosignerKey: Sendable {
    public let name: String
    let privateKey: Curve25519.Signing.PrivateKey

    public init(name: String, privateKey: Curve25519.Signing.PrivateKey = .init()) {
        self.name = name
        self.privateKey = privateKey
    }

    public var verifier: CosignatureVerifier { CosignatureVerifier(name: name, publicKey: privateKey.publicKey) }

    /// The cosignature line's signature for a checkpoint's note text at `time` (POSIX seconds).
    public func cosign(noteText: String, time: UInt64) throws -> SignedNote.Signature {
        let signature = try privateKey.signature(for: Cosignature.message(noteText: noteText, time: time))
        return .init(name: name, keyHash: verifier.keyHash, signature: time.bigEndianBytes + Array(signature))
    }

    /// `PRIVATE+KEY+NAME+HASH+BASE64(0x04 ‖ seed)`, the Go note package's private key form with the cosignature type.
    public var encoded: String {
        "PRIVATE+KEY+\(name)+\(verifier.keyHashHex)+\(Base64.encode([Cosignature.signatureType] + Array(privateKey.rawRepresentation)))"
    }

    public init?(encoded: String) {
        let parts = encoded.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "+", maxSplits: 4)
        guard parts.count == 5, parts[0] == "PRIVATE", parts[1] == "KEY", let raw = Base64.decode(String(parts[4])),
            raw.count == 33, raw[0] == Cosignature.signatureType,
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw.dropFirst())
        else { return nil }
        self.init(name: String(parts[2]), privateKey: key)
        guard verifier.keyHashHex == parts[3] else { return nil }
    }
}

/// Checks cosignatures by one witness key.
public struct CosignatureVerifier: Sendable, Equatable {
    public let name: String
    public let publicKey: Curve25519.Signing.PublicKey

    public init(name: String, publicKey: Curve25519.Signing.PublicKey) {
        self.name = name
        self.publicKey = publicKey
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.name == b.name && a.publicKey.rawRepresentation == b.publicKey.rawRepresentation
    }

    /// SHA-256(name ‖ "\n" ‖ 0x04 ‖ public key)[0..<4].
    public var keyHash: [UInt8] {
        Array(SHA256.hash(data: Array(name.utf8) + [0x0A, Cosignature.signatureType] + Array(publicKey.rawRepresentation)).prefix(4))
    }

    public var keyHashHex: String { Hex.lowercase(keyHash) }

    /// The verifier key `NAME+HASH+BASE64(0x04 ‖ public key)`.
    public var vkey: String {
        "\(name)+\(keyHashHex)+\(Base64.encode([Cosignature.signatureType] + Array(publicKey.rawRepresentation)))"
    }

    public init?(vkey: String) {
        let parts = vkey.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "+", maxSplits: 2)
        guard parts.count == 3, let raw = Base64.decode(String(parts[2])), raw.count == 33,
            raw[0] == Cosignature.signatureType,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw.dropFirst())
        else { return nil }
        self.init(name: String(parts[0]), publicKey: key)
        guard keyHashHex == parts[1] else { return nil }
    }

    /// The time of this key's valid cosignature on the note, the newest when there are several; nil when none.
    /// Lines by other keys, or with this key's name but another key ID, are ignored as the spec asks.
    public func cosignedTime(_ note: SignedNote) -> UInt64? {
        note.signatures.compactMap { time(of: $0, noteText: note.text) }.max()
    }

    /// The time a single signature line states, when it is this key's valid cosignature on `noteText`.
    public func time(of signature: SignedNote.Signature, noteText: String) -> UInt64? {
        guard signature.name == name, signature.keyHash == keyHash, signature.signature.count == 8 + 64 else { return nil }
        let time = signature.signature.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard time <= UInt64(Int64.max),
            publicKey.isValidSignature(signature.signature.dropFirst(8), for: Cosignature.message(noteText: noteText, time: time))
        else { return nil }
        return time
    }
}

extension UInt64 {
    var bigEndianBytes: [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: self >> (56 - 8 * $0)) } }
}
