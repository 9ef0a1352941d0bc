import ArgumentParser
import Foundation
import SealWire

struct CustodyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "custody", abstract: "Custody of seals: handover (交接), carry-out (外带) and return.",
        subcommands: [Handover.self, CarryOut.self, Return.self, List.self, History.self]
    )

    struct Handover: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "handover", abstract: "Hand a seal from its custodian to another staff member before a witness (admin).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Seal id.") var seal: String
        @Option(help: "New custodian's staff id.") var to: String
        @Option(help: "Witness: neither the current nor the new custodian.") var witness: String

        func run() async throws {
            try await runReporting {
                let body = CustodyHandover(to: to, witness: witness)
                let (c, raw) = try await global.client().call(.POST, "/v1/seals/\(escape(seal))/custody/handover", body: body, as: CustodyView.self)
                if global.json { return Output.printJSON(raw) }
                print("\(c.seal): custodian now \(c.custodian)")
            }
        }
    }

    struct CarryOut: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "carry-out", abstract: "Record a seal leaving the office (admin).",
            discussion: "--due takes RFC 3339 (2026-11-21T18:00:00+08:00) or local time (2026-11-21 18:00)."
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Seal id.") var seal: String
        @Option(help: "Staff id of who carries it.") var carrier: String
        @Option(help: "Why it leaves.") var reason: String
        @Option(help: "When it is due back.") var due: String
        @Option(help: "Staff id of who approved it (not the carrier).") var approver: String

        func run() async throws {
            try await runReporting {
                let dueTime = try checkedTime(due, flag: "--due")
                let body = CarryOutRequest(carrier: carrier, reason: reason, due: dueTime, approver: approver)
                let (c, raw) = try await global.client().call(.POST, "/v1/seals/\(escape(seal))/custody/carry-out", body: body, as: CustodyView.self)
                if global.json { return Output.printJSON(raw) }
                print("\(c.seal): carried out by \(c.carriedOut?.carrier ?? ""), due \(c.carriedOut?.due ?? "")")
            }
        }
    }

    struct Return: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "return", abstract: "Record a carried-out seal's return (admin).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Seal id.") var seal: String

        func run() async throws {
            try await runReporting {
                let (c, raw) = try await global.client().call(.POST, "/v1/seals/\(escape(seal))/custody/return", as: CustodyView.self)
                if global.json { return Output.printJSON(raw) }
                print("\(c.seal): returned; custodian \(c.custodian)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Every seal's custodian and carry-out state.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Only carry-outs past their due time.") var overdue = false

        func run() async throws {
            try await runReporting {
                let (answer, raw) = try await global.client().get("/v1/custody" + query([("overdue", overdue ? "true" : nil)]), as: CustodyListView.self)
                if global.json { return Output.printJSON(raw) }
                Output.printTable(["SEAL", "NAME", "CUSTODIAN", "CARRIED OUT BY", "DUE", ""], answer.items.map { c in
                    let out = c.carriedOut
                    return [c.seal, c.sealName, c.custodian, out?.carrier ?? "", out?.due ?? "", out?.overdue == true ? "OVERDUE" : ""]
                })
            }
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "history", abstract: "A seal's custody events.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Seal id.") var seal: String

        func run() async throws {
            try await runReporting {
                let (answer, raw) = try await global.client().get("/v1/seals/\(escape(seal))/custody", as: EventListView.self)
                if global.json { return Output.printJSON(raw) }
                EventsCommand.printEvents(answer.items)
            }
        }
    }
}
