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
    /// the user's name and groups are looked up again after a second (`AccountCache`), so a change of membership
    /// counts within a second.
    public static let socket: PeerCredentialSource = {
        let connections = ConnectionCredentials()
        let accounts = AccountCache(lifetime: .seconds(1))
        return PeerCredentialSource { channel in
            let cred = try await connections.credentials(of: channel)
            return await accounts.principal(uid: cred.uid, gid: cred.gid, pid: cred.pid)
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

/// What the account databases (NSS) say of a peer's user, kept for `lifetime`. Asking at every request read
/// /etc/passwd and /etc/group four times a request (a tenth of the daemon's time under load), and on one of Swift
/// concurrency's threads, where an LDAP or sssd lookup would block it: lookups run as `BlockingWork`, at most once per
/// user and group each `lifetime`.
final class AccountCache: Sendable {
    private struct Entry {
        var principal: UnixPrincipal
        var resolved: ContinuousClock.Instant
    }

    private let entries = Mutex<[UInt64: Entry]>([:])
    private let lifetime: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private let resolve: @Sendable (_ uid: UInt32, _ gid: UInt32, _ pid: Int32) -> UnixPrincipal

    init(
        lifetime: Duration, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now },
        resolve: @escaping @Sendable (_ uid: UInt32, _ gid: UInt32, _ pid: Int32) -> UnixPrincipal = UnixAccounts.principal
    ) {
        self.lifetime = lifetime
        self.now = now
        self.resolve = resolve
    }

    /// The principal for a peer: its user and groups as looked up at most `lifetime` ago, its own pid.
    func principal(uid: UInt32, gid: UInt32, pid: Int32) async -> UnixPrincipal {
        let key = UInt64(uid) << 32 | UInt64(gid)
        if let entry = entries.withLock({ $0[key] }), now() - entry.resolved < lifetime {
            var principal = entry.principal
            principal.pid = pid
            return principal
        }
        let resolve = self.resolve
        let principal = await BlockingWork.infallible { resolve(uid, gid, pid) }
        let (lifetime, now) = (self.lifetime, self.now())
        entries.withLock { entries in
            // Only the users calling now are kept: a host with many users does not grow the cache.
            if entries.count >= 256 { entries = entries.filter { now - $0.value.resolved < lifetime } }
            entries[key] = Entry(principal: principal, resolved: now)
        }
        return principal
    }
}
