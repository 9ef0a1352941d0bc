import Foundation
import SealBook
import SealCore
import SealWire

/// The book as CSV for Excel and WPS: the paper book's columns, every seal's lines in order.
public enum BookCSV {
    public static func write(pages: BookPages, seals: [ExportSeal], filter: BookFilter, headers: BookTable.Headers, to out: inout some ExportSink) async throws {
        try await out.write(CSVFormat.byteOrderMark + CSVFormat.line(BookTable.columns(headers)))
        try await forEachExportLine(pages: pages, seals: seals) { _, exported in
            try await out.write(CSVFormat.line(exported.line.cells(headers)))
        }
    }
}

