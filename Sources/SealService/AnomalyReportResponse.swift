import CSealShims
import Foundation
import Hummingbird
import NIOCore
import SealCore
import SealStore
import SealWire

/// `GET /v1/reports/anomalies`' answer, streamed: the same bytes `LocalTimeResponseEncoder` would make of the whole
/// `AnomalyReportView`, without the whole view. The rules' two passes run in one read of the register — the tally
/// over the period's facts, then the facts again, each piece of evidence encoded as the plan routes it into an
/// `EvidenceSpill` — and the response then writes each finding's count, its evidence from the spill, and the rest.
///
/// The wire types stay the one definition of the shape: the envelope and each finding are encoded by the API's
/// encoder with an empty list, and the evidence goes where that list is (`count` sorts before `evidence`, so a
/// finding's count is known before its evidence is written — which is what the tally is for).
enum AnomalyReportResponse {
    /// The rules over the register's facts for `filter`, with their evidence set aside in a spill under `scratch`
    /// (in memory up to `spillLimit` bytes).
    static func scan(
        register: Register, filter: BookFilter, settings: ReportSettings, now: Date, zone: TimeZone, scratch: URL, spillLimit: Int = 4 << 20
    ) async throws -> (findings: [PlannedFinding], spill: EvidenceSpill) {
        try await register.withAuditFacts(filter) { source in
            var tally = AnomalyTally(settings: settings, now: now)
            try source.forEach { tally.add($0) }
            var plan = tally.plan()
            let spill = EvidenceSpill(findings: plan.findings.count, directory: scratch, limit: spillLimit)
            let encoder = WireJSON.snakeCaseEncodedEncoder
            try source.forEach { fact in
                try plan.route(fact) { finding, evidence in
                    try spill.append(finding, LocalTimeResponseEncoder.localize(try encoder.encode(evidence), zone: zone))
                }
            }
            return (plan.findings, spill)
        }
    }

    /// The report: `findings` with their evidence from `spill`, then `extra` (findings about now, not the period).
    static func response(
        period: ReportPeriod, settings: AnomalySettingsView, findings: [PlannedFinding], spill: EvidenceSpill, extra: [Anomaly], zone: TimeZone
    ) throws -> Response {
        func encoded(_ value: some Encodable) throws -> Data { LocalTimeResponseEncoder.localize(try WireJSON.encoder.encode(value), zone: zone) }
        let (head, tail) = try split(encoded(AnomalyReportView(period: period, settings: settings, anomalies: [])), at: "\"anomalies\":[]")
        var parts: [(head: Data, tail: Data, finding: Int?)] = []
        for (i, f) in findings.enumerated() {
            // The tally and the routing are one set of rules over one snapshot: a mismatch is a bug, not a report.
            guard spill.count(i) == f.count else {
                throw SealError(.internalError, "anomaly \(f.kind.rawValue) planned \(f.count) entries, found \(spill.count(i))")
            }
            let (h, t) = try split(encoded(AnomalyFinding(kind: f.kind.rawValue, title: f.kind.title, subject: f.subject, count: f.count, evidence: [])), at: "\"evidence\":[]")
            parts.append((h, t, i))
        }
        for anomaly in extra {
            parts.append((try encoded(AnomalyFinding(anomaly)), Data(), nil))
        }
        let pieces = parts
        return Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody { writer in
                // The evidence held in memory (up to the spill's limit) goes back to the system after the report.
                defer { _ = seal_trim_memory() }
                var out = ChunkedWriter(writer: writer)
                try await out.write(bytes: head)
                for (n, part) in pieces.enumerated() {
                    if n > 0 { try await out.write(",") }
                    try await out.write(bytes: part.head)
                    if let finding = part.finding {
                        try await spill.read(finding) { try await out.write(bytes: $0) }
                    }
                    try await out.write(bytes: part.tail)
                }
                try await out.write(bytes: tail)
                try await out.finish()
            }
        )
    }

    /// The encoded value before and after the empty list under `key` (the list's brackets stay with each side).
    static func split(_ data: Data, at key: String) throws -> (Data, Data) {
        guard let range = data.firstRange(of: Data(key.utf8)) else { throw SealError(.internalError, "no \(key) in the encoded report") }
        let cut = range.upperBound - 1
        return (data[data.startIndex..<cut], data[cut...])
    }
}
