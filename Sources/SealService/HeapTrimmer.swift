import CSealShims
import SealCore
import ServiceLifecycle

/// Gives the heap that big answers freed back to the system, so the daemon at rest holds what it needs at rest.
///
/// glibc keeps freed memory in its arenas: after an inspector's anomaly report or book list over a long period (a
/// few hundred MB of facts and JSON, built and dropped), the daemon stayed that large until it restarted. Exports
/// trim when they end; an answer encoded by Hummingbird after its handler returns cannot, so this looks every
/// `interval` and trims when `threshold` more bytes lie free than after the last trim. Cheap when nothing changed
/// (one `mallinfo2`); `malloc_trim` itself runs off Swift concurrency's threads.
struct HeapTrimmer: Service {
    var interval: Duration = .seconds(2)
    var threshold = 16 << 20

    func run() async throws {
        // try? keeps the sleep's CancellationError inside: letting it escape would fail the ServiceGroup.
        await cancelWhenGracefulShutdown {
            var freeAfterTrim = Int(seal_free_heap_bytes())
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                let free = Int(seal_free_heap_bytes())
                if free - freeAfterTrim > threshold {
                    freeAfterTrim = (try? await BlockingWork.run { _ = seal_trim_memory(); return Int(seal_free_heap_bytes()) }) ?? free
                } else if free < freeAfterTrim {
                    // Reused since: count new frees from here.
                    freeAfterTrim = free
                }
            }
        }
    }
}
