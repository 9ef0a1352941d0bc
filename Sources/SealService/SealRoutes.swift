import Hummingbird
import SealCore
import SealWire
import SealStore

/// `/v1/seals`: registration and lifecycle need `admin`; any role reads.
struct SealRoutes {
    let register: Register

    func addRoutes(to router: Router<SealRequestContext>) {
        router.post("/v1/seals") { request, context in
            let caller = try context.caller(requiring: .admin)
            let body = try await request.decode(as: NewSeal.self, context: context)
            return created(try await register.addSeal(body, actor: caller.journalActor))
        }
        router.get("/v1/seals") { request, context in
            _ = try context.requireCaller()
            return SealListView(try await register.seals(status: try request.queryEnum("status", Seal.Status.self)))
        }
        router.get("/v1/seals/:id") { _, context in
            _ = try context.requireCaller()
            return try await register.sealDetail(id: try context.path("id"))
        }
        for action in SealLifecycle.Action.allCases {
            router.post("/v1/seals/:id/\(action.rawValue)") { request, context in
                let caller = try context.caller(requiring: .admin)
                let body = try await request.decodeOptional(SealTransition(), context: context)
                return try await register.transitionSeal(
                    id: try context.path("id"), action: action, reason: body.reason, witness: body.witness,
                    actor: caller.journalActor
                )
            }
        }
    }
}

