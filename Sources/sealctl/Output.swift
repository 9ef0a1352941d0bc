import ArgumentParser
import Foundation
import Glibc
import SealBook
import SealCore
import SealWire

/// Printing for people and for scripts.
enum Output {
    /// Prints the daemon's JSON as it came, re-indented for reading.
    static func printJSON(_ data: Data) {
        if let pretty = PrettyJSON.indent(data) {
            write(Data(pretty) + Data("\n".utf8))
        } else {
            print(String(decoding: data, as: UTF8.self))
        }
    }

    /// GETs `path` and prints the daemon's JSON re-indented as it arrives: an answer of any size (a long period's
    /// anomaly report) in the memory of one piece.
    static func streamJSON(_ client: DaemonClient, _ path: String) async throws {
        var pretty = PrettyJSON()
        var out: [UInt8] = []
        do {
            try await client.receive(path) { chunk in
                try pretty.feed(chunk.readableBytesView, into: &out)
                write(Data(out))
                out.removeAll(keepingCapacity: true)
            }
            try pretty.finish()
        } catch is PrettyJSON.Malformed {
            throw ClientError(code: "bad-answer", message: "the daemon's answer to \(path.split(separator: "?")[0]) is not one JSON object", exitCode: 76)
        }
        write(Data("\n".utf8))
    }

    /// One compact JSON value per line (JSON Lines), for streaming, in the API's own encoding.
    static func printJSONLine(_ value: some Encodable) {
        guard let data = try? WireJSON.encoder.encode(value) else { return }
        // Written unbuffered so a pipe reader sees each entry as it arrives.
        write(data + Data("\n".utf8))
    }

