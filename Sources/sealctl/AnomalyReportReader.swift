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
///
/// The county's report (`county report anomalies`) is read the same way: its findings across townships, then each
/// township's, whose name comes after its findings — so a township's table section and CSV rows wait for it.
struct AnomalyReportReader {
    typealias Anomalies = ReportCommand.Anomalies

    /// Which answer is read: a township's `{"anomalies":[…],"period":…,"settings":…}` or the county's
    /// `{"county":[…],"period":…,"settings":…,"townships":[{"anomalies":[…],"name":…},…]}`.
    enum Shape { case township, county }

    let format: ReportCommand.Format
    let shape: Shape
    /// The entries asked of each finding (`evidence=`), when not all: a finding then lists the first so many.
    let asked: Int?
    private let answer: String
    private var splitter: JSONStreamSplitter
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
    /// The township whose findings were just read (its name follows them).
    private var townshipName: String?

    /// CSV's header row, written with the first piece of the answer (nothing is written for a refusal).
    private var headerWritten = false

    /// The county's own findings are headed as the county; each township's by its name, which comes after them.
    static let countyLabel = "县 county"

    /// A section of the county's report being read: its findings' table text, and their CSV rows waiting for the
    /// township's name.
    private struct Section {
        var findings = 0
        var text: [UInt8] = []
        var rows: [(kind: String, title: String, subject: String?, entries: ScratchSpill?)] = []
    }
    private var section = Section()

    init(format: ReportCommand.Format, shape: Shape = .township, asked: Int? = nil, answer: String = "/v1/reports/anomalies") {
        self.format = format
        self.shape = shape
        self.asked = asked
        self.answer = answer
        splitter = JSONStreamSplitter { path in
            if let below = Self.findings(path, shape) {
                // A list of findings, a finding, and its evidence are read member by member; an entry whole.
                return below.count <= 1 || (below.count == 2 && below.last == .key("evidence"))
            }
            switch shape {
            case .township: return path.isEmpty
            case .county:
                if path.isEmpty || path == [.key("townships")] { return true }
                if path.count == 2, path[0] == .key("townships"), case .index = path[1] { return true }
                return false
            }
        }
        table = ScratchSpill(lists: 1, directory: FileManager.default.temporaryDirectory, name: "sealctl-report")
    }

    /// The part of `path` below a list of findings (`[]` the list, `[i]` a finding, `[i, field]`,
    /// `[i, "evidence", j]`); nil when `path` is not under one.
    private static func findings(_ path: [JSONStreamSplitter.Step], _ shape: Shape) -> ArraySlice<JSONStreamSplitter.Step>? {
        switch shape {
        case .township:
            return path.first == .key("anomalies") ? path.dropFirst(1) : nil
        case .county:
            if path.first == .key("county") { return path.dropFirst(1) }
            if path.count >= 3, path[0] == .key("townships"), case .index = path[1], path[2] == .key("anomalies") { return path.dropFirst(3) }
            return nil
        }
    }

    mutating func feed(_ bytes: some Sequence<UInt8>) throws {
        if format == .csv, !headerWritten {
            Output.write(Data(Anomalies.csvHeader(township: shape == .county).utf8))
            headerWritten = true
        }
        var events: [JSONStreamSplitter.Event] = []
        try splitter.feed(bytes) { events.append($0) }
        for event in events { try take(event) }
    }

    private mutating func take(_ event: JSONStreamSplitter.Event) throws {
        switch event {
        case .value(let path, let bytes):
            if let below = Self.findings(path, shape) {
                if below.count == 3 {
                    try entry(bytes)
                } else if below.count == 2, case .key(let name) = below.last! {
                    fields[name] = bytes
                }
                return
            }
            if path == [.key("period")] {
                period = try decoder.decode(ReportPeriod.self, from: Data(bytes))
            } else if path == [.key("settings")] {
                settings = try decoder.decode(AnomalySettingsView.self, from: Data(bytes))
            } else if shape == .county, path.count == 3, path[0] == .key("townships"), path[2] == .key("name") {
                townshipName = try decoder.decode(String.self, from: Data(bytes))
            }
        case .end(let path):
            if let below = Self.findings(path, shape) {
                if below.count == 1 {
                    try endFinding()
                } else if below.isEmpty, path == [.key("county")] {
                    try endSection(Self.countyLabel)
                }
                return
            }
            if shape == .county, path.count == 2, path[0] == .key("townships") {
                // A township's name comes after its findings: its section is written now.
                guard let name = townshipName else { throw badAnswer("a township without its name") }
                try endSection(name)
                townshipName = nil
            }
        }
    }

