import Hummingbird
import SealCore
import SealWire
import SealStore

/// `/v1/staff`: writes need `admin`; any role reads.
struct StaffRoutes {
    let register: Register

    func addRoutes(to router: Router<SealRequestContext>) {
        router.post("/v1/staff") { request, context in
            let caller = try context.caller(requiring: .admin)
            let body = try await request.decode(as: NewStaff.self, context: context)
            let staff = Staff(id: body.id, name: body.name, roles: body.roles, unixUser: body.unixUser)
            return created(try await register.addStaff(staff, actor: caller.journalActor))
        }
        router.get("/v1/staff") { _, context in
            _ = try context.requireCaller()
            return StaffListView(try await register.allStaff())
        }
        router.get("/v1/staff/:id") { _, context in
            _ = try context.requireCaller()
            let id = try context.path("id")
            guard let staff = try await register.staff(id: id) else { throw SealError(.unknownStaff, "no staff member \(id)") }
            return staff
        }
        router.post("/v1/staff/:id/disable") { _, context in
            let caller = try context.caller(requiring: .admin)
            return try await register.disableStaff(id: try context.path("id"), actor: caller.journalActor)
        }
    }
}