    /// Writes all of `data` to `fd` (stdout by default). A reader that went away (`sealctl … | head`) ends the
    /// program quietly with status 0, as a pipe's reader asked: SwiftNIO ignores SIGPIPE process-wide, so without
    /// this every write after `head` exits would fail with EPIPE (and Foundation's `FileHandle.write` traps on it).
    static func write(_ data: Data, to fd: CInt = STDOUT_FILENO) {
        if fd == STDOUT_FILENO { fflush(nil) }
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    if errno == EPIPE { exit(0) }
                    FileHandle.standardError.write(Data("error: output-failed: \(String(cString: strerror(errno)))\n".utf8))
                    exit(74)
                }
                offset += n
            }
        }
    }

    /// Checks, once printing is done, that stdout took everything: a closed pipe ends quietly.
    static func finishStandardOutput() {
        if fflush(nil) != 0 && errno == EPIPE { exit(0) }
    }

    /// Text as a terminal may show it: control characters (an ANSI escape, a carriage return that would overwrite
    /// the line) are written as visible `\u{1B}` escapes, never sent raw.
    static func safe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: FieldLimits.isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if FieldLimits.isControl(scalar) { out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}" } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    /// Two columns, labels padded to the longest one.
    static func printFields(_ rows: [(String, String)]) {
        let rows = rows.map { (safe($0.0), safe($0.1)) }
        let width = rows.map { displayWidth($0.0) }.max() ?? 0
        for (label, value) in rows {
            print(label + String(repeating: " ", count: width - displayWidth(label)) + "  " + value)
        }
        finishStandardOutput()
    }

    /// A table with a header row; columns sized to their widest cell (CJK characters count double).
    ///
    /// Printed in parts (a long book page by page): `header` false leaves the header row out, and `widths` (each
    /// column at least that wide) carries on from the part before; returns the widths used.
    @discardableResult
    static func printTable(
        _ header: [String], header printHeader: Bool = true, widths minimum: [Int] = [], _ rows: [[String]], columns: [Int]? = nil
    ) -> [Int] {
        // One write for the whole part (a page of the book is thousands of lines), not one locked `print` a line.
        var text: [UInt8] = []
        let widths = table(header, header: printHeader, widths: minimum, rows, columns: columns, into: &text)
        write(Data(text))
        return widths
    }

    /// The table's lines (without line feeds) and the column widths used.
    static func tableLines(_ header: [String], header printHeader: Bool = true, widths minimum: [Int] = [], _ rows: [[String]]) -> ([String], [Int]) {
        var text: [UInt8] = []
        let widths = table(header, header: printHeader, widths: minimum, rows, columns: nil, into: &text)
        return (text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }, widths)
    }

    /// Writes the table's lines, each ended by a line feed, into `out`; returns the column widths used. `columns`
    /// picks the cells of each row shown, in order (all of them when nil).
    private static func table(
        _ header: [String], header printHeader: Bool, widths minimum: [Int], _ rows: [[String]], columns: [Int]?, into out: inout [UInt8]
    ) -> [Int] {
        let count = header.count
        let pick = columns ?? Array(0..<count)
        // Each cell measured once, in one pass over its bytes (a page of the book is 60,000 cells): its width kept in
        // one flat array, and the rare cell with a control character replaced by its safe form.
        var cellWidths: [Int] = []
        cellWidths.reserveCapacity((rows.count + 1) * count)
        var replaced: [Int: String] = [:]
        var widths = (0..<count).map { column in column < minimum.count ? minimum[column] : 0 }
        func measure(_ text: String) {
            let (width, safe) = cell(text)
            if let safe { replaced[cellWidths.count] = safe }
            cellWidths.append(width)
        }
        for text in header { measure(text) }
        for row in rows {
            for column in pick { measure(row[column]) }
        }
        for (i, width) in cellWidths.enumerated() where width > widths[i % count] { widths[i % count] = width }
        out.reserveCapacity(out.count + (rows.count + 1) * (widths.reduce(0, +) + 2 * count + 1) * 3 / 2)
        func line(_ first: Int, _ text: (Int) -> String) {
            for column in 0..<count {
                if column > 0 { out.append(contentsOf: spaces.prefix(2)) }
                var shown = replaced.isEmpty ? text(column) : replaced[first + column] ?? text(column)
                shown.withUTF8 { out.append(contentsOf: $0) }
                if column < count - 1 {
                    var pad = widths[column] - cellWidths[first + column]
                    while pad > 0 {
                        out.append(contentsOf: spaces.prefix(pad))
                        pad -= spaces.count
                    }
                }
            }
            out.append(UInt8(ascii: "\n"))
        }
        if printHeader { line(0) { header[$0] } }
        for (r, row) in rows.enumerated() { line((r + 1) * count) { row[pick[$0]] } }
        return widths
    }

    private static let spaces = [UInt8](repeating: UInt8(ascii: " "), count: 64)

    /// The columns a cell takes (`displayWidth`) and, when it is not safe to print as it is, what is printed instead
    /// (`safe`); found in one pass over its UTF-8.
    private static func cell(_ text: String) -> (width: Int, safe: String?) {
        var text = text
        let width = text.withUTF8 { bytes -> Int? in
            var width = 0
            var i = 0
            while i < bytes.count {
                let byte = bytes[i]
                if byte < 0x80 {
                    // Printable ASCII is safe as it is, a column a byte.
                    guard byte >= 0x20, byte != 0x7F else { return nil }
                    width += 1
                    i += 1
                    continue
                }
                // A scalar of two, three or four bytes (the string's UTF-8 is valid).
                let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                var value = UInt32(byte) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
                for k in 1..<length { value = value << 6 | UInt32(bytes[i + k] & 0x3F) }
                guard let scalar = Unicode.Scalar(value), !FieldLimits.isControl(scalar) else { return nil }
                width += isWide(value) ? 2 : 1
                i += length
            }
            return width
        }
        if let width { return (width, nil) }
        let shown = safe(text)
        return (displayWidth(shown), shown)
    }

    /// Whether a scalar takes two terminal columns (East Asian wide).
    private static func isWide(_ v: UInt32) -> Bool {
        (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
    }

    /// Terminal columns a string takes: East Asian wide characters take two.
    static func displayWidth(_ text: String) -> Int {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.utf8.count }
        return text.unicodeScalars.reduce(0) { width, scalar in width + (isWide(scalar.value) ? 2 : 1) }
    }

    /// Values as a table cell lists them: `admin, clerk`.
    static func list<Value: RawRepresentable<String>>(_ values: [Value]) -> String {
        values.map(\.rawValue).joined(separator: ", ")
    }

    /// A journal payload as one cell: `key=value` pairs in key order, lists comma-joined, booleans as yes/no.
    static func text(_ value: JSONValue?) -> String {
        switch value {
        case nil, .null: ""
        case .string(let s): s
        case .int(let n): String(n)
        case .bool(let b): b ? "yes" : "no"
        case .array(let items): items.map { text($0) }.joined(separator: ", ")
        case .object(let members): members.keys.sorted().map { "\($0)=\(text(members[$0]))" }.joined(separator: " ")
        }
    }

    /// A moment as people read it here: local date and time to the second, with the zone's offset.
    static func time(_ date: Date) -> String {
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.dateFormat = "yyyy-MM-dd HH:mm:ss xxx"
        return format.string(from: date)
    }

    static func bytes(_ count: Int64) -> String {
        ByteCountFormatter.string(fromByteCount: count, countStyle: .file)
    }
}

/// Runs a verb's body and turns failures into `error: CODE: message` on stderr with the right exit status.
func runReporting(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as ClientError {
        FileHandle.standardError.write(Data("\(error.description)\n".utf8))
        throw ExitCode(error.exitCode)
    }
}
