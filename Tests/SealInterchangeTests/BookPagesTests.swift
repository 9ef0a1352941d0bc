import Foundation
import SealCore
import Synchronization
import Testing
@testable import SealInterchange

@Suite("An export's pages: read ahead, written in order")
struct BookPagesTests {
    static func seal(_ id: String, _ serials: ClosedRange<Int>) -> ExportSeal {
        ExportSeal(
            seal: Seal(id: id, name: id, kind: .delegatedApproval, medium: .physical, owner: "县", holder: "镇", custodian: "S001"),
            custodianName: "", delegations: [], serials: serials
        )
    }

    static func line(_ serial: Int) -> ExportLine {
        ExportLine(
            line: BookTable.Line(
                serial: serial, date: "2026-11-22", time: "08:00:00", sealName: "", reason: "", approver: "", user: "", count: 1, matterCode: "",
                matterName: "", caseNumber: "", method: "", urgent: false, corrections: "", documentDigest: ""
            ),
            timestamp: Date(timeIntervalSince1970: 0)
        )
    }

    /// Reads finishing in any order (later pages often first), counting how many run at once.
    final class Reads: Sendable {
        let running = Mutex((now: 0, most: 0, ranges: [ClosedRange<Int>]()))

        func pages(size: Int, failing: Int? = nil) -> BookPages {
            BookPages(size: size) { seal, range in
                self.running.withLock { $0.now += 1; $0.most = max($0.most, $0.now); $0.ranges.append(range) }
                defer { self.running.withLock { $0.now -= 1 } }
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...8)))
                if range.contains(failing ?? 0) { throw CancellationError() }
                // A page skips serials the window leaves out (here every seventh), as a store's does.
                return range.filter { $0 % 7 != 0 }.map(BookPagesTests.line)
            }
        }
    }

    @Test("every line of every seal once, in 序号 order, with at most the read-ahead pages in flight", arguments: [1, 3, 10, 100])
    func order(size: Int) async throws {
        let reads = Reads()
        let seals = [Self.seal("A", 1...47), Self.seal("B", 5...5), Self.seal("C", 100...130)]
        var written: [(String, Int)] = []
        var events: [String] = []
        try await forEachExportLine(
            pages: reads.pages(size: size), seals: seals,
            seal: { events.append("start \($0.seal.id)") }, seal: { events.append("end \($0.seal.id)") },
            line: { seal, exported in written.append((seal.seal.id, exported.line.serial)) }
        )
        let expected = seals.flatMap { s in s.serials.filter { $0 % 7 != 0 }.map { (s.seal.id, $0) } }
        #expect(written.map(\.0) == expected.map(\.0) && written.map(\.1) == expected.map(\.1))
        #expect(events == ["start A", "end A", "start B", "end B", "start C", "end C"])
        let (most, ranges) = reads.running.withLock { ($0.most, $0.ranges) }
        #expect(most <= BookPages.readAhead + 1)
        // Each seal's pages cover its serials exactly, none twice.
        #expect(ranges.flatMap { Array($0) }.sorted() == seals.flatMap { Array($0.serials) }.sorted())
    }

    @Test("a page that fails ends the export with its error; nothing after it is written")
    func failure() async throws {
        let reads = Reads()
        var written: [Int] = []
        await #expect(throws: CancellationError.self) {
            try await forEachExportLine(pages: reads.pages(size: 4, failing: 10), seals: [Self.seal("A", 1...40)]) { _, exported in
                written.append(exported.line.serial)
            }
        }
        // The pages before it may or may not have been written when its error arrives (reads finish in any order).
        let before = [1, 2, 3, 4, 5, 6, 8]
        #expect(Array(before.prefix(written.count)) == written)
    }
}
