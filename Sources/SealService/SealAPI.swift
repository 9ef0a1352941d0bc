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
        // A body over the limit is refused first, whatever the method; then a method the path does not take, then a
        // query parameter it does not take.
        let routeTable = RouteTable<SealRequestContext>()
        router.add(middleware: MethodNotAllowedMiddleware(table: routeTable))
        router.add(middleware: QueryParameterMiddleware(table: routeTable, parameters: QueryParameters.township))
        router.add(
            middleware: IdentityMiddleware(
                access: environment.configuration.access, credentials: credentials, register: environment.register,
                maxUploadSize: environment.configuration.maxRequestBodyBytes,
                timeZone: environment.configuration.useSettings.zone
            )
        )
        StatusRoutes(environment: environment).addRoutes(to: router)
        MetricsRoutes(environment: environment).addRoutes(to: router)
        StaffRoutes(register: environment.register).addRoutes(to: router)
        MatterRoutes(register: environment.register).addRoutes(to: router)
        SealRoutes(register: environment.register).addRoutes(to: router)
        DelegationRoutes(register: environment.register).addRoutes(to: router)
        CustodyRoutes(register: environment.register).addRoutes(to: router)
        JournalRoutes(register: environment.register).addRoutes(to: router)
        RequestRoutes(register: environment.register).addRoutes(to: router)
        UseRoutes(register: environment.register).addRoutes(to: router)
        CardRoutes(register: environment.register, cards: environment.cards).addRoutes(to: router)
        BookExportRoutes(register: environment.register, scratch: environment.exportScratch, settings: environment.configuration.reportSettings).addRoutes(to: router)
        BackupRoutes(register: environment.register, scratch: environment.backupScratch).addRoutes(to: router)
        ReportRoutes(
            register: environment.register, settings: environment.configuration.reportSettings, scratch: environment.exportScratch,
            witness: environment.witness.map { ($0, environment.configuration.county?.maxLag ?? 3600) }
        ).addRoutes(to: router)
        routeTable.learn(router.routes)
        return router
    }
}
