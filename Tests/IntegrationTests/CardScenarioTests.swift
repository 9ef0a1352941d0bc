import Crypto
import Foundation
import Testing
import X509

/// Runs sealctl with a PIN on stdin and expects a refusal with `code`; returns stderr.
@discardableResult
func refusedWithInput(_ daemon: RunningDaemon, _ arguments: [String], stdin: String, _ code: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let result = try daemon.sealctl(arguments, stdin: stdin)
    #expect(result.status == 1, "sealctl \(arguments.joined(separator: " ")) should be refused", sourceLocation: sourceLocation)
    #expect(result.stderr.hasPrefix("error: \(code): "), "expected \(code), got: \(result.stderr)", sourceLocation: sourceLocation)
    return result.stderr
}

/// The journal's entries of one kind, as JSON objects.
func journalEntries(_ daemon: RunningDaemon, kind: String) throws -> [[String: Any]] {
    let answer = try jsonObject(try ok(daemon, ["--json", "events", "--kind", kind]))
    return (answer["events"] as? [[String: Any]] ?? []).map { ($0["entry"] as? [String: Any]) ?? $0 }
}

func payload(_ entry: [String: Any]) -> [String: Any] { entry["payload"] as? [String: Any] ?? [:] }

/// What the daemon journaled and logged about readers and cards, for a failed wait's message.
func cardHistory(_ daemon: RunningDaemon) -> String {
    let events = ["card.inserted", "card.removed", "card.unlocked", "card.locked"].flatMap { kind in
        ((try? journalEntries(daemon, kind: kind)) ?? []).map { entry in
            "\(entry["seq"] ?? "?") \(kind) \(payload(entry)["reason"] ?? "")"
        }
    }
    let log = daemon.log.split(separator: "\n").filter { $0.contains("pcsc") || $0.contains("card") }.suffix(20)
    return "journal [\(events.joined(separator: "; "))], log [\(log.joined(separator: " | "))]"
}

@Suite("An electronic seal's card through the real pcscd", .enabled(if: CardTools.installed, CardTools.missing), .ownThreads)
struct CardScenarioTests {
    static let reader0 = "Virtual PCD 00 00"

    /// Staff, the catalogue, an active electronic seal (SEAL-0001) with a filed delegation, and a spare electronic seal.
    func setUp(_ daemon: RunningDaemon) throws {
        for (id, name, roles) in [("S001", "张三", ["admin"]), ("S002", "李四", ["approver"]), ("S003", "王五", ["clerk"])] {
            try ok(daemon, ["staff", "add", id, "--name", name] + roles.flatMap { ["--role", $0] })
        }
        try ok(daemon, ["matter", "import", RegistryScenarioTests.catalogue])
        for name in ["XX镇人民政府行政审批委托专用章(电子)", "XX镇人民政府备用电子章"] {
            try ok(daemon, ["seal", "add", "--name", name, "--kind", "delegated-approval", "--medium", "electronic", "--owner", "县行政审批服务局", "--holder", "XX镇人民政府", "--custodian", "S001"])
        }
        try ok(daemon, ["seal", "activate", "SEAL-0001"])
        try ok(daemon, ["delegation", "add", "--agreement", "委托协议2026-01", "--from", "县行政审批服务局", "--to", "XX镇", "--supervisor", "县司法局",
                        "--valid-from", "2026-01-01", "--valid-to", "2099-12-31", "--filing", "备2026-3", "--filed-on", "2026-01-05",
                        "--seal", "SEAL-0001", "--matter", "XK-001=handling"])
    }

    func approvedRequest(_ daemon: RunningDaemon, document: String, count: Int) throws -> String {
        let id = try ok(daemon, ["--as", "S003", "request", "create", "--seal", "SEAL-0001", "--matter", "XK-001", "--case", "2026-XK-\(Int.random(in: 1000...9999))",
                                 "--purpose", "decision", "--reason", "个体工商户设立登记决定书", "--count", String(count), "--document", document])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try ok(daemon, ["--as", "S002", "request", "approve", id, "--count", String(count)])
        return id
    }

    func cardPresent(_ daemon: RunningDaemon, _ fingerprint: String) throws -> Bool {
        let listing = try jsonObject(try ok(daemon, ["--json", "card", "list"]))
        return (listing["readers"] as? [[String: Any]] ?? []).contains { $0["fingerprint"] as? String == fingerprint && $0["present"] as? Bool == true }
    }

