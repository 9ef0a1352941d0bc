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

        func run() async throws {
            try await runReporting {
                let path = "/v1/reports/anomalies" + query(filter.query + [("township", township)])
                // --json shows the answer as it comes: streamed, re-indented, never held (the daemon streams it too).
                if global.json { return try await Output.streamJSON(global.client(), path) }
                let (report, _) = try await global.client().get(path, as: AnomalyReportView.self)
                Self.print(report.anomalies, settings: report.settings, period: report.period, format: format)
            }
        }

        /// The findings as a table or CSV rows; `township` (at the county) prefixes each.
        static func print(
            _ anomalies: [AnomalyFinding], settings: AnomalySettingsView, period: ReportPeriod, format: Format, township: String? = nil,
            header: Bool = true
        ) {
            switch format {
            case .csv:
                var out = header ? CSVFormat.byteOrderMark + CSVFormat.line((township == nil ? [] : ["township"]) + ["kind", "title", "subject", "ref", "time", "staff", "seal", "detail"]) : ""
                for a in anomalies {
                    for e in a.evidence {
                        out += CSVFormat.line((township.map { [$0] } ?? []) + [a.kind, a.title, a.subject ?? "", e.ref, e.time, e.staff ?? "", e.seal ?? "", e.detail])
                    }
                }
                Output.write(Data(out.utf8))
            case .table:
                if header {
                    Swift.print("期间 period  \(periodText(period))")
                    Swift.print("office hours \(settings.officeHours.joined(separator: ", ")) on \(settings.officeDays.joined(separator: " ")) (\(settings.timezone))")
                }
                if let township { Swift.print("\n== \(township) ==") }
                guard !anomalies.isEmpty else { return Swift.print("\n无异常 · no anomalies found") }
                for a in anomalies {
                    let subject = a.subject.map { " — \($0)" } ?? ""
                    Swift.print("\n\(a.title)\(subject) [\(a.kind)] ×\(a.count)")
                    Output.printTable(["ref", "time", "staff", "seal", "detail"], a.evidence.map {
                        [$0.ref, $0.time, $0.staff ?? "", $0.seal ?? "", $0.detail]
                    })
                }
            }
        }
    }
}

private func periodText(_ period: ReportPeriod) -> String {
    "\(period.from ?? "…") – \(period.to ?? "…")"
}
