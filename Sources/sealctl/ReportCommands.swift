import ArgumentParser
import Foundation
import SealCore

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
                let (report, raw) = try await global.client().call(.GET, "/v1/reports/stats" + query(filter.query + [("township", township)]))
                if global.json { return Output.printJSON(raw) }
                let s = report["statistics"]
                let dimensions: [(String, String)] = [
                    ("seal", "by_seal"), ("matter", "by_matter"), ("user", "by_user"), ("approver", "by_approver"), ("month", "by_month"),
                ]
                switch format {
                case .csv:
                    var out = CSVFormat.byteOrderMark + CSVFormat.line(["dimension", "key", "name", "uses", "impressions"])
                    out += CSVFormat.line(["total", "", "", s["uses"].text, s["impressions"].text])
                    for (dimension, key) in dimensions {
                        for row in s[key].array {
                            out += CSVFormat.line([dimension, row["key"].text, row["name"].text, row["uses"].text, row["impressions"].text])
                        }
                    }
                    for row in s["refusals"].array { out += CSVFormat.line(["refusal", row["code"].text, "", row["count"].text, ""]) }
                    Output.write(Data(out.utf8))
                case .table:
                    print("期间 period  \(periodText(report["period"]))")
                    print("用印 uses \(s["uses"].text) · 用印数 impressions \(s["impressions"].text)\n")
                    for dimension in UsageStatistics.Dimension.allCases {
                        let rows = s[dimensions.first { $0.0 == dimension.rawValue }!.1].array
                        print(dimension.heading)
                        Output.printTable(["", "名称 name", "用印 uses", "用印数 impressions"], rows.map {
                            [$0["key"].text, $0["name"].text, $0["uses"].text, $0["impressions"].text]
                        })
                        print("")
                    }
                    print("拒绝 · refusals by code")
                    let refusals = s["refusals"].array
                    if refusals.isEmpty { print("none") } else { Output.printTable(["code", "count"], refusals.map { [$0["code"].text, $0["count"].text] }) }
                }
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
                let (report, raw) = try await global.client().call(.GET, "/v1/reports/anomalies" + query(filter.query + [("township", township)]))
                if global.json { return Output.printJSON(raw) }
                let anomalies = report["anomalies"].array
                switch format {
                case .csv:
                    var out = CSVFormat.byteOrderMark + CSVFormat.line(["kind", "title", "subject", "ref", "time", "staff", "seal", "detail"])
                    for a in anomalies {
                        for e in a["evidence"].array {
                            out += CSVFormat.line([a["kind"].text, a["title"].text, a["subject"].text, e["ref"].text, e["time"].text, e["staff"].text,
                                                   e["seal"].text, e["detail"].text])
                        }
                    }
                    Output.write(Data(out.utf8))
                case .table:
                    let settings = report["settings"]
                    print("期间 period  \(periodText(report["period"]))")
                    print("office hours \(settings["office_hours"].array.map(\.text).joined(separator: ", ")) on \(settings["office_days"].array.map(\.text).joined(separator: " ")) (\(settings["timezone"].text))")
                    guard !anomalies.isEmpty else { return print("\n无异常 · no anomalies found") }
                    for a in anomalies {
                        let subject = a["subject"].isNull ? "" : " — \(a["subject"].text)"
                        print("\n\(a["title"].text)\(subject) [\(a["kind"].text)] ×\(a["count"].text)")
                        Output.printTable(["ref", "time", "staff", "seal", "detail"], a["evidence"].array.map {
                            [$0["ref"].text, $0["time"].text, $0["staff"].text, $0["seal"].text, $0["detail"].text]
                        })
                    }
                }
            }
        }
    }
}

private func periodText(_ period: JSON) -> String {
    "\(period["from"].isNull ? "…" : period["from"].text) – \(period["to"].isNull ? "…" : period["to"].text)"
}
