import Dispatch
import Foundation
import Logging
import ServiceLifecycle

/// What a reader holds, as the monitor last saw it.
public struct ReaderSnapshot: Sendable, Equatable {
    public var reader: String
    public var present: Bool
    public var atr: [UInt8]
    /// The slot 9C certificate, when the card is a PIV card that has one.
    public var certificate: CardCertificate?
    /// Why the certificate could not be read (not a PIV card, no 9C certificate, …).
    public var problem: String?

    public init(reader: String, present: Bool, atr: [UInt8] = [], certificate: CardCertificate? = nil, problem: String? = nil) {
        self.reader = reader
        self.present = present
        self.atr = atr
        self.certificate = certificate
        self.problem = problem
    }
}

/// The monitor's view: the readers and their cards, or why PC/SC cannot be reached.
public enum ReaderUpdate: Sendable, Equatable {
    case readers([ReaderSnapshot])
    case unavailable(String)
}

/// Watches readers and cards with `SCardGetStatusChange`, reader hot-plug included, and publishes every change.
///
/// The blocking wait runs on its own thread, never on Swift's cooperative pool. When pcscd goes away the monitor
/// reports `unavailable` and reconnects with a bounded backoff (0.1 s doubling to 2 s); when pcscd returns it reports
/// the readers again. Shutdown cancels the wait (`SCardCancel`), so nothing polls.
public final class ReaderMonitor: Service, @unchecked Sendable {
    public let updates: AsyncStream<ReaderUpdate>
    private let continuation: AsyncStream<ReaderUpdate>.Continuation
    private let matches: @Sendable (String) -> Bool
    private let logger: Logger
    private let lock = NSLock()
    private var context: PCSCContext?
    private var stopped = false
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private var last: ReaderUpdate?

    /// `readerFilter`: substrings of reader names to watch; empty watches every reader.
    public init(readerFilter: [String] = [], logger: Logger) {
        (updates, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(64))
        matches = { name in readerFilter.isEmpty || readerFilter.contains { name.contains($0) } }
        self.logger = logger
    }

