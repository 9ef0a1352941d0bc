import Hummingbird
import SealCore
import SealStore

/// `/v1/delegations`: creation and revocation need `admin`; any role reads.
struct DelegationRoutes {
    let register: Register

    struct NewDelegation: Decodable {
        var agreementNumber: String
        var delegatingDepartment: String
        var township: String
        var supervisingDepartment: String
        var validFrom: LocalDate
        var validTo: LocalDate
        var filingNumber: String?
        var filedOn: LocalDate?
        var seals: [String]
        var matters: [Delegation.CoveredMatter]
    }

    struct Revocation: Decodable {
        var reason: String
    }

    func register(on router: Router<SealRequestContext>) {
        router.post("/v1/delegations") { request, context in
            let caller = try context.caller(requiring: .admin)
            let b = try await request.decode(as: NewDelegation.self, context: context)
            let draft = DelegationRules.Draft(
                agreementNumber: b.agreementNumber, delegatingDepartment: b.delegatingDepartment, township: b.township,
                supervisingDepartment: b.supervisingDepartment, validFrom: b.validFrom, validTo: b.validTo,
                filingNumber: b.filingNumber, filedOn: b.filedOn, seals: b.seals, matters: b.matters
            )
            return created(try await register.addDelegation(draft, actor: caller.journalActor))
        }
        router.get("/v1/delegations") { request, context in
            _ = try context.requireCaller()
            return ListResponse(
                key: "delegations",
                items: try await register.delegations(inForceOn: try request.queryDate("at"), township: request.query("township"))
            )
        }
        router.get("/v1/delegations/:id") { _, context in
            _ = try context.requireCaller()
            return try await register.delegationDetail(id: try context.path("id"))
        }
        router.post("/v1/delegations/:id/revoke") { request, context in
            let caller = try context.caller(requiring: .admin)
            let body = try await request.decode(as: Revocation.self, context: context)
            return try await register.revokeDelegation(id: try context.path("id"), reason: body.reason, actor: caller.journalActor)
        }
    }
}

extension DelegationDetail: ResponseEncodable {}
