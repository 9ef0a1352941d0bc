import CSealShims
import NIOCore
import Synchronization
import SealCore
import SealWire

/// Where a request's Unix identity comes from. The daemon reads SO_PEERCRED from the accepted socket; router-level
/// tests, whose channels are not sockets, inject a fixed principal.
public struct PeerCredentialSource: Sendable {
    public let resolve: @Sendable (any Channel) async throws -> UnixPrincipal

    public init(_ resolve: @escaping @Sendable (any Channel) async throws -> UnixPrincipal) {
        self.resolve = resolve
    }

    /// The kernel's credentials for the connection's peer, resolved to a user and groups. The kernel fixes a
    /// connection's credentials when it is made, so they are asked for once per connection (`ConnectionCredentials`);
    /// the user's name and groups are looked up at every request, so a change of membership counts at once.
    public static let socket: PeerCredentialSource = {
        let connections = ConnectionCredentials()
        return PeerCredentialSource { channel in
            let cred = try await connections.credentials(of: channel)
            return UnixAccounts.principal(uid: cred.uid, gid: cred.gid, pid: cred.pid)
        }
    }()

    /// Every request comes from `principal` (for tests).
    public static func fixed(_ principal: UnixPrincipal) -> PeerCredentialSource {
        PeerCredentialSource { _ in principal }
    }
}

/// SO_PEERCRED of each open connection, read at its first request and forgotten when it closes: asking the socket
/// again at every request cost a hop to the connection's event loop and back.
final class ConnectionCredentials: Sendable {
    private struct Known {
        weak var channel: (any Channel)?
        var credentials: seal_ucred
    }

    private let known = Mutex<[ObjectIdentifier: Known]>([:])

    func credentials(of channel: any Channel) async throws -> seal_ucred {
        let id = ObjectIdentifier(channel)
        if let hit = known.withLock({ $0[id] }), hit.channel === channel { return hit.credentials }
        guard let provider = channel as? any SocketOptionProvider else {
            throw SealError(.forbidden, "the connection carries no peer credentials")
        }
        let credentials: seal_ucred = try await provider.unsafeGetSocketOption(
            level: .socket, name: NIOBSDSocket.Option(rawValue: SEAL_SO_PEERCRED)
        ).get()
        known.withLock { $0[id] = Known(channel: channel, credentials: credentials) }
        channel.closeFuture.whenComplete { [weak self] _ in
            self?.known.withLock { known in
                if known[id]?.channel === channel || known[id]?.channel == nil { known[id] = nil }
            }
        }
        return credentials
    }
}
