import ArgumentParser
import Foundation
import SealWire
#if canImport(Glibc)
import Glibc
#endif

struct CardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card", abstract: "Key cards of electronic seals: readers, unlock and lock.",
        subcommands: [List.self, Unlock.self, Lock.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Readers, the cards in them, and the seals they are bound to.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReporting {
                let (answer, raw) = try await global.client().get("/v1/cards", as: CardListView.self)
                if global.json { return Output.printJSON(raw) }
                if !answer.available { print("PC/SC unavailable: \(answer.message ?? "")\n") }
                Output.printTable(
                    ["READER", "CARD", "SUBJECT", "SHA-256", "SEAL", "STATE"],
                    answer.readers.map {
                        [$0.reader, $0.present ? "present" : "-", $0.subject ?? "", short($0.fingerprint ?? ""), $0.seal ?? "",
                         state(unlocked: $0.unlocked, until: $0.unlockedUntil, bound: $0.seal != nil)]
                    }
                )
                if !answer.seals.isEmpty {
                    print("\nbound seals:")
                    Output.printTable(["SEAL", "SHA-256", "IN READER", "STATE"], answer.seals.map {
                        [$0.seal, short($0.fingerprint), $0.reader ?? "(absent)", state(unlocked: $0.unlocked, until: $0.unlockedUntil, bound: true)]
                    })
                }
            }
        }

        func state(unlocked: Bool, until: String?, bound: Bool) -> String {
            guard unlocked else { return bound ? "locked" : "" }
            return "unlocked until \(until ?? "")"
        }

        func short(_ fingerprint: String) -> String { fingerprint.isEmpty ? "" : String(fingerprint.prefix(16)) + "…" }
    }

    struct Unlock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unlock",
            abstract: "Unlock a seal's card with its PIN (the seal's custodian).",
            discussion: """
                The PIN is read from the terminal without echo, or from the first line of standard input with \
                --pin-stdin. The daemon verifies it on the card once (a wrong PIN reports the tries left and is never \
                retried) and keeps it in locked memory until `card lock`, card removal, [pcsc] unlock_timeout or shutdown.
                """
        )
        @OptionGroup var global: GlobalOptions
        @Option(help: "Seal id.") var seal: String
        @Flag(help: "Read the PIN from standard input instead of the terminal.") var pinStdin = false

        func run() async throws {
            try await runReporting {
                var pin = try pinStdin ? readLine(strippingNewline: true) ?? "" : readPINFromTerminal(prompt: "PIN for \(seal)'s card: ")
                defer { pin = "" }
                guard !pin.isEmpty else { throw ClientError(code: "bad-argument", message: "no PIN given", exitCode: 64) }
                let (u, raw) = try await global.client().call(.POST, "/v1/cards/unlock", body: CardUnlock(seal: seal, pin: pin), as: CardListView.BoundSeal.self)
                if global.json { return Output.printJSON(raw) }
                print("\(seal): card unlocked in \(u.reader ?? "") until \(u.unlockedUntil ?? "")")
            }
        }
    }

    struct Lock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "lock", abstract: "Lock a seal's card now: the daemon forgets its PIN.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Seal id.") var seal: String

        func run() async throws {
            try await runReporting {
                let (answer, raw) = try await global.client().call(.POST, "/v1/cards/lock", body: CardLock(seal: seal), as: CardLockView.self)
                if global.json { return Output.printJSON(raw) }
                print(answer.wasUnlocked ? "\(seal): card locked" : "\(seal): card was not unlocked")
            }
        }
    }
}

/// Reads a line from /dev/tty with echo off, like getpass(3) without its deprecation.
func readPINFromTerminal(prompt: String) throws -> String {
    let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
    guard fd >= 0 else {
        throw ClientError(code: "no-terminal", message: "no terminal to read the PIN from; use --pin-stdin", exitCode: 64)
    }
    defer { close(fd) }
    var saved = termios()
    tcgetattr(fd, &saved)
    var quiet = saved
    quiet.c_lflag &= ~tcflag_t(ECHO)
    tcsetattr(fd, TCSAFLUSH, &quiet)
    defer {
        tcsetattr(fd, TCSAFLUSH, &saved)
        _ = write(fd, "\n", 1)
    }
    _ = prompt.withCString { write(fd, $0, strlen($0)) }
    var bytes: [UInt8] = []
    var byte: UInt8 = 0
    while read(fd, &byte, 1) == 1, byte != 0x0A, byte != 0x0D {
        bytes.append(byte)
    }
    defer { for i in bytes.indices { bytes[i] = 0 } }
    return String(decoding: bytes, as: UTF8.self)
}