    public func run() async throws {
        let thread = Thread { [self] in
            loop()
            finished.signal()
        }
        thread.name = "pcsc-monitor"
        thread.start()
        // Ends at graceful shutdown or cancellation alike.
        try? await gracefulShutdown()
        stop()
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async { [finished] in
                finished.wait()
                done.resume()
            }
        }
        continuation.finish()
    }

    /// Stops the monitor thread: cancels a blocking wait and any backoff sleep.
    public func stop() {
        lock.withLock {
            stopped = true
            context?.cancel()
        }
        wake.signal()
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func loop() {
        var backoff = 0.1
        while !isStopped {
            do {
                let context = try PCSCContext()
                let ok = lock.withLock {
                    self.context = context
                    return !stopped
                }
                guard ok else { break }
                backoff = 0.1
                try watch(context)
            } catch let error {
                if case .pcsc(_, .cancelled) = error, isStopped { break }
                publish(.unavailable(error.description))
            }
            lock.withLock { context = nil }
            if isStopped { break }
            _ = wake.wait(timeout: .now() + backoff)
            backoff = min(backoff * 2, 2)
        }
    }

    /// Times a card whose certificate could not be read is read again, `rereadAfter` ms apart, before it is taken
    /// for a card without one: a card being reset by pcscd (as it starts, or by another client) fails a read once,
    /// and nothing would change in its reader to make the monitor read it again.
    static let rereads = 5
    static let rereadAfter: UInt32 = 400

    /// Waits for changes on one context until pcscd goes away (thrown) or the monitor stops.
    private func watch(_ context: PCSCContext) throws(SmartCardError) {
        var known: [String: ReaderState] = [:]
        var snapshots: [String: ReaderSnapshot] = [:]
        // Readers whose card could not be read, with the reads left.
        var unread: [String: Int] = [:]
        var plugAndPlay = ReaderState(reader: PCSCContext.plugAndPlayReader)
        while !isStopped {
            let names = try context.readers().filter(matches)
            known = known.filter { names.contains($0.key) }
            snapshots = snapshots.filter { names.contains($0.key) }
            unread = unread.filter { names.contains($0.key) }
            let request = names.map { known[$0] ?? ReaderState(reader: $0) } + [plugAndPlay]
            let result: [ReaderState]
            do {
                result = try context.statusChange(request, timeout: unread.isEmpty ? nil : Self.rereadAfter)
            } catch .pcsc(_, .unknownReader) {
                continue  // a reader vanished between listing and waiting: list again
            } catch .pcsc(_, .timeout) {
                for (reader, left) in unread {
                    guard let atr = snapshots[reader]?.atr else { continue }
                    let snapshot = Self.inspect(context, reader: reader, atr: atr)
                    snapshots[reader] = snapshot
                    unread[reader] = snapshot.problem == nil || left <= 1 ? nil : left - 1
                }
                publish(.readers(snapshots.values.sorted { $0.reader < $1.reader }))
                continue
            }
            plugAndPlay = result.last!.acknowledged
            for state in result.dropLast() {
                known[state.reader] = state.acknowledged
                let previous = snapshots[state.reader]
                if state.present {
                    if previous?.present != true || previous?.atr != state.atr {
                        let snapshot = Self.inspect(context, reader: state.reader, atr: state.atr)
                        snapshots[state.reader] = snapshot
                        unread[state.reader] = snapshot.problem == nil ? nil : Self.rereads
                    }
                } else {
                    snapshots[state.reader] = ReaderSnapshot(reader: state.reader, present: false)
                    unread[state.reader] = nil
                }
            }
            publish(.readers(snapshots.values.sorted { $0.reader < $1.reader }))
        }
    }

    /// Reads what a newly present card is: its 9C certificate, or why there is none.
    static func inspect(_ context: PCSCContext, reader: String, atr: [UInt8]) -> ReaderSnapshot {
        var snapshot = ReaderSnapshot(reader: reader, present: true, atr: atr)
        do {
            let connection = try context.connect(reader: reader)
            defer { connection.disconnect() }
            let der = try connection.transaction { () throws(SmartCardError) in
                let piv = PIVClient(connection)
                try piv.select()
                return try piv.certificate9C()
            }
            snapshot.certificate = try CardCertificate(der: der)
        } catch {
            snapshot.problem = error.description
        }
        return snapshot
    }

    private func publish(_ update: ReaderUpdate) {
        let changed = lock.withLock {
            defer { last = update }
            return last != update
        }
        guard changed else { return }
        switch update {
        case .readers(let readers):
            logger.info("pcsc readers", metadata: ["readers": "\(readers.map { "\($0.reader): \($0.present ? "card" : "empty")" })"])
        case .unavailable(let why):
            logger.warning("pcsc unavailable", metadata: ["reason": "\(why)"])
        }
        continuation.yield(update)
    }
}

/// Blocking card operations, each on a fresh PC/SC context, run one at a time on a dedicated thread.
public final class CardOperations: Sendable {
    private let queue = DispatchQueue(label: "sealkeeper.pcsc.operations")

    public init() {}

    /// Connects to the card in `reader` and runs `body` inside one transaction, off the cooperative pool.
    public func withCard<T: Sendable>(
        reader: String, _ body: @escaping @Sendable (PIVClient<CardConnection>) throws(SmartCardError) -> T
    ) async throws(SmartCardError) -> T {
        let result: Result<T, SmartCardError> = await withCheckedContinuation { done in
            queue.async {
                done.resume(returning: Result { () throws(SmartCardError) -> T in
                    let context = try PCSCContext()
                    defer { context.release() }
                    let connection = try context.connect(reader: reader)
                    defer { connection.disconnect() }
                    return try connection.transaction { () throws(SmartCardError) in try body(PIVClient(connection)) }
                })
            }
        }
        return try result.get()
    }
}
