import Foundation
import Hummingbird
import SealBook
import SealCore
import SealWire
import SealStore

/// Uses of seals (the 印章使用登记本): recording a physical use, corrections, and reading the book.
struct UseRoutes {
    let register: Register

    func addRoutes(to router: Router<SealRequestContext>) {
        router.post("/v1/uses") { request, context in
            let body = try await request.decode(as: UseRecord.self, context: context)
            return try await context.journalingRefusals(
                register, action: "use.record", subject: body.request,
                details: ["request": .string(body.request), "count": .int(Int64(body.count))]
            ) {
                let caller = try context.requireCaller()
                return created(try await register.recordUse(
                    request: body.request, count: body.count, note: body.note, actor: caller.journalActor, actorIsAdmin: caller.has(.admin)
                ))
            }
        }
        router.post("/v1/uses/:id/correct") { request, context in
            let id = try context.path("id")
            return try await context.journalingRefusals(register, action: "use.correct", subject: id, details: ["use": .string(id)]) {
                let caller = try context.caller(requiring: .admin)
                let body = try await request.decode(as: UseCorrection.self, context: context)
                return created(try await register.correctUse(id: id, count: body.count, reason: body.reason, actor: caller.journalActor))
            }
        }
        router.get("/v1/uses") { request, context in
            _ = try context.requireCaller()
            let (filter, limit) = try await bookPage(request)
            // Written straight from the rows, its times already shown in the caller's zone (`LocalTimeResponseEncoder`).
            let page = try await register.usePage(filter, limit: limit, after: request.query("after"), timesIn: context.timeZone)
            return LocalTimeResponseEncoder.response(json: page.json)
        }
        router.get("/v1/book/lines") { request, context in
            _ = try context.requireCaller()
            let (filter, limit) = try await bookPage(request)
            let headers = try request.queryEnum("headers", BookTable.Headers.self) ?? .chinese
            let after = request.query("after")
            // The head (with the cursor) goes out before the lines are made, so a client paging through the book asks
            // for the next page while this one is made: two pages on two cores, not one after the other.
            let (heads, announce) = AsyncStream.makeStream(of: [UInt8].self)
            let lines = Task {
                defer { announce.finish() }
                return try await register.bookLinesPage(filter, limit: limit, after: after, headers: headers) { announce.yield($0) }
            }
            var reading = heads.makeAsyncIterator()
            guard let head = await reading.next() else {
                // Refused before its head (an `after` naming no use): the refusal is the answer.
                _ = try await lines.value
                throw SealError(.internalError, "the book's page ended before its head")
            }
            return LocalTimeResponseEncoder.response(head: head) { try await lines.value }
        }
    }

    /// The filter and page size of a page of the book (`/v1/uses`, `/v1/book/lines`), checked: a filter naming
    /// nothing that exists is an error, never an empty book.
    private func bookPage(_ request: Request) async throws -> (UseFilter, Int) {
        let filter = UseFilter(
            seal: request.query("seal"), matter: request.query("matter"), user: request.query("user"),
            request: request.query("request"), from: try request.queryDate("from"), to: try request.queryDate("to")
        )
        if let from = filter.from, let to = filter.to, from > to {
            throw SealError(.invalidField, "from \(from) is after to \(to)")
        }
        try await register.checkFilter(BookFilter(seal: filter.seal, matter: filter.matter, user: filter.user), request: filter.request)
        return (filter, try request.queryInt("limit", default: 1000, in: 1...10_000)!)
    }
}
