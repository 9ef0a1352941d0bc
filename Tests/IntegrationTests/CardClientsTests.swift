import Foundation
import Testing

/// sealcard-sim is only worth testing against if clients nobody here wrote take it for a PIV card.
/// Whether the PC/SC stack and the foreign clients are installed; tests that need them are skipped, saying so, when not.
enum CardTools {
    static let opensc = "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"
    static var installed: Bool {
        PCSCStack.isInstalled && ["/usr/bin/yubico-piv-tool", "/usr/bin/pkcs15-tool", "/usr/bin/pkcs11-tool", "/usr/bin/openssl"]
            .allSatisfy { FileManager.default.isExecutableFile(atPath: $0) } && FileManager.default.fileExists(atPath: opensc)
    }
    static let missing: Comment = "pcscd, vsmartcard-vpcd, opensc, yubico-piv-tool or openssl is missing: run `make deps` (CI installs them)"
}

@Suite("sealcard-sim against OpenSC, yubico-piv-tool and openssl", .enabled(if: CardTools.installed, CardTools.missing), .ownThreads)
struct CardClientsTests {
    static let opensc = CardTools.opensc

    @Test("yubico-piv-tool, pkcs15-tool and OpenSC's PKCS#11 module read and sign with the simulated card")
    func foreignClients() throws {
        let stack = try PCSCStack(name: "clients")
        let card = try stack.insertCard(state: "card.json", pin: "24681357", subject: "XX镇电子印章测试卡")
        try eventually("the card is in the reader") {
            try stack.run("/usr/bin/opensc-tool", ["-l"]).stdout.contains("Yes")
        }
        let fingerprint = try card.fingerprint

        let status = try stack.run("/usr/bin/yubico-piv-tool", ["-r", "Virtual PCD", "-a", "status"])
        #expect(status.status == 0, "yubico-piv-tool -a status: \(status.stderr)")
        #expect(status.stdout.contains("Slot 9c"))
        #expect(status.stdout.contains("ECCP256"))
        #expect(status.stdout.contains(fingerprint))
        #expect(status.stdout.contains("PIN tries left:\t3"))

        let read = try stack.run("/usr/bin/yubico-piv-tool", ["-r", "Virtual PCD", "-a", "read-certificate", "-s", "9c"])
        #expect(read.status == 0, "read-certificate: \(read.stderr)")
        let shown = try runCommand(Binaries.sealcardSim, ["--state", card.statePath, "--show"]).stdout
        #expect(shown.hasPrefix(read.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))

        let listed = try stack.run("/usr/bin/pkcs15-tool", ["--list-certificates"])
        #expect(listed.status == 0, "pkcs15-tool: \(listed.stderr)")
        #expect(listed.stdout.contains("Certificate for Digital Signature"))

        // A signature made through OpenSC's PKCS#11 module, checked by openssl against the card's certificate.
        let dir = stack.directory
        let message = dir.appendingPathComponent("message.txt")
        try Data("XX镇人民政府行政审批委托专用章 用印声明".utf8).write(to: message)
        let digest = dir.appendingPathComponent("message.sha256")
        #expect(try runCommand("/usr/bin/openssl", ["dgst", "-sha256", "-binary", "-out", digest.path, message.path]).status == 0)
        let signature = dir.appendingPathComponent("message.sig")
        let signed = try stack.run("/usr/bin/pkcs11-tool", [
            "--module", Self.opensc, "--login", "--pin", "24681357", "--sign", "--mechanism", "ECDSA", "--id", "02",
            "--signature-format", "openssl", "-i", digest.path, "-o", signature.path,
        ])
        #expect(signed.status == 0, "pkcs11-tool --sign: \(signed.stderr)")
        let certificate = dir.appendingPathComponent("card.pem")
        try Data(read.stdout.utf8).write(to: certificate)
        let publicKey = try runCommand("/usr/bin/openssl", ["x509", "-in", certificate.path, "-pubkey", "-noout"])
        let keyFile = dir.appendingPathComponent("card.pub")
        try Data(publicKey.stdout.utf8).write(to: keyFile)
        let verified = try runCommand("/usr/bin/openssl", ["dgst", "-sha256", "-verify", keyFile.path, "-signature", signature.path, message.path])
        #expect(verified.stdout.contains("Verified OK"), "openssl: \(verified.stdout) \(verified.stderr)")

        // A wrong PIN through OpenSC costs a try, as on a real card.
        let wrong = try stack.run("/usr/bin/pkcs11-tool", ["--module", Self.opensc, "--login", "--pin", "11112222", "--sign", "--mechanism", "ECDSA", "--id", "02", "-i", digest.path, "-o", signature.path])
        #expect(wrong.status != 0)
        #expect(try stack.run("/usr/bin/yubico-piv-tool", ["-r", "Virtual PCD", "-a", "status"]).stdout.contains("PIN tries left:\t2"))
    }
}
