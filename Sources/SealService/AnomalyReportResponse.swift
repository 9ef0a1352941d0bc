import CSealShims
import Foundation
import Hummingbird
import NIOCore
import SealCore
import SealInterchange
import SealStore
import SealWire

/// `GET /v1/reports/anomalies`' answer, streamed: the same bytes `LocalTimeResponseEncoder` would make of the whole
/// `AnomalyReportView`, without the whole view. The rules' two passes run in one read of the register — the tally
/// over the period's facts, then the facts again, each piece of evidence encoded as the plan routes it into an
/// `ScratchSpill` — and the response then writes each finding's count, its evidence from the spill, and the rest.
/// The county's report over its copies of the townships' books is written the same way, a township at a time.
///
/// The wire types stay the one definition of the shape: the envelope and each finding are encoded by the API's
/// encoder with an empty list, and the evidence goes where that list is (`count` sorts before `evidence`, so a
/// finding's count is known before its evidence is written — which is what the tally is for).
public enum AnomalyReportResponse {
    /// The rules over the register's facts for `filter`, with their evidence set aside in a spill under `scratch`
    /// (in memory up to `spillLimit` bytes).
    static func scan(
        register: Register, filter: BookFilter, settings: ReportSettings, now: Date, zone: TimeZone, scratch: URL, spillLimit: Int = 4 << 20,
        batch: Int = 1024
    ) async throws -> AnomalyPasses {
        try await register.withAuditFacts(filter) { source in
            var passes = AnomalyPasses(settings: settings, now: now, zone: zone, batch: batch)
            try source.forEach(while: { passes.count($0) })
            passes.startRouting(scratch: scratch, spillLimit: spillLimit)
            try source.forEach(while: { fact in
                let more = passes.route(fact)
                // Blocking file I/O is fine here: this is the register's read, on GRDB's thread.
                try passes.spillDue?.spill()
                return more
            })
            passes.finishRouting()
            try passes.spillDue?.spill()
            return passes
        }
    }

    /// The township's report: the findings of `passes` with their evidence, then `extra` (findings about now, not the period).
    static func response(period: ReportPeriod, settings: AnomalySettingsView, passes: AnomalyPasses, extra: [Anomaly], zone: TimeZone) throws -> Response {
        let (head, tail) = try split(encoded(AnomalyReportView(period: period, settings: settings, anomalies: []), zone: zone), at: "\"anomalies\":[]")
        let findings = try FindingParts(passes, extra: extra, zone: zone)
        return stream { out in
            try await out.write(bytes: head)
            try await findings.write(to: &out)
            try await out.write(bytes: tail)
        }
    }

    /// The county's report: its own findings, then each township's from its passes.
    public static func countyResponse(
        period: ReportPeriod, settings: AnomalySettingsView, county: [AnomalyFinding], townships: [(name: String, origin: String, passes: AnomalyPasses)],
        zone: TimeZone
    ) throws -> Response {
        let (head, tail) = try split(
            encoded(CountyAnomalyReportView(period: period, settings: settings, county: county, townships: []), zone: zone), at: "\"townships\":[]"
        )
        let parts = try townships.map { t in
            let (open, close) = try split(encoded(TownshipAnomaliesView(name: t.name, origin: t.origin, anomalies: []), zone: zone), at: "\"anomalies\":[]")
            return (open, try FindingParts(t.passes, extra: [], zone: zone), close)
        }
        return stream { out in
            try await out.write(bytes: head)
            for (n, (open, findings, close)) in parts.enumerated() {
                if n > 0 { try await out.write(",") }
                try await out.write(bytes: open)
                try await findings.write(to: &out)
                try await out.write(bytes: close)
            }
            try await out.write(bytes: tail)
        }
    }

    static func stream(_ body: @escaping @Sendable (inout ChunkedWriter) async throws -> Void) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody { writer in
                // The evidence held in memory (up to the spills' limit) goes back to the system after the report.
                defer { _ = seal_trim_memory() }
                var out = ChunkedWriter(writer: writer)
                try await body(&out)
                try await out.finish()
            }
        )
    }

    static func encoded(_ value: some Encodable, zone: TimeZone) throws -> Data {
        LocalTimeResponseEncoder.localize(try WireJSON.encoder(for: value).encode(value), zone: zone)
    }

    /// The encoded value before and after the empty list under `key` (the list's brackets stay with each side).
    static func split(_ data: Data, at key: String) throws -> (Data, Data) {
        guard let range = data.firstRange(of: Data(key.utf8)) else { throw SealError(.internalError, "no \(key) in the encoded report") }
        let cut = range.upperBound - 1
        return (data[data.startIndex..<cut], data[cut...])
    }
}

