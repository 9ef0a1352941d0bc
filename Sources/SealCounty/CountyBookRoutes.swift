import CSealShims
import Foundation
import Hummingbird
import NIOCore
import SealBook
import SealCore
import SealInterchange
import SealService
import SealWire

/// The county inspector's reading of the mirrored books on the staff socket (county-inspector or county-admin):
/// `GET /v1/county/uses`, `/v1/county/book`, `/v1/county/reports/stats` and `/v1/county/reports/anomalies`, with the
/// township's filters plus `township` (a book is one township's; statistics and anomalies span the county without).
struct CountyBookRoutes {
    let book: CountyBook
    let configuration: CountyConfiguration
    /// The witness's key: a bundle's checkpoint carries its cosignature, as one exported at the township does.
    let witnessKey: CosignerKey

    enum Format: String, CaseIterable {
        case csv, xlsx, html, bundle
    }

    func addRoutes(to router: Router<CountyRequestContext>) {
        let book = self.book
        router.get("/v1/county/uses") { request, _ -> UsePageView in
            let (filter, township) = try await Self.oneTownship(request, book)
            let limit = try request.queryInt("limit", default: 1000, in: 1...10_000)!
            let uses = try await book.uses(origin: township.origin, filter, limit: limit, after: request.query("after"))
            return UsePageView(uses: uses, next: uses.count == limit ? uses.last?.id : nil)
        }
        router.get("/v1/county/reports/stats") { request, _ -> CountyStatisticsView in
            let (filter, townships) = try await Self.townships(request, book)
            let (total, each) = try await book.statistics(origin: townships.count == 1 ? townships[0].origin : nil, filter)
            return CountyStatisticsView(
                period: Self.period(filter), statistics: total,
                townships: townships.map { TownshipStatisticsView(name: $0.name, origin: $0.origin, statistics: each[$0.origin] ?? UsageStatistics()) }
            )
        }
        router.get("/v1/county/reports/anomalies") { request, context -> Response in
            let (filter, townships) = try await Self.townships(request, book)
            let now = Date()
            let zone = context.timeZone
            let scratch = URL(fileURLWithPath: configuration.stateDirectory, isDirectory: true).appendingPathComponent("report-tmp", isDirectory: true)
            // Streamed as the township's report is: each township's period read twice in one snapshot (counts, then
            // evidence into a spill), never held; the county's report holds none of them either.
            var scanned: [(name: String, origin: String, passes: AnomalyPasses)] = []
            for township in townships {
                let passes = try await book.withAuditFacts(origin: township.origin, filter) { source in
                    var passes = AnomalyPasses(settings: book.settings, now: now, zone: zone)
                    try await source.forEach { passes.count($0) }
                    passes.startRouting(scratch: scratch, spillLimit: max(1 << 20, (16 << 20) / max(1, townships.count)))
                    try await source.forEach { fact in
                        let more = passes.route(fact)
                        // This runs on Swift concurrency's threads: the spill's file is written on BlockingWork's.
                        if let due = passes.spillDue { try await BlockingWork.run { try due.spill() } }
                        return more
                    }
                    passes.finishRouting()
                    if let due = passes.spillDue { try await BlockingWork.run { try due.spill() } }
                    return passes
                }
                scanned.append((township.name, township.origin, passes))
            }
            let names = Set(townships.map(\.name))
            let county = try await CountyAnomalies.countyFindings(store: book.store, configuration: configuration).filter { $0.subject.map(names.contains) ?? true }
            return try AnomalyReportResponse.countyResponse(
                period: Self.period(filter), settings: AnomalySettingsView(book.settings), county: county, townships: scanned, zone: zone
            )
        }
        router.get("/v1/county/book") { request, _ -> Response in
            let format = try request.queryEnum("format", Format.self) ?? .csv
            let headers = try request.queryEnum("headers", BookTable.Headers.self) ?? .chinese
            let (filter, township) = try await Self.oneTownship(request, book)
            let origin = township.origin
            let zone = book.settings.timeZone
            let pages = BookPages(size: 5000) { seal, serials in try await book.exportPage(origin: origin, seal, filter, serials: serials, headers: headers) }
            let seals = format == .bundle ? [] : try await book.exportSeals(origin: origin, filter)
            let body: @Sendable (inout ChunkedWriter) async throws -> Void
            let contentType: String
            switch format {
            case .bundle:
                let vkey = try await book.store.townships().first { $0.origin == origin }?.vkey ?? ""
                let head = try await book.bundleHead(origin: origin, vkey: vkey, witnessKey: witnessKey, filter)
                contentType = "application/jsonl"
                let slices: BookBundle.Slices = { from, to, limit in try await book.journalSlice(origin: origin, from: from, to: to, limit: limit) }
                body = { try await BookBundle.write(head: head, filter: filter, slices: slices, to: &$0) }
            case .csv:
                contentType = "text/csv; charset=utf-8"
                body = { try await BookCSV.write(pages: pages, seals: seals, filter: filter, headers: headers, to: &$0) }
            case .xlsx, .html:
                // The summary's anomalies as the township's: two readings of the period in one snapshot, the second
                // leaving each kind of fact once its findings have their first entries; the period is never held. The
                // totals are read meanwhile, on another connection.
                @Sendable func summary() async throws -> BookSummary {
                    async let statistics = book.statistics(origin: origin, filter)
                    let found = try await book.withAuditFacts(origin: origin, filter) { source in
                        var sample = AnomalySample(settings: book.settings, now: Date(), limit: BookSummary.evidenceShown)
                        try await source.forEach { sample.count($0) }
                        if sample.finishCounting() { try await source.forEach { sample.route($0) } }
                        return sample.findings
                    }
                    return BookSummary(
                        statistics: try await statistics.total,
                        anomalies: found.map { Anomaly(kind: $0.finding.kind, subject: $0.finding.subject, evidence: $0.evidence) },
                        totals: found.map(\.finding.count), from: filter.from, to: filter.to
                    )
                }
                let checkpoint = try await book.mirrorCheckpoint(origin: origin)
                let scratch = URL(fileURLWithPath: configuration.stateDirectory, isDirectory: true).appendingPathComponent("scratch", isDirectory: true)
                try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                // The summary is read while the lines are rendered or the seals' sheets written (`BookHTML.write`,
                // `BookXLSX.write`).
                if format == .html {
                    contentType = "text/html; charset=utf-8"
                    body = {
                        try await BookHTML.write(
                            pages: pages, seals: seals, filter: filter, headers: headers, checkpoint: checkpoint, summary: summary, zone: zone,
                            scratch: scratch, to: &$0
                        )
                    }
                } else {
                    contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    body = {
                        try await BookXLSX.write(
                            pages: pages, seals: seals, filter: filter, headers: headers, checkpoint: checkpoint, summary: summary, zone: zone, to: &$0
                        )
                    }
                }
            }
            let filename = "usage-book-\(origin.replacingOccurrences(of: "/", with: "-")).\(format == .bundle ? "jsonl" : format.rawValue)"
            return ChunkedWriter.response(contentType: contentType, filename: filename, body: body)
        }
    }

