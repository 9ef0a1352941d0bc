import ArgumentParser
import Foundation
import Glibc
import SealCardSim
import SmartCard

nonisolated(unsafe) var removeRequested: Int32 = 0
nonisolated(unsafe) var insertRequested: Int32 = 0
nonisolated(unsafe) var terminateRequested: Int32 = 0

@main
struct SealCardSimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sealcard-sim",
        abstract: "A PIV seal card (ECC P-256 key and certificate in slot 9C) on the vsmartcard-vpcd virtual reader.",
        discussion: """
            Connects to vpcd on 127.0.0.1:PORT as the card in that reader. SIGUSR1 removes the card, SIGUSR2 inserts it
            again; SIGTERM or SIGINT ends the simulator. The key, certificate, PIN and retry counter live in the state
            file (created on first run, mode 0600); without --state the card exists only for this run.
            """
    )

    @Option(help: "vpcd's TCP port for the reader (35963 is the first Debian vpcd reader).")
    var port: UInt16 = 35963

    @Option(help: "The card's state file.")
    var state: String?

    @Option(help: "The PIN of a new card (6 to 8 characters).")
    var pin = "123456"

    @Option(help: "The common name in a new card's certificate.")
    var subject = "Sealkeeper simulated seal card"

    @Flag(help: "Start with the card out of the reader (SIGUSR2 inserts it).")
    var removed = false

    @Option(help: "Answer the first N SELECTs after each insertion with 6F00, as a card being reset does.")
    var failingSelects = 0

    @Flag(help: "Print the card's certificate (PEM) and SHA-256 fingerprint, then exit.")
    var show = false

    func validate() throws {
        guard (6...8).contains(pin.utf8.count) else { throw ValidationError("a PIV PIN has 6 to 8 characters") }
    }

    func run() throws {
        if show, let state, !FileManager.default.fileExists(atPath: state) {
            throw ValidationError("no card state at \(state)")
        }
        let card = try state.map { try SimulatedCard.loadOrCreate(path: $0, subject: subject, pin: pin) }
            ?? SimulatedCard.create(subject: subject, pin: pin)
        let certificate = try CardCertificate(der: Array(card.certificate))
        if show {
            print(certificate.pem, terminator: "")
            print("sha256 \(certificate.fingerprint)")
            print("subject \(certificate.subject)")
            return
        }
        let applet = PIVApplet(card: card)
        if let state {
            applet.onChange = { try? $0.save(path: state) }
        }
        // A parent may have left signals blocked; the simulator is driven by them.
        var none = sigset_t()
        sigemptyset(&none)
        sigprocmask(SIG_SETMASK, &none, nil)
        signal(SIGUSR1) { _ in removeRequested = 1 }
        signal(SIGUSR2) { _ in insertRequested = 1 }
        signal(SIGTERM) { _ in terminateRequested = 1 }
        signal(SIGINT) { _ in terminateRequested = 1 }
        signal(SIGPIPE, SIG_IGN)
        say("card \(certificate.fingerprint) (\(certificate.subject)) for vpcd port \(port)")
        serve(applet)
    }

    func serve(_ applet: PIVApplet) {
        var inserted = !removed
        var link: VPCDLink?
        while terminateRequested == 0 {
            if removeRequested != 0 {
                removeRequested = 0
                inserted = false
                if link != nil { say("removed") }
                link = nil
                applet.reset()
            }
            if insertRequested != 0 {
                insertRequested = 0
                inserted = true
            }
            guard inserted else {
                poll(nil, 0, 500)
                continue
            }
            guard let current = link ?? VPCDLink(port: port) else {
                poll(nil, 0, 100)  // vpcd (pcscd) is not listening yet
                continue
            }
            if link == nil {
                link = current
                applet.reset()
                applet.failingSelects = failingSelects
                say("inserted")
            }
            do {
                guard let message = try current.receive(timeout: 500) else { continue }
                switch message {
                case .powerOff, .powerOn, .reset: applet.reset()
                case .atrRequest: try current.send(PIVApplet.atr)
                case .apdu(let command): try current.send(applet.process(command))
                }
            } catch {
                say("vpcd hung up; waiting for it to come back")
                link = nil
                applet.reset()
            }
        }
    }

    func say(_ line: String) {
        // Unbuffered, so a test reading the log sees each line as it happens.
        FileHandle.standardOutput.write(Data("sealcard-sim: \(line)\n".utf8))
    }
}
