import Foundation

/// Runs blocking work (opening files, SQLite calls outside GRDB's async wrappers, packing an archive) on a dispatch
/// queue, so a slow disk never occupies one of Swift concurrency's few threads. Not a domain rule: it sits here
/// because the store, the formats and the daemon all need it and SealCore is what they share.
public enum BlockingWork {
    private static let queue = DispatchQueue(label: "sealkeeper.blocking", attributes: .concurrent)

    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }

    /// `run` for work that cannot fail (a name of its own: a trailing closure would match a labelled `run`).
    public static func infallible<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work()) }
        }
    }
}
