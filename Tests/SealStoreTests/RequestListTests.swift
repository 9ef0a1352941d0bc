import Foundation
import GRDB
import SealBook
import SealCore
import Testing

@testable import SealStore

/// The request list is read a page at a time, newest first, filtered by status in SQL on the status index: a clerk's
/// pending requests among years of exhausted ones cost a page, not the register.
@Suite("Request list pages")
struct RequestListTests {
    static func actor(_ staff: String) -> JournalActor { JournalActor(staff: staff, user: "u\(staff)", uid: 1000) }

    /// The export fixture's book (one request of 3, exhausted by its uses and their correction) and seven more: three
    /// pending, two approved, one denied, one cancelled.
    static func register(_ name: String) async throws -> (Register, URL) {
        let (booked, directory, exported) = try await ExportPageTests.book(name, first: .handling)
        _ = booked
        let register = try Register(stateDirectory: directory, logger: .init(label: "test"))
        try await register.withWriter {
            var ids: [String] = []
            for i in 1...7 {
                let request = try await register.createRequest(.init(seal: exported.seal.id, matter: "XK-001", caseNumber: "2026-L\(i)", purpose: .decision,
                                                                     reason: "设立登记决定书", count: 2, documentDigest: nil, urgent: false), actor: actor("S001"))
                ids.append(request.id)
            }
            for id in ids[3...4] { _ = try await register.approveRequest(id: id, count: nil, until: nil, actor: actor("S002")) }
            _ = try await register.denyRequest(id: ids[5], reason: "材料不全", actor: actor("S002"))
            _ = try await register.cancelRequest(id: ids[6], actor: actor("S001"))
        }
        return (register, directory)
    }

    /// Every page of the list under `status`, `limit` at a time.
    static func pages(_ register: Register, status: String?, limit: Int) async throws -> [[String]] {
        var pages: [[String]] = []
        var after: String?
        repeat {
            let page = try await register.requests(status: status, requester: nil, limit: limit, after: after)
            pages.append(page.requests.map(\.request.id))
            after = page.next
        } while after != nil
        return pages
    }

    @Test("pages chain to the whole list, newest first, each at most the limit, the last one not empty", arguments: [nil, "pending", "approved", "denied"])
    func pagesChain(status: String?) async throws {
        let (register, directory) = try await Self.register("pages-\(status ?? "all")")
        defer { try? FileManager.default.removeItem(at: directory) }
        let whole = try await register.requests(status: status, requester: nil, limit: 1000, after: nil)
        #expect(whole.next == nil)
        let expected = whole.requests.map(\.request.id)
        #expect(expected == expected.sorted(by: >), "newest first")
        #expect(expected.count == ["pending": 3, "approved": 2, "denied": 1][status ?? ""] ?? 8)
        if let status { #expect(whole.requests.allSatisfy { $0.state.rawValue == status }) }
        for limit in [1, 2, 3] {
            let pages = try await Self.pages(register, status: status, limit: limit)
            #expect(pages.flatMap { $0 } == expected, "limit \(limit)")
            #expect(pages.allSatisfy { $0.count <= limit } && pages.dropLast().allSatisfy { $0.count == limit })
            #expect(expected.isEmpty || !pages.last!.isEmpty, "no empty page after a full one (limit \(limit))")
        }
    }

    @Test("an `after` that names no request is an error, not an empty page")
    func unknownAfter() async throws {
        let (register, directory) = try await Self.register("after")
        defer { try? FileManager.default.removeItem(at: directory) }
        await #expect(throws: SealError.self) { try await register.requests(status: nil, requester: nil, limit: 10, after: "REQ-999999") }
    }

    @Test("a status filter reads the status index, newest first, without sorting")
    func readOnTheStatusIndex() async throws {
        let (register, directory) = try await Self.register("plan")
        defer { try? FileManager.default.removeItem(at: directory) }
        let plan = try await register.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + Register.requestListSQL(status: "pending", byRequester: false), arguments: [Int64.max, 10])
                .map { $0["detail"] as String }.joined(separator: "\n")
        }
        #expect(plan.contains("USING INDEX use_request_by_status (status=? AND rowid<?)"), "\(plan)")
        #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
    }
}
