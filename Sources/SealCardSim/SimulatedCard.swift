import Crypto
import Foundation
import SmartCard
import SwiftASN1
import X509

/// What a simulated PIV seal card keeps across runs: its 9C key and certificate, PIN and retry counter.
///
/// Kept in the `--state` file (mode 0600). It is a test card: the PIN is stored as the card stores it.
public struct SimulatedCard: Codable, Sendable, Equatable {
    public var privateKey: Data
    public var certificate: Data
    public var pin: String
    public var triesLeft: Int
    public var guid: Data
    public static let maxTries = 3

    /// A new card: a fresh P-256 key in 9C and a self-signed certificate for `subject` (a common name).
    public static func create(subject: String, pin: String) throws -> SimulatedCard {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            CommonName(subject)
            OrganizationName("Sealkeeper simulated seal card")
        }
        let now = Date()
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(10 * 365 * 86_400),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(KeyUsage(digitalSignature: true, nonRepudiation: true))
                Critical(BasicConstraints.notCertificateAuthority)
            },
            issuerPrivateKey: .init(key)
        )
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return SimulatedCard(
            privateKey: key.rawRepresentation, certificate: Data(serializer.serializedBytes), pin: pin,
            triesLeft: maxTries, guid: Data((0..<16).map { _ in UInt8.random(in: 0...255) })
        )
    }

    /// Loads the state file, or creates the card and writes the file (0600) when it does not exist.
    public static func loadOrCreate(path: String, subject: String, pin: String) throws -> SimulatedCard {
        if let data = FileManager.default.contents(atPath: path) {
            return try JSONDecoder().decode(SimulatedCard.self, from: data)
        }
        let card = try create(subject: subject, pin: pin)
        try card.save(path: path)
        return card
    }

    public func save(path: String) throws {
        let data = try JSONEncoder().encode(self)
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown)
        }
        guard rename(temporary, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    public func signingKey() throws -> P256.Signing.PrivateKey {
        try P256.Signing.PrivateKey(rawRepresentation: privateKey)
    }
}
