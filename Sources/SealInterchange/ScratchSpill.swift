#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SealCore

/// Bytes set aside in lists while they cannot be written yet, then read back list by list: a report's evidence as
/// its second pass finds it (interleaved across findings, since one use can show several; one list per finding,
/// its pieces comma-separated), or an export's lines rendered while its summary page is still being read (one list).
/// Up to `limit` bytes are held in memory; beyond that everything held goes to a scratch file, unlinked as soon as it
/// is opened (nothing is left behind if the daemon dies) and closed when the spill is released. So a report or
/// export over any period holds a few MiB, whatever it sets aside.
///
/// Filled by one writer, then read back by one: never shared by two tasks at once. It never writes its file by
/// itself: when it `isOverLimit`, the filler calls `spill()` where blocking I/O may run (in the register's read, on
/// GRDB's thread; elsewhere through `BlockingWork`), never on Swift concurrency's.
public final class ScratchSpill: @unchecked Sendable {
    private let directory: URL
    private let name: String
    private let limit: Int
    private let separator: UInt8?
    private var buffers: [[UInt8]]
    private var written: [[(offset: Int64, count: Int)]]
    private var items: [Int]
    private var held = 0
    private var file: Int32 = -1
    private var end: Int64 = 0

    /// `lists` lists of pieces joined by `separator` (none: the bytes as appended), the file named after `name`.
    public init(lists: Int, directory: URL, name: String, limit: Int = 4 << 20, separator: UInt8? = nil) {
        self.directory = directory
        self.name = name
        self.limit = limit
        self.separator = separator
        buffers = Array(repeating: [], count: lists)
        written = Array(repeating: [], count: lists)
        items = Array(repeating: 0, count: lists)
    }

    deinit {
        if file >= 0 { close(file) }
    }

    /// Adds one piece to list `list`, after the separator if it is not the first.
    public func append(_ list: Int, _ piece: some Collection<UInt8>) {
        if items[list] > 0, let separator {
            buffers[list].append(separator)
            held += 1
        }
        items[list] += 1
        buffers[list].append(contentsOf: piece)
        held += piece.count
    }

    /// More is held in memory than the limit.
    public var isOverLimit: Bool { held >= limit }

    /// Pieces appended to `list`.
    public func count(_ list: Int) -> Int { items[list] }

    /// The list's bytes, in the order they were appended, handed to `body` a chunk at a time (the file's part read
    /// through `BlockingWork`).
    public func read(_ list: Int, _ body: ([UInt8]) async throws -> Void) async throws {
        for (offset, count) in filePieces(list) {
            let file = self.file
            try await body(try await BlockingWork.run { try Self.read(file, at: offset, count: count) })
        }
        if !buffers[list].isEmpty { try await body(buffers[list]) }
    }

    /// The same, read on the calling thread (blocking file I/O: for a command-line tool, or where blocking may run).
    public func readBlocking(_ list: Int, _ body: ([UInt8]) throws -> Void) throws {
        for (offset, count) in filePieces(list) { try body(try Self.read(file, at: offset, count: count)) }
        if !buffers[list].isEmpty { try body(buffers[list]) }
    }

    /// Where the list's bytes lie in the file, in order, in pieces of at most 1 MiB.
    private func filePieces(_ list: Int) -> [(offset: Int64, count: Int)] {
        written[list].flatMap { offset, count in
            stride(from: 0, to: count, by: 1 << 20).map { at in (offset + Int64(at), min(count - at, 1 << 20)) }
        }
    }

    /// Moves every buffer to the end of the scratch file (blocking file I/O).
    public func spill() throws {
        if file < 0 {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let path = directory.appendingPathComponent("\(name)-\(UUID().uuidString)").path
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
