import Crypto
import Foundation

/// A SHA-256 value in the Merkle tree: a leaf hash, an interior node hash or a root.
public struct TreeHash: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    public init(digest: SHA256.Digest) { bytes = Array(digest) }

    /// 64 hexadecimal digits (either case).
    public init?(hex: String) {
        var hex = hex
        guard let parsed = hex.withUTF8({ digits -> [UInt8]? in
            guard digits.count == 64 else { return nil }
            var out = [UInt8](repeating: 0, count: 32)
            for i in 0..<32 {
                guard let high = Hex.value(digits[2 * i]), let low = Hex.value(digits[2 * i + 1]) else { return nil }
                out[i] = high << 4 | low
            }
            return out
        }) else { return nil }
        bytes = parsed
    }

    public init?(base64: String) {
        guard let decoded = Base64.decode(base64), decoded.count == 32 else { return nil }
        bytes = decoded
    }

    public var hex: String { Hex.lowercase(bytes) }
    public var base64: String { Base64.encode(bytes) }
    public var description: String { hex }

    /// SHA-256 of nothing: the root of the empty tree.
    public static let empty = TreeHash(digest: SHA256.hash(data: [UInt8]()))

    /// RFC 6962 leaf hash: SHA-256(0x00 ‖ entry).
    public static func leaf(_ entry: [UInt8]) -> TreeHash {
        var hasher = SHA256()
        hasher.update(data: [0x00])
        hasher.update(data: entry)
        return TreeHash(digest: hasher.finalize())
    }

    /// RFC 6962 leaf hash of bytes held elsewhere (a database page), without copying them.
    public static func leaf(_ entry: some DataProtocol) -> TreeHash {
        var hasher = SHA256()
        hasher.update(data: [0x00])
        hasher.update(data: entry)
        return TreeHash(digest: hasher.finalize())
    }

    /// RFC 6962 interior node hash: SHA-256(0x01 ‖ left ‖ right).
    public static func node(_ left: TreeHash, _ right: TreeHash) -> TreeHash {
        var hasher = SHA256()
        hasher.update(data: [0x01])
        hasher.update(data: left.bytes)
        hasher.update(data: right.bytes)
        return TreeHash(digest: hasher.finalize())
    }
}

/// Lower-case hex, two digits a byte: hashes, key ids and fingerprints as people and our JSON show them. Written
/// from a table: every bundle entry carries its leaf hash in hex, and `String(format: "%02x")` thirty-two times a
/// line was most of a bundle export's time.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// The value of one hexadecimal digit (either case).
    public static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    public static func lowercase(_ bytes: some Collection<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            var i = 0
            for byte in bytes {
                out[i] = digits[Int(byte >> 4)]
                out[i + 1] = digits[Int(byte & 0x0F)]
                i += 2
            }
            return i
        }
    }
}

/// Standard base64 (with padding), as C2SP notes and our JSON use it.
enum Base64 {
    static func encode(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
    static func decode(_ text: String) -> [UInt8]? { Data(base64Encoded: text).map { Array($0) } }
}
