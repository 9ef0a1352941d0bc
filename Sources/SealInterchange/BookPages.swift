import Foundation
import SealBook
import SealCore
import SealWire

/// Where an export writes: text and bytes, in order. The daemon's is the HTTP response body in 64 KiB chunks.
public protocol ExportSink {
    mutating func write(_ text: String) async throws
    mutating func write(bytes: some Collection<UInt8>) async throws
}

/// How an export reads a seal's lines: a page at a time, by 序号 range. The store supplies `read`; a writer never
/// sees the database, so every format is written the same way at the township and at the county.
public struct BookPages: Sendable {
    /// Lines of 序号 a page spans.
    public var size: Int
    /// The lines of one seal's book whose 序号 are in the range and which the export keeps (its window and filter),
    /// in 序号 order.
    public var read: @Sendable (ExportSeal, ClosedRange<Int>) async throws -> [ExportLine]

    public init(size: Int, read: @escaping @Sendable (ExportSeal, ClosedRange<Int>) async throws -> [ExportLine]) {
        precondition(size > 0)
        self.size = size
        self.read = read
    }

    /// Pages read while the current one is written.
    static let readAhead = 2

    /// The 序号 ranges of a seal's pages, in order.
    func ranges(_ seal: ExportSeal) -> [ClosedRange<Int>] {
        stride(from: seal.serials.lowerBound, through: seal.serials.upperBound, by: size).map { from in
            from...min(seal.serials.upperBound, from + size - 1)
        }
    }
}

/// Pages through every exported seal's lines, in order. Since a page is a 序号 range, every page is known before it
/// is read, and the next `BookPages.readAhead` pages are read while this one is written: reading (the database,
/// decoding, building lines) costs more than writing, and with one page in flight an export ran on one core of two.
/// At most `readAhead + 1` pages are held at once.
public func forEachExportLine(
    pages: BookPages, seals: [ExportSeal],
    seal start: (ExportSeal) async throws -> Void = { _ in }, seal end: (ExportSeal) async throws -> Void = { _ in },
    line: (ExportSeal, ExportLine) async throws -> Void
) async throws {
    for seal in seals {
        try await start(seal)
        let ranges = pages.ranges(seal)
        try await withThrowingTaskGroup(of: (Int, [ExportLine]).self) { group in
            var requested = 0
            func request() {
                guard requested < ranges.count else { return }
                let (index, range) = (requested, ranges[requested])
                group.addTask { (index, try await pages.read(seal, range)) }
                requested += 1
            }
            for _ in 0...BookPages.readAhead { request() }
            // Pages finish in any order; each is written in its turn.
            var read: [Int: [ExportLine]] = [:]
            for index in ranges.indices {
                while read[index] == nil {
                    guard let (done, lines) = try await group.next() else { preconditionFailure("page \(index) was never requested") }
                    read[done] = lines
                }
                let lines = read.removeValue(forKey: index)!
                request()
                for exported in lines { try await line(seal, exported) }
            }
        }
        try await end(seal)
    }
}
