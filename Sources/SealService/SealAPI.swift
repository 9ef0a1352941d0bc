import Hummingbird
import SealCore
import SealWire

/// Builds the HTTP API: error rendering outermost, then identity, then the routes.
public enum SealAPI {
    public static func router(
        environment: ServiceEnvironment, credentials: PeerCredentialSource = .socket
    ) -> Router<SealRequestContext> {
        let router = Router(context: SealRequestContext.self)
        // Middleware must be added before routes: each route captures the middleware present when it is added.
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: BodyLimitMiddleware(limit: environment.configuration.maxRequestBodyBytes))
        // A body over the limit is refused first, whatever the method; then a method the path does not take.
        let routeTable = MethodNotAllowedMiddleware<SealRequestContext>.RouteTable()
        router.add(middleware: MethodNotAllowedMiddleware(table: routeTable))
        router.add(
            middleware: IdentityMiddleware(
                policy: environment.configuration.access, credentials: credentials, register: environment.register,
                maxUploadSize: environment.configuration.maxRequestBodyBytes,
                timeZone: environment.configuration.policy.zone
            )
        )
        StatusRoutes(environment: environment).register(on: router)
        MetricsRoutes(environment: environment).register(on: router)
        StaffRoutes(register: environment.register).register(on: router)
        MatterRoutes(register: environment.register).register(on: router)
        SealRoutes(register: environment.register).register(on: router)
        DelegationRoutes(register: environment.register).register(on: router)
        CustodyRoutes(register: environment.register).register(on: router)
        JournalRoutes(register: environment.register).register(on: router)
        RequestRoutes(register: environment.register).register(on: router)
        UseRoutes(register: environment.register).register(on: router)
        CardRoutes(register: environment.register, cards: environment.cards).register(on: router)
        BookExportRoutes(register: environment.register, scratch: environment.exportScratch, settings: environment.configuration.reportSettings).register(on: router)
        BackupRoutes(register: environment.register, scratch: environment.backupScratch).register(on: router)
        ReportRoutes(register: environment.register, settings: environment.configuration.reportSettings).register(on: router)
        routeTable.learn(router.routes)
        return router
    }
}
