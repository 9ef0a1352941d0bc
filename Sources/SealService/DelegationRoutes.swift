import Hummingbird
import SealCore
import SealWire
import SealStore

/// `/v1/delegations`: creation and revocation need `admin`; any role reads.
struct DelegationRoutes {
    let register: Register

    func addRoutes(to router: Router<SealRequestContext>) {
        router.post("/v1/delegations") { request, context in
            let caller = try context.caller(requiring: .admin)
            let draft = try await request.decode(as: NewDelegation.self, context: context)
            return created(try await register.addDelegation(draft, actor: caller.journalActor))
        }
        router.get("/v1/delegations") { request, context in
            _ = try context.requireCaller()
            let township = request.query("township")
            // A township the register has never heard of is a typo, refused with the known ones as the book's filter is.
            try await register.checkFilter(BookFilter(township: township))
            return DelegationListView(try await register.delegations(inForceOn: try request.queryDate("at"), township: township))
        }
        router.get("/v1/delegations/:id") { _, context in
            _ = try context.requireCaller()
            return try await register.delegationDetail(id: try context.path("id"))
        }
        router.post("/v1/delegations/:id/revoke") { request, context in
            let caller = try context.caller(requiring: .admin)
            let body = try await request.decode(as: DelegationRevocation.self, context: context)
            return try await register.revokeDelegation(id: try context.path("id"), reason: body.reason, actor: caller.journalActor)
        }
    }
}

