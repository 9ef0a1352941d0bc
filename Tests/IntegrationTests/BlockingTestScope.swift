import Foundation
import Testing

/// Runs each test of a suite on threads of its own, a few tests at a time.
///
/// The integration tests wait for processes synchronously (`runCommand`, `eventually`, `PrivatePostgres`), and on a
/// 2-core machine Swift's cooperative pool has two threads: two such tests held both, and every in-process test waited
/// for them (in CI, a minute to verify an empty journal; a timing check in another test then ran late). Under this
/// trait a test's jobs run on `BlockingToleratingExecutor`'s threads, so the pool stays free; `Slots` keeps the
/// number of these tests running at once near what the pool allowed, so the daemons they start do not crowd the
/// machine.
struct OwnThreads: SuiteTrait, TestTrait, TestScoping {
    var isRecursive: Bool { true }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        // A suite's scope is its tests' scopes; each test (or each case of a parameterised one) takes a slot.
        guard testCase != nil else { return try await function() }
        try await Self.slots.withSlot {
            try await withTaskExecutorPreference(BlockingToleratingExecutor.shared) { try await function() }
        }
    }

    /// Three at a time: about what two blocked pool threads plus the tests awaiting a process or a sleep used to run.
    static let slots = Slots(3)
}

extension Trait where Self == OwnThreads {
    /// Each test runs on threads of its own, a few at a time (see `OwnThreads`).
    static var ownThreads: Self { OwnThreads() }
}

/// An async counting semaphore: `withSlot` waits (without holding a thread) until fewer than `count` bodies run.
final class Slots: @unchecked Sendable {
    private let lock = NSLock()
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) { free = count }

    func withSlot<T>(_ body: () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        await withCheckedContinuation { continuation in
            lock.lock()
            if free > 0 {
                free -= 1
                lock.unlock()
                continuation.resume()
            } else {
                waiting.append(continuation)
                lock.unlock()
            }
        }
    }

    private func release() {
        lock.lock()
        if waiting.isEmpty {
            free += 1
            lock.unlock()
        } else {
            // The slot passes straight to the first waiter.
            let next = waiting.removeFirst()
            lock.unlock()
            next.resume()
        }
    }
}

/// A task executor whose threads may block: a job goes to an idle thread, or to a new one when none is idle, so a
/// test blocked in `waitpid` or `poll` never keeps another job (its own child tasks included) from running. Threads
/// idle for a few seconds end.
final class BlockingToleratingExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = BlockingToleratingExecutor()

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var idle = 0

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        // More jobs waiting than idle threads to take them: one more thread, so no job waits behind a blocked one.
        if jobs.count <= idle {
            condition.signal()
            condition.unlock()
        } else {
            condition.unlock()
            let thread = Thread { [self] in work() }
            thread.name = "test-blocking"
            thread.start()
        }
    }

    private func work() {
        condition.lock()
        while true {
            if jobs.isEmpty {
                idle += 1
                let woken = condition.wait(until: Date().addingTimeInterval(5))
                idle -= 1
                if !woken && jobs.isEmpty { break }
                continue
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
            condition.lock()
        }
        condition.unlock()
    }
}
