import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SealCore
import SealWire
import SealStore

extension HTTPField.Name {
    /// Names the staff member a trusted tool acts for.
    public static let onBehalfOf = Self("Sealkeeper-On-Behalf-Of")!
}

/// Establishes who is calling, from the socket's peer credentials only, before any route runs. Callers with no
/// role are refused; `Sealkeeper-On-Behalf-Of` is honoured only from a trusted tool.
struct IdentityMiddleware: RouterMiddleware {
    typealias Context = SealRequestContext
    let access: AccessPolicy
    let credentials: PeerCredentialSource
    let register: Register
    let maxUploadSize: Int
    let timeZone: TimeZone

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        context.maxUploadSize = maxUploadSize
        context.timeZone = timeZone
        let principal = try await credentials.resolve(context.channel)
        let roles = access.roles(for: principal)
        let trusted = access.isTrustedTool(principal)
        let onBehalfOf = request.headers[.onBehalfOf]
        if onBehalfOf != nil && !trusted {
            throw SealError(
                .onBehalfOfNotAllowed,
                "uid \(principal.uid) is not a trusted tool and may not act on behalf of staff"
            )
        }
        guard !roles.isEmpty || trusted else {
            throw SealError(
                .forbidden,
                "uid \(principal.uid)\(principal.userName.map { " (\($0))" } ?? "") holds no Sealkeeper role"
            )
        }
        if let staffID = onBehalfOf {
            // A trusted tool acting for a staff member takes that member's roles, not its own.
            guard let staff = try await register.staff(id: staffID) else {
                throw SealError(.unknownCaller, "no staff member \"\(staffID)\" is registered")
            }
            guard !staff.disabled else {
                throw SealError(.callerDisabled, "staff member \(staffID) is disabled")
            }
            context.caller = Caller(principal: principal, roles: staff.roles, isTrustedTool: true, onBehalfOf: staffID)
        } else {
            // A Unix user linked to a staff record acts as that member, with the roles the configuration grants.
            var linked: Staff?
            if let name = principal.userName { linked = try await register.staff(unixUser: name) }
            if let linked, linked.disabled {
                throw SealError(.callerDisabled, "staff member \(linked.id), linked to \(principal.userName ?? ""), is disabled")
            }
            context.caller = Caller(principal: principal, roles: roles, isTrustedTool: trusted, staffID: linked?.id)
        }
        context.logger[metadataKey: "uid"] = "\(principal.uid)"
        return try await next(request, context)
    }
}
