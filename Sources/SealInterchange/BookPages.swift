import Foundation
import SealBook
import SealCore
import SealWire

/// Where an export writes: text and bytes, in order. The daemon's is the HTTP response body in 64 KiB chunks.
public protocol ExportSink {
    mutating func write(_ text: String) async throws
    mutating func write(bytes: some Collection<UInt8>) async throws
}

/// One page of a seal's lines after a cursor (nil: from the start of the window), and where the next page starts.
/// The store supplies it; a writer never sees the database, so every format is written the same way at the
/// township and at the county.
public typealias BookPages = @Sendable (ExportSeal, ExportCursor?) async throws -> (lines: [ExportLine], next: ExportCursor?)

/// Pages through every exported seal's lines. The next page is read while this one is written: reading (the
/// database, decoding, building lines) and writing (formatting, the socket) each take about half an export's time,
/// and a daemon has more than one core for them. At most two pages are held at once.
public func forEachExportLine(
    pages: BookPages, seals: [ExportSeal],
    seal start: (ExportSeal) async throws -> Void = { _ in }, seal end: (ExportSeal) async throws -> Void = { _ in },
    line: (ExportSeal, ExportLine) async throws -> Void
) async throws {
    for seal in seals {
        try await start(seal)
        var page = try await pages(seal, nil)
        while true {
            let cursor = page.next
            async let following = nextPage(pages, seal, after: cursor)
            for exported in page.lines { try await line(seal, exported) }
            guard let fetched = try await following else { break }
            page = fetched
        }
        try await end(seal)
    }
}

private func nextPage(_ pages: BookPages, _ seal: ExportSeal, after cursor: ExportCursor?) async throws -> (lines: [ExportLine], next: ExportCursor?)? {
    guard let cursor else { return nil }
    return try await pages(seal, cursor)
}
