import Crypto
import Foundation
import GRDB
import GRDBSQLite

/// `row_mac(table, v1, v2, …)`: the HMAC-SHA256 of a row's values under the row-seal key, registered through
/// SQLite's C API so each value is read where SQLite holds it. The start-up check computes it for every row of every
/// registry table (a million-use book means a million calls); through GRDB's `DatabaseFunction` each call copied
/// every text value into a Swift string first.
///
/// The encoding of a value (`RowMAC.header` then its bytes) is the one `RowSeals.feed` uses for the state MAC.
final class RowMAC: @unchecked Sendable {
    /// The keyed state before any input; copied per call (HMAC is a value type), so the key is expanded once.
    let prototype: HMAC<SHA256>

    private init(key: SymmetricKey) { prototype = HMAC<SHA256>(key: key) }

    /// A value's type tag and length, big-endian, before its bytes: no two different rows encode alike.
    static func header(tag: UInt8, count: Int) -> [UInt8] {
        var header = [tag]
        withUnsafeBytes(of: UInt64(count).bigEndian) { header.append(contentsOf: $0) }
        return header
    }

    static func register(_ db: Database, key: SymmetricKey) {
        let box = Unmanaged.passRetained(RowMAC(key: key)).toOpaque()
        sqlite3_create_function_v2(
            db.sqliteConnection, "row_mac", -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, box,
            { context, count, values in
                let function = Unmanaged<RowMAC>.fromOpaque(sqlite3_user_data(context)!).takeUnretainedValue()
                // The row's encoding in one buffer, hashed at once: one HMAC update per value cost more than the hash.
                var encoded: [UInt8] = []
                encoded.reserveCapacity(512)
                func header(_ tag: UInt8, _ length: Int) {
                    encoded.append(tag)
                    withUnsafeBytes(of: UInt64(length).bigEndian) { encoded.append(contentsOf: $0) }
                }
                for index in 0..<Int(count) {
                    let value = values![index]
                    switch sqlite3_value_type(value) {
                    case SQLITE_INTEGER:
                        header(1, 8)
                        withUnsafeBytes(of: sqlite3_value_int64(value).bigEndian) { encoded.append(contentsOf: $0) }
                    case SQLITE_FLOAT:
                        header(2, 8)
                        withUnsafeBytes(of: sqlite3_value_double(value).bitPattern.bigEndian) { encoded.append(contentsOf: $0) }
                    case SQLITE_TEXT:
                        let bytes = sqlite3_value_text(value)
                        let length = Int(sqlite3_value_bytes(value))
                        header(3, length)
                        if let bytes { encoded.append(contentsOf: UnsafeRawBufferPointer(start: bytes, count: length)) }
                    case SQLITE_BLOB:
                        let bytes = sqlite3_value_blob(value)
                        let length = Int(sqlite3_value_bytes(value))
                        header(4, length)
                        if let bytes { encoded.append(contentsOf: UnsafeRawBufferPointer(start: bytes, count: length)) }
                    default:
                        header(0, 0)
                    }
                }
                var hmac = function.prototype
                hmac.update(data: encoded)
                let mac = hmac.finalize()
                mac.withUnsafeBytes { sqlite3_result_blob(context, $0.baseAddress, 32, unsafeBitCast(-1, to: sqlite3_destructor_type.self)) }
            },
            nil, nil,
            { box in if let box { Unmanaged<RowMAC>.fromOpaque(box).release() } }
        )
    }
}

/// A 256-bit sum of MACs (little-endian limbs, modulo 2^256): a table's digest, added up without allocating.
struct DigestSum: Equatable {
    var limbs: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    init() {}

    init(_ data: Data) {
        var bytes = [UInt8](repeating: 0, count: 32)
        for (i, byte) in data.prefix(32).enumerated() { bytes[i] = byte }
        self.init(bytes: UnsafeRawBufferPointer(start: bytes, count: 32))
        _ = bytes
    }

    init(bytes: UnsafeRawBufferPointer) {
        func limb(_ i: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) }
        limbs = (limb(0), limb(1), limb(2), limb(3))
    }

    mutating func add(_ other: DigestSum) {
        var carry: UInt64 = 0
        func step(_ a: UInt64, _ b: UInt64) -> UInt64 {
            let (s1, o1) = a.addingReportingOverflow(b)
            let (s2, o2) = s1.addingReportingOverflow(carry)
            carry = (o1 ? 1 : 0) + (o2 ? 1 : 0)
            return s2
        }
        limbs = (step(limbs.0, other.limbs.0), step(limbs.1, other.limbs.1), step(limbs.2, other.limbs.2), step(limbs.3, other.limbs.3))
    }

    var data: Data {
        var out = Data(capacity: 32)
        for limb in [limbs.0, limbs.1, limbs.2, limbs.3] { withUnsafeBytes(of: limb.littleEndian) { out.append(contentsOf: $0) } }
        return out
    }

    static func == (a: DigestSum, b: DigestSum) -> Bool { a.data == b.data }
}
