import Foundation

/// The body of a C2SP tlog-mirror `add-entries` request (https://c2sp.org/tlog-mirror), as the county mirror takes
/// it: a header (origin, `[upload_start, upload_end)`, ticket), then entry packages aligned at multiples of 256,
/// each its entries with big-endian uint16 length prefixes, a one-byte hash count (≤ 63) and the hashes.
///
/// One difference from the draft, kept deliberately: a package's proof is the RFC 6962 consistency proof from the
/// tree of `end` entries (the package's end) to the checkpoint of `upload_end`, not a subtree consistency proof. The
/// mirror rebuilds the root of `end` entries from its stored frontier and the package's leaves and checks that proof,
/// so each package is proven against the signed checkpoint before it is stored, with proofs every RFC 6962 log
/// already makes.
public struct AddEntriesRequest: Sendable, Equatable {
    public var origin: String
    public var start: Int
    public var end: Int
    public var ticket: [UInt8]
    public var packages: [EntryPackage]

    public static let packageWidth = 256
    public static let maxProofHashes = 63

    public init(origin: String, start: Int, end: Int, ticket: [UInt8] = [], packages: [EntryPackage]) {
        self.origin = origin
        self.start = start
        self.end = end
        self.ticket = ticket
        self.packages = packages
    }

    /// One package: the entries of its interval and the proof that they extend the mirror's copy to the checkpoint.
    public struct EntryPackage: Sendable, Equatable {
        public var entries: [[UInt8]]
        public var proof: [TreeHash]

        public init(entries: [[UInt8]], proof: [TreeHash]) {
            self.entries = entries
            self.proof = proof
        }
    }

    /// The canonical package intervals of `[start, end)`: aligned at multiples of 256, the first and last cut to the
    /// upload's bounds.
    public static func packageRanges(start: Int, end: Int) -> [Range<Int>] {
        guard start < end else { return [] }
        let roundedStart = start / packageWidth * packageWidth
        var ranges: [Range<Int>] = []
        var low = roundedStart
        while low < end {
            ranges.append(max(start, low)..<min(end, low + packageWidth))
            low += packageWidth
        }
        return ranges
    }

    /// Why a body is not an add-entries request (the mirror answers 400 with it when nothing was stored).
    public struct Malformed: Error, Equatable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// The header's bytes: origin, start, end and ticket.
    public static func header(origin: String, start: Int, end: Int, ticket: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        append16(Array(origin.utf8).count, &bytes)
        bytes += Array(origin.utf8)
        append64(start, &bytes)
        append64(end, &bytes)
        append16(ticket.count, &bytes)
        bytes += ticket
        return bytes
    }

    /// One package's bytes.
    public static func package(_ package: EntryPackage) -> [UInt8] {
        var bytes: [UInt8] = []
        for entry in package.entries {
            append16(entry.count, &bytes)
            bytes += entry
        }
        bytes.append(UInt8(package.proof.count))
        for hash in package.proof { bytes += hash.bytes }
        return bytes
    }

    /// The request body's bytes. An entry longer than 65,535 bytes cannot be sent (the format's length prefix).
    public var body: [UInt8] {
        Self.header(origin: origin, start: start, end: end, ticket: ticket) + packages.flatMap(Self.package)
    }

    static func append16(_ n: Int, _ bytes: inout [UInt8]) {
        bytes += [UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)]
    }

    static func append64(_ n: Int, _ bytes: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: UInt64(n) >> UInt64(shift))) }
    }
}

/// Reads an add-entries body: the header first (so the mirror can refuse an unknown origin or a stale range before
/// reading on), then the packages one at a time, each only when complete.
public struct AddEntriesReader: Sendable {
    private let bytes: [UInt8]
    private var offset = 0
    public private(set) var origin = ""
    public private(set) var start = 0
    public private(set) var end = 0
    public private(set) var ticket: [UInt8] = []
    private var ranges: [Range<Int>] = []
    private var nextPackage = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Reads the header; throws when the body is shorter than one or its values are out of range.
    public mutating func readHeader() throws(AddEntriesRequest.Malformed) {
        guard let originLength = read(2) else { throw .init("the body ends inside the header") }
        guard let originBytes = take(Int(originLength)), let text = String(validating: originBytes, as: UTF8.self) else {
            throw .init("the body ends inside the origin, or the origin is not UTF-8")
        }
        guard let start = read(8), let end = read(8), let ticketLength = read(2), let ticket = take(Int(ticketLength)) else {
            throw .init("the body ends inside the header")
        }
        guard start <= UInt64(Int.max), end <= UInt64(Int.max), start <= end else {
            throw .init("upload_start \(start) must not be larger than upload_end \(end)")
        }
        origin = text
        self.start = Int(start)
        self.end = Int(end)
        self.ticket = ticket
        ranges = AddEntriesRequest.packageRanges(start: self.start, end: self.end)
    }

    /// The interval the next package must cover, nil when every package of the upload was read.
    public var nextRange: Range<Int>? { nextPackage < ranges.count ? ranges[nextPackage] : nil }

