import ArgumentParser

/// `sealctl`: the command-line client of sealkeeperd.
@main
struct SealctlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sealctl",
        abstract: "Talk to sealkeeperd: seals, delegations, requests, uses and the usage book.",
        discussion: """
            Connects to the daemon's Unix socket (--socket, else $SEALKEEPER_SOCKET, else \
            \(GlobalOptions.defaultSocket)). The daemon identifies you by your Unix user; --as names the staff \
            member a trusted tool acts for. Output is a table for people, or the API's JSON with --json.
            Errors go to stderr as "error: CODE: message" with a non-zero exit status.
            """,
        version: "0.1.0",
        subcommands: [
            StatusCommand.self, WhoAmICommand.self, StaffCommand.self, MatterCommand.self, SealCommand.self,
            DelegationCommand.self, CustodyCommand.self, RequestCommand.self, UseCommand.self, EventsCommand.self,
            BookCommand.self, CardCommand.self, ReportCommand.self, BackupCommand.self,
        ]
    )

    @OptionGroup var global: GlobalOptions
}
