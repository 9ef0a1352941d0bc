import Foundation
import CSealShims
import Hummingbird
import NIOCore
import SealBook
import SealCore
import SealWire
import SealInterchange
import SealStore

/// `GET /v1/book`: the usage book for inspectors (role inspector or admin), streamed page by page so a book of any
/// size exports in constant memory.
struct BookExportRoutes {
    let register: Register
    /// Where XLSX exports are assembled (under the state directory; emptied at start-up).
    let scratch: URL
    /// For the summary's anomalies.
    let settings: ReportSettings

    enum Format: String, CaseIterable {
        case csv, xlsx, html, bundle
    }

    func addRoutes(to router: Router<SealRequestContext>) {
        router.get("/v1/book") { request, context in
            _ = try context.caller(requiring: .inspector, .admin)
            let format = try request.queryEnum("format", Format.self) ?? .csv
            let headers = try request.queryEnum("headers", BookTable.Headers.self) ?? .chinese
            let filter = try request.bookFilter()
            try await register.checkFilter(filter)
            let register = self.register
            let settings = self.settings
            let zone = context.timeZone
            let pages = BookPages(size: 2000) { seal, serials in try await register.exportPage(seal, filter, serials: serials, headers: headers) }
            /// The first page: totals, the chart and the anomalies of the same filter, their facts read twice (counts,
            /// then the first entries of each) rather than held. The totals are read meanwhile, on another connection.
            @Sendable func summary() async throws -> BookSummary {
                async let statistics = register.statistics(filter)
                let found = try await register.withAuditFacts(filter) { source in
                    try AnomalyRules.findings(settings: settings, now: Date(), limit: BookSummary.evidenceShown) { visit in try source.forEach(while: visit) }
                }
                return BookSummary(
                    statistics: try await statistics,
                    anomalies: found.map { Anomaly(kind: $0.finding.kind, subject: $0.finding.subject, evidence: $0.evidence) },
                    totals: found.map(\.finding.count), from: filter.from, to: filter.to
                )
            }
            let body: @Sendable (inout ChunkedWriter) async throws -> Void
            let contentType: String
            switch format {
            case .csv:
                let seals = try await register.exportSeals(filter)
                contentType = "text/csv; charset=utf-8"
                body = { try await BookCSV.write(pages: pages, seals: seals, filter: filter, headers: headers, to: &$0) }
            case .xlsx:
                let seals = try await register.exportSeals(filter)
                let checkpoint = try await register.latestCheckpoint()
                contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                body = {
                    // The summary is read while the seals' sheets are written (see `BookXLSX.write`).
                    try await BookXLSX.write(
                        pages: pages, seals: seals, filter: filter, headers: headers, checkpoint: checkpoint, summary: summary, zone: zone, to: &$0
                    )
                }
            case .html:
                let seals = try await register.exportSeals(filter)
                let checkpoint = try await register.latestCheckpoint()
                let scratch = self.scratch
                contentType = "text/html; charset=utf-8"
                body = {
                    // The summary is read while the lines are rendered (see `BookHTML.write`).
                    try await BookHTML.write(
                        pages: pages, seals: seals, filter: filter, headers: headers, checkpoint: checkpoint, summary: summary, zone: zone,
                        scratch: scratch, to: &$0
                    )
                }
            case .bundle:
                let head = try await register.bundleHead(filter)
                contentType = "application/jsonl"
                let slices: BookBundle.Slices = { from, to, limit in try await register.journalSlice(from: from, to: to, limit: limit) }
                body = { try await BookBundle.write(head: head, filter: filter, slices: slices, to: &$0) }
            }
            return ChunkedWriter.response(contentType: contentType, filename: "usage-book.\(format == .bundle ? "jsonl" : format.rawValue)", body: body)
        }
    }
}

/// Collects text into 64 KiB buffers before handing them to the response, so small writes cost no syscalls.
public struct ChunkedWriter: ExportSink {
    var writer: any ResponseBodyWriter
    var buffer = ByteBuffer()

    public init(writer: any ResponseBodyWriter) {
        self.writer = writer
        buffer.reserveCapacity(1 << 16)
    }

    public mutating func write(_ text: String) async throws {
        buffer.writeString(text)
        if buffer.readableBytes >= 1 << 16 { try await flush() }
    }

    public mutating func write(bytes: some Collection<UInt8>) async throws {
        buffer.writeBytes(bytes)
        if buffer.readableBytes >= 1 << 16 { try await flush() }
    }

    mutating func flush() async throws {
        guard buffer.readableBytes > 0 else { return }
        try await writer.write(buffer)
        buffer.clear()
    }

    public consuming func finish() async throws {
        try await flush()
        try await writer.finish(nil)
    }

    /// An export's response: `body` streamed through a writer, as an attachment named `filename`.
    public static func response(contentType: String, filename: String, body: @escaping @Sendable (inout ChunkedWriter) async throws -> Void) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: contentType, .contentDisposition: "attachment; filename=\"\(filename)\""],
            body: ResponseBody { writer in
                // An export's pages and summary are freed as it goes; give the pages back to the system after it,
                // so the daemon's resident size at rest stays what it needs at rest.
                defer { _ = seal_trim_memory() }
                var out = ChunkedWriter(writer: writer)
                try await body(&out)
                try await out.finish()
            }
        )
    }
}

