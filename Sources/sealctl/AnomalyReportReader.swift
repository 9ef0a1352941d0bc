import Foundation
import SealBook
import SealCore
import SealInterchange
import SealWire

/// `report anomalies` as a table or CSV, read as the answer arrives (`JSONStreamSplitter`), never whole: a report
/// over a long period lists millions of entries, more than sealctl may hold. The answer's keys are sorted, so a
/// finding's kind, subject and title come after its entries, and the period and settings after every finding. So:
/// the table keeps each finding's first `shown` entries (it lists no more) and sets its text aside until the header
/// can be written first; CSV sets each finding's entries aside (as JSON lines) until its kind and title have come,
/// then writes them. What is set aside goes to a scratch file past a few MiB (`ScratchSpill`, unlinked at once).
struct AnomalyReportReader {
    typealias Anomalies = ReportCommand.Anomalies

    let format: ReportCommand.Format
    private var splitter = JSONStreamSplitter { path in
        switch path {
        case [], [.key("anomalies")]: true
        case let p where p.count == 2 && p[0] == .key("anomalies"): true
        case let p where p.count == 3 && p[0] == .key("anomalies") && p[2] == .key("evidence"): true
        default: false
        }
    }
    private let decoder = WireJSON.decoder
    private let scratch = FileManager.default.temporaryDirectory
    /// The table so far (after its header, which comes last in the answer).
    private let table: ScratchSpill
    private var period: ReportPeriod?
    private var settings: AnomalySettingsView?
    private var findings = 0
    // The finding being read.
    private var fields: [String: [UInt8]] = [:]
    private var entries = 0
    private var listed: [Anomaly.Evidence] = []
    private var held: ScratchSpill?

    /// CSV's header row, written with the first piece of the answer (nothing is written for a refusal).
    private var headerWritten = false

    init(format: ReportCommand.Format) {
        self.format = format
        table = ScratchSpill(lists: 1, directory: FileManager.default.temporaryDirectory, name: "sealctl-report")
    }

    mutating func feed(_ bytes: some Sequence<UInt8>) throws {
        if format == .csv, !headerWritten {
            Output.write(Data(Anomalies.csvHeader(township: false).utf8))
            headerWritten = true
        }
        var events: [JSONStreamSplitter.Event] = []
        try splitter.feed(bytes) { events.append($0) }
        for event in events { try take(event) }
    }

    private mutating func take(_ event: JSONStreamSplitter.Event) throws {
        switch event {
        case .value(let path, let bytes) where path.count == 4:
            // An entry of the finding being read.
            entries += 1
            switch format {
            case .table:
                if listed.count < Anomalies.shown { listed.append(try decoder.decode(Anomaly.Evidence.self, from: Data(bytes))) }
            case .csv:
                let spill = held ?? ScratchSpill(lists: 1, directory: scratch, name: "sealctl-entries", separator: UInt8(ascii: "\n"))
                held = spill
                spill.append(0, bytes)
                if spill.isOverLimit { try spill.spill() }
            }
        case .value(let path, let bytes) where path.count == 3:
            if case .key(let name) = path[2] { fields[name] = bytes }
        case .end(let path) where path.count == 2:
            try endFinding()
        case .value([.key("period")], let bytes):
            period = try decoder.decode(ReportPeriod.self, from: Data(bytes))
        case .value([.key("settings")], let bytes):
            settings = try decoder.decode(AnomalySettingsView.self, from: Data(bytes))
        default:
            break
        }
    }

    private mutating func endFinding() throws {
        func field<T: Decodable>(_ name: String, _ type: T.Type) throws -> T {
            guard let bytes = fields[name] else { throw Self.badAnswer("a finding without its \(name)") }
            return try decoder.decode(T.self, from: Data(bytes))
        }
        let kind = try field("kind", String.self), title = try field("title", String.self), count = try field("count", Int.self)
        let subject = fields["subject"].flatMap { try? decoder.decode(String.self, from: Data($0)) }
        guard count == entries else { throw Self.badAnswer("the report says \(count) entries for \(kind) and lists \(entries)") }
        findings += 1
        switch format {
        case .table:
            table.append(0, Array(Anomalies.findingText(title: title, subject: subject, kind: kind, count: count, evidence: listed).utf8))
            if table.isOverLimit { try table.spill() }
        case .csv:
            if let held { try writeRows(held, kind: kind, title: title, subject: subject) }
        }
        fields = [:]
        entries = 0
        listed = []
        held = nil
    }

    /// The finding's entries set aside (one JSON object a line: JSON text holds no raw line feed), as CSV rows.
    private func writeRows(_ held: ScratchSpill, kind: String, title: String, subject: String?) throws {
        var rest: [UInt8] = []
        func rows(_ lines: ArraySlice<ArraySlice<UInt8>>) throws {
            let evidence = try lines.map { try decoder.decode(Anomaly.Evidence.self, from: Data($0)) }
            Output.write(Data(Anomalies.csvRows(kind: kind, title: title, subject: subject, township: nil, evidence).utf8))
        }
        // Read on this thread (sealctl has nothing else to do meanwhile), a chunk at a time; a line may run across two.
        try held.readBlocking(0) { chunk in
            rest += chunk
            var lines = rest.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            let last = lines.removeLast()
            try rows(lines[...])
            rest = Array(last)
        }
        if !rest.isEmpty { try rows([rest[...]]) }
    }

    static func badAnswer(_ why: String) -> ClientError {
        ClientError(code: "bad-answer", message: "the daemon's answer to /v1/reports/anomalies is not an anomaly report: \(why)", exitCode: 76)
    }

    /// After the last piece: the table's header and body (CSV has been written as it went).
    mutating func finish() async throws {
        try splitter.finish()
        guard let period, let settings else { throw Self.badAnswer("the report ends without its period and settings") }
        guard format == .table else { return Output.finishStandardOutput() }
        Output.write(Data(Anomalies.header(period: period, settings: settings).utf8))
        if findings == 0 { Output.write(Data("\n无异常 · no anomalies found\n".utf8)) }
        try await table.read(0) { Output.write(Data($0)) }
        Output.finishStandardOutput()
    }
}
