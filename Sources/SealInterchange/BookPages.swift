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

/// Pages through every exported seal's lines.
public func forEachExportLine(
    pages: BookPages, seals: [ExportSeal],
    seal start: (ExportSeal) async throws -> Void = { _ in }, seal end: (ExportSeal) async throws -> Void = { _ in },
    line: (ExportSeal, ExportLine) async throws -> Void
) async throws {
    for seal in seals {
        try await start(seal)
        var cursor: ExportCursor?
        repeat {
            let page = try await pages(seal, cursor)
            for exported in page.lines { try await line(seal, exported) }
            cursor = page.next
        } while cursor != nil
        try await end(seal)
    }
}

