#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SealCore

/// A report's evidence as its second pass finds it — interleaved across findings, since one use can show several —
/// set aside per finding so that each finding can then be written whole, in turn. Up to `limit` bytes are held in
/// memory; beyond that everything held goes to a scratch file, unlinked as soon as it is opened (nothing is left
/// behind if the daemon dies) and closed when the spill is released. A report over any period thus holds a few
/// MiB, whatever its evidence adds up to.
///
/// Filled by one reading of the facts, then read back by one response writer: never shared by two tasks at once. It
/// never writes its file by itself: when it `isOverLimit`, the reader calls `spill()` where blocking I/O may run (in
/// the register's read, on GRDB's thread; at the county, through `BlockingWork`), never on Swift concurrency's.
public final class EvidenceSpill: @unchecked Sendable {
    private let directory: URL
    private let limit: Int
    private var buffers: [[UInt8]]
    private var written: [[(offset: Int64, count: Int)]]
    private var items: [Int]
    private var held = 0
    private var file: Int32 = -1
    private var end: Int64 = 0

    init(findings: Int, directory: URL, limit: Int = 4 << 20) {
        self.directory = directory
        self.limit = limit
        buffers = Array(repeating: [], count: findings)
        written = Array(repeating: [], count: findings)
        items = Array(repeating: 0, count: findings)
    }

    deinit {
        if file >= 0 { close(file) }
    }

    /// Adds one piece of evidence (a JSON value) to finding `finding`'s array, after a comma if it is not the first.
    func append(_ finding: Int, _ json: some Collection<UInt8>) {
        if items[finding] > 0 {
            buffers[finding].append(UInt8(ascii: ","))
            held += 1
        }
        items[finding] += 1
        buffers[finding].append(contentsOf: json)
        held += json.count
    }

    /// More is held in memory than the limit.
    public var isOverLimit: Bool { held >= limit }

    /// Pieces of evidence appended to `finding`.
    func count(_ finding: Int) -> Int { items[finding] }

    /// The finding's evidence, comma-separated, in the order it was appended, handed to `body` a piece at a time.
    func read(_ finding: Int, _ body: ([UInt8]) async throws -> Void) async throws {
        for (offset, count) in written[finding] {
            var at = 0
            while at < count {
                let n = min(count - at, 1 << 20)
                let start = offset + Int64(at)
                let file = self.file
                let piece = try await BlockingWork.run { try Self.read(file, at: start, count: n) }
                try await body(piece)
                at += n
            }
        }
        if !buffers[finding].isEmpty { try await body(buffers[finding]) }
    }

    /// Moves every buffer to the end of the scratch file (blocking file I/O).
    public func spill() throws {
        if file < 0 {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let path = directory.appendingPathComponent("evidence-\(UUID().uuidString)").path
            file = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard file >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            unlink(path)
        }
        for i in buffers.indices where !buffers[i].isEmpty {
            try buffers[i].withUnsafeBytes { bytes in
                var done = 0
                while done < bytes.count {
                    let n = pwrite(file, bytes.baseAddress! + done, bytes.count - done, off_t(end) + off_t(done))
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                    }
                    done += n
                }
            }
            written[i].append((end, buffers[i].count))
            end += Int64(buffers[i].count)
            buffers[i] = []
        }
        held = 0
    }

    private static func read(_ file: Int32, at offset: Int64, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        try bytes.withUnsafeMutableBytes { buffer in
            while done < count {
                let n = pread(file, buffer.baseAddress! + done, count - done, off_t(offset) + off_t(done))
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { throw POSIXError(POSIXErrorCode(rawValue: n < 0 ? errno : EIO) ?? .EIO) }
                done += n
            }
        }
        return bytes
    }
}
