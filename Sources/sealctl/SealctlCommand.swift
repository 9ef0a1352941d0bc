import ArgumentParser
import Foundation

/// `sealctl`: the command-line client of sealkeeperd.
///
/// Every command names itself (`commandName`): left to ArgumentParser, a command's name is its type's name, found
/// by `String(describing:)`, whose casts scan every protocol conformance in the process once per command type —
/// a quarter of sealctl's start-up (≈5 ms of ≈18) on every run, before it has done anything.
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
            BookCommand.self, CardCommand.self, ReportCommand.self, BackupCommand.self, RestoreCommand.self, CountyCommand.self,
        ]
    )

    @OptionGroup var global: GlobalOptions

    /// Usage errors in the documented form, `error: bad-argument: message` with status 64, naming the flag and, for
    /// a closed set of values, the valid ones; help, version and every other outcome as ArgumentParser does them.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            FileHandle.standardError.write(Data("error: bad-argument: \(message(for: error))\n  (see sealctl … --help)\n".utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        Output.finishStandardOutput()
    }
}