    @Test("bind, unlock, sign and verify; removal, a foreign card, a pcscd restart and a blocked PIN")
    func electronicSeal() async throws {
        let stack = try PCSCStack(name: "daemon")
        let card = try stack.insertCard(state: "seal-card.json", pin: "13572468", subject: "XX镇行政审批委托专用章")
        let fingerprint = try card.fingerprint
        let daemon = try RunningDaemon(name: "cards", extra: "[pcsc]\nunlock_timeout = \"8h\"")
        daemon.extraEnvironment = stack.clientEnvironment
        try daemon.start()
        try setUp(daemon)
        do {
            try eventually("the daemon sees the card") { try cardPresent(daemon, fingerprint) }
        } catch {
            Issue.record("cards: \((try? ok(daemon, ["--json", "card", "list"])) ?? "")\ndaemon log:\n\(daemon.log)\ncard log:\n\(card.log)\npcscd log:\n\(stack.log)")
            throw error
        }
        #expect(try ok(daemon, ["status"]).contains("2 reader(s), 1 card(s)"))

        // Binding reads the 9C certificate; a physical seal and a second binding of the same card are refused.
        let bound = try ok(daemon, ["seal", "bind-card", "SEAL-0001", "--reader", Self.reader0])
        #expect(bound.contains(fingerprint))
        try refused(daemon, ["seal", "bind-card", "SEAL-0002", "--reader", Self.reader0], "card-bound-elsewhere")
        try refused(daemon, ["seal", "bind-card", "SEAL-0002", "--reader", "No Such Reader"], "unknown-reader")
        try refused(daemon, ["--as", "S003", "seal", "bind-card", "SEAL-0002", "--reader", Self.reader0], "forbidden")

        let document = daemon.directory.appendingPathComponent("决定书.pdf")
        try Data("准予个体工商户设立登记决定书".utf8).write(to: document)
        let request = try approvedRequest(daemon, document: document.path, count: 10)

        // Locked until the custodian unlocks; only the custodian may; a wrong PIN reports the tries left.
        try refused(daemon, ["--as", "S003", "use", "sign", request, "--document", document.path], "card-locked")
        try refusedWithInput(daemon, ["--as", "S003", "card", "unlock", "--seal", "SEAL-0001", "--pin-stdin"], stdin: "13572468\n", "not-custodian")
        let wrong = try refusedWithInput(daemon, ["--as", "S001", "card", "unlock", "--seal", "SEAL-0001", "--pin-stdin"], stdin: "00000000\n", "wrong-pin")
        #expect(wrong.contains("2 tries left"))
        let unlocked = try daemon.sealctl(["--as", "S001", "card", "unlock", "--seal", "SEAL-0001", "--pin-stdin"], stdin: "13572468\n")
        #expect(unlocked.status == 0, "unlock: \(unlocked.stderr)")
        #expect(try stack.run("/usr/bin/yubico-piv-tool", ["-r", "Virtual PCD", "-a", "status"]).stdout.contains("PIN tries left:\t3"), "a right PIN resets the counter")

        // Sign; the statement, signature and certificate come back and verify with openssl and with swift-crypto.
        let saved = daemon.directory.appendingPathComponent("signed")
        let signedOutput = try ok(daemon, ["--as", "S003", "use", "sign", request, "--document", document.path, "--count", "2", "--save-dir", saved.path])
        #expect(signedOutput.contains("№1"))
        let pubkey = try runCommand("/usr/bin/openssl", ["x509", "-in", saved.appendingPathComponent("certificate.pem").path, "-pubkey", "-noout"])
        try Data(pubkey.stdout.utf8).write(to: saved.appendingPathComponent("card.pub"))
        let verified = try runCommand("/usr/bin/openssl", ["dgst", "-sha256", "-verify", saved.appendingPathComponent("card.pub").path,
                                                          "-signature", saved.appendingPathComponent("signature.der").path,
                                                          saved.appendingPathComponent("statement.json").path])
        #expect(verified.stdout.contains("Verified OK"), "openssl: \(verified.stdout)\(verified.stderr)")
        let statementBytes = try Data(contentsOf: saved.appendingPathComponent("statement.json"))
        let statement = try jsonObject(String(decoding: statementBytes, as: UTF8.self))
        let documentSHA = SHA256.hash(data: try Data(contentsOf: document)).map { String(format: "%02x", $0) }.joined()
        #expect(statement["document_sha256"] as? String == documentSHA)
        #expect(statement["certificate_sha256"] as? String == fingerprint)
        #expect(statement["seal"] as? String == "SEAL-0001")
        #expect(statement["request"] as? String == request)
        #expect(statement["count"] as? Int == 2)
        #expect(statement["user"] as? String == "S003")
        let pem = try String(contentsOf: saved.appendingPathComponent("certificate.pem"), encoding: .utf8)
        let key = try #require(P256.Signing.PublicKey(try Certificate(pemEncoded: pem).publicKey))
        let der = try Data(contentsOf: saved.appendingPathComponent("signature.der"))
        #expect(key.isValidSignature(try P256.Signing.ECDSASignature(derRepresentation: der), for: SHA256.hash(data: statementBytes)))

        // The book line keeps the statement, signature and fingerprint; a digest that is not the approved one is refused.
        let lines = try #require(try jsonObject(try ok(daemon, ["--json", "book", "list", "--seal", "SEAL-0001"]))["uses"] as? [[String: Any]])
        #expect(lines.count == 1)
        #expect(lines.first?["medium"] as? String == "electronic")
        #expect(lines.first?["certificate_fingerprint"] as? String == fingerprint)
        #expect(lines.first?["statement"] as? String == String(decoding: statementBytes, as: UTF8.self))
        #expect(lines.first?["signature"] as? String == der.base64EncodedString())
        try refused(daemon, ["--as", "S003", "use", "sign", request, "--digest", String(repeating: "ab", count: 32)], "digest-mismatch")
        try refused(daemon, ["--as", "S002", "use", "sign", request, "--document", document.path], "forbidden")
        try refused(daemon, ["--as", "S001", "use", "record", request, "--count", "1"], "wrong-medium")

        // Card removed: card-absent, and the journal shows the removal and the lock it caused.
        card.remove()
        try eventually("the daemon sees the removal") { try !cardPresent(daemon, fingerprint) }
        try refused(daemon, ["--as", "S003", "use", "sign", request, "--document", document.path], "card-absent")
        let removals = try journalEntries(daemon, kind: "card.removed")
        #expect(removals.contains { payload($0)["fingerprint"] as? String == fingerprint && payload($0)["reader"] as? String == Self.reader0 && payload($0)["seal"] as? String == "SEAL-0001" })
        #expect(try journalEntries(daemon, kind: "card.locked").contains { payload($0)["reason"] as? String == "card-removed" })

        // Reinserted: locked again until the custodian unlocks, then signing works.
        card.insert()
        try eventually("the daemon sees the card again") { try cardPresent(daemon, fingerprint) }
        #expect(try journalEntries(daemon, kind: "card.inserted").count >= 2)
        try refused(daemon, ["--as", "S003", "use", "sign", request, "--document", document.path], "card-locked")
        #expect(try daemon.sealctl(["--as", "S001", "card", "unlock", "--seal", "SEAL-0001", "--pin-stdin"], stdin: "13572468\n").status == 0)
        try ok(daemon, ["--as", "S003", "use", "sign", request, "--document", document.path])

        // pcscd dies and comes back: the daemon reports it and finds the card again by itself. (vpcd's card reconnects
        // only after pcscd is back, so the reader reads empty for a moment: the daemon counts that as a removal and
        // locks the card, the safe side.)
        await stack.killPCSCD()
        try eventually("status shows PC/SC unavailable") { try ok(daemon, ["status"]).contains("unavailable") }
        let restarted = Date()
        try stack.startPCSCD()
        try eventually("the daemon sees the card after the pcscd restart", timeout: 10) { try cardPresent(daemon, fingerprint) }
        let recovery = Date().timeIntervalSince(restarted)
        #expect(recovery < 5, "took \(recovery) s")
        // While pcscd starts, vpcd may drop the card's link once more (a presence check it finds answered late on a
        // loaded machine), which the daemon rightly takes for a removal: what it must do is find the card again and
        // keep it, so the card is watched until the daemon has seen it present for a second on end.
        try eventually("the card stays present for a second after the pcscd restart", timeout: 10) {
            for _ in 0..<10 {
                guard try cardPresent(daemon, fingerprint) else { return false }
                usleep(100_000)
            }
            return true
        }
        let status = try ok(daemon, ["status"])
        let cards = try ok(daemon, ["--json", "card", "list"])
        #expect(status.contains("2 reader(s), 1 card(s)"), "\(status)\n\(cards)")
        let unlock = try daemon.sealctl(["--as", "S001", "card", "unlock", "--seal", "SEAL-0001", "--pin-stdin"], stdin: "13572468\n")
        #expect(unlock.status == 0, "\(unlock.stderr)\ncard: \(card.log.suffix(800))")
        try ok(daemon, ["--as", "S003", "use", "sign", request, "--document", document.path])

        // Another card in the bound card's reader: card-mismatch.
        card.remove()
        try eventually("the bound card is out") { try !cardPresent(daemon, fingerprint) }
        let stranger = try stack.insertCard(state: "other-card.json", pin: "13572468", subject: "别的卡")
        let strangerFingerprint = try stranger.fingerprint
        try eventually("the other card is in") { try cardPresent(daemon, strangerFingerprint) }
        try refused(daemon, ["--as", "S003", "use", "sign", request, "--document", document.path], "card-mismatch")
        stranger.terminate()
        try eventually("the other card is out") { try !cardPresent(daemon, strangerFingerprint) }

        // Three wrong PINs block the card; the right PIN then cannot help.
        card.insert()
        try eventually("the bound card is back") { try cardPresent(daemon, fingerprint) }
        for tries in [2, 1] {
            let stderr = try refusedWithInput(daemon, ["--as", "S001", "card", "unlock", "--seal", "SEAL-0001", "--pin-stdin"], stdin: "99999999\n", "wrong-pin")
            #expect(stderr.contains("\(tries) \(tries == 1 ? "try" : "tries") left"))
        }
        try refusedWithInput(daemon, ["--as", "S001", "card", "unlock", "--seal", "SEAL-0001", "--pin-stdin"], stdin: "99999999\n", "card-blocked")
        try refusedWithInput(daemon, ["--as", "S001", "card", "unlock", "--seal", "SEAL-0001", "--pin-stdin"], stdin: "13572468\n", "card-blocked")
        #expect(try stack.run("/usr/bin/yubico-piv-tool", ["-r", "Virtual PCD", "-a", "status"]).stdout.contains("PIN tries left:\t0"))

        // Every refusal was journaled with its code; the PIN is nowhere in the journal or the log.
        let refusals = try journalEntries(daemon, kind: "refused").compactMap { payload($0)["code"] as? String }
        for code in ["card-locked", "not-custodian", "wrong-pin", "digest-mismatch", "card-absent", "card-mismatch", "card-blocked"] {
            #expect(refusals.contains(code), "no refused entry with \(code)")
        }
        let everything = try ok(daemon, ["--json", "events"])
        #expect(!everything.contains("13572468") && !everything.contains("99999999"))
        #expect(!daemon.log.contains("13572468"))
        let uses = try #require(try jsonObject(try ok(daemon, ["--json", "book", "list", "--seal", "SEAL-0001"]))["uses"] as? [[String: Any]])
        #expect(uses.map { $0["count"] as? Int } == [2, 1, 1])
        #expect(uses.allSatisfy { $0["signature"] is String })

        // The exported bundle carries the card certificate; every card signature verifies offline, and an altered
        // signature fails with its own status.
        let bundle = daemon.directory.appendingPathComponent("book.jsonl")
        try ok(daemon, ["book", "export", "--format", "bundle", "--out", bundle.path])
        let bundleCheck = try verifyBundle([bundle.path])
        #expect(bundleCheck.status == 0, "\(bundleCheck.stderr)")
        #expect(bundleCheck.stdout.contains("signatures   3 electronic use(s)"))
        var bundleLines = try String(contentsOf: bundle, encoding: .utf8).split(separator: "\n").map(String.init)
        let signed = try #require(bundleLines.firstIndex { $0.contains("use.recorded") && $0.contains(#"\"signature\":\""#) })
        let marker = try #require(bundleLines[signed].range(of: #"\"signature\":\""#))
        let start = bundleLines[signed].index(marker.upperBound, offsetBy: 12)
        bundleLines[signed].replaceSubrange(start..<bundleLines[signed].index(start, offsetBy: 4), with: "AAAA")
        try (bundleLines.joined(separator: "\n") + "\n").write(to: bundle, atomically: true, encoding: .utf8)
        #expect(try verifyBundle([bundle.path]).status == 15)
        #expect(await daemon.stop() == 0)
    }

