import ArgumentParser
import Foundation
import SealCore
import SealWire

struct DelegationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delegation", abstract: "Record delegations (委托) of matters and seals to a township.",
        subcommands: [Add.self, List.self, Show.self, Revoke.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
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
                var covered: [Delegation.CoveredMatter] = []
                for item in matters {
                    let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2, let method = Delegation.Method(rawValue: parts[1]) else {
                        throw ClientError(code: "bad-argument", message: "--matter \(item): expected CODE=handling or CODE=acceptance", exitCode: 64)
                    }
                    covered.append(Delegation.CoveredMatter(code: parts[0], method: method))
                }
                let body = NewDelegation(
                    agreementNumber: agreement, delegatingDepartment: from, township: township, supervisingDepartment: supervisor,
                    validFrom: validFrom.date, validTo: validTo.date, filingNumber: filing, filedOn: filedOn?.date, seals: seals, matters: covered
                )
                let (d, raw) = try await global.client().call(.POST, "/v1/delegations", body: body, as: Delegation.self)
                if global.json { return Output.printJSON(raw) }
                print(d.id)
                if d.filing == nil { FileHandle.standardError.write(Data("note: \(d.id) has no filing record (unfiled)\n".utf8)) }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List delegations.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only those in force on this date (YYYY-MM-DD).", transform: DateArgument.parse) var at: DateArgument?
        @Option(help: "Only this township.") var township: String?

        func run() async throws {
            try await runReporting {
                let (answer, raw) = try await global.client().get("/v1/delegations" + query([("at", at?.description), ("township", township)]), as: DelegationListView.self)
                if global.json { return Output.printJSON(raw) }
                Output.printTable(
                    ["ID", "AGREEMENT", "FROM", "TO", "VALID", "SEALS", "MATTERS", "FILED", "STATUS"],
                    answer.items.map { x in
                        let d = x.delegation
                        return [d.id, d.agreementNumber, d.delegatingDepartment, d.township, "\(d.validFrom)…\(d.validTo)",
                                d.seals.joined(separator: ", "), "\(d.matters.count)", x.filed ? "yes" : "UNFILED",
                                d.revokedAt != nil ? "revoked" : (x.inForceToday ? "in force" : "not in force")]
                    }
                )
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a delegation and the township's list of delegated matters (赋权事项清单).")
        @OptionGroup var global: GlobalOptions
        @Argument var id: String

        func run() async throws {
            try await runReporting {
                let (x, raw) = try await global.client().get("/v1/delegations/\(escape(id))", as: DelegationView.self)
                if global.json { return Output.printJSON(raw) }
                let d = x.delegation
                var rows = [
                    ("id", d.id), ("agreement", d.agreementNumber), ("delegating department", d.delegatingDepartment), ("township", d.township),
                    ("supervising department", d.supervisingDepartment), ("valid", "\(d.validFrom) … \(d.validTo)"),
                    ("filing", d.filing.map { "\($0.number) (\($0.filedOn))" } ?? "UNFILED"),
                    ("seals", d.seals.joined(separator: ", ")),
                    ("status", d.revokedAt.map { "revoked \($0): \(d.revocationReason ?? "")" } ?? (x.inForceToday ? "in force" : "not in force today")),
                ]
                rows = rows.filter { !$0.1.isEmpty }
                Output.printFields(rows)
                print("\n赋权事项清单:")
                Output.printTable(
                    ["CODE", "MATTER", "METHOD", "POWER TYPE", "DELEGATING DEPT", "SUPERVISING DEPT"],
                    x.matters.map { [$0.code, $0.name, $0.method == .handling ? "handling 委托办理" : "acceptance 委托受理", $0.powerType?.rawValue ?? "", $0.delegatingDepartment, $0.supervisingDepartment] }
                )
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a delegation (admin).")
        @OptionGroup var global: GlobalOptions
        @Argument var id: String
        @Option(help: "Why.") var reason: String

        func run() async throws {
            try await runReporting {
                let (d, raw) = try await global.client().call(.POST, "/v1/delegations/\(escape(id))/revoke", body: DelegationRevocation(reason: reason), as: Delegation.self)
                if global.json { return Output.printJSON(raw) }
                print("revoked \(d.id) at \(d.revokedAt ?? "")")
            }
        }
    }
}
