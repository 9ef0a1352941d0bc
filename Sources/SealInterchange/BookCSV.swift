import Foundation
import SealBook
import SealCore
import SealWire

/// The book as CSV for Excel and WPS: the paper book's columns, every seal's lines in order.
public enum BookCSV {
    public static func write(pages: BookPages, seals: [ExportSeal], filter: BookFilter, headers: BookTable.Headers, to out: inout some ExportSink) async throws {
        try await out.write(CSVFormat.byteOrderMark + CSVFormat.line(BookTable.columns(headers)))
        // Lines are gathered as bytes and handed on 64 KiB at a time.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1 << 17)
        try await forEachExportLine(pages: pages, seals: seals) { _, exported in
            CSVFormat.append(line: exported.line, headers, to: &bytes)
            if bytes.count >= 1 << 16 {
                try await out.write(bytes: bytes)
                bytes.removeAll(keepingCapacity: true)
            }
        }
        try await out.write(bytes: bytes)
    }
}