    @Test("an unlock lapses after [pcsc] unlock_timeout: the PIN is wiped, the lock journaled, signing refused")
    func unlockTimeout() async throws {
        let stack = try PCSCStack(name: "timeout")
        let card = try stack.insertCard(state: "card.json", pin: "13572468")
        let fingerprint = try card.fingerprint
        // Long enough that the sign below comes inside it on a machine busy with the whole suite (6 s was not, once).
        let daemon = try RunningDaemon(name: "timeout", extra: "[pcsc]\nunlock_timeout = \"12s\"")
        daemon.extraEnvironment = stack.clientEnvironment
        try daemon.start()
        try setUp(daemon)
        try eventually("the daemon sees the card") { try cardPresent(daemon, fingerprint) }
        try ok(daemon, ["seal", "bind-card", "SEAL-0001", "--reader", Self.reader0])
        let document = daemon.directory.appendingPathComponent("doc.pdf")
        try Data("决定书".utf8).write(to: document)
        let request = try approvedRequest(daemon, document: document.path, count: 5)
        #expect(try daemon.sealctl(["--as", "S001", "card", "unlock", "--seal", "SEAL-0001", "--pin-stdin"], stdin: "13572468\n").status == 0)
        try ok(daemon, ["--as", "S003", "use", "sign", request, "--document", document.path])
        try eventually("the unlock lapses", timeout: 60, explain: { cardHistory(daemon) }) {
            try journalEntries(daemon, kind: "card.locked").contains { payload($0)["reason"] as? String == "timeout" }
        }
        try refused(daemon, ["--as", "S003", "use", "sign", request, "--document", document.path], "card-locked")
        #expect(try ok(daemon, ["card", "list"]).contains("locked"))
    }

