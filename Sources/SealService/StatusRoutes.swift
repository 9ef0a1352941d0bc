import Foundation
import Hummingbird
import SealWire
import SealStore

/// `/v1/status` and `/v1/whoami`: open to every caller with a role.
struct StatusRoutes {
    let environment: ServiceEnvironment

    func addRoutes(to router: Router<SealRequestContext>) {
        router.get("/v1/status") { _, context in
            let caller = try context.requireCaller()
            let db = environment.database
            return StatusView(
                version: SealkeeperVersion.current,
                uptimeSeconds: (Date().timeIntervalSince(environment.startedAt) * 10).rounded() / 10,
                stateDirectory: environment.stateDirectory,
                database: .init(
                    path: db.url.path,
                    sizeBytes: db.sizeOnDisk(),
                    journalMode: try await db.journalMode(),
                    synchronous: try await db.synchronousLevel() == 2 ? "full" : "not-full",
                    writable: await environment.register.writer.isFaulted ? "storage-unavailable" : "ok"
                ),
                journal: .init(
                    entries: try await environment.register.journalSize(),
                    checkpointSize: try await environment.register.latestCheckpoint()?.size ?? 0,
                    origin: environment.register.origin,
                    integrity: await environment.register.writer.integrity
                ),
                pcsc: await environment.cards.health(),
                witness: await environment.witness?.status(),
                whoami: WhoAmIView(caller)
            )
        }
        router.get("/v1/whoami") { _, context in
            WhoAmIView(try context.requireCaller())
        }
    }
}