    /// The next complete package, nil when the body ends before it does (a prefix upload, or an interrupted one:
    /// the partial bytes are discarded); throws when its bytes are not a package.
    public mutating func readPackage() throws(AddEntriesRequest.Malformed) -> AddEntriesRequest.EntryPackage? {
        guard let range = nextRange else { return nil }
        let mark = offset
        var entries: [[UInt8]] = []
        entries.reserveCapacity(range.count)
        for _ in range {
            guard let length = read(2), let entry = take(Int(length)) else {
                offset = mark
                return nil
            }
            entries.append(entry)
        }
        guard let count = read(1) else {
            offset = mark
            return nil
        }
        guard count <= UInt64(AddEntriesRequest.maxProofHashes) else {
            throw .init("package [\(range.lowerBound), \(range.upperBound)) has \(count) proof hashes; at most \(AddEntriesRequest.maxProofHashes)")
        }
        var proof: [TreeHash] = []
        for _ in 0..<count {
            guard let hash = take(32) else {
                offset = mark
                return nil
            }
            proof.append(TreeHash(bytes: hash)!)
        }
        nextPackage += 1
        return AddEntriesRequest.EntryPackage(entries: entries, proof: proof)
    }

    /// Bytes after the packages the upload's interval holds: the body is not a prefix of the canonical sequence.
    public var hasTrailingBytes: Bool { nextRange == nil && offset < bytes.count }

    private mutating func take(_ count: Int) -> [UInt8]? {
        guard bytes.count - offset >= count else { return nil }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    private mutating func read(_ width: Int) -> UInt64? {
        guard let field = take(width) else { return nil }
        return field.reduce(0) { $0 << 8 | UInt64($1) }
    }
}

/// The `text/x.tlog.mirror-info` body of a mirror's 409 and 202 answers: the pending checkpoint's size, the mirror's
/// next entry, and the ticket (base64), each on a line.
public struct MirrorInfo: Sendable, Equatable {
    public var pendingSize: Int
    public var next: Int
    public var ticket: [UInt8]

    public static let contentType = "text/x.tlog.mirror-info"

    public init(pendingSize: Int, next: Int, ticket: [UInt8] = []) {
        self.pendingSize = pendingSize
        self.next = next
        self.ticket = ticket
    }

    public var body: String { "\(pendingSize)\n\(next)\n\(Data(ticket).base64EncodedString())\n" }

    public init?(parsing text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == 4, lines[3].isEmpty, let size = AddCheckpointRequest.decimal(lines[0]), let next = AddCheckpointRequest.decimal(lines[1]),
            let ticket = lines[2].isEmpty ? Data() : Data(base64Encoded: String(lines[2]))
        else { return nil }
        self.init(pendingSize: size, next: next, ticket: Array(ticket))
    }
}

extension MerkleFrontier {
    /// The frontier of a tree of `size` leaves from its perfect subtrees' hashes, largest first (as `hashes` gives
    /// them): one per bit of `size`. Nil when the count does not match.
    public init?(size: Int, hashes: [TreeHash]) {
        guard size >= 0, size.nonzeroBitCount == hashes.count else { return nil }
        self.init()
        var counts: [Int] = []
        for bit in (0..<Int.bitWidth - 1).reversed() where size & (1 << bit) != 0 { counts.append(1 << bit) }
        restore(size: size, subtrees: Array(zip(counts, hashes)))
    }
}

/// A township's request for its own journal back from the county's copy (our addition; tlog-mirror serves tiles to
/// anyone, but a register names staff and cases): a signed note by the register's key, `sealkeeper/restore/v1`,
/// the origin and the UNIX time, answered only while the time is within five minutes of the county's clock.
public enum RestoreRequest {
    public static let header = "sealkeeper/restore/v1"
    public static let window: TimeInterval = 300

    /// The note's text for `origin` at `time` (sign it with the register's key).
    public static func text(origin: String, time: Int64) -> String { "\(header)\n\(origin)\n\(time)\n" }

    /// The origin and time a request names, nil when its text is not a restore request.
    public static func parse(_ noteText: String) -> (origin: String, time: Int64)? {
        let lines = noteText.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == 4, lines[0] == header, !lines[1].isEmpty, lines[3].isEmpty, let time = Int64(lines[2]) else { return nil }
        return (String(lines[1]), time)
    }
}

/// The first line of a restore answer (JSON), before the entries, one canonical entry per line.
public struct RestoreHead: Sendable, Codable, Equatable {
    public var origin: String
    /// Entries the county holds (the mirror checkpoint's size).
    public var size: Int
    /// The mirror checkpoint as the township signed it.
    public var checkpoint: String
    /// The witness's cosignature line on it, and the witness's name.
    public var cosignature: String?
    public var witness: String?

    public init(origin: String, size: Int, checkpoint: String, cosignature: String?, witness: String?) {
        self.origin = origin
        self.size = size
        self.checkpoint = checkpoint
        self.cosignature = cosignature
        self.witness = witness
    }
}
