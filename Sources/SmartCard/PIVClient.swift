import Crypto
import Foundation
import SwiftASN1
import X509

/// The PIV card application (NIST SP 800-73-4 part 2): the subset a seal card needs.
public struct PIVClient<Transport: APDUTransport> {
    public let transport: Transport

    public init(_ transport: Transport) {
        self.transport = transport
    }

    /// `A0 00 00 03 08 00 00 10 00`: the PIV application identifier (without version).
    public static var applicationID: [UInt8] { [0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00] }
    /// Data object tags (`5C` tag lists for GET DATA).
    public static var certificate9CTag: [UInt8] { [0x5F, 0xC1, 0x0A] }
    public static var chuidTag: [UInt8] { [0x5F, 0xC1, 0x02] }
    /// Algorithm reference for ECC P-256 and the key reference of slot 9C (digital signature).
    public static var eccP256: UInt8 { 0x11 }
    public static var slot9C: UInt8 { 0x9C }
    /// PIV Card Application PIN.
    public static var applicationPIN: UInt8 { 0x80 }

    public func select() throws(SmartCardError) {
        let response = try transport.transmit(CommandAPDU(ins: 0xA4, p1: 0x04, p2: 0x00, data: Self.applicationID, le: 256))
        if response.status == .fileNotFound { throw .notFound("the PIV application") }
        guard response.status.isSuccess else { throw .status(response.status, command: "SELECT PIV") }
    }

    /// GET DATA for one object; the value inside its `53` container.
    public func data(object tag: [UInt8]) throws(SmartCardError) -> [UInt8] {
        let request = BERTLV.encode(0x5C, tag)
        let response = try transport.transmit(CommandAPDU(ins: 0xCB, p1: 0x3F, p2: 0xFF, data: request, le: 256))
        if response.status == .fileNotFound { throw .notFound("data object \(hex(tag))") }
        guard response.status.isSuccess else { throw .status(response.status, command: "GET DATA \(hex(tag))") }
        guard let container = try BERTLV.find(0x53, in: response.data) else { throw .malformed("GET DATA without a 53 container") }
        return container
    }

    /// The X.509 certificate in slot 9C, DER (`70` inside the certificate object; `71` flags compression).
    public func certificate9C() throws(SmartCardError) -> [UInt8] {
        let object = try data(object: Self.certificate9CTag)
        let fields = try BERTLV.parse(object)
        guard let der = fields.first(where: { $0.tag == 0x70 })?.value else { throw .malformed("certificate object without 70") }
        if let info = fields.first(where: { $0.tag == 0x71 })?.value, info.first.map({ $0 & 0x01 != 0 }) == true {
            throw .malformed("compressed certificates are not supported")
        }
        return der
    }

    /// Tries left for the PIN (VERIFY with no data); nil when the PIN is already verified in this session.
    public func pinTriesLeft() throws(SmartCardError) -> Int? {
        let response = try transport.transmit(CommandAPDU(ins: 0x20, p1: 0x00, p2: Self.applicationPIN))
        if response.status.isSuccess { return nil }
        if let tries = response.status.triesLeft { return tries }
        if response.status == .authenticationBlocked { return 0 }
        throw .status(response.status, command: "VERIFY (tries left)")
    }

    /// VERIFY the PIN. Padding to 8 bytes with FF happens here, in a buffer that is zeroed afterwards.
    public func verify(pin: UnsafeRawBufferPointer) throws(SmartCardError) {
        guard (6...8).contains(pin.count) else { throw .invalidPIN("a PIV PIN has 6 to 8 characters") }
        var padded = [UInt8](repeating: 0xFF, count: 8)
        defer { padded.withUnsafeMutableBytes { zeroize($0) } }
        for (i, byte) in pin.enumerated() { padded[i] = byte }
        var command = CommandAPDU(ins: 0x20, p1: 0x00, p2: Self.applicationPIN, data: padded)
        defer { command.data.withUnsafeMutableBytes { zeroize($0) } }
        let response = try transport.transmit(command)
        if response.status.isSuccess { return }
        if let tries = response.status.triesLeft { throw tries == 0 ? .pinBlocked : .wrongPIN(triesLeft: tries) }
        if response.status == .authenticationBlocked { throw .pinBlocked }
        throw .status(response.status, command: "VERIFY")
    }

    /// GENERAL AUTHENTICATE with the slot 9C key (ECC P-256) over a SHA-256 digest: a DER ECDSA signature.
    public func sign(digest: [UInt8]) throws(SmartCardError) -> [UInt8] {
        guard digest.count == 32 else { throw .malformed("a P-256 signature is over a 32-byte digest") }
        let template = BERTLV.encode(0x7C, BERTLV.encode(0x82, []) + BERTLV.encode(0x81, digest))
        let response = try transport.transmit(CommandAPDU(ins: 0x87, p1: Self.eccP256, p2: Self.slot9C, data: template, le: 256))
        if response.status == .securityStatusNotSatisfied { throw .securityStatusNotSatisfied }
        guard response.status.isSuccess else { throw .status(response.status, command: "GENERAL AUTHENTICATE") }
        guard let dynamic = try BERTLV.find(0x7C, in: response.data), let signature = try BERTLV.find(0x82, in: dynamic) else {
            throw .malformed("GENERAL AUTHENTICATE without 7C/82")
        }
        return signature
    }
}

/// Overwrites secret bytes in a way the optimiser keeps.
public func zeroize(_ buffer: UnsafeMutableRawBufferPointer) {
    guard let base = buffer.baseAddress, buffer.count > 0 else { return }
    explicit_bzero(base, buffer.count)
}

/// What a seal needs to know about a card certificate.
public struct CardCertificate: Sendable, Equatable {
    public var der: [UInt8]
    public var subject: String
    /// SHA-256 of the DER certificate, lower-case hex (what `openssl x509 -fingerprint -sha256` shows, unformatted).
    public var fingerprint: String
    public var notValidAfter: Date

    public init(der: [UInt8]) throws(SmartCardError) {
        let certificate: Certificate
        do {
            certificate = try Certificate(derEncoded: der)
        } catch {
            throw .malformed("the 9C certificate does not parse: \(error)")
        }
        self.der = der
        subject = certificate.subject.description
        fingerprint = SHA256.hash(data: der).map { String(format: "%02x", $0) }.joined()
        notValidAfter = certificate.notValidAfter
    }

    /// The certificate's P-256 public key.
    public func publicKey() throws(SmartCardError) -> P256.Signing.PublicKey {
        guard let certificate = try? Certificate(derEncoded: der), let key = P256.Signing.PublicKey(certificate.publicKey) else {
            throw .malformed("the 9C certificate does not hold a P-256 key")
        }
        return key
    }

    /// Whether `signature` (DER ECDSA) is this certificate's key's signature of `message` (hashed with SHA-256).
    public func verifies(signature: [UInt8], over message: some DataProtocol) -> Bool {
        guard let key = try? publicKey(), let ecdsa = try? P256.Signing.ECDSASignature(derRepresentation: signature) else {
            return false
        }
        return key.isValidSignature(ecdsa, for: SHA256.hash(data: message))
    }

    public var pem: String {
        let body = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN CERTIFICATE-----\n\(body)\n-----END CERTIFICATE-----\n"
    }
}