    @Test("a card whose first reads fail, as one being reset answers, is read again: the daemon finds its certificate")
    func cardReadAgain() async throws {
        let stack = try PCSCStack(name: "reread")
        // The monitor's first read and two more fail; nothing changes in the reader after them.
        let card = try stack.insertCard(state: "card.json", pin: "13572468", failingSelects: 3)
        let fingerprint = try card.fingerprint
        let daemon = try RunningDaemon(name: "reread")
        daemon.extraEnvironment = stack.clientEnvironment
        try daemon.start()
        try setUp(daemon)
        try eventually("the daemon reads the card's certificate after its failed reads", timeout: 10, explain: { (try? ok(daemon, ["--json", "card", "list"])) ?? "" }) {
            try cardPresent(daemon, fingerprint)
        }
        try ok(daemon, ["seal", "bind-card", "SEAL-0001", "--reader", Self.reader0])
        #expect(try daemon.sealctl(["--as", "S001", "card", "unlock", "--seal", "SEAL-0001", "--pin-stdin"], stdin: "13572468\n").status == 0)
        #expect(await daemon.stop() == 0)
    }

    @Test("without pcscd the daemon runs, says PC/SC is unavailable, and refuses card verbs with pcsc-unavailable")
    func withoutPCSCD() async throws {
        let daemon = try RunningDaemon(name: "nopcscd")
        daemon.extraEnvironment = ["PCSCLITE_CSOCK_NAME": daemon.directory.appendingPathComponent("no-pcscd.comm").path]
        try daemon.start()
        try setUp(daemon)
        try eventually("status reports PC/SC unavailable") { try ok(daemon, ["status"]).contains("pc/sc            unavailable") }
        #expect(try ok(daemon, ["card", "list"]).contains("PC/SC unavailable"))
        try refused(daemon, ["seal", "bind-card", "SEAL-0001", "--reader", Self.reader0], "pcsc-unavailable")
        #expect(await daemon.stop() == 0)
    }
}
