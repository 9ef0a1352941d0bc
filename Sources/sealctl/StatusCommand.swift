import ArgumentParser
import Foundation
import SealWire

extension WhoAmIView {
    var userDescription: String { "uid \(uid)" + (user.map { " (\($0))" } ?? "") }
    var rolesDescription: String { roles.isEmpty ? "none" : Output.list(roles) }
    var groupsDescription: String {
        groups.map { group in group.name.map { "\($0)(\(group.gid))" } ?? "\(group.gid)" }.joined(separator: ", ")
    }
}

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the daemon's version, uptime, storage and who you are to it."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await runReporting {
            let (status, raw) = try await global.client().get("/v1/status", as: StatusView.self)
            if global.json { return Output.printJSON(raw) }
            var witness: [(String, String)] = []
            if let w = status.witness {
                let at = w.cosignedAt.map { " at \(Output.time($0))" } ?? ""
                witness.append(("county witness", "\(w.state): cosigned \(w.cosignedSize)\(at), lag \(w.lag) entries (\(w.url))"))
                if let error = w.lastError { witness.append(("witness error", error)) }
            }
            Output.printFields([
                ("version", status.version),
                ("uptime", String(format: "%.1f s", status.uptimeSeconds)),
                ("state directory", status.stateDirectory),
                ("database", "\(status.database.path) (\(Output.bytes(status.database.sizeBytes)))"),
                ("durability", "journal_mode=\(status.database.journalMode), synchronous=\(status.database.synchronous)"),
                ("journal", "\(status.journal.entries) entries, signed checkpoint at \(status.journal.checkpointSize)"),
                ("integrity", status.journal.integrity),
                ("writes", status.database.writable),
                ("register", status.journal.origin),
                ("pc/sc", {
                    let p = status.pcsc
                    return !p.enabled ? "disabled" : p.available ? "\(p.readers) reader(s), \(p.cards) card(s)" : "unavailable: \(p.message ?? "")"
                }()),
            ] + witness + [
                ("you", status.whoami.userDescription),
                ("your roles", status.whoami.rolesDescription),
            ])
        }
    }
}

struct WhoAmICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whoami", abstract: "Show your Unix identity and roles as the daemon sees them."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await runReporting {
            let (me, raw) = try await global.client().get("/v1/whoami", as: WhoAmIView.self)
            if global.json { return Output.printJSON(raw) }
            var rows = [
                ("user", me.userDescription),
                ("groups", me.groupsDescription),
                ("roles", me.rolesDescription),
                ("trusted tool", me.trustedTool ? "yes" : "no"),
            ]
            if let staff = me.onBehalfOf { rows.append(("acting for", staff)) }
            Output.printFields(rows)
        }
    }
}
