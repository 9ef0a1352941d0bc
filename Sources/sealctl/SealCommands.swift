import ArgumentParser
import Foundation
import SealCore
import SealWire

struct SealCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seal", abstract: "Register seals (印章) and move them through their lifecycle.",
        discussion: "Lifecycle: registered → active ⇄ suspended; active|suspended → lost | revoked; any → destroyed (with a witness).",
        subcommands: [Add.self, List.self, Show.self, Verb<Activate>.self, Verb<Suspend>.self, Verb<Revoke>.self, Verb<ReportLost>.self, Destroy.self, BindCard.self, UnbindCard.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Register a seal (admin); prints its new id.",
            discussion: "Kinds: delegated-approval (行政审批委托专用章), business (业务专用章), approval-service (审批服务专用章), official-no2 (2号公章), other."
        )
        @OptionGroup var global: GlobalOptions
        @Option(help: "Name as engraved, e.g. XX镇人民政府行政审批委托专用章.") var name: String
        @Option(help: "delegated-approval, business, approval-service, official-no2 or other.") var kind: Seal.Kind
        @Option(help: "physical or electronic.") var medium: Seal.Medium
        @Option(help: "County department that engraved or delegated it.") var owner: String
        @Option(help: "Township organisation holding it.") var holder: String
        @Option(help: "Staff id of the custodian.") var custodian: String

        func run() async throws {
            try await runReporting {
                let body = NewSeal(name: name, kind: kind, medium: medium, owner: owner, holder: holder, custodian: custodian)
                let (seal, raw) = try await global.client().call(.POST, "/v1/seals", body: body, as: Seal.self)
                if global.json { return Output.printJSON(raw) }
                print(seal.id)
            }
        }
    }

    struct BindCard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bind-card",
            abstract: "Bind the key card in a reader to an electronic seal (admin).",
            discussion: "The daemon reads the card's PIV slot 9C certificate and stores it with its SHA-256 fingerprint; a card bound to another seal is refused. `card list` names the readers."
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Seal id.") var seal: String
        @Option(help: "Reader name, as `card list` shows it.") var reader: String

        func run() async throws {
            try await runReporting {
                let (b, raw) = try await global.client().call(.POST, "/v1/seals/\(escape(seal))/card", body: CardBind(reader: reader), as: CardBindingView.self)
                if global.json { return Output.printJSON(raw) }
                print("\(seal): bound card \(b.fingerprint) (\(b.subject))")
            }
        }
    }

    struct UnbindCard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "unbind-card", abstract: "Unbind an electronic seal's key card (admin); the journal keeps its certificate.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Seal id.") var seal: String

        func run() async throws {
            try await runReporting {
                let (b, raw) = try await global.client().call(.DELETE, "/v1/seals/\(escape(seal))/card", as: CardBindingView.self)
                if global.json { return Output.printJSON(raw) }
                print("\(seal): unbound card \(b.fingerprint)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List seals.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "registered, active, suspended, lost, revoked or destroyed.") var status: Seal.Status?

        func run() async throws {
            try await runReporting {
                let (answer, raw) = try await global.client().get("/v1/seals" + query([("status", status?.rawValue)]), as: SealListView.self)
                if global.json { return Output.printJSON(raw) }
                Output.printTable(
                    ["ID", "NAME", "KIND", "MEDIUM", "STATUS", "CUSTODIAN"],
                    answer.items.map { [$0.id, $0.name, $0.kind.rawValue, $0.medium.rawValue, $0.status.rawValue, $0.custodian] }
                )
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a seal with its delegations, custody and history.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: String

        func run() async throws {
            try await runReporting {
                let (d, raw) = try await global.client().get("/v1/seals/\(escape(id))", as: SealView.self)
                if global.json { return Output.printJSON(raw) }
                let s = d.seal
                var rows = [
                    ("id", s.id), ("name", s.name), ("kind", s.kind.rawValue), ("medium", s.medium.rawValue),
                    ("status", s.status.rawValue), ("owner", s.owner), ("holder", s.holder), ("custodian", d.custody.custodian),
                ]
                if let out = d.custody.carriedOut {
                    rows.append(("carried out", "by \(out.carrier), due \(out.due)\(out.overdue ? " (OVERDUE)" : "")"))
                }
                Output.printFields(rows)
                print("\ndelegations:")
                Output.printTable(["ID", "AGREEMENT", "FROM", "VALID", "STATUS"], d.delegations.map {
                    [$0.id, $0.agreementNumber, $0.delegatingDepartment, "\($0.validFrom)…\($0.validTo)", $0.revokedAt == nil ? "" : "revoked"]
                })
                print("\nhistory:")
                EventsCommand.printEvents(d.history)
            }
        }
    }

    struct Destroy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "destroy", abstract: "Destroy a seal (销毁) before a witness other than yourself (admin).")
        @OptionGroup var global: GlobalOptions
        @Argument var id: String
        @Option(help: "Staff id of the witness.") var witness: String?
        @Option(help: "Why.") var reason: String?

        func run() async throws {
            try await runReporting {
                let body = SealTransition(reason: reason, witness: witness)
                let (seal, raw) = try await global.client().call(.POST, "/v1/seals/\(escape(id))/destroy", body: body, as: Seal.self)
                if global.json { return Output.printJSON(raw) }
                print("\(seal.id): \(seal.status.rawValue)")
            }
        }
    }
}

protocol LifecycleVerb {
    static var name: String { get }
    static var abstract: String { get }
}
enum Activate: LifecycleVerb { static let name = "activate"; static let abstract = "Activate a registered or suspended seal (启用)." }
enum Suspend: LifecycleVerb { static let name = "suspend"; static let abstract = "Suspend an active seal (停用)." }
enum Revoke: LifecycleVerb { static let name = "revoke"; static let abstract = "Revoke an active or suspended seal." }
enum ReportLost: LifecycleVerb { static let name = "report-lost"; static let abstract = "Report an active or suspended seal lost (挂失)." }

struct Verb<V: LifecycleVerb>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: V.name, abstract: V.abstract + " (admin)")
    }
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Seal id.") var id: String
    @Option(help: "Why (recorded in the journal).") var reason: String?

    func run() async throws {
        try await runReporting {
            let (seal, raw) = try await global.client().call(.POST, "/v1/seals/\(escape(id))/\(V.name)", body: SealTransition(reason: reason), as: Seal.self)
            if global.json { return Output.printJSON(raw) }
            print("\(seal.id): \(seal.status.rawValue)")
        }
    }
}
