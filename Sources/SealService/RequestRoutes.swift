import Foundation
import Hummingbird
import SealBook
import SealCore
import SealWire
import SealStore

/// Requests to use a seal: create (clerk), approve / deny (approver), cancel (the requester). Every refusal is
/// journaled.
struct RequestRoutes {
    let register: Register

    func addRoutes(to router: Router<SealRequestContext>) {
        router.post("/v1/requests") { request, context in
            let body = try await request.decode(as: NewUseRequest.self, context: context)
            return try await context.journalingRefusals(
                register, action: "request.create", subject: body.seal,
                details: ["seal": .string(body.seal), "matter": .string(body.matter), "case_number": .string(body.caseNumber), "count": .int(Int64(body.count))]
            ) {
                let caller = try context.caller(requiring: .clerk)
                return created(try await register.createRequest(body, actor: caller.journalActor))
            }
        }
        router.get("/v1/requests") { request, context in
            let caller = try context.requireCaller()
            let mine = try request.queryBool("mine")
            if mine && caller.staffID == nil {
                throw SealError(.staffRequired, "--mine needs you to act as a staff member")
            }
            let status = request.rawQuery("status")
            let valid = UseRequest.listFilters
            if let status, !valid.contains(status) {
                throw SealError(.invalidField, "status \"\(status)\" is not valid; valid: \(valid.joined(separator: ", "))")
            }
            let limit = try request.queryInt("limit", default: 1000, in: 1...1000)!
            let page = try await register.requests(status: status, requester: mine ? caller.staffID : nil, limit: limit, after: request.query("after"))
            return RequestListView(page.requests, next: page.next)
        }
        router.get("/v1/requests/:id") { _, context in
            _ = try context.requireCaller()
            return try await register.requestView(id: try context.path("id"))
        }
        router.post("/v1/requests/:id/approve") { request, context in
            let id = try context.path("id")
            return try await context.journalingRefusals(register, action: "request.approve", subject: id, details: ["request": .string(id)]) {
                let caller = try context.caller(requiring: .approver)
                let body = try await request.decodeOptional(RequestApproval(), context: context)
                let until = try body.until.map { try context.time($0, field: "until") }
                return try await register.approveRequest(id: id, count: body.count, until: until, actor: caller.journalActor)
            }
        }
        router.post("/v1/requests/:id/deny") { request, context in
            let id = try context.path("id")
            return try await context.journalingRefusals(register, action: "request.deny", subject: id, details: ["request": .string(id)]) {
                let caller = try context.caller(requiring: .approver)
                let body = try await request.decode(as: RequestDenial.self, context: context)
                return try await register.denyRequest(id: id, reason: body.reason, actor: caller.journalActor)
            }
        }
        router.post("/v1/requests/:id/cancel") { _, context in
            let id = try context.path("id")
            return try await context.journalingRefusals(register, action: "request.cancel", subject: id, details: ["request": .string(id)]) {
                let caller = try context.requireCaller()
                return try await register.cancelRequest(id: id, actor: caller.journalActor)
            }
        }
    }
}

