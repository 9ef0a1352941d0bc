import CZlib
import CompressNIO
import Foundation
import NIOCore

/// A ZIP archive (PKWARE APPNOTE 6.3.10) written front to back as it is made, for the XLSX book: each entry's local
/// header goes out before its data, the data is deflated as it comes, and the CRC-32 and sizes follow it in a data
/// descriptor (flag bit 3), so nothing is held or written to disk first; the central directory comes last.
///
/// Written here because ZIPFoundation (used before) needs every entry whole in a file or in memory before it packs
/// it, deflates only at zlib's default level, and cannot overlap that with anything: a 1,000,000-use workbook spent
/// most of its 16 s there. Deflate itself is zlib's (through CompressNIO), CRC-32 too.
///
/// Deflating overlaps producing the next chunk: `write` hands a chunk to a task and returns what the chunk before it
/// became, so an export runs on two cores. Only the 32-bit form is written: Excel is known to refuse some streamed
/// ZIP64 layouts, and a workbook past 4 GiB (an entry, the archive, or 65,535 entries) is refused with `tooLarge`.
public struct ZipStreamWriter {
    /// zlib's level 1: the book's XML deflates to about an eighth at a fraction of level 6's time.
    public static let defaultLevel: Int32 = 1

    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The archive would pass what the 32-bit ZIP format can describe.
        case tooLarge(String)
        /// An entry was begun while another was open, or data written with none open.
        case misuse(String)

        public var description: String {
            switch self {
            case .tooLarge(let what): "the workbook is too large for a ZIP file: \(what)"
            case .misuse(let what): "ZIP writer misused: \(what)"
            }
        }
    }

    struct CentralEntry {
        let name: [UInt8]
        let flags: UInt16
        let offset: UInt64
        let crc: UInt32
        let compressed: UInt64
        let uncompressed: UInt64
    }

    private let level: Int32
    private let dosTime: UInt16
    private let dosDate: UInt16
    private var entries: [CentralEntry] = []
    /// Bytes handed out so far: where the next local header starts.
    private var offset: UInt64 = 0
    private var open: (name: [UInt8], flags: UInt16, offset: UInt64, deflater: EntryDeflater)?
    /// The chunk being deflated while the caller makes the next one.
    private var pending: Task<[UInt8], Error>?

    /// `modified` stamps every entry, in DOS form in `zone` (ZIP times are local times).
    public init(modified: Date = Date(), zone: TimeZone = .current, level: Int32 = ZipStreamWriter.defaultLevel) {
        self.level = level
        (dosDate, dosTime) = Self.dosDateTime(modified, zone: zone)
    }

    /// DOS date and time: years from 1980, seconds halved; dates before 1980 are written as 1980-01-01 00:00.
    static func dosDateTime(_ date: Date, zone: TimeZone) -> (date: UInt16, time: UInt16) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        guard let year = c.year, year >= 1980, year <= 2107 else { return (0x21, 0) }
        let d = UInt16(year - 1980) << 9 | UInt16(c.month!) << 5 | UInt16(c.day!)
        let t = UInt16(c.hour!) << 11 | UInt16(c.minute!) << 5 | UInt16(c.second! / 2)
        return (d, t)
    }

    /// A whole entry at once (the small parts); its bytes.
    public mutating func entry(_ path: String, _ text: String) async throws -> [UInt8] {
        var out = try begin(path)
        out += try await write(Array(text.utf8))
        out += try await end()
        return out
    }

    /// Opens an entry; its local header.
    public mutating func begin(_ path: String) throws -> [UInt8] {
        guard open == nil else { throw Failure.misuse("\(path) begun inside another entry") }
        guard entries.count < 0xFFFF else { throw Failure.tooLarge("more than 65,535 entries") }
        try Self.fits(offset, "the archive passes 4 GiB")
        let name = Array(path.utf8)
        let flags = Self.flags(name)
        var header: [UInt8] = []
        header.reserveCapacity(30 + name.count)
        header.le32(0x0403_4B50)
        header.le16(20)  // version needed: 2.0 (deflate)
        header.le16(flags)
        header.le16(8)  // deflate
        header.le16(dosTime)
        header.le16(dosDate)
        header.le32(0)  // CRC-32, compressed and uncompressed sizes: in the data descriptor
        header.le32(0)
        header.le32(0)
        header.le16(UInt16(name.count))
        header.le16(0)  // no extra field
        header += name
        open = (name, flags, offset, try EntryDeflater(level: level))
        offset += UInt64(header.count)
        return header
    }

    /// Adds a chunk of the open entry's data; returns the deflated bytes ready so far (those of earlier chunks).
    public mutating func write(_ chunk: [UInt8]) async throws -> [UInt8] {
        guard let deflater = open?.deflater else { throw Failure.misuse("data written with no entry open") }
        let ready = try await drain()
        pending = Task { try deflater.deflate(chunk, finish: false) }
        return ready
    }

    /// Closes the open entry: the rest of its deflated data and its data descriptor.
    public mutating func end() async throws -> [UInt8] {
        guard let entry = open else { throw Failure.misuse("end with no entry open") }
        // `drain` counts what it hands back into `offset`; the rest is counted below.
        let drained = try await drain()
        var out = try entry.deflater.deflate([], finish: true)
        let (crc, compressed, uncompressed) = entry.deflater.totals
        try Self.fits(compressed, "\(String(decoding: entry.name, as: UTF8.self)) deflates past 4 GiB")
        try Self.fits(uncompressed, "\(String(decoding: entry.name, as: UTF8.self)) passes 4 GiB")
        out.le32(0x0807_4B50)
        out.le32(crc)
        out.le32(UInt32(compressed))
        out.le32(UInt32(uncompressed))
        entries.append(
            CentralEntry(
                name: entry.name, flags: entry.flags, offset: entry.offset, crc: crc, compressed: compressed,
                uncompressed: uncompressed))
        open = nil
        offset += UInt64(out.count)
        return drained + out
    }

    /// The central directory and its end record: the archive's last bytes.
    public mutating func finish() throws -> [UInt8] {
        guard open == nil else { throw Failure.misuse("finished inside an entry") }
        try Self.fits(offset, "the archive passes 4 GiB")
        var out: [UInt8] = []
        for e in entries {
            out.le32(0x0201_4B50)
            out.le16(20)  // made by: MS-DOS attributes, 2.0
            out.le16(20)
            out.le16(e.flags)
            out.le16(8)
            out.le16(dosTime)
            out.le16(dosDate)
            out.le32(e.crc)
            out.le32(UInt32(e.compressed))
            out.le32(UInt32(e.uncompressed))
            out.le16(UInt16(e.name.count))
            out.le16(0)  // extra
            out.le16(0)  // comment
            out.le16(0)  // disk
            out.le16(0)  // internal attributes
            out.le32(0)  // external attributes
            out.le32(UInt32(e.offset))
            out += e.name
        }
        let directorySize = out.count
        try Self.fits(offset + UInt64(directorySize), "the archive passes 4 GiB")
        out.le32(0x0605_4B50)
        out.le16(0)
        out.le16(0)
        out.le16(UInt16(entries.count))
        out.le16(UInt16(entries.count))
        out.le32(UInt32(directorySize))
        out.le32(UInt32(offset))
        out.le16(0)  // no comment
        offset += UInt64(out.count)
        return out
    }

    /// Bit 3: CRC-32 and sizes follow the data in a descriptor. Bit 11: the name is UTF-8 (without it readers
    /// take it for code page 437); set only when it matters, as zip(1) does.
    private static func flags(_ name: [UInt8]) -> UInt16 {
        0x0008 | (name.allSatisfy { $0 < 0x80 } ? 0 : 0x0800)
    }

    private static func fits(_ value: UInt64, _ what: String) throws {
        if value >= 0xFFFF_FFFF { throw Failure.tooLarge(what) }
    }

    /// Waits for the chunk in flight; its deflated bytes.
    private mutating func drain() async throws -> [UInt8] {
        guard let task = pending else { return [] }
        pending = nil
        let bytes = try await task.value
        offset += UInt64(bytes.count)
        return bytes
    }
}

