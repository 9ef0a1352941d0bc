#if canImport(Glibc)
import Glibc
#endif
import Crypto
import Foundation
import Testing

/// A log written by hand, as the specs describe it and independently of SealBook: RFC 6962 hashes, C2SP signed
/// notes with an Ed25519 key of type 0x01, add-checkpoint bodies.
struct HandLog {
    let origin: String
    let key = Curve25519.Signing.PrivateKey()
    var leaves: [Data] = []

    init(origin: String) { self.origin = origin }

    static func sha256(_ bytes: Data) -> Data { Data(SHA256.hash(data: bytes)) }
    static func leaf(_ data: Data) -> Data { sha256(Data([0]) + data) }
    static func node(_ l: Data, _ r: Data) -> Data { sha256(Data([1]) + l + r) }

    /// MTH(D[lo..<hi]) of RFC 6962 §2.1.
    func root(_ lo: Int, _ hi: Int) -> Data {
        if hi - lo == 1 { return Self.leaf(leaves[lo]) }
        var k = 1
        while k * 2 < hi - lo { k *= 2 }
        return Self.node(root(lo, lo + k), root(lo + k, hi))
    }

    /// SUBPROOF(m, D[lo..<hi], b) of RFC 6962 §2.1.2.
    func subproof(_ m: Int, _ lo: Int, _ hi: Int, _ b: Bool) -> [Data] {
        let n = hi - lo
        if m == n { return b ? [] : [root(lo, hi)] }
        var k = 1
        while k * 2 < n { k *= 2 }
        if m <= k { return subproof(m, lo, lo + k, b) + [root(lo + k, hi)] }
        return subproof(m - k, lo + k, hi, false) + [root(lo, lo + k)]
    }

    var vkey: String {
        let pub = key.publicKey.rawRepresentation
        let id = Self.sha256(Data(origin.utf8) + Data([0x0A, 0x01]) + pub).prefix(4)
        return "\(origin)+\(id.map { String(format: "%02x", $0) }.joined())+\((Data([0x01]) + pub).base64EncodedString())"
    }

    /// The signed checkpoint of the first `size` leaves (optionally with another root, to fork).
    func checkpoint(_ size: Int, root: Data? = nil, signer: Curve25519.Signing.PrivateKey? = nil) throws -> String {
        let body = "\(origin)\n\(size)\n\((root ?? self.root(0, size)).base64EncodedString())\n"
        let signer = signer ?? key
        let id = Self.sha256(Data(origin.utf8) + Data([0x0A, 0x01]) + signer.publicKey.rawRepresentation).prefix(4)
        let signature = try signer.signature(for: Data(body.utf8))
        return body + "\n\u{2014} \(origin) \((id + signature).base64EncodedString())\n"
    }

    func body(old: Int, size: Int, proof: [Data]? = nil, checkpoint: String? = nil) throws -> String {
        let lines = proof ?? (old == 0 ? [] : subproof(old, 0, size, true))
        return "old \(old)\n" + lines.map { $0.base64EncodedString() + "\n" }.joined() + "\n" + (try checkpoint ?? self.checkpoint(size))
    }

    mutating func append(_ count: Int, tag: String = "") {
        for _ in 0..<count { leaves.append(Data("entry \(leaves.count)\(tag)".utf8)) }
    }
}

