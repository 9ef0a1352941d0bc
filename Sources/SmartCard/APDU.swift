/// A command APDU (ISO 7816-4), short form: `CLA INS P1 P2 [Lc data] [Le]`.
public struct CommandAPDU: Sendable, Equatable, CustomStringConvertible {
    public var cla: UInt8
    public var ins: UInt8
    public var p1: UInt8
    public var p2: UInt8
    public var data: [UInt8]
    /// Expected response length; 256 is encoded as `00`. nil sends no Le.
    public var le: Int?

    public init(cla: UInt8 = 0x00, ins: UInt8, p1: UInt8, p2: UInt8, data: [UInt8] = [], le: Int? = nil) {
        self.cla = cla
        self.ins = ins
        self.p1 = p1
        self.p2 = p2
        self.data = data
        self.le = le
    }

    /// The bytes on the wire. Data longer than 255 bytes is sent by command chaining (`chunks`), never here.
    public var bytes: [UInt8] {
        precondition(data.count <= 255, "short APDUs carry at most 255 bytes; use chunks()")
        var out = [cla, ins, p1, p2]
        if !data.isEmpty { out += [UInt8(data.count)] + data }
        if let le { out.append(UInt8(truncatingIfNeeded: le == 256 ? 0 : le)) }
        return out
    }

    /// The command split for ISO 7816 command chaining (CLA bit 0x10 on every part but the last).
    public func chunks() -> [CommandAPDU] {
        guard data.count > 255 else { return [self] }
        var parts: [CommandAPDU] = []
        var offset = 0
        while offset < data.count {
            let end = min(offset + 255, data.count)
            let last = end == data.count
            parts.append(CommandAPDU(
                cla: last ? cla : cla | 0x10, ins: ins, p1: p1, p2: p2, data: Array(data[offset..<end]), le: last ? le : nil
            ))
            offset = end
        }
        return parts
    }

    /// Parses a short command APDU; nil when the length bytes do not add up.
    public init?(bytes: [UInt8]) {
        guard bytes.count >= 4 else { return nil }
        cla = bytes[0]
        ins = bytes[1]
        p1 = bytes[2]
        p2 = bytes[3]
        data = []
        le = nil
        let body = bytes.dropFirst(4)
        switch body.count {
        case 0:
            break
        case 1:
            le = body.first! == 0 ? 256 : Int(body.first!)
        default:
            let lc = Int(body.first!)
            guard lc > 0 else { return nil }
            if body.count == 1 + lc {
                data = Array(body.dropFirst())
            } else if body.count == 2 + lc {
                data = Array(body.dropFirst().prefix(lc))
                le = body.last! == 0 ? 256 : Int(body.last!)
            } else {
                return nil
            }
        }
    }

    public var description: String { "\(hex([cla, ins, p1, p2])) Lc=\(data.count)\(le.map { " Le=\($0)" } ?? "")" }
}

/// A response APDU: data, then the status word SW1 SW2.
public struct ResponseAPDU: Sendable, Equatable {
    public var data: [UInt8]
    public var status: StatusWord

    public init(data: [UInt8], status: StatusWord) {
        self.data = data
        self.status = status
    }

    public init?(bytes: [UInt8]) {
        guard bytes.count >= 2 else { return nil }
        data = Array(bytes.dropLast(2))
        status = StatusWord(sw1: bytes[bytes.count - 2], sw2: bytes[bytes.count - 1])
    }

    public var bytes: [UInt8] { data + [status.sw1, status.sw2] }
}

/// ISO 7816-4 status words that PIV uses, by name.
public struct StatusWord: Sendable, Hashable, CustomStringConvertible {
    public var sw1: UInt8
    public var sw2: UInt8

    public init(sw1: UInt8, sw2: UInt8) {
        self.sw1 = sw1
        self.sw2 = sw2
    }

    public init(_ value: UInt16) {
        self.init(sw1: UInt8(value >> 8), sw2: UInt8(value & 0xFF))
    }

    public var value: UInt16 { UInt16(sw1) << 8 | UInt16(sw2) }

    public static let success = StatusWord(0x9000)
    public static let securityStatusNotSatisfied = StatusWord(0x6982)
    public static let authenticationBlocked = StatusWord(0x6983)
    public static let conditionsNotSatisfied = StatusWord(0x6985)
    public static let incorrectData = StatusWord(0x6A80)
    public static let fileNotFound = StatusWord(0x6A82)
    public static let incorrectP1P2 = StatusWord(0x6A86)
    public static let wrongLength = StatusWord(0x6700)
    public static let insNotSupported = StatusWord(0x6D00)
    public static let claNotSupported = StatusWord(0x6E00)
    public static let lastCommandExpected = StatusWord(0x6883)
    /// `61xx`: more response bytes wait for GET RESPONSE (`xx` = 0 means 256 or more).
    public static func moreData(_ count: Int) -> StatusWord { StatusWord(sw1: 0x61, sw2: UInt8(truncatingIfNeeded: count)) }
    /// `63Cx`: verification failed, x tries remain.
    public static func verificationFailed(triesLeft: Int) -> StatusWord { StatusWord(sw1: 0x63, sw2: 0xC0 | UInt8(min(triesLeft, 15))) }

    public var isSuccess: Bool { self == .success }
    /// Tries left when this is `63Cx`.
    public var triesLeft: Int? { sw1 == 0x63 && sw2 & 0xF0 == 0xC0 ? Int(sw2 & 0x0F) : nil }

    public var description: String { hex([sw1, sw2]) }
}

/// Upper-case hex with no separators, the way APDU traces are written.
public func hex(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { String(format: "%02X", $0) }.joined()
}