/// One entry's deflate stream and running CRC-32. Used by one task at a time: `ZipStreamWriter` waits for the chunk
/// in flight before it hands over the next, so the zlib stream is never touched from two threads at once.
private final class EntryDeflater: @unchecked Sendable {
    private let compressor: ZlibCompressor
    private var crc: UInt = 0
    private var compressed: UInt64 = 0
    private var uncompressed: UInt64 = 0
    /// zlib writes here; full windows are handed on, the rest waits for the next chunk or the end.
    private var window = ByteBuffer()

    init(level: Int32) throws {
        compressor = try ZlibCompressor(algorithm: .deflate, configuration: ZlibConfiguration(compressionLevel: level))
        window.reserveCapacity(1 << 16)
    }

    var totals: (crc: UInt32, compressed: UInt64, uncompressed: UInt64) { (UInt32(crc), compressed, uncompressed) }

    /// The deflated bytes `chunk` completes (all that is left when `finish`).
    func deflate(_ chunk: [UInt8], finish: Bool) throws -> [UInt8] {
        chunk.withUnsafeBufferPointer { crc = crc32(crc, $0.baseAddress, uInt($0.count)) }
        uncompressed += UInt64(chunk.count)
        var input = ByteBuffer(bytes: chunk)
        var out: [UInt8] = []
        try input.compressStream(with: compressor, window: &window, flush: finish ? .finish : .no) { full in
            out.append(contentsOf: full.readableBytesView)
        }
        compressed += UInt64(out.count)
        return out
    }
}

extension [UInt8] {
    fileprivate mutating func le16(_ v: UInt16) {
        append(UInt8(truncatingIfNeeded: v))
        append(UInt8(truncatingIfNeeded: v >> 8))
    }

    fileprivate mutating func le32(_ v: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8(truncatingIfNeeded: v >> UInt32(shift))) }
    }
}
