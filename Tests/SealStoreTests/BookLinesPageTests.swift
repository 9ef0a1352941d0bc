import Foundation
import GRDB
import SealCore
import SealWire
import Testing

@testable import SealStore

/// A page of the book as the paper register shows it (`Register.bookLinesPage`, `GET /v1/book/lines`): the lines of
/// the same page of uses, each as the cells an export makes of it.
@Suite("Pages of the book as its cells")
struct BookLinesPageTests {
    /// The cells of `filter`'s page as an export makes them, from the line query with its names joined (the reference
    /// the page's name lookups and its read-then-correct order are held to).
    static func expected(_ register: Register, _ filter: UseFilter, limit: Int, after: String?, headers: BookTable.Headers) async throws -> BookLinesPage {
        let zone = register.useSettings.zone
        return try await register.pool.read { db in
            guard let (sql, arguments) = try Register.useQuery(db, filter, limit: limit, after: after, zone: zone) else {
                return BookLinesPage(columns: BookTable.columns(headers), next: nil, rows: [])
            }
            let lines = try BookLineQuery.lines(db, sql, arguments)
            let corrections = try BookLineQuery.corrections(db, uses: lines.map(\.id))
            let rows = lines.map { l in
                BookLine.exportLine(
                    serial: l.serial, time: l.time, sealName: l.sealName, reason: l.reason, approver: l.bookApprover, approverName: l.approverName,
                    deniedBy: l.deniedBy, deniedByName: l.deniedByName, urgent: l.urgent, user: l.user, userName: l.userName, count: l.count,
                    effectiveCount: l.effectiveCount, matterCode: l.matterCode, matterName: l.matterName, caseNumber: l.caseNumber, method: l.method,
                    note: l.note, documentDigest: l.documentDigest, corrections: corrections[l.id] ?? [], headers: headers, zone: zone
                ).line.cells(headers)
            }
            return BookLinesPage(columns: BookTable.columns(headers), next: lines.count == limit ? lines.last?.id : nil, rows: rows)
        }
    }

    @Test("every page under every filter, at every page size, in both languages: the export's cells of the same lines, paged alike")
    func sameCells() async throws {
        let (register, directory) = try await UsePageBytesTests.book()
        defer { try? FileManager.default.removeItem(at: directory) }
        let zone = register.useSettings.zone
        let today = LocalDate.today(Date(), timeZone: zone)
        let filters = [
            UseFilter(), UseFilter(seal: "SEAL-0001"), UseFilter(seal: "SEAL-0002"), UseFilter(matter: "XK-001"), UseFilter(user: "S001"),
            UseFilter(id: "USE-000002"), UseFilter(from: today, to: today), UseFilter(seal: "SEAL-0001", from: today),
            UseFilter(seal: "SEAL-0001", to: LocalDate("2020-01-01")), UseFilter(matter: "XK-999"),
        ]
        var (pages, rows, corrected, denied, quoted) = (0, 0, 0, 0, 0)
        for headers in BookTable.Headers.allCases {
            for filter in filters {
                for limit in [1, 2, 5, 1000] {
                    var after: String?
                    repeat {
                        let bytes = try await register.bookLinesPage(filter, limit: limit, after: after, headers: headers).json
                        let page = try BookLinesPage(wireJSON: Array(bytes))
                        let want = try await Self.expected(register, filter, limit: limit, after: after, headers: headers)
                        #expect(page == want, "\(filter) limit \(limit) after \(after ?? "-") \(headers)")
                        // Foundation's decoder reads the daemon's bytes as the direct reader does.
                        #expect(try WireJSON.decoder(for: BookLinesPage.self).decode(BookLinesPage.self, from: Data(bytes)) == page)
                        pages += 1
                        rows += page.rows.count
                        corrected += page.rows.filter { !$0[13].isEmpty }.count
                        denied += page.rows.filter { $0[5].hasPrefix(headers == .chinese ? "已驳回" : "denied") }.count
                        quoted += page.rows.filter { $0[14].contains("\"") && $0[14].contains("\\") }.count
                        after = page.next
                    } while after != nil
                }
            }
        }
        #expect(pages > 250 && rows > 400)
        #expect(corrected > 0 && denied > 0 && quoted > 0)
    }

    @Test("the last page has no next; an empty window answers the columns and no rows")
    func ends() async throws {
        let (register, directory) = try await UsePageBytesTests.book()
        defer { try? FileManager.default.removeItem(at: directory) }
        let empty = try await register.bookLinesPage(UseFilter(seal: "SEAL-0001", to: LocalDate("2020-01-01")), limit: 5, after: nil, headers: .english)
        #expect(String(decoding: empty.json, as: UTF8.self) == #"{"columns":["# + BookTable.columns(.english).map { "\"\($0)\"" }.joined(separator: ",") + #"],"rows":[]}"#)
        let all = try BookLinesPage(wireJSON: Array(try await register.bookLinesPage(UseFilter(seal: "SEAL-0001"), limit: 1000, after: nil, headers: .chinese).json))
        #expect(all.next == nil && all.rows.map { $0[0] } == (1...all.rows.count).map(String.init))
    }
}
