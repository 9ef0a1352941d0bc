import ArgumentParser
import Foundation
import SealCore
import SealWire

struct StaffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff", abstract: "Register and list staff (人员).",
        subcommands: [Add.self, List.self, Show.self, Disable.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
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
                let body = NewStaff(id: id, name: name, roles: roles, unixUser: unixUser)
                let (staff, raw) = try await global.client().call(.POST, "/v1/staff", body: body, as: Staff.self)
                if global.json { return Output.printJSON(raw) }
                print("added staff \(staff.id) (\(staff.name)), roles \(Output.list(staff.roles))")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List staff.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReporting {
                let (answer, raw) = try await global.client().get("/v1/staff", as: StaffListView.self)
                if global.json { return Output.printJSON(raw) }
                Output.printTable(
                    ["ID", "NAME", "ROLES", "UNIX USER", "STATUS"],
                    answer.items.map { [$0.id, $0.name, Output.list($0.roles), $0.unixUser ?? "", $0.disabled ? "disabled" : "active"] }
                )
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one staff member.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: String

        func run() async throws {
            try await runReporting {
                let (s, raw) = try await global.client().get("/v1/staff/\(escape(id))", as: Staff.self)
                if global.json { return Output.printJSON(raw) }
                Output.printFields([
                    ("id", s.id), ("name", s.name), ("roles", Output.list(s.roles)),
                    ("unix user", s.unixUser ?? ""), ("status", s.disabled ? "disabled" : "active"),
                ])
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "disable", abstract: "Disable a staff member (admin): they can no longer act or be named.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: String

        func run() async throws {
            try await runReporting {
                let (s, raw) = try await global.client().call(.POST, "/v1/staff/\(escape(id))/disable", as: Staff.self)
                if global.json { return Output.printJSON(raw) }
                print("disabled staff \(s.id)")
            }
        }
    }
}
