import ArgumentParser
import Foundation
import SealBook
import SealCore
import SealWire

/// Options of the `county` verbs: sealcountyd's socket instead of sealkeeperd's.
struct CountyOptions: ParsableArguments {
    static let defaultSocket = "/run/sealcounty/sealcounty.sock"

    // Not --socket: that is sealkeeperd's, taken by sealctl itself before the verb.
    @Option(name: .customLong("county-socket"), help: "sealcountyd's socket (default: $SEALCOUNTY_SOCKET or \(defaultSocket)).")
    var socket: String?

    /// --json (and the township's --socket, unused here) as every verb takes them.
    @OptionGroup var global: GlobalOptions
    var json: Bool { global.json }

    func client() -> DaemonClient {
        let path = socket ?? ProcessInfo.processInfo.environment["SEALCOUNTY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultSocket
        return DaemonClient(socketPath: path, daemon: "sealcountyd", onBehalfOf: nil)
    }
}

/// `sealctl county …`: the county service — townships witnessed, their cosigned sizes, forks, the witness key.
struct CountyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "county",
        abstract: "Talk to sealcountyd: witness status per township, townships, fork evidence, the witness key.",
        subcommands: [Status.self, Key.self, Township.self, Forks.self, Anomalies.self, Book.self, Report.self]
    )

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Each township: origin, cosigned size and time, mirrored size, last contact, lag, forks."
        )
        @OptionGroup var county: CountyOptions

        func run() async throws {
            try await runReporting {
                let (status, raw) = try await county.client().get("/v1/county/status", as: CountyStatusView.self)
                if county.json { return Output.printJSON(raw) }
                Output.printFields([
                    ("version", status.version), ("witness", status.witness.name), ("database", status.database),
                    ("you", status.user), ("your roles", status.roles.joined(separator: ", ")),
                ])
                print("")
                Output.printTable(
                    ["TOWNSHIP", "ORIGIN", "COSIGNED", "COSIGNED AT", "LAG", "MIRRORED", "MIRROR LAG", "LAST CONTACT", "FORKS", "LAST REFUSAL"],
                    status.townships.map { t in
                        [
                            t.name, t.origin, "\(t.cosignedSize)", t.cosignedAt.map(Output.time) ?? "never", "\(t.lag)", "\(t.mirroredSize)", "\(t.mirrorLag)",
                            t.lastContact.map(Output.time) ?? "never", "\(t.forks)", t.lastRefusal ?? "",
                        ]
                    }
                )
            }
        }
    }

    struct Key: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "key",
            abstract: "Print the witness's cosigner key (C2SP vkey, type 0x04).",
            discussion: "Townships put it in [county] witness_key; inspectors give it to `sealctl book verify --witness`."
        )
        @OptionGroup var county: CountyOptions

        func run() async throws {
            try await runReporting {
                let (key, raw) = try await county.client().get("/v1/county/key", as: CountyKeyView.self)
                if county.json { return Output.printJSON(raw) }
                print(key.vkey)
            }
        }
    }

    struct Township: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "township",
            abstract: "The townships the county witnesses.", subcommands: [Add.self, List.self, Changes.self]
        )

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "add",
                abstract: "Witness a township's register (county-admin).",
                discussion: "The key is the township's `sealctl book key`; a register key is named after its origin, so --origin may be left out."
            )
            @Option(help: "The township's name, e.g. 城关镇.") var name: String
            @Option(help: "The register's origin (default: the key's name; `sealctl status` at the township shows it).") var origin: String?
            @Option(help: "The register's verifier key (`sealctl book key` at the township).") var key: String
            @OptionGroup var county: CountyOptions

            func run() async throws {
                try await runReporting {
                    let (view, raw) = try await county.client().call(
                        .POST, "/v1/county/townships",
                        body: AddTownshipBody(name: name, origin: origin ?? NoteVerifier(vkey: key)?.name ?? "", vkey: key), as: CountyTownshipView.self
                    )
                    if county.json { return Output.printJSON(raw) }
                    print("added \(Output.safe(view.name)) (\(view.origin))")
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "List the townships witnessed.")
            @OptionGroup var county: CountyOptions

            func run() async throws {
                try await runReporting {
                    let (list, raw) = try await county.client().get("/v1/county/townships", as: CountyTownshipListView.self)
                    if county.json { return Output.printJSON(raw) }
                    Output.printTable(
                        ["NAME", "ORIGIN", "ADDED", "BY", "KEY"],
                        list.items.map { [Output.safe($0.name), $0.origin, Output.time($0.addedAt), $0.addedBy, $0.vkey] }
                    )
                }
            }
        }

        struct Changes: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "changes", abstract: "Every change to the list of townships, as recorded.")
            @OptionGroup var county: CountyOptions

            func run() async throws {
                try await runReporting {
                    let (list, raw) = try await county.client().get("/v1/county/townships/changes", as: TownshipChangeListView.self)
                    if county.json { return Output.printJSON(raw) }
                    Output.printTable(
                        ["#", "TIME", "BY", "ACTION", "NAME", "ORIGIN"],
                        list.items.map { ["\($0.id)", Output.time($0.time), $0.actor, $0.action, Output.safe($0.name), $0.origin] }
                    )
                }
            }
        }
    }

    struct Forks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "forks",
            abstract: "Fork evidence: pairs of validly signed checkpoints of one township that contradict each other.",
            discussion: "Each pair is printed in full: anyone can check both signatures with the township's key."
        )
        @OptionGroup var county: CountyOptions

        func run() async throws {
            try await runReporting {
                let (list, raw) = try await county.client().get("/v1/county/forks", as: ForkListView.self)
                if county.json { return Output.printJSON(raw) }
                if list.items.isEmpty { return print("no fork evidence") }
                for fork in list.items {
                    print("fork #\(fork.id): \(Output.safe(fork.township)) (\(fork.origin)), \(fork.reason), found \(Output.time(fork.detectedAt))")
                    print("  cosigned checkpoint:")
                    print(fork.cosignedCheckpoint.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n"))
                    print("  conflicting checkpoint (sent with old size \(fork.oldSize), \(fork.proof.count) proof lines):")
                    print(fork.conflictingCheckpoint.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n"))
                }
            }
        }
    }

    struct Anomalies: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "anomalies",
            abstract: "The county's own findings: forks, rollbacks (an older copy running), silent townships, mirror lag.",
            discussion: "Exit status 0 whether or not anything is found."
        )
        @OptionGroup var county: CountyOptions

        func run() async throws {
            try await runReporting {
                let (list, raw) = try await county.client().get("/v1/county/anomalies", as: CountyAnomalyListView.self)
                if county.json { return Output.printJSON(raw) }
                guard !list.items.isEmpty else { return print("无异常 · no anomalies found") }
                for a in list.items {
                    print("\(a.title) — \(Output.safe(a.subject ?? "")) [\(a.kind)] ×\(a.count)")
                    Output.printTable(["ref", "time", "detail"], a.evidence.map { [$0.ref, $0.time, $0.detail] })
                    print("")
                }
            }
        }
    }

    /// `sealctl county book list|export --township T`: one township's book from the county's copy, as at the township.
    struct Book: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "book",
            abstract: "A township's usage book from the county's copy (county inspector).", subcommands: [List.self, Export.self]
        )

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "list",
                abstract: "Print a township's usage register (印章使用登记本), seal by seal, as `sealctl book list` does at the township."
            )
            @OptionGroup var county: CountyOptions
            @OptionGroup var filter: BookFilterOptions
            @Option(help: "The township (its name at the county, or its origin).") var township: String

            func run() async throws {
                try await runReporting {
                    let client = try county.client()
                    let filters = filter.query + [("township", township)]
                    // The township's seals with lines under the filter (its statistics by seal), so its book is read
                    // and printed seal by seal as at the township, never gathered whole.
                    var seals: [String] = []
                    if let seal = filter.seal {
                        seals = [seal]
                    } else if !county.json {
                        seals = try await client.get("/v1/county/reports/stats" + query(filters), as: CountyStatisticsView.self).0.statistics.bySeal.map(\.key)
                    }
                    try await BookCommand.List.list(client, path: "/v1/county/uses", query: filters, json: county.json, seals: seals)
                }
            }
        }

        struct Export: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "export",
                abstract: "Export a township's usage book from the county's copy: csv, xlsx, html or bundle, as `sealctl book export`.",
                discussion: "A bundle carries the county witness's cosignature: `sealctl book verify BUNDLE --key township.vkey --witness county.vkey`."
            )
            @OptionGroup var county: CountyOptions
            @Option(help: "csv, xlsx, html or bundle.") var format: ExportFormat = .csv
            @Option(help: "Write here instead of stdout.") var out: String?
            @OptionGroup var filter: BookFilterOptions
            @Option(help: "The township (its name at the county, or its origin).") var township: String
            @Option(help: "zh (default) or en column headers.") var headers: BookTable.Headers?

            func run() async throws {
                try await runReporting {
                    let path = "/v1/county/book" + query([("format", format.rawValue), ("township", township), ("headers", headers?.rawValue)] + filter.query)
                    try await BookCommand.Export.download(county.client(), path: path, binary: format == .xlsx, out: out)
                }
            }
        }
    }

    /// `sealctl county report stats|anomalies [--township T]`: the township reports over the county's copies.
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Statistics and anomalies across townships (county inspector).", subcommands: [Stats.self, Anomalies.self]
        )

        struct Stats: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "stats",
                abstract: "The county's statistics with a line per township (or one township's), as `sealctl report stats`."
            )
            @OptionGroup var county: CountyOptions
            @OptionGroup var filter: BookFilterOptions
            @Option(help: "Only this township.") var township: String?
            @Option(help: "table (default) or csv.") var format: ReportCommand.Format = .table

            func run() async throws {
                try await runReporting {
                    let (report, raw) = try await county.client().get(
                        "/v1/county/reports/stats" + query(filter.query + [("township", township)]), as: CountyStatisticsView.self
                    )
                    if county.json { return Output.printJSON(raw) }
                    ReportCommand.Stats.print(report.statistics, period: report.period, format: format, extra: report.townships.map { ($0.name, $0.statistics) })
                }
            }
        }

        struct Anomalies: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "anomalies",
                abstract: "The county's findings, then each township's anomalies (the township's rules on the county's copy).",
                discussion: "Exit status 0 whether or not anything is found."
            )
            @OptionGroup var county: CountyOptions
            @OptionGroup var filter: BookFilterOptions
            @Option(help: "Only this township.") var township: String?
            @Option(help: "table (default) or csv.") var format: ReportCommand.Format = .table

            func run() async throws {
                try await runReporting {
                    let path = "/v1/county/reports/anomalies" + query(filter.query + [("township", township)])
                    // Streamed like the township's report (see `AnomalyReportReader`): a county's report over a long
                    // period can be larger than sealctl may hold.
                    if county.json { return try await Output.streamJSON(county.client(), path) }
                    var reader = AnomalyReportReader(format: format, shape: .county, answer: "/v1/county/reports/anomalies")
                    do {
                        _ = try await county.client().receive(path) { chunk in try reader.feed(chunk.readableBytesView) }
                        try await reader.finish()
                    } catch is JSONStreamSplitter.Malformed {
                        throw reader.badAnswer("not JSON")
                    }
                }
            }
        }
    }
}
