import Crypto
import Foundation
import SmartCard

/// The card side of PIV for one simulated card: answers command APDUs the way a PIV card with an ECC P-256 key
/// in slot 9C does (NIST SP 800-73-4 part 2), including the PIN retry counter and PIN-always for 9C.
public final class PIVApplet: @unchecked Sendable {
    public private(set) var card: SimulatedCard
    /// Called whenever the retry counter changes, so the simulator can persist it as a card would.
    public var onChange: ((SimulatedCard) -> Void)?

    /// SELECTs still to be answered `6F00`, as a card busy being reset answers: for testing that a reader reads a
    /// card again (`sealcard-sim --failing-selects`).
    public var failingSelects = 0

    private var pinVerified = false
    private var pendingResponse: [UInt8] = []
    private var chainedData: [UInt8] = []
    private var chainedHeader: [UInt8]?

    /// The ATR from ../shared/NOTES-pcsc.md: the PIV AID in the historical bytes makes OpenSC treat it as plain PIV.
    public static let atr: [UInt8] = [0x3B, 0x8B, 0x80, 0x01, 0x80, 0xF9, 0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0xC8]

    public init(card: SimulatedCard) {
        self.card = card
    }

    /// Power off, on or reset: the security status and any half-finished exchange are lost.
    public func reset() {
        pinVerified = false
        pendingResponse = []
        chainedData = []
        chainedHeader = nil
    }

    public func process(_ bytes: [UInt8]) -> [UInt8] {
        guard let command = CommandAPDU(bytes: bytes) else { return StatusWord.wrongLength.bytes }
        if command.cla & 0xE0 != 0 { return StatusWord.claNotSupported.bytes }
        if command.ins != 0xC0 { pendingResponse = [] }
        // Command chaining: collect the parts; the last one (no 0x10 in CLA) runs with all the data.
        var full = command
        if command.cla & 0x10 != 0 {
            let header = [command.ins, command.p1, command.p2]
            if let previous = chainedHeader, previous != header { chainedData = [] }
            chainedHeader = header
            chainedData += command.data
            return StatusWord.success.bytes
        }
        if let header = chainedHeader {
            chainedHeader = nil
            guard header == [command.ins, command.p1, command.p2] else {
                chainedData = []
                return StatusWord.lastCommandExpected.bytes
            }
            full.data = chainedData + command.data
            chainedData = []
        }
        let response: ResponseAPDU
        switch full.ins {
        case 0xA4 where failingSelects > 0:
            failingSelects -= 1
            response = ResponseAPDU(data: [], status: StatusWord(0x6F00))
        case 0xA4: response = select(full)
        case 0xCB: response = getData(full)
        case 0x20: response = verify(full)
        case 0x87: response = generalAuthenticate(full)
        case 0xC0: return getResponse(full)
        default: response = ResponseAPDU(data: [], status: .insNotSupported)
        }
        return send(response, le: full.le)
    }

    /// Long answers go out in pieces of at most Le (256) bytes, the rest announced with `61xx`.
    private func send(_ response: ResponseAPDU, le: Int?) -> [UInt8] {
        let limit = min(le ?? 256, 256)
        guard response.data.count > limit else { return response.bytes }
        pendingResponse = Array(response.data.dropFirst(limit))
        let remaining = pendingResponse.count
        return Array(response.data.prefix(limit)) + StatusWord.moreData(remaining >= 256 ? 0 : remaining).bytes
    }

    private func getResponse(_ command: CommandAPDU) -> [UInt8] {
        guard !pendingResponse.isEmpty else { return StatusWord.conditionsNotSatisfied.bytes }
        let chunk = ResponseAPDU(data: pendingResponse, status: .success)
        pendingResponse = []
        return send(chunk, le: command.le)
    }

    private func select(_ command: CommandAPDU) -> ResponseAPDU {
        guard command.p1 == 0x04, !command.data.isEmpty, PIVClient<NoTransport>.applicationID.starts(with: command.data) else {
            return ResponseAPDU(data: [], status: .fileNotFound)
        }
        reset()
        // Application property template: PIX with version, and the coexistent tag allocation authority.
        let template = BERTLV.encode(0x4F, [0x00, 0x00, 0x10, 0x00, 0x01, 0x00])
            + BERTLV.encode(0x79, BERTLV.encode(0x4F, [0xA0, 0x00, 0x00, 0x03, 0x08]))
        return ResponseAPDU(data: BERTLV.encode(0x61, template), status: .success)
    }

