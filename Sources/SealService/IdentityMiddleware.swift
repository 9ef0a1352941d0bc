import HTTPTypes
import Hummingbird
import Logging
import SealCore

extension HTTPField.Name {
    /// Names the staff member a trusted tool acts for.
    public static let onBehalfOf = Self("Sealkeeper-On-Behalf-Of")!
}

/// Establishes who is calling, from the socket's peer credentials only, before any route runs. Callers with no
/// role are refused; `Sealkeeper-On-Behalf-Of` is honoured only from a trusted tool.
struct IdentityMiddleware: RouterMiddleware {
    typealias Context = SealRequestContext
    let policy: AccessPolicy
    let credentials: PeerCredentialSource
    let maxUploadSize: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        context.maxUploadSize = maxUploadSize
        let principal = try await credentials.resolve(context.channel)
        let roles = policy.roles(for: principal)
        let trusted = policy.isTrustedTool(principal)
        let onBehalfOf = request.headers[.onBehalfOf]
        if onBehalfOf != nil && !trusted {
            throw SealError(
                .onBehalfOfNotAllowed, .forbidden,
                "uid \(principal.uid) is not a trusted tool and may not act on behalf of staff"
            )
        }
        guard !roles.isEmpty || trusted else {
            throw SealError(
                .forbidden, .forbidden,
                "uid \(principal.uid)\(principal.userName.map { " (\($0))" } ?? "") holds no Sealkeeper role"
            )
        }
        if let staff = onBehalfOf {
            // Staff records do not exist yet, so no on-behalf-of name can be resolved.
            throw SealError(.unknownStaff, .forbidden, "no staff member \"\(staff)\" is registered")
        }
        context.caller = Caller(principal: principal, roles: roles, isTrustedTool: trusted)
        context.logger[metadataKey: "uid"] = "\(principal.uid)"
        return try await next(request, context)
    }
}