@Suite("The county witness: tlog-witness bytes, rollback, forks and racing witnesses on a real PostgreSQL", .serialized, .ownThreads)
struct CountyWitnessTests {
    /// Checks a 200's body by hand: one line `— <name> base64(keyID ‖ u64 time ‖ sig)` where keyID uses type 0x04 and
    /// the signature covers "cosignature/v1\ntime T\n" + the checkpoint body.
    static func checkCosignature(_ answer: String, checkpoint: String, vkey: String) throws {
        let parts = vkey.split(separator: "+", maxSplits: 2)
        let raw = try #require(Data(base64Encoded: String(parts[2])))
        #expect(raw.first == 0x04)
        let publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: raw.dropFirst())
        let lines = answer.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 2 && lines[1].isEmpty, "one line ending in a newline: \(answer)")
        let fields = lines[0].split(separator: " ")
        #expect(fields.count == 3 && fields[0] == "\u{2014}" && fields[1] == parts[0])
        let bytes = try #require(Data(base64Encoded: String(fields[2])))
        #expect(bytes.count == 4 + 8 + 64)
        let expectedID = HandLog.sha256(Data(parts[0].utf8) + Data([0x0A, 0x04]) + publicKey.rawRepresentation).prefix(4)
        #expect(bytes.prefix(4) == expectedID)
        #expect(bytes.prefix(4).map { String(format: "%02x", $0) }.joined() == parts[1])
        let time = bytes.dropFirst(4).prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(abs(Double(time) - Date().timeIntervalSince1970) < 120)
        let body = String(checkpoint[..<checkpoint.range(of: "\n\n")!.lowerBound]) + "\n"
        #expect(publicKey.isValidSignature(bytes.suffix(64), for: Data("cosignature/v1\ntime \(time)\n\(body)".utf8)))
    }

    @Test("hand-built add-checkpoint requests get every status tlog-witness defines, and cosignatures of the spec's form")
    func handBuiltRequests() async throws {
        let postgres = try await PrivatePostgres(name: "witness")
        var log = HandLog(origin: "test.example/town-a")
        let county = try RunningCounty(
            name: "witness", postgres: postgres,
            townships: "[[township]]\nname = \"甲镇\"\norigin = \"\(log.origin)\"\nvkey = \"\(log.vkey)\"\n"
        )
        try county.start()
        let vkey = try county.vkey()
        log.append(3)

        // 404: unknown origin. 403: signed by a key the witness does not trust for the origin.
        var stranger = HandLog(origin: "test.example/unknown")
        stranger.append(1)
        #expect(try county.addCheckpoint(try stranger.body(old: 0, size: 1)).status == 404)
        let forged = try log.checkpoint(3, signer: Curve25519.Signing.PrivateKey())
        #expect(try county.addCheckpoint(try log.body(old: 0, size: 3, checkpoint: forged)).status == 403)
        // 400: malformed, and old larger than the checkpoint.
        #expect(try county.addCheckpoint("old 01\n\n" + (try log.checkpoint(3))).status == 400)
        #expect(try county.addCheckpoint(try log.body(old: 4, size: 3, proof: [])).status == 400)
        // 413: a body over [townships] max_body (16 KiB), refused before it is read.
        #expect(try county.addCheckpoint(String(repeating: "x", count: 20_000)).status == 413)

        // 200 for the first checkpoint, with old 0 and no proof.
        let first = try county.addCheckpoint(try log.body(old: 0, size: 3))
        #expect(first.status == 200, "\(first.body)")
        try Self.checkCosignature(first.body, checkpoint: try log.checkpoint(3), vkey: vkey)

        // 409 with the cosigned size as text/x.tlog.size when old is not that size.
        log.append(2)
        let conflict = try county.addCheckpoint(try log.body(old: 0, size: 5))
        #expect(conflict.status == 409)
        #expect(conflict.contentType == "text/x.tlog.size")
        #expect(conflict.body == "3\n")
        // 422 for a proof that does not verify; 200 for the right one.
        let wrong = [HandLog.sha256(Data("not a node".utf8))] + log.subproof(3, 0, 5, true).dropFirst()
        #expect(try county.addCheckpoint(try log.body(old: 3, size: 5, proof: wrong)).status == 422)
        let grown = try county.addCheckpoint(try log.body(old: 3, size: 5))
        #expect(grown.status == 200, "\(grown.body)")
        try Self.checkCosignature(grown.body, checkpoint: try log.checkpoint(5), vkey: vkey)

        // The same size with another root: 409 and fork evidence; the same checkpoint again: cosigned again.
        let forkRoot = HandLog.sha256(Data("another history".utf8))
        let fork = try county.addCheckpoint(try log.body(old: 5, size: 5, proof: [], checkpoint: try log.checkpoint(5, root: forkRoot)))
        #expect(fork.status == 409 && fork.body == "5\n")
        #expect(try county.addCheckpoint(try log.body(old: 5, size: 5, proof: [])).status == 200)

        // The county inspector sees the evidence, and the township's state.
        let forks = try jsonObject(try county.sealctl(["forks", "--json"]).stdout)["forks"] as? [[String: Any]] ?? []
        #expect(forks.count == 2, "a same-size fork and the failing proof")
        #expect(Set(forks.compactMap { $0["reason"] as? String }) == ["same-size-other-root", "inconsistent-proof"])
        #expect(forks.allSatisfy { ($0["cosigned_checkpoint"] as? String)?.contains("\n\u{2014} ") == true })
        let status = try county.sealctl(["status", "--json"])
        let townships = try jsonObject(status.stdout)["townships"] as? [[String: Any]] ?? []
        #expect(townships.first?["cosigned_size"] as? Int == 5)
        #expect(townships.first?["forks"] as? Int == 2)
        #expect(try county.sealctl(["status"]).stdout.contains("甲镇"))
        // Staff are who SO_PEERCRED says: uid 65534 is a county inspector here, so it reads but may not add townships;
        // uid 65533 holds no county role at all.
        #expect(try county.sealctl(["status"], asUID: 65534).status == 0)
        let notAdmin = try county.sealctl(["township", "add", "--name", "辛镇", "--key", stranger.vkey], asUID: 65534)
        #expect(notAdmin.status == 1 && notAdmin.stderr.contains("forbidden") && notAdmin.stderr.contains("county-admin"), "\(notAdmin.stderr)")
        let nobody = try county.sealctl(["key"], asUID: 65533)
        #expect(nobody.status == 1 && nobody.stderr.contains("holds no county role"), "\(nobody.stderr)")
        // A typo is an error, not an empty answer; a township's key must be a register key named after its origin.
        let typo = try county.sealctl(["township", "add", "--name", "辛镇", "--key", "not-a-key"])
        #expect(typo.status == 1 && typo.stderr.contains("invalid-field"), "\(typo.stderr)")
        let taken = try county.sealctl(["township", "add", "--name", "甲镇", "--key", stranger.vkey])
        #expect(taken.status == 1 && taken.stderr.contains("township-exists"), "\(taken.stderr)")
        #expect(await county.stop() == 0)
    }

    @Test("two witness processes on one database racing on one township never cosign two inconsistent checkpoints")
    func racingWitnesses() async throws {
        let postgres = try await PrivatePostgres(name: "race")
        var log = HandLog(origin: "test.example/town-r")
        let township = "[[township]]\nname = \"乙镇\"\norigin = \"\(log.origin)\"\nvkey = \"\(log.vkey)\"\n"
        let a = try RunningCounty(name: "race-a", postgres: postgres, townships: township)
        try a.start()
        // The second process shares the first one's key, as instances of one witness do.
        let b = try RunningCounty(name: "race-b", postgres: postgres, townships: township, stateDirectory: a.directory.appendingPathComponent("state").path)
        try b.start()
        #expect(try a.vkey() == b.vkey())
        log.append(2)
        #expect(try a.addCheckpoint(try log.body(old: 0, size: 2)).status == 200)
        var cosigned = 2
        for round in 0..<8 {
            // Two histories that both extend the cosigned one, each sent to another process at the same moment.
            var left = log
            left.append(2, tag: "L\(round)")
            var right = log
            right.append(2, tag: "R\(round)")
            let bodies = [try left.body(old: cosigned, size: cosigned + 2), try right.body(old: cosigned, size: cosigned + 2)]
            async let first = Task.detached { try a.addCheckpoint(bodies[0]) }.value
            async let second = Task.detached { try b.addCheckpoint(bodies[1]) }.value
            let answers = try await [first, second]
            let winners = answers.indices.filter { answers[$0].status == 200 }
            #expect(winners.count == 1, "round \(round): \(answers.map(\.status))")
            #expect(answers.allSatisfy { $0.status == 200 || $0.status == 409 })
            log = winners.first == 1 ? right : left
            cosigned += 2
        }
        let state = try jsonObject(try a.sealctl(["status", "--json"]).stdout)["townships"] as? [[String: Any]] ?? []
        #expect(state.first?["cosigned_size"] as? Int == cosigned)
        #expect(try a.addCheckpoint(try log.body(old: cosigned, size: cosigned, proof: [])).status == 200, "the winner's history is the cosigned one")
    }

    @Test("a township is cosigned within seconds, keeps working while the county is down, and a restored older copy is refused")
    func townshipRollback() async throws {
        let postgres = try await PrivatePostgres(name: "rollback")
        let county = try RunningCounty(name: "rollback", postgres: postgres)
        try county.start()
        let township = try await Self.linkedTownship("rollback", name: "丙镇", county: county)
        func witness() throws -> [String: Any] { try Self.witness(township) }
        func awaitCosigned(_ size: Int) async throws { try await Self.awaitCosigned(township, size, county: county) }
        #expect(try township.sealctl(["staff", "add", "S001", "--name", "张三", "--role", "clerk"]).status == 0)
        try await awaitCosigned(1)
        let countyView = try jsonObject(try county.sealctl(["status", "--json"]).stdout)["townships"] as? [[String: Any]] ?? []
        #expect(countyView.first?["cosigned_size"] as? Int == 1)

        // The county goes down: the township records on, and is cosigned again once the county is back.
        #expect(await county.stop() == 0)
        #expect(try township.sealctl(["staff", "add", "S002", "--name", "李四", "--role", "clerk"]).status == 0)
        for _ in 0..<100 where try witness()["state"] as? String != "unreachable" { try await Task.sleep(for: .milliseconds(100)) }
        #expect(try witness()["state"] as? String == "unreachable")
        #expect(try witness()["lag"] as? Int == 1)
        // Behind for longer than max_lag: the inspector's anomaly report says so, naming the first uncosigned entry.
        try await Task.sleep(for: .seconds(1.5))
        let anomalies = try jsonObject(try township.sealctl(["report", "anomalies", "--json"]).stdout)["anomalies"] as? [[String: Any]] ?? []
        let lag = anomalies.first { $0["kind"] as? String == "witness-lag" }
        #expect(lag?["subject"] as? String == "county witness: unreachable")
        #expect((lag?["evidence"] as? [[String: Any]])?.first?["ref"] as? String == "#2")
        try county.start()
        try await awaitCosigned(2)

        // An older copy of the state directory, restored after the county cosigned more, is caught at start.
        #expect(await township.stop() == 0)
        let copy = township.directory.appendingPathComponent("state-copy").path
        #expect(try runCommand("/bin/cp", ["-a", township.stateDirectory, copy]).status == 0)
        try township.start()
        #expect(try township.sealctl(["staff", "add", "S003", "--name", "王五", "--role", "clerk"]).status == 0)
        try await awaitCosigned(3)

        // Offline proof: the exported bundle carries the county's cosignature; verify --witness accepts it with the
        // county's key, and refuses it (status 16) with another witness's key.
        let bundle = township.directory.appendingPathComponent("book.bundle").path
        #expect(try township.sealctl(["book", "export", "--format", "bundle", "--out", bundle]).status == 0)
        let countyKey = township.directory.appendingPathComponent("county.vkey").path
        try (try county.vkey() + "\n").write(toFile: countyKey, atomically: true, encoding: .utf8)
        let verified = try runCommand(Binaries.sealctl, ["book", "verify", bundle, "--witness", countyKey])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stdout.contains("cosigned by county.test/witness"))
        let other = Curve25519.Signing.PrivateKey().publicKey.rawRepresentation
        let otherID = HandLog.sha256(Data("county.test/witness".utf8) + Data([0x0A, 0x04]) + other).prefix(4).map { String(format: "%02x", $0) }.joined()
        let otherKey = township.directory.appendingPathComponent("other.vkey").path
        try "county.test/witness+\(otherID)+\((Data([0x04]) + other).base64EncodedString())\n".write(toFile: otherKey, atomically: true, encoding: .utf8)
        let impostor = try runCommand(Binaries.sealctl, ["book", "verify", bundle, "--witness", otherKey])
        #expect(impostor.status == 16, "\(impostor.stdout)\(impostor.stderr)")
        #expect(impostor.stderr.contains("witness-cosignature-missing"))
        // Without --witness the same bundle verifies as before: the county's line is one more signature, ignored.
        #expect(try runCommand(Binaries.sealctl, ["book", "verify", bundle]).status == 0)
        #expect(await township.stop() == 0)
        #expect(try runCommand("/bin/rm", ["-rf", township.stateDirectory]).status == 0)
        #expect(try runCommand("/bin/mv", [copy, township.stateDirectory]).status == 0)
        try township.start()
        for _ in 0..<100 where try witness()["state"] as? String != "rolled-back" { try await Task.sleep(for: .milliseconds(100)) }
        #expect(try witness()["state"] as? String == "rolled-back")
        let refused = try township.sealctl(["staff", "add", "S004", "--name", "赵六", "--role", "clerk"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("register-rolled-back"))
        #expect(try township.sealctl(["status"]).stdout.contains("register-rolled-back"))
        #expect(township.log.contains("register-rolled-back"))
        // Reads go on.
        #expect(try township.sealctl(["staff", "list"]).stdout.contains("李四"))
        // The county kept the older checkpoint beside the one it cosigned, and its inspector sees a rollback.
        let findings = try jsonObject(try county.sealctl(["anomalies", "--json"]).stdout)["anomalies"] as? [[String: Any]] ?? []
        #expect(findings.map { $0["kind"] as? String } == ["rollback"])
        #expect(findings.first?["subject"] as? String == "丙镇")
        #expect(await township.stop() == 0)
        #expect(await county.stop() == 0)
    }

    /// A township linked to `county`: it first runs without a county to learn its origin and key, is added at the
    /// county by a county admin with `sealctl county township add`, then runs with `[county]`.
    static func linkedTownship(_ label: String, name: String, county: RunningCounty, ca: String? = nil) async throws -> RunningDaemon {
        let township = try RunningDaemon(name: label, extra: "[pcsc]\nenabled = false")
        try township.start()
        let origin = try #require(try jsonObject(try township.sealctl(["status", "--json"]).stdout)["journal"] as? [String: Any])["origin"] as! String
        let key = try township.sealctl(["book", "key"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(await township.stop() == 0)
        let added = try county.sealctl(["township", "add", "--name", name, "--origin", origin, "--key", key])
        #expect(added.status == 0, "\(added.stderr)")
        let config = try String(contentsOfFile: township.configPath, encoding: .utf8)
        let pinned = ca.map { "ca_certificate = \"\($0)\"\n" } ?? ""
        try (config + "\n[county]\nurl = \"\(county.url)\"\nwitness_key = \"\(try county.vkey())\"\nmax_lag = \"1s\"\n" + pinned)
            .write(toFile: township.configPath, atomically: true, encoding: .utf8)
        try township.start()
        return township
    }

    static func witness(_ township: RunningDaemon) throws -> [String: Any] {
        try jsonObject(try township.sealctl(["status", "--json"]).stdout)["witness"] as? [String: Any] ?? [:]
    }

    static func awaitState(_ township: RunningDaemon, _ state: String) async throws {
        for _ in 0..<300 where try witness(township)["state"] as? String != state { try await Task.sleep(for: .milliseconds(100)) }
        let now = try witness(township)
        #expect(now["state"] as? String == state, "\(now)\n\(township.log)")
    }

    static func awaitCosigned(_ township: RunningDaemon, _ size: Int, county: RunningCounty) async throws {
        for _ in 0..<300 {
            let w = try witness(township)
            if w["cosigned_size"] as? Int == size, w["state"] as? String == "cosigned" { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("not cosigned at \(size): \(try witness(township)); county log:\n\(county.log)")
    }

    @Test("two townships on one county: one rewrites its history while the county is away and is caught as forked, with the evidence at the county; the other goes on")
    func forgedHistory() async throws {
        let postgres = try await PrivatePostgres(name: "forge")
        let county = try RunningCounty(name: "forge", postgres: postgres)
        try county.start()
        let honest = try await Self.linkedTownship("honest", name: "丁镇", county: county)
        let forger = try await Self.linkedTownship("forger", name: "戊镇", county: county)
        for (i, township) in [honest, forger].enumerated() {
            #expect(try township.sealctl(["staff", "add", "S00\(i)", "--name", "张三", "--role", "clerk"]).status == 0)
            #expect(try township.sealctl(["staff", "add", "S01\(i)", "--name", "李四", "--role", "clerk"]).status == 0)
            try await Self.awaitCosigned(township, 2, county: county)
        }
        // Root on the forger's host keeps a copy, records one more entry (cosigned), then, while the county is away,
        // goes back to the copy and records something else instead: a history the county never saw.
        #expect(await forger.stop() == 0)
        let copy = forger.directory.appendingPathComponent("state-copy").path
        #expect(try runCommand("/bin/cp", ["-a", forger.stateDirectory, copy]).status == 0)
        try forger.start()
        #expect(try forger.sealctl(["staff", "add", "S100", "--name", "王五", "--role", "clerk"]).status == 0)
        try await Self.awaitCosigned(forger, 3, county: county)
        #expect(await county.stop() == 0)
        #expect(await forger.stop() == 0)
        #expect(try runCommand("/bin/rm", ["-rf", forger.stateDirectory]).status == 0)
        #expect(try runCommand("/bin/mv", [copy, forger.stateDirectory]).status == 0)
        try forger.start()
        try await Self.awaitState(forger, "unreachable")
        #expect(try forger.sealctl(["staff", "add", "S200", "--name", "赵六", "--role", "clerk"]).status == 0)
        #expect(try forger.sealctl(["staff", "add", "S201", "--name", "钱七", "--role", "clerk"]).status == 0)
        #expect(try honest.sealctl(["staff", "add", "S300", "--name", "孙八", "--role", "clerk"]).status == 0)

        // The county returns: the forger's history does not extend what it cosigned.
        try county.start()
        try await Self.awaitState(forger, "forked")
        let refused = try forger.sealctl(["staff", "add", "S202", "--name", "周九", "--role", "clerk"])
        #expect(refused.status != 0 && refused.stderr.contains("register-forked"), "\(refused.stderr)")
        try await Self.awaitCosigned(honest, 3, county: county)
        #expect(try honest.sealctl(["staff", "add", "S301", "--name", "吴十", "--role", "clerk"]).status == 0)
        try await Self.awaitCosigned(honest, 4, county: county)

        // At the county: both townships, the forger with fork evidence whose two checkpoints both carry its signature.
        let rows = try jsonObject(try county.sealctl(["status", "--json"]).stdout)["townships"] as? [[String: Any]] ?? []
        let byName = Dictionary(uniqueKeysWithValues: rows.map { ($0["name"] as? String ?? "", $0) })
        #expect(byName["丁镇"]?["cosigned_size"] as? Int == 4)
        #expect(byName["丁镇"]?["forks"] as? Int == 0)
        #expect(byName["戊镇"]?["cosigned_size"] as? Int == 3)
        #expect((byName["戊镇"]?["forks"] as? Int ?? 0) >= 1)
        let forks = try jsonObject(try county.sealctl(["forks", "--json"]).stdout)["forks"] as? [[String: Any]] ?? []
        #expect(forks.allSatisfy { $0["township"] as? String == "戊镇" })
        // The proof from the cosigned 3 to its 4 fails. Had its first try, built from the restored copy before it recorded
        // anything, reached the county (a connection retried while the county came back), the county also keeps that
        // size-2 checkpoint as a rollback: both are true of this township.
        #expect(Set(forks.compactMap { $0["reason"] as? String }).isSubset(of: ["inconsistent-proof", "rolled-back"]), "\(forks)")
        let proofFork = forks.first { $0["reason"] as? String == "inconsistent-proof" }
        #expect((proofFork?["cosigned_checkpoint"] as? String)?.contains("\n3\n") == true, "\(forks)")
        #expect((proofFork?["conflicting_checkpoint"] as? String)?.contains("\n4\n") == true)
        #expect(try county.sealctl(["forks"]).stdout.contains("戊镇"))
        // The county inspector's anomaly report: a fork finding for the forger, nothing for the honest township.
        let findings = try jsonObject(try county.sealctl(["anomalies", "--json"]).stdout)["anomalies"] as? [[String: Any]] ?? []
        #expect(findings.allSatisfy { $0["subject"] as? String == "戊镇" }, "\(findings)")
        let fork = findings.first { $0["kind"] as? String == "fork" }
        #expect(((fork?["evidence"] as? [[String: Any]])?.first?["detail"] as? String ?? "").hasPrefix("inconsistent-proof"), "\(findings)")
        #expect(try county.sealctl(["anomalies"]).stdout.contains("登记本分叉"))
        #expect(await forger.stop() == 0)
        #expect(await honest.stop() == 0)
        #expect(await county.stop() == 0)
    }

    @Test("over TLS: a township pinned to the county's CA is cosigned; one pinned to another CA cannot talk to it at all")
    func tls() async throws {
        let postgres = try await PrivatePostgres(name: "tls")
        let scratch = try makeTemporaryDirectory("tls-certs")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let county = try makeTestCertificates(in: scratch, name: "county")
        let stranger = try makeTestCertificates(in: scratch, name: "stranger")
        let witness = try RunningCounty(name: "tls", postgres: postgres, tls: (county.certificate, county.key))
        try witness.start()
        #expect(witness.url.hasPrefix("https://"))
        let good = try await Self.linkedTownship("tls-good", name: "己镇", county: witness, ca: county.ca)
        let wrong = try await Self.linkedTownship("tls-wrong", name: "庚镇", county: witness, ca: stranger.ca)
        for township in [good, wrong] {
            #expect(try township.sealctl(["staff", "add", "S001", "--name", "张三", "--role", "clerk"]).status == 0)
        }
        try await Self.awaitCosigned(good, 1, county: witness)
        try await Self.awaitState(wrong, "unreachable")
        #expect((try Self.witness(wrong)["last_error"] as? String ?? "").lowercased().contains("certificate"))
        let rows = try jsonObject(try witness.sealctl(["status", "--json"]).stdout)["townships"] as? [[String: Any]] ?? []
        let byName = Dictionary(uniqueKeysWithValues: rows.map { ($0["name"] as? String ?? "", $0) })
        #expect(byName["己镇"]?["cosigned_size"] as? Int == 1)
        #expect(byName["庚镇"]?["last_contact"] == nil, "the refused handshake never reached the witness")
        // Plain HTTP to the TLS port gets no witness answer.
        var plain = HandLog(origin: "test.example/none")
        plain.append(1)
        #expect(try witness.addCheckpoint(try plain.body(old: 0, size: 1), to: "http://127.0.0.1:\(witness.port)").status == 0)
        #expect(await good.stop() == 0)
        #expect(await wrong.stop() == 0)
        #expect(await witness.stop() == 0)
    }

    @Test("pushback: over max_in_flight the witness answers 429 with Retry-After instead of queueing")
    func pushback() async throws {
        let postgres = try await PrivatePostgres(name: "pushback")
        let county = try RunningCounty(name: "pushback", postgres: postgres, listener: "max_in_flight = 1")
        try county.start()
        // A township's request that uploads slowly holds the only slot while its body arrives.
        let slowBody = county.directory.appendingPathComponent("slow").path
        try ("old 0\n" + String(repeating: "A", count: 3000)).write(toFile: slowBody, atomically: true, encoding: .utf8)
        let slow = Process()
        slow.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        slow.arguments = ["-s", "-o", "/dev/null", "--limit-rate", "1000", "--data-binary", "@\(slowBody)", "\(county.url)/add-checkpoint"]
        try slow.run()
        try await Task.sleep(for: .milliseconds(800))
        var log = HandLog(origin: "test.example/none")
        log.append(1)
        let busy = try runCommand("/usr/bin/curl", ["-s", "-D", "-", "-o", "/dev/null", "--data-binary", try log.body(old: 0, size: 1), "\(county.url)/add-checkpoint"])
        #expect(busy.stdout.hasPrefix("HTTP/1.1 429"), "\(busy.stdout)")
        #expect(busy.stdout.lowercased().contains("retry-after: 1"))
        slow.waitUntilExit()
        // The slot is free again: the same request now gets the protocol's answer (404: nobody knows that origin).
        #expect(try county.addCheckpoint(try log.body(old: 0, size: 1)).status == 404)
        #expect(await county.stop() == 0)
    }
}
