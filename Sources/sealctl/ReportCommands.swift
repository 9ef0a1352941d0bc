import ArgumentParser
import Foundation
import SealCore
import SealInterchange
import SealWire

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Statistics and anomaly reports for inspectors (inspector or admin).",
        subcommands: [Stats.self, Anomalies.self]
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, csv
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stats",
            abstract: "Uses and impressions by seal, matter, user, approver and month; refusals by code.",
            discussion: """
                A use is a line of the book; impressions are its 用印数 after corrections. Refusals count every refused \
                request, approval and use in the period by its code, and approvers' denials as `denied`. --format csv \
                writes one row per figure (dimension, key, name, uses, impressions); --json the daemon's report.
                """
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var filter: BookFilterOptions
        @Option(help: "Only seals held under delegations to this township.") var township: String?
        @Option(help: "table (default) or csv.") var format: Format = .table

        func run() async throws {
            try await runReporting {
                let path = "/v1/reports/stats" + query(filter.query + [("township", township)])
                let (report, raw) = try await global.client().get(path, as: StatisticsView.self)
                if global.json { return Output.printJSON(raw) }
                Self.print(report.statistics, period: report.period, format: format)
            }
        }

        /// The report as a table or CSV rows (the county's `county report stats` prints each township's the same way).
        static func print(_ s: UsageStatistics, period: ReportPeriod, format: Format, extra: [(String, UsageStatistics)] = []) {
            switch format {
            case .csv:
                var out = CSVFormat.byteOrderMark + CSVFormat.line(["dimension", "key", "name", "uses", "impressions"])
                out += CSVFormat.line(["total", "", "", String(s.uses), String(s.impressions)])
                for (name, t) in extra { out += CSVFormat.line(["township", name, "", String(t.uses), String(t.impressions)]) }
                for dimension in UsageStatistics.Dimension.allCases {
                    for row in s.rows(dimension) {
                        out += CSVFormat.line([dimension.rawValue, row.key, row.name, String(row.uses), String(row.impressions)])
                    }
                }
                for row in s.refusals { out += CSVFormat.line(["refusal", row.code, "", String(row.count), ""]) }
                Output.write(Data(out.utf8))
            case .table:
                Swift.print("期间 period  \(periodText(period))")
                Swift.print("用印 uses \(s.uses) · 用印数 impressions \(s.impressions)\n")
                if !extra.isEmpty {
                    Swift.print("乡镇 · by township")
                    Output.printTable(["乡镇 township", "用印 uses", "用印数 impressions", "拒绝 refusals"], extra.map {
                        [$0.0, String($0.1.uses), String($0.1.impressions), String($0.1.refusals.reduce(0) { $0 + $1.count })]
                    })
                    Swift.print("")
                }
                for dimension in UsageStatistics.Dimension.allCases {
                    Swift.print(dimension.heading)
                    Output.printTable(["", "名称 name", "用印 uses", "用印数 impressions"], s.rows(dimension).map {
                        [$0.key, $0.name, String($0.uses), String($0.impressions)]
                    })
                    Swift.print("")
                }
                Swift.print("拒绝 · refusals by code")
                if s.refusals.isEmpty { Swift.print("none") } else { Output.printTable(["code", "count"], s.refusals.map { [$0.code, String($0.count)] }) }
            }
        }
    }

    struct Anomalies: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "anomalies",
            abstract: "Anomalies in the period, each with the entries that show it.",
            discussion: """
                Uses outside office hours ([policy] office_hours, office_days, holidays, workdays); urgent uses not \
                approved within [policy] urgent_window; uses under unfiled delegations; overdue carry-outs; clerks with \
                many refusals; the same approver and user approving and using quickly, repeatedly; card unlocks outside \
                office hours; approvals used to the last impression on many consecutive requests; the same 事由 on many \
                cases. Thresholds are in [anomalies]. Exit status 0 whether or not anything is found; --format csv writes \
                one row per piece of evidence.
                """
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var filter: BookFilterOptions
        @Option(help: "Only seals held under delegations to this township.") var township: String?
        @Option(help: "table (default) or csv.") var format: Format = .table
        @Option(help: "Entries each finding lists in the table (\(Self.shown) by default; CSV and --json list them all).") var entries: Int = Self.shown

        func validate() throws {
            guard entries >= 1 else { throw ValidationError("--entries must be at least 1, not \(entries)") }
        }

        func run() async throws {
            try await runReporting {
                // The table lists each finding's first entries only, so only those are asked for (the counts are all).
                let asked = format == .table && !global.json ? entries : nil
                let path = "/v1/reports/anomalies" + query(filter.query + [("township", township), ("evidence", asked.map(String.init))])
                // --json shows the answer as it comes: streamed, re-indented, never held (the daemon streams it too).
                if global.json { return try await Output.streamJSON(global.client(), path) }
                // The table and CSV are read as they come too, finding by finding (see `AnomalyReportReader`).
                var reader = AnomalyReportReader(format: format, asked: asked)
                let client = try global.client()
                do {
                    _ = try await client.receive(path) { chunk in try reader.feed(chunk.readableBytesView) }
                    try await reader.finish()
                } catch is JSONStreamSplitter.Malformed {
                    throw ClientError(code: "bad-answer", message: "the daemon's answer to /v1/reports/anomalies is not an anomaly report", exitCode: 76)
                }
            }
        }

        /// Entries a finding lists in the table unless told (`--entries`); CSV and --json list them all.
        static let shown = 1000

        /// One finding as the table shows it: its title, then its first `shown` entries and how many more there are.
        static func findingText(title: String, subject: String?, kind: String, count: Int, evidence: [Anomaly.Evidence], shown: Int = shown) -> String {
            var text = "\n\(title)\(subject.map { " — \($0)" } ?? "") [\(kind)] ×\(count)\n"
            let listed = evidence.prefix(shown)
            let (lines, _) = Output.tableLines(["ref", "time", "staff", "seal", "detail"], listed.map { [$0.ref, $0.time, $0.staff ?? "", $0.seal ?? "", $0.detail] })
            for line in lines { text += line + "\n" }
            if count > listed.count {
                text += "… 另有 \(count - listed.count) 条未列出 · \(count - listed.count) more entries not listed (--format csv or --json lists them all)\n"
            }
            return text
        }

        /// One finding's entries as CSV rows (`township`, at the county, first).
        static func csvRows(kind: String, title: String, subject: String?, township: String?, _ evidence: [Anomaly.Evidence]) -> String {
            var out = ""
            for e in evidence {
                out += CSVFormat.line((township.map { [$0] } ?? []) + [kind, title, subject ?? "", e.ref, e.time, e.staff ?? "", e.seal ?? "", e.detail])
            }
            return out
        }

        static func csvHeader(township: Bool) -> String {
            CSVFormat.byteOrderMark + CSVFormat.line((township ? ["township"] : []) + ["kind", "title", "subject", "ref", "time", "staff", "seal", "detail"])
        }

        static func header(period: ReportPeriod, settings: AnomalySettingsView) -> String {
            "期间 period  \(periodText(period))\noffice hours \(settings.officeHours.joined(separator: ", ")) on \(settings.officeDays.joined(separator: " ")) (\(settings.timezone))\n"
        }
    }
}

private func periodText(_ period: ReportPeriod) -> String {
    "\(period.from ?? "…") – \(period.to ?? "…")"
}
