#if canImport(Glibc)
import Glibc
#endif
import CSealShims
import NIOCore
import SealCore
import SealWire
import Synchronization

/// Bounds the connections the daemon holds open, in all and per Unix user, so that a local user who opens
/// connections and leaves them idle exhausts neither the daemon's file descriptors nor the service for others.
/// The user is the one the kernel reports for the connection (SO_PEERCRED), read once when it is accepted.
public final class ConnectionLimiter: Sendable {
    let total: Int
    let perUser: Int
    private let state = Mutex<(total: Int, byUser: [UInt32: Int])>((0, [:]))

    public init(total: Int, perUser: Int) {
        self.total = total
        self.perUser = perUser
    }

    /// Why a connection was turned away.
    enum Refusal: Error {
        case tooManyInAll(Int), tooManyForUser(UInt32, Int)

        var message: String {
            switch self {
            case .tooManyInAll(let n): "the daemon already holds \(n) connections; close idle ones and retry"
            case .tooManyForUser(let uid, let n): "uid \(uid) already holds \(n) connections; close idle ones and retry"
            }
        }
    }

    /// Counts the connection in, or says why not. Every admitted connection must be `release`d once.
    func admit(_ channel: any Channel) async -> Result<UInt32, Refusal> {
        let uid: UInt32
        if let provider = channel as? any SocketOptionProvider,
            let cred: seal_ucred = try? await provider.unsafeGetSocketOption(
                level: .socket, name: NIOBSDSocket.Option(rawValue: SEAL_SO_PEERCRED)
            ).get()
        {
            uid = cred.uid
        } else {
            uid = UInt32.max
        }
        return state.withLock { state in
            if state.total >= total { return .failure(.tooManyInAll(state.total)) }
            let held = state.byUser[uid, default: 0]
            if held >= perUser { return .failure(.tooManyForUser(uid, held)) }
            state.total += 1
            state.byUser[uid] = held + 1
            return .success(uid)
        }
    }

    func release(_ uid: UInt32) {
        state.withLock { state in
            state.total -= 1
            let held = state.byUser[uid, default: 1] - 1
            state.byUser[uid] = held > 0 ? held : nil
        }
    }

    /// Connections held now, for metrics.
    var open: Int { state.withLock { $0.total } }
}

