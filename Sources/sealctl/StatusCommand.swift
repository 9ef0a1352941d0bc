import ArgumentParser
import Foundation

struct StatusDTO: Decodable {
    struct Database: Decodable {
        var path: String
        var sizeBytes: Int64
        var journalMode: String
        var synchronous: String
        var writable: String?
    }
    struct Journal: Decodable {
        var entries: Int
        var checkpointSize: Int
        var origin: String
        var integrity: String
    }
    var version: String
    var uptimeSeconds: Double
    var stateDirectory: String
    var database: Database
    var journal: Journal
    struct PCSC: Decodable {
        var enabled: Bool
        var available: Bool
        var message: String?
        var readers: Int
        var cards: Int
    }
    var pcsc: PCSC?
    var whoami: WhoAmIDTO
}

struct WhoAmIDTO: Decodable {
    struct Group: Decodable {
        var gid: UInt32
        var name: String?
    }
    var uid: UInt32
    var gid: UInt32
    var user: String?
    var groups: [Group]
    var roles: [String]
    var trustedTool: Bool
    var onBehalfOf: String?

    var userDescription: String { "uid \(uid)" + (user.map { " (\($0))" } ?? "") }
    var rolesDescription: String { roles.isEmpty ? "none" : roles.joined(separator: ", ") }
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
            let (status, raw) = try await global.client().get("/v1/status", as: StatusDTO.self)
            if global.json { return Output.printJSON(raw) }
            Output.printFields([
                ("version", status.version),
                ("uptime", String(format: "%.1f s", status.uptimeSeconds)),
                ("state directory", status.stateDirectory),
                ("database", "\(status.database.path) (\(Output.bytes(status.database.sizeBytes)))"),
                ("durability", "journal_mode=\(status.database.journalMode), synchronous=\(status.database.synchronous)"),
                ("journal", "\(status.journal.entries) entries, signed checkpoint at \(status.journal.checkpointSize)"),
                ("integrity", status.journal.integrity),
                ("writes", status.database.writable ?? "ok"),
                ("register", status.journal.origin),
                ("pc/sc", status.pcsc.map { p in
                    !p.enabled ? "disabled" : p.available ? "\(p.readers) reader(s), \(p.cards) card(s)" : "unavailable: \(p.message ?? "")"
                } ?? "-"),
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
            let (me, raw) = try await global.client().get("/v1/whoami", as: WhoAmIDTO.self)
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