    private func getData(_ command: CommandAPDU) -> ResponseAPDU {
        guard command.p1 == 0x3F, command.p2 == 0xFF else { return ResponseAPDU(data: [], status: .incorrectP1P2) }
        guard let tag = try? BERTLV.find(0x5C, in: command.data) else { return ResponseAPDU(data: [], status: .incorrectData) }
        let object: [UInt8]
        switch tag {
        case PIVClient<NoTransport>.certificate9CTag:
            object = BERTLV.encode(0x70, Array(card.certificate)) + BERTLV.encode(0x71, [0x00]) + BERTLV.encode(0xFE, [])
        case PIVClient<NoTransport>.chuidTag:
            // FASC-N of a test card, the GUID, an expiry date, an empty signature.
            let fascn: [UInt8] = [0xD4, 0x32, 0x10, 0xD8, 0x21, 0x0C, 0x2C, 0x19, 0xA0, 0x84, 0x61, 0x68, 0x58, 0x21, 0x08, 0x42, 0x10, 0x84, 0x21, 0x38, 0x42, 0x10, 0xC3, 0xF5, 0x00]
            object = BERTLV.encode(0x30, fascn) + BERTLV.encode(0x34, Array(card.guid)) + BERTLV.encode(0x35, Array("20991231".utf8))
                + BERTLV.encode(0x3E, []) + BERTLV.encode(0xFE, [])
        default:
            return ResponseAPDU(data: [], status: .fileNotFound)
        }
        return ResponseAPDU(data: BERTLV.encode(0x53, object), status: .success)
    }

    private func verify(_ command: CommandAPDU) -> ResponseAPDU {
        guard command.p2 == PIVClient<NoTransport>.applicationPIN else { return ResponseAPDU(data: [], status: .incorrectP1P2) }
        if command.p1 == 0xFF {
            pinVerified = false  // P1 = FF: reset the security status
            return ResponseAPDU(data: [], status: .success)
        }
        guard command.p1 == 0x00 else { return ResponseAPDU(data: [], status: .incorrectP1P2) }
        if command.data.isEmpty {
            if card.triesLeft == 0 { return ResponseAPDU(data: [], status: .authenticationBlocked) }
            return ResponseAPDU(data: [], status: pinVerified ? .success : .verificationFailed(triesLeft: card.triesLeft))
        }
        guard command.data.count == 8 else { return ResponseAPDU(data: [], status: .incorrectData) }
        if card.triesLeft == 0 { return ResponseAPDU(data: [], status: .authenticationBlocked) }
        var expected = [UInt8](repeating: 0xFF, count: 8)
        for (i, byte) in card.pin.utf8.prefix(8).enumerated() { expected[i] = byte }
        if expected == command.data {
            pinVerified = true
            if card.triesLeft != SimulatedCard.maxTries {
                card.triesLeft = SimulatedCard.maxTries
                onChange?(card)
            }
            return ResponseAPDU(data: [], status: .success)
        }
        pinVerified = false
        card.triesLeft -= 1
        onChange?(card)
        return ResponseAPDU(data: [], status: .verificationFailed(triesLeft: card.triesLeft))
    }

    private func generalAuthenticate(_ command: CommandAPDU) -> ResponseAPDU {
        guard command.p2 == PIVClient<NoTransport>.slot9C else { return ResponseAPDU(data: [], status: .fileNotFound) }
        guard command.p1 == PIVClient<NoTransport>.eccP256 else { return ResponseAPDU(data: [], status: .incorrectP1P2) }
        guard let template = try? BERTLV.find(0x7C, in: command.data),
              let fields = try? BERTLV.parse(template),
              fields.contains(where: { $0.tag == 0x82 && $0.value.isEmpty }),
              let challenge = fields.first(where: { $0.tag == 0x81 })?.value
        else { return ResponseAPDU(data: [], status: .incorrectData) }
        guard pinVerified else { return ResponseAPDU(data: [], status: .securityStatusNotSatisfied) }
        // Slot 9C is PIN-always: each signature uses up the verification.
        pinVerified = false
        guard challenge.count <= 32, let key = try? card.signingKey() else { return ResponseAPDU(data: [], status: .incorrectData) }
        // The input is the digest, left-padded to the field size as PIV specifies for ECDSA.
        let digest = RawDigest(bytes: [UInt8](repeating: 0, count: 32 - challenge.count) + challenge)
        guard let signature = try? key.signature(for: digest) else { return ResponseAPDU(data: [], status: .incorrectData) }
        return ResponseAPDU(data: BERTLV.encode(0x7C, BERTLV.encode(0x82, Array(signature.derRepresentation))), status: .success)
    }
}

/// A digest computed elsewhere (the card receives the hash, not the message).
struct RawDigest: Digest {
    static var byteCount: Int { 32 }
    let bytes: [UInt8]

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R { try bytes.withUnsafeBytes(body) }
    func makeIterator() -> Array<UInt8>.Iterator { bytes.makeIterator() }
    var description: String { "RawDigest(\(hex(bytes)))" }
}

/// Names PIVClient's static constants without a transport.
public struct NoTransport: APDUTransport {
    public func transmitRaw(_ command: [UInt8]) throws(SmartCardError) -> [UInt8] { StatusWord.insNotSupported.bytes }
}

extension StatusWord {
    var bytes: [UInt8] { [sw1, sw2] }
}

/// The applet as an in-memory transport, for tests that drive PIVClient without pcscd.
public struct AppletTransport: APDUTransport {
    public let applet: PIVApplet
    public init(_ applet: PIVApplet) { self.applet = applet }
    public func transmitRaw(_ command: [UInt8]) throws(SmartCardError) -> [UInt8] { applet.process(command) }
}
