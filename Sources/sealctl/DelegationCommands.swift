import ArgumentParser
import Foundation

struct DelegationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delegation", abstract: "Record delegations (委托) of matters and seals to a township.",
        subcommands: [Add.self, List.self, Show.self, Revoke.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a delegation agreement (admin); prints its new id.",
            discussion: """
                Example: sealctl delegation add --agreement 委托协议2026-01 --from 县行政审批服务局 --to XX镇 \
                --supervisor 县司法局 --valid-from 2026-01-01 --valid-to 2026-12-31 --filing 备2026-3 \
                --filed-on 2026-01-05 --seal SEAL-0001 --matter XK-001=handling --matter QR-001=acceptance
                Refused: unknown seal or matter, non-delegable or cross-township matters, a seal kind that does not fit a \
                matter's category, valid-to before valid-from. Without --filing the delegation is recorded as unfiled.
                """
        )
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("agreement"), help: "Agreement number (委托协议/委托授权书).") var agreement: String
        @Option(name: .customLong("from"), help: "Delegating department (赋权部门).") var from: String
        @Option(name: .customLong("to"), help: "Delegate township.") var township: String
        @Option(name: .customLong("supervisor"), help: "Supervising department (监管部门).") var supervisor: String
        @Option(name: .customLong("valid-from"), help: "First day in force, YYYY-MM-DD.", transform: DateArgument.parse) var validFrom: DateArgument
        @Option(name: .customLong("valid-to"), help: "Last day in force, YYYY-MM-DD.", transform: DateArgument.parse) var validTo: DateArgument
        @Option(name: .customLong("filing"), help: "Judicial filing number (备案).") var filing: String?
        @Option(name: .customLong("filed-on"), help: "Filing date, YYYY-MM-DD.", transform: DateArgument.parse) var filedOn: DateArgument?
        @Option(name: .customLong("seal"), help: "Seal id covered (repeat).") var seals: [String]
        @Option(name: .customLong("matter"), help: "CODE=handling|acceptance (repeat).") var matters: [String]

        func run() async throws {
            try await runReporting {
                var covered: [[String: Any]] = []
                for item in matters {
                    let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2 else {
                        throw ClientError(code: "bad-argument", message: "--matter \(item): expected CODE=handling or CODE=acceptance", exitCode: 64)
                    }
                    covered.append(["code": parts[0], "method": parts[1]])
                }
                var body: [String: Any] = [
                    "agreement_number": agreement, "delegating_department": from, "township": township,
                    "supervising_department": supervisor, "valid_from": validFrom.description, "valid_to": validTo.description,
                    "seals": seals, "matters": covered,
                ]
                if let filing { body["filing_number"] = filing }
                if let filedOn { body["filed_on"] = filedOn.description }
                let (d, raw) = try await global.client().call(.POST, "/v1/delegations", json: body)
                if global.json { return Output.printJSON(raw) }
                print(d["id"].text)
                if d["filing"].isNull { FileHandle.standardError.write(Data("note: \(d["id"].text) has no filing record (unfiled)\n".utf8)) }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List delegations.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only those in force on this date (YYYY-MM-DD).", transform: DateArgument.parse) var at: DateArgument?
        @Option(help: "Only this township.") var township: String?

        func run() async throws {
            try await runReporting {
                let (answer, raw) = try await global.client().call(.GET, "/v1/delegations" + query([("at", at?.description), ("township", township)]))
                if global.json { return Output.printJSON(raw) }
                Output.printTable(
                    ["ID", "AGREEMENT", "FROM", "TO", "VALID", "SEALS", "MATTERS", "FILED", "STATUS"],
                    answer["delegations"].array.map { x in
                        let d = x["delegation"]
                        return [d["id"].text, d["agreement_number"].text, d["delegating_department"].text, d["township"].text,
                                "\(d["valid_from"].text)…\(d["valid_to"].text)", d["seals"].text, "\(d["matters"].array.count)",
                                x["filed"].bool == true ? "yes" : "UNFILED",
                                !d["revoked_at"].isNull ? "revoked" : (x["in_force_today"].bool == true ? "in force" : "not in force")]
                    }
                )
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a delegation and the township's list of delegated matters (赋权事项清单).")
        @OptionGroup var global: GlobalOptions
        @Argument var id: String

        func run() async throws {
            try await runReporting {
                let (x, raw) = try await global.client().call(.GET, "/v1/delegations/\(escape(id))")
                if global.json { return Output.printJSON(raw) }
                let d = x["delegation"]
                var rows = [
                    ("id", d["id"].text), ("agreement", d["agreement_number"].text),
                    ("delegating department", d["delegating_department"].text), ("township", d["township"].text),
                    ("supervising department", d["supervising_department"].text),
                    ("valid", "\(d["valid_from"].text) … \(d["valid_to"].text)"),
                    ("filing", d["filing"].isNull ? "UNFILED" : "\(d["filing"]["number"].text) (\(d["filing"]["filed_on"].text))"),
                    ("seals", d["seals"].text),
                    ("status", !d["revoked_at"].isNull ? "revoked \(d["revoked_at"].text): \(d["revocation_reason"].text)" : (x["in_force_today"].bool == true ? "in force" : "not in force today")),
                ]
                rows = rows.filter { !$0.1.isEmpty }
                Output.printFields(rows)
                print("\n赋权事项清单:")
                Output.printTable(
                    ["CODE", "MATTER", "METHOD", "POWER TYPE", "DELEGATING DEPT", "SUPERVISING DEPT"],
                    x["matters"].array.map { [$0["code"].text, $0["name"].text, $0["method"].text == "handling" ? "handling 委托办理" : "acceptance 委托受理", $0["power_type"].text, $0["delegating_department"].text, $0["supervising_department"].text] }
                )
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a delegation (admin).")
        @OptionGroup var global: GlobalOptions
        @Argument var id: String
        @Option(help: "Why.") var reason: String

        func run() async throws {
            try await runReporting {
                let (d, raw) = try await global.client().call(.POST, "/v1/delegations/\(escape(id))/revoke", json: ["reason": reason])
                if global.json { return Output.printJSON(raw) }
                print("revoked \(d["id"].text) at \(d["revoked_at"].text)")
            }
        }
    }
}
