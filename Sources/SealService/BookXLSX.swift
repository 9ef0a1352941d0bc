import Foundation
import SealCore
import SealStore
import ZIPFoundation

/// The usage book as an Excel/WPS workbook: a worksheet per seal (continued on another sheet past Excel's
/// 1,048,576 rows), then a sheet with the checkpoint the export was made at. A ZIP's central directory comes last
/// and its entries need their sizes, so the sheets are first written row by row to scratch files under the state
/// directory, packed by ZIPFoundation (deflate, read back in chunks), and the archive is streamed out and deleted:
/// memory stays flat whatever the book's size; disk holds one copy while the export runs.
enum BookXLSX {
    static let maxRowsPerSheet = 1_048_576

    static func write(
        register: Register, seals: [ExportSeal], filter: BookFilter, headers: BookTable.Headers, checkpoint: CheckpointView?,
        scratch: URL, to out: inout ChunkedWriter
    ) async throws {
        let directory = scratch.appendingPathComponent(UUID().uuidString, isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: directory) }

        var sheets = SheetSet(directory: directory, headers: headers)
        try await forEachExportLine(
            register: register, seals: seals, filter: filter, headers: headers,
            seal: { try sheets.begin("\($0.seal.id) \($0.seal.name)") },
            seal: { _ in try sheets.end() },
            line: { _, exported in try sheets.add(exported.line.spreadsheetCells(headers)) }
        )
        if seals.isEmpty {
            try sheets.begin(headers == .chinese ? "印章使用登记本" : "Usage book")
            try sheets.end()
        }
        try sheets.addCheckpointSheet(checkpoint, filter: filter)

        let archiveURL = directory.appendingPathComponent("book.xlsx")
        // Deflating every sheet is seconds of CPU and file I/O for a large book: done off Swift concurrency's threads.
        let names = sheets.names
        let files = sheets.files
        try await BlockingWork.run {
            let archive = try Archive(url: archiveURL, accessMode: .create)
            func part(_ path: String, _ text: String) throws {
                let data = Data(text.utf8)
                try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            try part(SpreadsheetML.contentTypesPath, SpreadsheetML.contentTypes(sheets: names.count))
            try part(SpreadsheetML.rootRelationshipsPath, SpreadsheetML.rootRelationships)
            try part(SpreadsheetML.workbookPath, SpreadsheetML.workbook(sheetNames: names))
            try part(SpreadsheetML.workbookRelationshipsPath, SpreadsheetML.workbookRelationships(sheets: names.count))
            try part(SpreadsheetML.stylesPath, SpreadsheetML.styles)
            for (i, file) in files.enumerated() {
                try archive.addEntry(with: SpreadsheetML.worksheetPath(i + 1), fileURL: file, compressionMethod: .deflate)
                try FileManager.default.removeItem(at: file)
            }
        }

        let handle = try FileHandle(forReadingFrom: archiveURL)
        defer { try? handle.close() }
        while true {
            let chunk = try await BlockingWork.run { try handle.read(upToCount: 1 << 16) ?? Data() }
            if chunk.isEmpty { break }
            try await out.write(bytes: chunk)
        }
    }

    /// The worksheets being written: names, their scratch files, and the open one.
    struct SheetSet {
        let directory: URL
        let headers: BookTable.Headers
        var names: [String] = []
        var files: [URL] = []
        var open: (file: BufferedFile, base: String, rows: Int, part: Int)?

        init(directory: URL, headers: BookTable.Headers) {
            self.directory = directory
            self.headers = headers
        }

        mutating func begin(_ wanted: String, part: Int = 1) throws {
            let name = SpreadsheetML.sheetName(part == 1 ? wanted : "\(wanted) (\(part))", taken: Set(names))
            let url = directory.appendingPathComponent("sheet\(names.count + 1).xml")
            names.append(name)
            files.append(url)
            var file = try BufferedFile(url)
            try file.write(SpreadsheetML.worksheetStart(widths: BookTable.widths, header: BookTable.columns(headers)))
            open = (file, wanted, 1, part)
        }

        mutating func add(_ cells: [SpreadsheetML.Cell]) throws {
            guard var current = open else { return }
            if current.rows == BookXLSX.maxRowsPerSheet {
                try end()
                try begin(current.base, part: current.part + 1)
                current = open!
            }
            current.rows += 1
            try current.file.write(SpreadsheetML.row(current.rows, cells))
            open = current
        }

        mutating func end() throws {
            guard var current = open else { return }
            try current.file.write(SpreadsheetML.worksheetEnd)
            try current.file.close()
            open = nil
        }

        /// The checkpoint the export was made at, so a workbook can be matched to the signed register.
        mutating func addCheckpointSheet(_ checkpoint: CheckpointView?, filter: BookFilter) throws {
            let zh = headers == .chinese
            let url = directory.appendingPathComponent("sheet\(names.count + 1).xml")
            names.append(SpreadsheetML.sheetName(zh ? "检查点" : "Checkpoint", taken: Set(names)))
            files.append(url)
            var file = try BufferedFile(url)
            try file.write(SpreadsheetML.worksheetStart(widths: [16, 90], header: zh ? ["项目", "值"] : ["Item", "Value"]))
            var rows: [(String, String)] = [
                (zh ? "期间" : "Period", "\(filter.from?.description ?? "…") – \(filter.to?.description ?? "…")"),
            ]
            if let checkpoint {
                rows += [
                    (zh ? "登记簿" : "Register", checkpoint.origin), (zh ? "条目数" : "Size", String(checkpoint.size)),
                    ("root", checkpoint.rootHex), (zh ? "签署时间" : "Signed at", checkpoint.time),
                ]
            } else {
                rows.append((zh ? "检查点" : "Checkpoint", zh ? "无" : "none"))
            }
            for (i, row) in rows.enumerated() {
                try file.write(SpreadsheetML.row(i + 2, [.text(row.0), .text(row.1)]))
            }
            try file.write(SpreadsheetML.worksheetEnd)
            try file.close()
        }
    }
}

/// Appends text to a new 0600 file through a 64 KiB buffer.
struct BufferedFile {
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    init(_ url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        handle = try FileHandle(forWritingTo: url)
        buffer.reserveCapacity(1 << 16)
    }

    mutating func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { try flush() }
    }

    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    mutating func close() throws {
        try flush()
        try handle.close()
    }
}
