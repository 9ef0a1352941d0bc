import Crypto
import Foundation
import SealCardSim
import Testing
@testable import SmartCard

/// PIVClient against the simulator's applet in memory: both sides of PIV, no pcscd. The same client is checked
/// against the real stack (pcscd, vpcd, OpenSC, yubico-piv-tool) in the integration tests.
@Suite("PIV client and the simulated card")
struct PIVAppletTests {
    static let card = try! SimulatedCard.create(subject: "测试电子印章", pin: "123456")

    func client() -> (PIVClient<AppletTransport>, PIVApplet) {
        let applet = PIVApplet(card: Self.card)
        return (PIVClient(AppletTransport(applet)), applet)
    }

    func verify(_ piv: PIVClient<AppletTransport>, _ pin: String) throws {
        try Array(pin.utf8).withUnsafeBytes { try piv.verify(pin: $0) }
    }

    @Test("the 9C certificate comes back whole through 61xx chaining and names the card")
    func certificate() throws {
        let (piv, _) = client()
        try piv.select()
        let der = try piv.certificate9C()
        #expect(der.count > 256, "the certificate must need GET RESPONSE to be a real test")
        #expect(der == Array(Self.card.certificate))
        let certificate = try CardCertificate(der: der)
        #expect(certificate.subject.contains("测试电子印章"))
        #expect(certificate.fingerprint == SHA256.hash(data: der).map { String(format: "%02x", $0) }.joined())
    }

    @Test("a signature needs a VERIFY each time, and verifies against the certificate")
    func signing() throws {
        let (piv, _) = client()
        try piv.select()
        let message = Array("用印声明".utf8)
        let digest = Array(SHA256.hash(data: message))
        #expect(throws: SmartCardError.securityStatusNotSatisfied) { try piv.sign(digest: digest) }
        try verify(piv, "123456")
        let signature = try piv.sign(digest: digest)
        let certificate = try CardCertificate(der: try piv.certificate9C())
        #expect(certificate.verifies(signature: signature, over: message))
        #expect(!certificate.verifies(signature: signature, over: Array("另一份声明".utf8)))
        // PIN-always: the verification was used up by the signature.
        #expect(throws: SmartCardError.securityStatusNotSatisfied) { try piv.sign(digest: digest) }
    }

    @Test("wrong PINs count down; three block the card; a right PIN resets the counter")
    func retryCounter() throws {
        let (piv, applet) = client()
        try piv.select()
        #expect(try piv.pinTriesLeft() == 3)
        #expect(throws: SmartCardError.wrongPIN(triesLeft: 2)) { try verify(piv, "000000") }
        #expect(throws: SmartCardError.wrongPIN(triesLeft: 1)) { try verify(piv, "000000") }
        try verify(piv, "123456")
        #expect(applet.card.triesLeft == 3)
        #expect(try piv.pinTriesLeft() == nil, "verified in this session")
        applet.reset()
        for expected in [2, 1] {
            #expect(throws: SmartCardError.wrongPIN(triesLeft: expected)) { try verify(piv, "654321") }
        }
        #expect(throws: SmartCardError.pinBlocked) { try verify(piv, "654321") }
        #expect(throws: SmartCardError.pinBlocked) { try verify(piv, "123456") }
        #expect(try piv.pinTriesLeft() == 0)
    }

    @Test("a PIN outside 6–8 characters never reaches the card")
    func pinLength() {
        let (piv, applet) = client()
        #expect(throws: SmartCardError.self) { try verify(piv, "12345") }
        #expect(applet.card.triesLeft == 3)
    }

    @Test("unknown objects, wrong slots and bad classes answer as a PIV card does", arguments: [
        ([0x00, 0xCB, 0x3F, 0xFF, 0x05, 0x5C, 0x03, 0x5F, 0xC1, 0x05, 0x00], StatusWord.fileNotFound),
        ([0x00, 0x87, 0x11, 0x9A, 0x04, 0x7C, 0x02, 0x82, 0x00, 0x00], StatusWord.fileNotFound),
        ([0x00, 0xFD, 0x00, 0x00], StatusWord.insNotSupported),
        ([0x80, 0x20, 0x00, 0x80], StatusWord.claNotSupported),
        ([0x00, 0xA4, 0x04, 0x00, 0x05, 0xA0, 0x00, 0x00, 0x00, 0x01], StatusWord.fileNotFound),
    ] as [([UInt8], StatusWord)])
    func refusals(command: [UInt8], expected: StatusWord) {
        let (_, applet) = client()
        #expect(ResponseAPDU(bytes: applet.process(command))?.status == expected)
    }

    @Test("locked memory holds the secret and wipes it")
    func lockedSecret() throws {
        let secret = try Array("123456".utf8).withUnsafeBytes { try LockedSecret(copying: $0) }
        #expect(secret.withBytes { Array($0) } == Array("123456".utf8))
        secret.wipe()
        #expect(secret.count == 0)
    }
}
