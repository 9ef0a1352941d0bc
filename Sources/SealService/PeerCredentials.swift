import CSealShims
import NIOCore
import SealCore
import SealWire

/// Where a request's Unix identity comes from. The daemon reads SO_PEERCRED from the accepted socket; router-level
/// tests, whose channels are not sockets, inject a fixed principal.
public struct PeerCredentialSource: Sendable {
    public let resolve: @Sendable (any Channel) async throws -> UnixPrincipal

    public init(_ resolve: @escaping @Sendable (any Channel) async throws -> UnixPrincipal) {
        self.resolve = resolve
    }

    /// The kernel's credentials for the connection's peer, resolved to a user and groups.
    public static let socket = PeerCredentialSource { channel in
        guard let provider = channel as? any SocketOptionProvider else {
            throw SealError(.forbidden, "the connection carries no peer credentials")
        }
        let cred: seal_ucred = try await provider.unsafeGetSocketOption(
            level: .socket, name: NIOBSDSocket.Option(rawValue: SEAL_SO_PEERCRED)
        ).get()
        return UnixAccounts.principal(uid: cred.uid, gid: cred.gid, pid: cred.pid)
    }

    /// Every request comes from `principal` (for tests).
    public static func fixed(_ principal: UnixPrincipal) -> PeerCredentialSource {
        PeerCredentialSource { _ in principal }
    }
}