    /// The filter and the one township it names (required: a book is one township's).
    static func oneTownship(_ request: Request, _ book: CountyBook) async throws -> (BookFilter, CountyBook.Township) {
        let filter = try request.bookFilter()
        guard let name = filter.township else {
            let known = try await book.store.townships().map(\.name)
            throw SealError(.invalidField, "township is required: a book is one township's (known: \(known.isEmpty ? "none" : known.joined(separator: ", ")))")
        }
        let township = try await book.township(name)
        try await book.checkFilter(filter, origin: township.origin)
        return (filter, township)
    }

    /// The filter and the townships it covers: the one it names, or every township.
    static func townships(_ request: Request, _ book: CountyBook) async throws -> (BookFilter, [CountyBook.Township]) {
        let filter = try request.bookFilter()
        if let name = filter.township {
            let township = try await book.township(name)
            try await book.checkFilter(filter, origin: township.origin)
            return (filter, [township])
        }
        try await book.checkFilter(filter, origin: nil)
        return (filter, try await book.store.townships().map { CountyBook.Township(name: $0.name, origin: $0.origin) })
    }

    static func period(_ filter: BookFilter) -> ReportPeriod {
        ReportPeriod(from: filter.from?.description, to: filter.to?.description)
    }
}

extension CountyStatisticsView: ResponseEncodable {}
