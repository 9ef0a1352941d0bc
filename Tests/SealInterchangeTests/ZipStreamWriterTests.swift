import Crypto
import Foundation
import SealCore
import Testing

@testable import SealInterchange

/// ZIP archives read back by readers nobody here wrote: Python's zipfile (through the central directory, checking
/// every CRC) and Info-ZIP's `unzip -t` (which also walks the local headers and data descriptors).
enum ZipReaders {
    /// Every entry's name (in archive order) and bytes, as Python's zipfile reads them; fails on a bad CRC.
    static func python(_ archive: [UInt8]) async throws -> [(name: String, bytes: [UInt8])] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("zip-\(UUID().uuidString).zip")
        try Data(archive).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let script = """
            import base64, json, sys, zipfile
            z = zipfile.ZipFile(sys.argv[1])
            bad = z.testzip()
            assert bad is None, "bad CRC in " + str(bad)
            print(json.dumps([[i.filename, base64.b64encode(z.read(i)).decode()] for i in z.infolist()]))
            """
        let out = try await run("/usr/bin/python3", ["-c", script, file.path])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String]])
        return entries.map { ($0[0], Array(Data(base64Encoded: $0[1])!)) }
    }

    /// `unzip -t`'s report; throws unless it found no errors.
    static func unzipTest(_ archive: [UInt8]) async throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("zip-\(UUID().uuidString).zip")
        try Data(archive).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try await run("/usr/bin/unzip", ["-t", file.path])
    }

    /// The tool's output. It is waited for on `BlockingWork`'s threads, not on one of Swift concurrency's few, which
    /// the other suites running meanwhile need.
    static func run(_ tool: String, _ arguments: [String]) async throws -> String {
        try await BlockingWork.run { try runBlocking(tool, arguments) }
    }

    private static func runBlocking(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(
                description:
                    "\(tool) exited \(process.terminationStatus): \(String(decoding: err, as: UTF8.self))\(String(decoding: out, as: UTF8.self))"
            )
        }
        return String(decoding: out, as: UTF8.self)
    }

    struct Failure: Error, CustomStringConvertible { let description: String }
}

@Suite("ZIP archives streamed front to back (the XLSX book's container)")
struct ZipStreamWriterTests {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!
    /// 2026-12-05 10:20:30 in Shanghai.
    static let stamp = Date(timeIntervalSince1970: 1_796_437_230)

    @Test("an archive of one empty entry, byte for byte as APPNOTE 6.3.10 lays it out")
    func handBuilt() async throws {
        var zip = ZipStreamWriter(modified: Self.stamp, zone: Self.shanghai)
        var archive = try zip.begin("a.txt")
        archive += try await zip.end()
        archive += try zip.finish()
        // DOS time 10:20:30 = 10<<11 | 20<<5 | 30/2 = 0x528F; date 2026-12-05 = 46<<9 | 12<<5 | 5 = 0x5D85.
        let name: [UInt8] = Array("a.txt".utf8)
        var expected: [UInt8] = []
        // Local file header: version 2.0, flag bit 3 (sizes in a data descriptor), deflate, time, date, CRC and
        // sizes zero, name length 5, no extra field.
        expected += [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x08, 0x00, 0x08, 0x00, 0x8F, 0x52, 0x85, 0x5D]
        expected += [UInt8](repeating: 0, count: 12) + [0x05, 0x00, 0x00, 0x00] + name
        // Deflate of nothing: one final fixed-Huffman block holding only end-of-block.
        expected += [0x03, 0x00]
        // Data descriptor with its signature: CRC-32 of nothing is 0, 2 bytes deflated, 0 bytes.
        expected += [0x50, 0x4B, 0x07, 0x08, 0, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0]
        // Central directory header: made by 2.0 (MS-DOS), needs 2.0, same flags, method, time and date, the CRC and
        // sizes, name length, no extra or comment, disk 0, no attributes, local header at offset 0.
        expected += [0x50, 0x4B, 0x01, 0x02, 0x14, 0x00, 0x14, 0x00, 0x08, 0x00, 0x08, 0x00, 0x8F, 0x52, 0x85, 0x5D]
        expected += [0, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0, 0x05, 0x00] + [UInt8](repeating: 0, count: 16) + name
        // End of central directory: one entry, a directory of 51 bytes at offset 53, no comment.
        expected += [0x50, 0x4B, 0x05, 0x06, 0, 0, 0, 0, 0x01, 0x00, 0x01, 0x00, 51, 0, 0, 0, 53, 0, 0, 0, 0, 0]
        #expect(archive == expected)
        #expect(try await ZipReaders.python(archive).map(\.name) == ["a.txt"])
    }

