import ArgumentParser
import Crypto
import Foundation
import SmartCard

/// Times the raw PIV APDUs a signature takes (VERIFY, then GENERAL AUTHENTICATE) on a card in a PC/SC reader,
/// through pcscd, without the daemon: the floor under `use sign`. Results go to Benchmarks/RESULTS.md.
@main
struct PCSCBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pcsc-bench", abstract: "Time VERIFY + GENERAL AUTHENTICATE (slot 9C, P-256) on a PIV card."
    )

    @Option(help: "Reader name (as `sealctl card list` or `opensc-tool -l` shows it).") var reader: String
    @Option(help: "The card's PIN.") var pin: String
    @Option(help: "Signatures to make.") var iterations = 200

    func run() throws {
        let context = try PCSCContext()
        let connection = try context.connect(reader: reader)
        defer { connection.disconnect() }
        let piv = PIVClient(connection)
        try piv.select()
        let certificate = try CardCertificate(der: try piv.certificate9C())
        let digest = Array(SHA256.hash(data: Data("pcsc-bench".utf8)))
        let pinBytes = Array(pin.utf8)
        var verify: [Double] = []
        var sign: [Double] = []
        for _ in 0..<iterations {
            let t0 = DispatchTime.now().uptimeNanoseconds
            try pinBytes.withUnsafeBytes { try piv.verify(pin: $0) }
            let t1 = DispatchTime.now().uptimeNanoseconds
            let signature = try piv.sign(digest: digest)
            let t2 = DispatchTime.now().uptimeNanoseconds
            guard let key = try? certificate.publicKey(), let ecdsa = try? P256.Signing.ECDSASignature(derRepresentation: signature),
                  key.isValidSignature(ecdsa, for: SHA256.hash(data: Data("pcsc-bench".utf8)))
            else { throw ValidationError("a signature did not verify") }
            verify.append(Double(t1 - t0) / 1e6)
            sign.append(Double(t2 - t1) / 1e6)
        }
        func line(_ name: String, _ samples: [Double]) {
            let sorted = samples.sorted()
            let mean = samples.reduce(0, +) / Double(samples.count)
            let figures = [mean, sorted[sorted.count / 2], sorted[sorted.count * 95 / 100]].map { String(format: "%7.3f ms", $0) }
            print(name.padding(toLength: 30, withPad: " ", startingAt: 0) + "mean \(figures[0])  median \(figures[1])  p95 \(figures[2])")
        }
        print("\(iterations) signatures on \(reader) (\(certificate.subject))")
        line("VERIFY", verify)
        line("GENERAL AUTHENTICATE", sign)
        line("VERIFY + GENERAL AUTHENTICATE", zip(verify, sign).map(+))
    }
}
