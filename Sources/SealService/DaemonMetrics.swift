import CoreMetrics
import Foundation
import Prometheus
import SealStore

/// The daemon's Prometheus metrics, through swift-metrics with swift-prometheus's factory. Requests are counted by
/// Hummingbird's `MetricsMiddleware` (per matched route pattern, method and status, so the number of series stays
/// bounded whatever paths clients send), which reports to the process-wide metrics system: `bootstrap()` points that
/// at this registry once, in the daemon. Everything else is recorded here with the factory passed explicitly, so
/// in-process tests can build as many daemons as they like.
public final class DaemonMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let factory: PrometheusMetricsFactory

    let batches: CoreMetrics.Counter
    let batchSize: CoreMetrics.Recorder
    let commitLatency: CoreMetrics.Timer
    let journalEntries: CoreMetrics.Gauge
    let storageErrors: CoreMetrics.Counter
    let connectionsOpen: CoreMetrics.Gauge
    let cardReaders: CoreMetrics.Gauge
    let cardsPresent: CoreMetrics.Gauge
    let cardsUnlocked: CoreMetrics.Gauge

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        // Prometheus names allow no dots; swift-metrics labels (Hummingbird's `http.route`) use them.
        factory.nameAndLabelSanitizer = { name, labels in
            (Self.prometheusName(name), labels.map { (Self.prometheusName($0.0), $0.1) })
        }
        factory.durationHistogramBuckets["http_server_request_duration"] = [
            .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
        ]
        factory.valueHistogramBuckets["sealkeeper_journal_batch_writes"] = [1, 2, 4, 8, 16, 32, 64, 128, 256]
        factory.durationHistogramBuckets["sealkeeper_journal_commit_seconds"] = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(20), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
        ]
        self.factory = factory
        batches = Counter(label: "sealkeeper_journal_batches_total", factory: factory)
        batchSize = CoreMetrics.Recorder(label: "sealkeeper_journal_batch_writes", dimensions: [], aggregate: true, factory: factory)
        commitLatency = Timer(label: "sealkeeper_journal_commit_seconds", factory: factory)
        journalEntries = CoreMetrics.Gauge(label: "sealkeeper_journal_entries", factory: factory)
        storageErrors = Counter(label: "sealkeeper_storage_errors_total", factory: factory)
        connectionsOpen = CoreMetrics.Gauge(label: "sealkeeper_connections_open", factory: factory)
        cardReaders = CoreMetrics.Gauge(label: "sealkeeper_pcsc_readers", factory: factory)
        cardsPresent = CoreMetrics.Gauge(label: "sealkeeper_pcsc_cards_present", factory: factory)
        cardsUnlocked = CoreMetrics.Gauge(label: "sealkeeper_pcsc_cards_unlocked", factory: factory)
    }

    /// One journal batch, as the writer reports it.
    func batchCommitted(_ outcome: JournalWriter.BatchOutcome) {
        if outcome.storageFailed {
            storageErrors.increment()
        } else {
            batches.increment()
            batchSize.record(outcome.writes)
            commitLatency.recordNanoseconds(Int64(outcome.seconds * 1e9))
        }
        journalEntries.record(outcome.journalSize)
    }

    /// Makes this registry the process-wide metrics backend (once per process; the daemon does it at start-up).
    public func bootstrap() {
        MetricsSystem.bootstrap(factory)
    }

    static func prometheusName(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" ? $0 : "_" })
    }

    /// The Prometheus text exposition (format 0.0.4).
    func exposition() -> String { registry.emitToString() }
}
