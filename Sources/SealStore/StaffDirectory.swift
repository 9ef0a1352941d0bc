import GRDB
import SealCore
import Synchronization

/// The staff table in memory, for the identity of every request: a reader's round trip per request (a hop to GRDB's
/// queue and back) cost a fifth of the write path's time. Read whole when first needed, and dropped whenever a
/// transaction that changed the table commits — GRDB's region observation, run on the writer right after the commit,
/// before the write is answered — so a staff member disabled is refused from the next request on, as before.
final class StaffDirectory: Sendable {
    struct Snapshot: Sendable {
        var byID: [String: Staff] = [:]
        var byUnixUser: [String: Staff] = [:]

        init(_ staff: [Staff]) {
            for member in staff {
                byID[member.id] = member
                if let user = member.unixUser { byUnixUser[user] = member }
            }
        }
    }

    /// The snapshot, and a count of changes: a snapshot read while the table changed is not kept.
    private let state = Mutex<(generation: UInt64, snapshot: Snapshot?)>((0, nil))

    /// Watches `writer` for commits that change `staff`.
    func observe(_ writer: some DatabaseWriter) throws -> AnyDatabaseCancellable {
        DatabaseRegionObservation(tracking: Table("staff")).start(in: writer, onError: { [weak self] _ in self?.invalidate() }) { [weak self] _ in
            self?.invalidate()
        }
    }

    func invalidate() {
        state.withLock {
            $0.generation &+= 1
            $0.snapshot = nil
        }
    }

    /// The table as last read, reading it with `load` when it changed since.
    func snapshot(_ load: () async throws -> [Staff]) async throws -> Snapshot {
        let (generation, cached) = state.withLock { ($0.generation, $0.snapshot) }
        if let cached { return cached }
        // The generation is taken before reading: a change committed meanwhile makes this reading a one-off.
        let snapshot = Snapshot(try await load())
        state.withLock { if $0.generation == generation { $0.snapshot = snapshot } }
        return snapshot
    }
}
