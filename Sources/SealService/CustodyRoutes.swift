import Hummingbird
import SealCore
import SealWire
import SealStore

/// Custody: handover 交接, carry-out 外带 and return. Writes need `admin`; any role reads.
struct CustodyRoutes {
    let register: Register

    func addRoutes(to router: Router<SealRequestContext>) {
        router.post("/v1/seals/:id/custody/handover") { request, context in
            let caller = try context.caller(requiring: .admin)
            let body = try await request.decode(as: CustodyHandover.self, context: context)
            return try await register.handover(seal: try context.path("id"), to: body.to, witness: body.witness, actor: caller.journalActor)
        }
        router.post("/v1/seals/:id/custody/carry-out") { request, context in
            let caller = try context.caller(requiring: .admin)
            let body = try await request.decode(as: CarryOutRequest.self, context: context)
            return try await register.carryOut(
                seal: try context.path("id"), carrier: body.carrier, reason: body.reason,
                due: try context.time(body.due, field: "due"), approver: body.approver, actor: caller.journalActor
            )
        }
        router.post("/v1/seals/:id/custody/return") { _, context in
            let caller = try context.caller(requiring: .admin)
            return try await register.returnSeal(try context.path("id"), actor: caller.journalActor)
        }
        router.get("/v1/seals/:id/custody") { _, context in
            _ = try context.requireCaller()
            return EventListView(try await register.custodyHistory(seal: try context.path("id")))
        }
        router.get("/v1/custody") { request, context in
            _ = try context.requireCaller()
            return CustodyListView(try await register.custody(overdueOnly: try request.queryBool("overdue")))
        }
    }
}

