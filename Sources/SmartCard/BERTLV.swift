/// BER-TLV as PIV uses it: tags of one or more bytes, definite lengths up to three bytes.
public struct BERTLV: Sendable, Equatable {
    public var tag: UInt32
    public var value: [UInt8]

    public init(tag: UInt32, value: [UInt8]) {
        self.tag = tag
        self.value = value
    }

    public var bytes: [UInt8] { Self.encodeTag(tag) + Self.encodeLength(value.count) + value }

    public static func encode(_ tag: UInt32, _ value: [UInt8]) -> [UInt8] { BERTLV(tag: tag, value: value).bytes }

    static func encodeTag(_ tag: UInt32) -> [UInt8] {
        var bytes: [UInt8] = []
        var t = tag
        repeat {
            bytes.insert(UInt8(t & 0xFF), at: 0)
            t >>= 8
        } while t != 0
        return bytes
    }

    static func encodeLength(_ n: Int) -> [UInt8] {
        switch n {
        case 0..<0x80: [UInt8(n)]
        case 0x80...0xFF: [0x81, UInt8(n)]
        default: [0x82, UInt8(n >> 8), UInt8(n & 0xFF)]
        }
    }

    /// Parses a sequence of TLVs; throws on truncated or indefinite lengths.
    public static func parse(_ bytes: some Collection<UInt8>) throws(SmartCardError) -> [BERTLV] {
        let b = Array(bytes)
        var i = 0
        var out: [BERTLV] = []
        while i < b.count {
            // 00 and FF between objects are padding.
            if b[i] == 0x00 || b[i] == 0xFF { i += 1; continue }
            var tag = UInt32(b[i])
            if b[i] & 0x1F == 0x1F {
                repeat {
                    i += 1
                    guard i < b.count else { throw .malformed("truncated TLV tag") }
                    tag = tag << 8 | UInt32(b[i])
                } while b[i] & 0x80 != 0
            }
            i += 1
            guard i < b.count else { throw .malformed("TLV \(String(tag, radix: 16)) has no length") }
            var length = Int(b[i])
            i += 1
            if length & 0x80 != 0 {
                let count = length & 0x7F
                guard (1...3).contains(count), i + count <= b.count else { throw .malformed("bad TLV length") }
                length = b[i..<i + count].reduce(0) { $0 << 8 | Int($1) }
                i += count
            }
            guard i + length <= b.count else { throw .malformed("TLV \(String(tag, radix: 16)) runs past the data") }
            out.append(BERTLV(tag: tag, value: Array(b[i..<i + length])))
            i += length
        }
        return out
    }

    /// The value of the first TLV with `tag`.
    public static func find(_ tag: UInt32, in bytes: some Collection<UInt8>) throws(SmartCardError) -> [UInt8]? {
        try parse(bytes).first { $0.tag == tag }?.value
    }
}
