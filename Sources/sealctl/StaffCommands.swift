import ArgumentParser
import Foundation
import SealCore

struct StaffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff", abstract: "Register and list staff (人员).",
        subcommands: [Add.self, List.self, Show.self, Disable.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a staff member (admin).",
            discussion: "Example: sealctl staff add S001 --name 张三 --role admin --role clerk --unix-user zhangsan"
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Staff id: letters, digits, '-' or '_'.") var id: String
        @Option(help: "Full name.") var name: String
        @Option(name: .customLong("role"), help: "admin, clerk, approver or inspector (repeat for several).") var roles: [Role]
        @Option(name: .customLong("unix-user"), help: "Unix user who acts as this staff member directly.") var unixUser: String?

        func run() async throws {
            try await runReporting {
                var body: [String: Any] = ["id": id, "name": name, "roles": roles.map(\.rawValue)]
                if let unixUser { body["unix_user"] = unixUser }
                let (staff, raw) = try await global.client().call(.POST, "/v1/staff", json: body)
                if global.json { return Output.printJSON(raw) }
                print("added staff \(staff["id"].text) (\(staff["name"].text)), roles \(staff["roles"].text)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List staff.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReporting {
                let (answer, raw) = try await global.client().call(.GET, "/v1/staff")
                if global.json { return Output.printJSON(raw) }
                Output.printTable(
                    ["ID", "NAME", "ROLES", "UNIX USER", "STATUS"],
                    answer["staff"].array.map { [$0["id"].text, $0["name"].text, $0["roles"].text, $0["unix_user"].text, $0["disabled"].bool == true ? "disabled" : "active"] }
                )
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one staff member.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: String

        func run() async throws {
            try await runReporting {
                let (s, raw) = try await global.client().call(.GET, "/v1/staff/\(escape(id))")
                if global.json { return Output.printJSON(raw) }
                Output.printFields([
                    ("id", s["id"].text), ("name", s["name"].text), ("roles", s["roles"].text),
                    ("unix user", s["unix_user"].text), ("status", s["disabled"].bool == true ? "disabled" : "active"),
                ])
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a staff member (admin): they can no longer act or be named.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: String

        func run() async throws {
            try await runReporting {
                let (s, raw) = try await global.client().call(.POST, "/v1/staff/\(escape(id))/disable")
                if global.json { return Output.printJSON(raw) }
                print("disabled staff \(s["id"].text)")
            }
        }
    }
}
