import Crypto
import Foundation
import Testing

/// Runs `sealctl book verify` (offline: no socket) and returns its exit status and output.
func verifyBundle(_ arguments: [String]) throws -> CommandResult {
    try runCommand(Binaries.sealctl, ["book", "verify"] + arguments)
}

@Suite("Bundles verify offline; every kind of tampering has its own exit status", .ownThreads)
struct BookVerifyTests {
    func lines(_ url: URL) throws -> [String] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func write(_ lines: [String], _ url: URL) throws {
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
    }

    @Test("a bundle verifies; byte changes, deletions, swaps, truncation, forged checkpoints and other keys fail distinctly")
    func mutations() async throws {
        let daemon = try RunningDaemon(name: "verify")
        try daemon.start()
        try BookExportTests().township(daemon)
        let dir = daemon.directory
        let key = dir.appendingPathComponent("county.vkey")
        try ok(daemon, ["book", "key"]).write(to: key, atomically: true, encoding: .utf8)
        let bundle = dir.appendingPathComponent("book.jsonl")
        try ok(daemon, ["book", "export", "--format", "bundle", "--out", bundle.path])
        let again = dir.appendingPathComponent("again.jsonl")
        try ok(daemon, ["book", "export", "--format", "bundle", "--out", again.path])
        #expect(try Data(contentsOf: bundle) == Data(contentsOf: again), "the same range gives the same bytes")

        let good = try verifyBundle([bundle.path, "--key", key.path])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("verified"))
        let fingerprint = try #require(try ok(daemon, ["--json", "book", "key"]).split(separator: "\"").first { $0.count == 64 })
        #expect(good.stdout.contains(String(fingerprint)))

        let original = try lines(bundle)
        let entryIndices = original.indices.filter { original[$0].contains(#""type":"entry""#) }
        #expect(entryIndices.count > 10)
        let mutated = dir.appendingPathComponent("mutated.jsonl")
        func expectStatus(_ lines: [String], _ status: Int32, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            try write(lines, mutated)
            let result = try verifyBundle([mutated.path, "--key", key.path])
            #expect(result.status == status, "\(what): exit \(result.status), \(result.stderr)", sourceLocation: sourceLocation)
        }
        var altered = original
        let target = try #require(entryIndices.first { original[$0].contains("个体工商户") })
        altered[target] = original[target].replacingOccurrences(of: "个体工商户", with: "个人独资企")
        try expectStatus(altered, 11, "one entry changed")
        var deleted = original
        deleted.remove(at: entryIndices[5])
        try expectStatus(deleted, 12, "an entry deleted")
        var swapped = original
        swapped.swapAt(entryIndices[3], entryIndices[4])
        try expectStatus(swapped, 12, "two entries swapped")
        try expectStatus(Array(original.prefix(entryIndices[7])), 12, "truncated")
        var forged = original
        let checkpointIndex = try #require(original.firstIndex { $0.contains(#""type":"checkpoint""#) })
        let rootLine = try #require(try jsonObject(original[checkpointIndex])["note"] as? String).split(separator: "\n")[2]
        forged[checkpointIndex] = original[checkpointIndex].replacingOccurrences(of: String(rootLine), with: String(repeating: "A", count: 43) + "=")
        try expectStatus(forged, 10, "the checkpoint replaced")
        // An entry rewritten together with its leaf hash: only the signed root can tell.
        var rehashed = original
        let line = try jsonObject(original[target])
        let text = (line["entry"] as! String).replacingOccurrences(of: "个体工商户", with: "个人独资企")
        let leaf = SHA256.hash(data: [0x00] + Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
        rehashed[target] = original[target].replacingOccurrences(of: "个体工商户", with: "个人独资企")
            .replacingOccurrences(of: line["leaf"] as! String, with: leaf)
        try expectStatus(rehashed, 13, "an entry rewritten with its leaf hash")
        try expectStatus(["not json"] + original, 65, "not a bundle")

        // Another register (another key) cannot pass for this one.
        let other = try RunningDaemon(name: "verify-other")
        try other.start()
        try ok(other, ["staff", "add", "X001", "--name", "某某", "--role", "clerk"])
        let foreign = dir.appendingPathComponent("foreign.jsonl")
        try ok(other, ["book", "export", "--format", "bundle", "--out", foreign.path])
        #expect(try verifyBundle([foreign.path, "--key", key.path]).status == 10)
        #expect(try verifyBundle([foreign.path]).status == 0, "without --key a bundle proves only its own integrity")
    }

    @Test("--previous passes for a real older export and fails for a forged history")
    func history() async throws {
        let daemon = try RunningDaemon(name: "history")
        try daemon.start()
        try BookExportTests().township(daemon)
        let dir = daemon.directory
        let older = dir.appendingPathComponent("older.jsonl")
        try ok(daemon, ["book", "export", "--format", "bundle", "--out", older.path])
        // A copy of the register that goes another way after the older export: same key, same origin.
        _ = await daemon.stop()
        let forkState = dir.appendingPathComponent("fork")
        #expect(try runCommand("/bin/cp", ["-a", daemon.stateDirectory, forkState.path]).status == 0)
        try daemon.start()
        try ok(daemon, ["staff", "add", "S009", "--name", "真实", "--role", "clerk"])
        let newer = dir.appendingPathComponent("newer.jsonl")
        try ok(daemon, ["book", "export", "--format", "bundle", "--out", newer.path])
        let passed = try verifyBundle([newer.path, "--previous", older.path])
        #expect(passed.status == 0, "\(passed.stderr)")
        #expect(passed.stdout.contains("consistent with the older book"))
        _ = await daemon.stop()

        let fork = try RunningDaemon(name: "history-fork")
        #expect(try runCommand("/bin/cp", ["-a", forkState.path, fork.stateDirectory]).status == 0)
        try fork.start()
        try ok(fork, ["staff", "add", "S009", "--name", "伪造", "--role", "clerk"])
        let rewritten = dir.appendingPathComponent("rewritten.jsonl")
        try ok(fork, ["book", "export", "--format", "bundle", "--out", rewritten.path])
        // The rewritten register's older export vs the real newer one: histories diverge after the older size.
        let forkedOlder = dir.appendingPathComponent("forked-older.jsonl")
        try ok(fork, ["book", "export", "--format", "bundle", "--out", forkedOlder.path])
        let diverged = try verifyBundle([newer.path, "--previous", forkedOlder.path])
        #expect(diverged.status == 14, "forged history: \(diverged.status) \(diverged.stderr)")
    }
}