/// The rules' two passes over one period's facts, fed by whoever reads them (the register's snapshot, or the county's
/// transaction): `count` each fact, `startRouting`, then `route` the same facts in the same order.
public struct AnomalyPasses: @unchecked Sendable {
    var tally: AnomalyTally
    var plan: AnomalyPlan?
    var spill: ScratchSpill?
    let zone: TimeZone
    /// Evidence routed but not yet written, per finding, a batch at a time.
    var pending: [[Anomaly.Evidence]] = []
    var pendingCount = 0
    /// Entries of each finding encoded into the spill.
    var encoded: [Int] = []
    let batch: Int

    public init(settings: ReportSettings, now: Date, zone: TimeZone, batch: Int = 1024) {
        tally = AnomalyTally(settings: settings, now: now)
        self.zone = zone
        self.batch = batch
    }

    /// The first pass: always true (read on).
    public mutating func count(_ fact: AuditFacts.Fact) -> Bool {
        tally.add(fact)
        return true
    }

    /// Between the passes: the findings are known, their evidence goes to a spill under `scratch`.
    public mutating func startRouting(scratch: URL, spillLimit: Int = 4 << 20) {
        let plan = tally.plan()
        self.plan = plan
        spill = ScratchSpill(lists: plan.findings.count, directory: scratch, name: "evidence", limit: spillLimit, separator: UInt8(ascii: ","))
        pending = Array(repeating: [], count: plan.findings.count)
        encoded = Array(repeating: 0, count: plan.findings.count)
    }

    /// The spill, when it holds more than its limit in memory: the reader writes it out (`spill()`) where blocking
    /// file I/O may run.
    public var spillDue: ScratchSpill? { spill.flatMap { $0.isOverLimit ? $0 : nil } }

    /// The second pass: always true (read on). Call `finishRouting` after the last fact.
    public mutating func route(_ fact: AuditFacts.Fact) -> Bool {
        guard spill != nil else { return false }
        plan!.route(fact) { finding, evidence in
            pending[finding].append(evidence)
            pendingCount += 1
        }
        if pendingCount >= batch { encodePending() }
        return true
    }

    /// After the second pass: what is left is encoded.
    public mutating func finishRouting() { encodePending() }

    /// The pending evidence into the spill, each finding's as one piece: its entries as the API writes them
    /// (`appendJSON`), comma-separated (the spill joins pieces with commas too).
    private mutating func encodePending() {
        guard let spill else { return }
        var piece: [UInt8] = []
        for i in pending.indices where !pending[i].isEmpty {
            piece.removeAll(keepingCapacity: true)
            for (n, evidence) in pending[i].enumerated() {
                if n > 0 { piece.append(UInt8(ascii: ",")) }
                evidence.appendJSON(to: &piece, zone: zone)
            }
            spill.append(i, piece)
            encoded[i] += pending[i].count
            pending[i].removeAll(keepingCapacity: true)
        }
        pendingCount = 0
    }

    public var findings: [PlannedFinding] { plan?.findings ?? [] }
}

/// One list of findings as it is written: each finding's head (count, the opening of its evidence), its evidence
/// from the spill, its tail (kind, subject, title); then findings written whole.
struct FindingParts: Sendable {
    let parts: [(head: Data, tail: Data, finding: Int?)]
    let spill: ScratchSpill?

    init(_ passes: AnomalyPasses, extra: [Anomaly], zone: TimeZone) throws {
        var parts: [(head: Data, tail: Data, finding: Int?)] = []
        for (i, f) in passes.findings.enumerated() {
            // The tally and the routing are one set of rules over one snapshot: a mismatch is a bug, not a report.
            let found = passes.encoded.indices.contains(i) ? passes.encoded[i] : 0
            guard found == f.count else {
                throw SealError(.internalError, "anomaly \(f.kind.rawValue) planned \(f.count) entries, found \(found)")
            }
            let finding = AnomalyFinding(kind: f.kind.rawValue, title: f.kind.title, subject: f.subject, count: f.count, evidence: [])
            let (h, t) = try AnomalyReportResponse.split(AnomalyReportResponse.encoded(finding, zone: zone), at: "\"evidence\":[]")
            parts.append((h, t, i))
        }
        for anomaly in extra {
            parts.append((try AnomalyReportResponse.encoded(AnomalyFinding(anomaly), zone: zone), Data(), nil))
        }
        self.parts = parts
        spill = passes.spill
    }

    func write(to out: inout ChunkedWriter) async throws {
        for (n, part) in parts.enumerated() {
            if n > 0 { try await out.write(",") }
            try await out.write(bytes: part.head)
            if let finding = part.finding, let spill {
                try await spill.read(finding) { try await out.write(bytes: $0) }
            }
            try await out.write(bytes: part.tail)
        }
    }
}
