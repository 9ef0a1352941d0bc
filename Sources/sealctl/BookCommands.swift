import ArgumentParser
import Foundation
import SealBook

struct BookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "book", abstract: "The usage book's integrity: signed checkpoint, register key, proofs.",
        subcommands: [Checkpoint_.self, Key.self, Proof.self]
    )

    struct Checkpoint_: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkpoint",
            abstract: "Print the latest signed checkpoint (C2SP signed note: origin, size, root, time).",
            discussion: "The signature is checked against the register key before printing."
        )
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReporting {
                let client = global.client()
                let (c, raw) = try await client.call(.GET, "/v1/book/checkpoint")
                let (k, _) = try await client.call(.GET, "/v1/book/key")
                guard let verifier = NoteVerifier(vkey: k["vkey"].text), Checkpoint.open(c["note"].text, verifier: verifier) != nil else {
                    throw ClientError(code: "bad-checkpoint-signature", message: "the daemon's checkpoint does not verify with its own key", exitCode: 1)
                }
                if global.json { return Output.printJSON(raw) }
                print(c["note"].text, terminator: "")
            }
        }
    }

    struct Key: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the register's public key (C2SP verifier key) and its fingerprint.",
            discussion: "Give the county this key: `sealctl book verify --key` checks exported books against it."
        )
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReporting {
                let (k, raw) = try await global.client().call(.GET, "/v1/book/key")
                if global.json { return Output.printJSON(raw) }
                print(k["vkey"].text)
                FileHandle.standardError.write(Data("fingerprint (SHA-256 of the public key): \(k["fingerprint"].text)\n".utf8))
            }
        }
    }

    struct Proof: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch and check an inclusion proof (--seq, --size) or a consistency proof (--from, --to).",
            discussion: "The proof is verified here against the roots the daemon signs; a bad proof exits non-zero."
        )
        @OptionGroup var global: GlobalOptions
        @Option(help: "Sequence number of the entry to prove (leaf index = seq - 1).") var seq: Int?
        @Option(help: "Tree size to prove it in (default: the latest).") var size: Int?
        @Option(help: "Older tree size.") var from: Int?
        @Option(help: "Newer tree size.") var to: Int?

        func run() async throws {
            try await runReporting {
                let client = global.client()
                if let seq {
                    let (p, raw) = try await client.call(.GET, "/v1/book/proof" + query([("index", String(seq - 1)), ("size", size.map(String.init))]))
                    let treeSize = p["size"].int ?? 0
                    let (c, _) = try await client.call(.GET, "/v1/book/checkpoint")
                    if global.json { return Output.printJSON(raw) }
                    print("inclusion of entry \(seq) in tree of size \(treeSize):")
                    for h in p["hashes"].array { print("  \(h.text)") }
                    if treeSize == c["size"].int, let root = TreeHash(hex: c["root_hex"].text), let leaf = TreeHash(hex: p["leaf_hash"].text) {
                        let ok = MerkleProof.verifyInclusion(leaf: leaf, index: seq - 1, size: treeSize, proof: p["hashes"].array.compactMap { TreeHash(hex: $0.text) }, root: root)
                        guard ok else { throw ClientError(code: "proof-invalid", message: "the proof does not lead to the signed root", exitCode: 1) }
                        print("verified against the signed checkpoint root \(root.hex)")
                    }
                } else if let from, let to {
                    let (p, raw) = try await client.call(.GET, "/v1/book/proof" + query([("from", String(from)), ("to", String(to))]))
                    if global.json { return Output.printJSON(raw) }
                    print("consistency of size \(from) with size \(to):")
                    for h in p["hashes"].array { print("  \(h.text)") }
                } else {
                    throw ClientError(code: "bad-argument", message: "give --seq [--size], or --from and --to", exitCode: 64)
                }
            }
        }
    }
}