    @Test("entries of every shape, written in uneven chunks, read back by zipfile and unzip with their CRCs")
    func readersAgree() async throws {
        var generator = SystemRandomNumberGenerator()
        let text = Array(
            (0..<40_000).map { "<row r=\"\($0)\"><c t=\"inlineStr\"><is><t>事由 \($0 % 97)</t></is></c></row>" }.joined()
                .utf8)
        let noise = (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let contents: [(String, [UInt8])] = [
            ("empty", []), ("hello.txt", Array("hello".utf8)), ("xl/worksheets/sheet1.xml", text), ("noise.bin", noise),
            ("第二/名字.xml", Array("<a/>".utf8)),
        ]
        var writer = ZipStreamWriter()
        var archive: [UInt8] = []
        for (name, bytes) in contents {
            archive += try writer.begin(name)
            var rest = bytes[...]
            while !rest.isEmpty {
                let n = min(rest.count, [1, 3, 70_000, 200_000, 65_536].randomElement(using: &generator)!)
                archive += try await writer.write(Array(rest.prefix(n)))
                rest = rest.dropFirst(n)
            }
            archive += try await writer.end()
        }
        archive += try writer.finish()
        let read = try await ZipReaders.python(archive)
        #expect(read.map(\.name) == contents.map(\.0))
        for ((_, bytes), back) in zip(contents, read) {
            #expect(SHA256.hash(data: back.bytes) == SHA256.hash(data: bytes), "\(back.name)")
        }
        let report = try await ZipReaders.unzipTest(archive)
        #expect(report.contains("No errors detected"), "\(report)")
        #expect(archive.count < text.count / 4 + noise.count + 4_096, "the XML deflates")
    }

    @Test("an entry whose last chunk is still deflating when it ends: every later entry is where its header says")
    func endsWhileDeflating() async throws {
        // One chunk of noise larger than the deflater's window: its output is handed back only by `end`.
        var generator = SystemRandomNumberGenerator()
        let noise = (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var writer = ZipStreamWriter()
        var archive = try writer.begin("noise.bin")
        archive += try await writer.write(noise)
        archive += try await writer.end()
        archive += try await writer.entry("after.txt", "after")
        archive += try writer.finish()
        let read = try await ZipReaders.python(archive)
        #expect(read.map(\.name) == ["noise.bin", "after.txt"])
        #expect(read.first?.bytes == noise && read.last?.bytes == Array("after".utf8))
        #expect(try await ZipReaders.unzipTest(archive).contains("No errors detected"))
    }

    @Test("out-of-order calls are refused, not written")
    func misuse() async throws {
        var zip = ZipStreamWriter()
        await #expect(throws: ZipStreamWriter.Failure.self) { _ = try await zip.write([1]) }
        _ = try zip.begin("a")
        #expect(throws: ZipStreamWriter.Failure.self) { _ = try zip.begin("b") }
        #expect(throws: ZipStreamWriter.Failure.self) { _ = try zip.finish() }
        _ = try await zip.end()
        await #expect(throws: ZipStreamWriter.Failure.self) { _ = try await zip.end() }
    }

    @Test("DOS times: local to the zone, seconds halved; before 1980 written as 1980-01-01")
    func dosTimes() {
        let utc = TimeZone(identifier: "UTC")!
        #expect(ZipStreamWriter.dosDateTime(Self.stamp, zone: Self.shanghai) == (0x5D85, 0x528F))
        // The same instant in UTC is 02:20:30 the same day.
        #expect(ZipStreamWriter.dosDateTime(Self.stamp, zone: utc) == (0x5D85, 2 << 11 | 20 << 5 | 15))
        #expect(ZipStreamWriter.dosDateTime(Date(timeIntervalSince1970: 0), zone: utc) == (0x21, 0))
    }
}
