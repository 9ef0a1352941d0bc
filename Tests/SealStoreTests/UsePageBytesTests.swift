import Foundation
import GRDB
import SealBook
import SealCore
import SealWire
import Testing

@testable import SealStore

/// A page of the book written straight from SQLite's rows (`Register.usePage`) is byte for byte the page the API
/// answered before: the `UsePageView` of the same lines (`Register.useLines`), written with its times shown.
@Suite("Pages of the book written from the rows")
struct UsePageBytesTests {
    static func actor(_ staff: String) -> JournalActor { JournalActor(staff: staff, user: "u\(staff)", uid: 1000) }

    /// The projection scenario (two corrections on a use, an urgent use approved afterwards, a signed electronic use)
    /// and then: an urgent use whose request is denied, notes with quotes, a backslash and a slash, and enough uses of
    /// the physical seal to page through.
    static func book() async throws -> (Register, URL) {
        let (register, directory) = try makeRegister("page-bytes")
        try await register.withWriter {
            try await ProjectionReplayTests.scenario(register)
            func request(_ count: Int, urgent: Bool = false) async throws -> UseRequest {
                try await register.createRequest(.init(seal: "SEAL-0001", matter: "XK-001", caseNumber: "2026-\"9\"", purpose: .decision,
                                                       reason: "补办\\登记/决定书", count: count, documentDigest: nil, urgent: urgent), actor: actor("S003"))
            }
            let denied = try await request(1, urgent: true)
            _ = try await register.recordUse(request: denied.id, count: 1, note: "先盖后批", actor: actor("S001"), actorIsAdmin: true)
            _ = try await register.denyRequest(id: denied.id, reason: "材料\"不全\"", actor: actor("S002"))
            let many = try await request(12)
            _ = try await register.approveRequest(id: many.id, count: nil, until: nil, actor: actor("S002"))
            for n in 1...12 {
                _ = try await register.recordUse(request: many.id, count: 1, note: n % 3 == 0 ? "第\(n)份 \"正本\" \\ /" : nil, actor: actor("S001"), actorIsAdmin: true)
            }
        }
        return (register, directory)
    }

    @Test("every page under every filter, at every page size and in four zones: the same bytes as the page of UseViews")
    func sameBytes() async throws {
        let (register, directory) = try await Self.book()
        defer { try? FileManager.default.removeItem(at: directory) }
        let zone = register.useSettings.zone
        let request = try await register.pool.read { db in try String.fetchOne(db, sql: "SELECT request_id FROM use_record ORDER BY rowid DESC LIMIT 1") }
        let today = LocalDate.today(Date(), timeZone: zone)
        let filters = [
            UseFilter(), UseFilter(seal: "SEAL-0001"), UseFilter(seal: "SEAL-0002"), UseFilter(matter: "XK-001"), UseFilter(user: "S001"),
            UseFilter(request: request), UseFilter(id: "USE-000002"), UseFilter(from: today, to: today), UseFilter(seal: "SEAL-0001", from: today),
            UseFilter(seal: "SEAL-0001", to: LocalDate("2020-01-01")), UseFilter(matter: "XK-999"),
        ]
        var (pages, lines, corrected, denied, signed, noted) = (0, 0, 0, 0, 0, 0)
        for timesIn in ["Asia/Shanghai", "America/St_Johns", "Asia/Kathmandu", "UTC"].map({ TimeZone(identifier: $0)! }) {
            for filter in filters {
                for limit in [1, 2, 5, 1000] {
                    var after: String?
                    repeat {
                        let page = try await register.usePage(filter, limit: limit, after: after, timesIn: timesIn)
                        let cursor = after
                        let uses = try await register.pool.read { db in try Register.useLines(db, filter, limit: limit, after: cursor, zone: zone) }
                        var expected: [UInt8] = []
                        UsePageView(uses: uses, next: uses.count == limit ? uses.last?.id : nil).appendJSON(to: &expected, localTimesIn: timesIn)
                        // As text, so a difference reads; equal text is equal bytes (both are valid UTF-8).
                        #expect(String(decoding: page.json, as: UTF8.self) == String(decoding: expected, as: UTF8.self),
                                "\(filter) limit \(limit) after \(after ?? "-") in \(timesIn.identifier)")
                        pages += 1
                        lines += uses.count
                        corrected += uses.filter { !$0.corrections.isEmpty }.count
                        denied += uses.filter { $0.denial != nil }.count
                        signed += uses.filter { $0.signature != nil }.count
                        noted += uses.filter { $0.note?.contains("\\") == true }.count
                        after = uses.count == limit ? uses.last?.id : nil
                    } while after != nil
                }
            }
        }
        // The walk met what the writer must get right: corrections, a denial, a signed use, text needing escapes.
        #expect(pages > 300 && lines > 500)
        #expect(corrected > 0 && denied > 0 && signed > 0 && noted > 0)
    }

    @Test("a page ends where the filter's lines do: the last page has no next, an empty window answers an empty page")
    func ends() async throws {
        let (register, directory) = try await Self.book()
        defer { try? FileManager.default.removeItem(at: directory) }
        let utc = TimeZone(identifier: "UTC")!
        let empty = try await register.usePage(UseFilter(seal: "SEAL-0001", to: LocalDate("2020-01-01")), limit: 5, after: nil, timesIn: utc)
        #expect(String(decoding: empty.json, as: UTF8.self) == #"{"uses":[]}"#)
        let all = try UsePageView(wireJSON: Array(try await register.usePage(UseFilter(seal: "SEAL-0001"), limit: 1000, after: nil, timesIn: utc).json))
        #expect(all.next == nil && all.uses.map(\.serial) == Array(1...all.uses.count))
        let first = try UsePageView(wireJSON: Array(try await register.usePage(UseFilter(seal: "SEAL-0001"), limit: all.uses.count, after: nil, timesIn: utc).json))
        #expect(first.next == all.uses.last?.id, "a full page names its last line as next, even when it is the book's last")
        #expect(try await register.usePage(UseFilter(seal: "SEAL-0001"), limit: 5, after: first.next, timesIn: utc).json.elementsEqual(#"{"uses":[]}"#.utf8))
    }
}
