import Foundation
import Synchronization
import SealCore
import Testing

@testable import SealService

/// A peer's user and groups are looked up once per user and group a `lifetime`, and again after it: a change of
/// group membership counts within it, and a busy client does not read the account databases at every request.
@Suite("Account cache")
struct AccountCacheTests {
    final class Lookups: Sendable {
        let count = Mutex(0)
        let groups = Mutex<[UInt32]>([100])
        func resolve(uid: UInt32, gid: UInt32, pid: Int32) -> UnixPrincipal {
            count.withLock { $0 += 1 }
            return UnixPrincipal(uid: uid, gid: gid, pid: pid, userName: "u\(uid)", groups: groups.withLock { $0 }.map { UnixGroup(gid: $0, name: "g\($0)") })
        }
    }

    @Test("one lookup per user and group within the lifetime (on a test clock), each answer with the caller's own pid; a new lookup after it sees new groups")
    func lookups() async throws {
        let lookups = Lookups()
        let start = ContinuousClock.now
        let elapsed = Mutex(Duration.zero)
        let cache = AccountCache(lifetime: .seconds(1), now: { start + elapsed.withLock { $0 } }) { lookups.resolve(uid: $0, gid: $1, pid: $2) }
        let first = await cache.principal(uid: 1000, gid: 100, pid: 11)
        let second = await cache.principal(uid: 1000, gid: 100, pid: 12)
        #expect(lookups.count.withLock { $0 } == 1)
        #expect(first.pid == 11 && second.pid == 12 && second.userName == "u1000")
        _ = await cache.principal(uid: 1001, gid: 100, pid: 13)
        _ = await cache.principal(uid: 1000, gid: 101, pid: 14)
        #expect(lookups.count.withLock { $0 } == 3, "another user, or the same user with another primary group, is looked up")
        lookups.groups.withLock { $0 = [100, 200] }
        #expect(await cache.principal(uid: 1000, gid: 100, pid: 15).groups.map(\.gid) == [100], "within the lifetime: the answer kept")
        elapsed.withLock { $0 = .milliseconds(999) }
        #expect(await cache.principal(uid: 1000, gid: 100, pid: 16).groups.map(\.gid) == [100], "just within it")
        elapsed.withLock { $0 = .seconds(1) }
        #expect(await cache.principal(uid: 1000, gid: 100, pid: 17).groups.map(\.gid) == [100, 200], "after it: looked up again")
        #expect(lookups.count.withLock { $0 } == 4)
    }
}
