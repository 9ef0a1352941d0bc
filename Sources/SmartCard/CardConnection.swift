import CPCSCLite
import Glibc

/// Something that carries one APDU to a card and brings back its answer: a PC/SC connection, or (in tests and in
/// the simulator) an applet in memory.
public protocol APDUTransport {
    func transmitRaw(_ command: [UInt8]) throws(SmartCardError) -> [UInt8]
}

extension APDUTransport {
    /// Sends a command (chaining long data), fetches `61xx` continuations with GET RESPONSE and repeats a
    /// command answered `6Cxx` with the Le the card asked for.
    public func transmit(_ command: CommandAPDU) throws(SmartCardError) -> ResponseAPDU {
        var response = ResponseAPDU(data: [], status: .success)
        for part in command.chunks() {
            response = try exchange(part)
            if part.cla & 0x10 != 0, !response.status.isSuccess { return response }
        }
        var data = response.data
        while response.status.sw1 == 0x61 {
            let le = response.status.sw2 == 0 ? 256 : Int(response.status.sw2)
            response = try exchange(CommandAPDU(cla: command.cla & ~0x10, ins: 0xC0, p1: 0, p2: 0, le: le))
            data += response.data
        }
        return ResponseAPDU(data: data, status: response.status)
    }

    private func exchange(_ command: CommandAPDU) throws(SmartCardError) -> ResponseAPDU {
        guard var response = ResponseAPDU(bytes: try transmitRaw(command.bytes)) else {
            throw .malformed("a response shorter than a status word")
        }
        if response.status.sw1 == 0x6C {
            var again = command
            again.le = response.status.sw2 == 0 ? 256 : Int(response.status.sw2)
            guard let retried = ResponseAPDU(bytes: try transmitRaw(again.bytes)) else {
                throw .malformed("a response shorter than a status word")
            }
            response = retried
        }
        return response
    }
}

/// A connection to the card in one reader (`SCardConnect`, shared mode).
public final class CardConnection: APDUTransport, @unchecked Sendable {
    let context: PCSCContext
    let handle: SCARDHANDLE
    public let reader: String
    let protocolInUse: DWORD
    private var connected = true

    init(context: PCSCContext, handle: SCARDHANDLE, reader: String, protocolInUse: DWORD) {
        self.context = context
        self.handle = handle
        self.reader = reader
        self.protocolInUse = protocolInUse
    }

    deinit { disconnect() }

    /// Leaves the card powered and as it is: other clients may be using it.
    public func disconnect() {
        guard connected else { return }
        connected = false
        SCardDisconnect(handle, DWORD(SCARD_LEAVE_CARD))
    }

    public func transmitRaw(_ command: [UInt8]) throws(SmartCardError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 258 + 2)
        var length = DWORD(buffer.count)
        let rc = withUnsafePointer(to: protocolInUse == DWORD(SCARD_PROTOCOL_T0) ? g_rgSCardT0Pci : g_rgSCardT1Pci) { pci in
            SCardTransmit(handle, pci, command, DWORD(command.count), nil, &buffer, &length)
        }
        guard rc == SCARD_S_SUCCESS else { throw .pcsc(function: "SCardTransmit", code: PCSCCode(rc)) }
        return Array(buffer.prefix(Int(length)))
    }

    /// Runs `body` inside `SCardBeginTransaction`/`SCardEndTransaction`, so no other client's APDUs land between a
    /// VERIFY and the signature it allows.
    public func transaction<T>(_ body: () throws(SmartCardError) -> T) throws(SmartCardError) -> T {
        let rc = SCardBeginTransaction(handle)
        guard rc == SCARD_S_SUCCESS else { throw .pcsc(function: "SCardBeginTransaction", code: PCSCCode(rc)) }
        defer { SCardEndTransaction(handle, DWORD(SCARD_LEAVE_CARD)) }
        return try body()
    }

    /// The card's ATR as the reader reports it now.
    public func atr() throws(SmartCardError) -> [UInt8] {
        var atr = [UInt8](repeating: 0, count: 33)
        var atrLength = DWORD(atr.count)
        var state: DWORD = 0
        var proto: DWORD = 0
        var nameLength: DWORD = 0
        let rc = SCardStatus(handle, nil, &nameLength, &state, &proto, &atr, &atrLength)
        guard rc == SCARD_S_SUCCESS else { throw .pcsc(function: "SCardStatus", code: PCSCCode(rc)) }
        return Array(atr.prefix(Int(atrLength)))
    }
}