    /// An entry of the finding being read.
    private mutating func entry(_ bytes: [UInt8]) throws {
        entries += 1
        switch format {
        case .table:
            if listed.count < (asked ?? Anomalies.shown) { listed.append(try decoder.decode(Anomaly.Evidence.self, from: Data(bytes))) }
        case .csv:
            let spill = held ?? ScratchSpill(lists: 1, directory: scratch, name: "sealctl-entries", separator: UInt8(ascii: "\n"))
            held = spill
            spill.append(0, bytes)
            if spill.isOverLimit { try spill.spill() }
        }
    }

    private mutating func endFinding() throws {
        func field<T: Decodable>(_ name: String, _ type: T.Type) throws -> T {
            guard let bytes = fields[name] else { throw badAnswer("a finding without its \(name)") }
            return try decoder.decode(T.self, from: Data(bytes))
        }
        let kind = try field("kind", String.self), title = try field("title", String.self), count = try field("count", Int.self)
        let subject = fields["subject"].flatMap { try? decoder.decode(String.self, from: Data($0)) }
        // All of them, or (asked for fewer) the first so many.
        guard entries == count || entries == min(count, asked ?? count) else { throw badAnswer("the report says \(count) entries for \(kind) and lists \(entries)") }
        findings += 1
        switch (format, shape) {
        case (.table, .township):
            table.append(0, Array(Anomalies.findingText(title: title, subject: subject, kind: kind, count: count, evidence: listed, shown: asked ?? Anomalies.shown).utf8))
            if table.isOverLimit { try table.spill() }
        case (.table, .county):
            section.findings += 1
            section.text += Anomalies.findingText(title: title, subject: subject, kind: kind, count: count, evidence: listed, shown: asked ?? Anomalies.shown).utf8
        case (.csv, .township):
            if let held { try writeRows(held, kind: kind, title: title, subject: subject, township: nil) }
        case (.csv, .county):
            section.findings += 1
            section.rows.append((kind, title, subject, held))
        }
        fields = [:]
        entries = 0
        listed = []
        held = nil
    }

    /// The end of a section of the county's report (its own findings, or a township's): its heading and findings
    /// in the table, its rows in CSV.
    private mutating func endSection(_ name: String) throws {
        switch format {
        case .table:
            table.append(0, Array("\n== \(name) ==\n".utf8))
            if section.findings == 0 { table.append(0, Array("\n无异常 · no anomalies found\n".utf8)) }
            table.append(0, section.text)
            if table.isOverLimit { try table.spill() }
        case .csv:
            for row in section.rows {
                if let entries = row.entries { try writeRows(entries, kind: row.kind, title: row.title, subject: row.subject, township: name) }
            }
        }
        section = Section()
    }

    /// The finding's entries set aside (one JSON object a line: JSON text holds no raw line feed), as CSV rows.
    private func writeRows(_ held: ScratchSpill, kind: String, title: String, subject: String?, township: String?) throws {
        var rest: [UInt8] = []
        func rows(_ lines: ArraySlice<ArraySlice<UInt8>>) throws {
            let evidence = try lines.map { try decoder.decode(Anomaly.Evidence.self, from: Data($0)) }
            Output.write(Data(Anomalies.csvRows(kind: kind, title: title, subject: subject, township: township, evidence).utf8))
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

    func badAnswer(_ why: String) -> ClientError {
        ClientError(code: "bad-answer", message: "the daemon's answer to \(answer) is not an anomaly report: \(why)", exitCode: 76)
    }

    /// After the last piece: the table's header and body (CSV has been written as it went).
    mutating func finish() async throws {
        try splitter.finish()
        guard let period, let settings else { throw badAnswer("the report ends without its period and settings") }
        guard format == .table else { return Output.finishStandardOutput() }
        Output.write(Data(Anomalies.header(period: period, settings: settings).utf8))
        if shape == .township, findings == 0 { Output.write(Data("\n无异常 · no anomalies found\n".utf8)) }
        try await table.read(0) { Output.write(Data($0)) }
        Output.finishStandardOutput()
    }
}
