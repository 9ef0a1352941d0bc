import ArgumentParser
import Crypto
import Foundation
import X509
import SealBook
import SealCore
import SealInterchange
import SealWire

struct BookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "book", abstract: "The usage book: list, export for inspectors, signed checkpoint, register key, proofs.",
        subcommands: [List.self, Export.self, Verify.self, Check.self, CheckpointCommand.self, Key.self, Proof.self]
    )

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Verify an exported bundle offline, without the daemon.",
            discussion: """
                Checks the checkpoint's signature (against --key, the register key the county holds, when given), every \
                entry against the signed tree, every electronic use's card signature against its certificate, and with \
                --previous that the older book is a prefix of this one. Exit status: 0 verified; 10 bad checkpoint \
                signature; 11 an entry altered; 12 an entry missing, reordered or the file truncated; 13 the hashes do \
                not lead to the signed root; 14 inconsistent history; 15 a card signature does not verify; 16 with \
                --witness, no valid cosignature by the county on the checkpoint; 65 not a bundle (or an unreadable key); \
                66 unreadable file.
                """
        )
        @Argument(help: "The bundle (sealctl book export --format bundle).") var bundle: String
        @Option(help: "The register's public key (the vkey line of `sealctl book key`), as the county keeps it.") var key: String?
        @Option(help: "An older bundle of the same register: it must be a prefix of this one.") var previous: String?
        @Option(help: "The county witness's key (`sealctl county key`): the checkpoint must carry its cosignature.") var witness: String?

        func run() async throws {
            var trusted: NoteVerifier?
            if let key {
                guard let text = try? String(contentsOfFile: key, encoding: .utf8),
                      let verifier = text.split(whereSeparator: \.isNewline).lazy.compactMap({ NoteVerifier(vkey: String($0)) }).first
                else {
                    FileHandle.standardError.write(Data("error: bad-key: \(key) holds no register key (vkey)\n".utf8))
                    throw ExitCode(65)
                }
                trusted = verifier
                print("key          \(verifier.name) sha256:\(verifier.fingerprint)")
            }
            var county: CosignatureVerifier?
            if let witness {
                guard let text = try? String(contentsOfFile: witness, encoding: .utf8),
                      let verifier = text.split(whereSeparator: \.isNewline).lazy.compactMap({ CosignatureVerifier(vkey: String($0)) }).first
                else {
                    FileHandle.standardError.write(Data("error: bad-key: \(witness) holds no witness key (a vkey of type 0x04, from sealctl county key)\n".utf8))
                    throw ExitCode(65)
                }
                county = verifier
            }
            var older: Checkpoint?
            if let previous {
                older = try await Self.check(previous, key: trusted, previous: nil, label: "previous").checkpoint
            }
            let summary = try await Self.check(bundle, key: trusted, witness: county, previous: older, label: "bundle")
            if trusted == nil { print("key          sha256:\(summary.keyFingerprint) (the bundle's own; compare it with the county's copy, or pass --key)") }
            print("checkpoint   \(summary.checkpoint.origin) size \(summary.checkpoint.size) root \(summary.checkpoint.root.hex) (\(summary.checkpoint.time))")
            print("entries      \(summary.first)…\(summary.last) (\(summary.entries)) verified against the signed root")
            print("signatures   \(summary.cardSignatures) electronic use(s), card signatures verified")
            if let older { print("history      consistent with the older book (size \(older.size))") }
            if let county, let at = summary.cosignedAt {
                print("witness      cosigned by \(county.name) at \(Output.time(Date(timeIntervalSince1970: TimeInterval(at)))): the county saw this history")
            }
            print("verified")
        }

        /// Streams the file line by line through the verifier (constant memory: entries are checked in batches of
        /// 4,096 lines, shared out among the cores while the next batch is read, then taken in order); exits with the
        /// failure's status.
        static func check(_ path: String, key: NoteVerifier?, witness: CosignatureVerifier? = nil, previous: Checkpoint?, label: String) async throws -> BundleVerifier.Summary {
            guard let file = fopen(path, "r") else {
                FileHandle.standardError.write(Data("error: file-unreadable: cannot read \(path)\n".utf8))
                throw ExitCode(66)
            }
            defer { fclose(file) }
            var verifier = BundleVerifier(key: key, witness: witness, previous: previous) { der, statement, signature in
                guard let certificate = try? Certificate(derEncoded: der), let publicKey = P256.Signing.PublicKey(certificate.publicKey),
                      let ecdsa = try? P256.Signing.ECDSASignature(derRepresentation: signature)
                else { return false }
                return publicKey.isValidSignature(ecdsa, for: SHA256.hash(data: statement))
            }
            var line: UnsafeMutablePointer<CChar>?
            var capacity = 0
            defer { free(line) }
            var batch: [String] = []
            // The batch being checked while the next is read: reading and taking in order overlap the checking.
            var checking: Task<[BundleVerifier.CheckedLine], Never>?
            do {
                func consumeBatch(_ checker: BundleVerifier.EntryChecker) async throws(BundleVerifier.Failure) {
                    let lines = batch
                    let next = Task { await BundleVerifier.check(lines, with: checker) }
                    batch.removeAll(keepingCapacity: true)
                    if let previous = checking { for checked in await previous.value { try verifier.consume(checked: checked) } }
                    checking = next
                }
                while true {
                    let length = getline(&line, &capacity, file)
                    if length < 0 { break }
                    var text = String(cString: line!)
                    if text.hasSuffix("\n") { text.removeLast() }
                    if text.isEmpty { continue }
                    guard let checker = verifier.entryChecker else {
                        try verifier.consume(text)
                        continue
                    }
                    batch.append(text)
                    if batch.count == 4096 { try await consumeBatch(checker) }
                }
                if let checker = verifier.entryChecker { try await consumeBatch(checker) }
                if let last = checking { for checked in await last.value { try verifier.consume(checked: checked) } }
                return try verifier.finish()
            } catch {
                let name = label == "previous" ? " (in the older bundle \(path))" : ""
                FileHandle.standardError.write(Data("error: \(error.code): \(error)\(name)\n".utf8))
                throw ExitCode(error.exitStatus)
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Export the usage book (inspector or admin), streamed to --out or stdout.",
            discussion: """
                csv: laid out like the paper 印章使用登记本, UTF-8 with BOM and CRLF, for Excel and WPS (--headers en for \
                English headers). xlsx: an Excel/WPS workbook, one sheet per seal with the same columns, the header row \
                frozen, dates and times as date values, and a last sheet with the checkpoint. html: a printable book, one section (page) per seal with the seal, its custodian and \
                delegations, and the signed checkpoint in each footer. bundle: JSON Lines with every journal entry of the \
                dates, the signed checkpoint, the register key, the card certificates and the boundary hashes, for \
                `sealctl book verify` (offline).
                """
        )
        @OptionGroup var global: GlobalOptions
        @Option(help: "csv, xlsx, html or bundle.") var format: ExportFormat = .csv
        @Option(help: "Write here instead of stdout.") var out: String?
        @OptionGroup var filter: BookFilterOptions
        @Option(help: "Only seals held under delegations to this township.") var township: String?
        @Option(help: "zh (default) or en column headers.") var headers: BookTable.Headers?

        func run() async throws {
            try await runReporting {
                let path = "/v1/book" + query([("format", format.rawValue), ("township", township), ("headers", headers?.rawValue)] + filter.query)
                try await Self.download(global.client(), path: path, binary: format == .xlsx, out: out)
            }
        }

        /// Streams an export to `out` (renamed into place only when complete) or stdout.
        static func download(_ client: DaemonClient, path: String, binary: Bool, out: String?) async throws {
            if binary, out == nil, isatty(STDOUT_FILENO) == 1 {
                throw ClientError(code: "bad-argument", message: "an xlsx workbook is binary: write it with --out FILE.xlsx", exitCode: 64)
            }
            let output: FileHandle
            if let out {
                guard FileManager.default.createFile(atPath: out + ".part", contents: nil) else {
                    throw ClientError(code: "file-unwritable", message: "cannot create \(out)", exitCode: 73)
                }
                output = try FileHandle(forWritingTo: URL(fileURLWithPath: out + ".part"))
            } else {
                output = FileHandle.standardOutput
            }
            do {
                let bytes = try await client.download(path, to: output).bytes
                if let out {
                    try output.close()
                    // Renamed only when complete: a failed export never leaves a truncated file under the name.
                    _ = try? FileManager.default.removeItem(atPath: out)
                    try FileManager.default.moveItem(atPath: out + ".part", toPath: out)
                    FileHandle.standardError.write(Data("wrote \(out) (\(bytes) bytes)\n".utf8))
                }
            } catch {
                if let out { try? FileManager.default.removeItem(atPath: out + ".part") }
                throw error
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Print the usage register (印章使用登记本), seal by seal.",
            discussion: "Columns: 序号 (per seal), date and time (local), 事由, 批准人, 用印人, 用印数 (after corrections), matter, case, urgent, corrections."
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var filter: BookFilterOptions

        func run() async throws {
            try await runReporting {
                let client = try global.client()
                // The township's seals, so its book is printed seal by seal as it is read (see `list`); JSON keeps
                // the API's order and needs none.
                var seals: [String] = []
                if let seal = filter.seal {
                    seals = [seal]
                } else if !global.json {
                    seals = try await client.get("/v1/seals", as: SealListView.self).0.items.map(\.id)
                }
                try await Self.list(client, path: "/v1/uses", lines: "/v1/book/lines", query: filter.query, json: global.json, seals: seals)
            }
        }

        /// Pages through the book at `path` (the township's or, with a `township`, the county's) and prints it seal
        /// by seal: each of `seals` is read on its own, in 序号 order, and printed page by page as it comes, so
        /// sealctl holds one page whatever the book's size; a page's columns are as wide as the seal's widest cell so
        /// far. The table is read from `lines` (the same lines as the book's cells, `BookLinesPage`) when the daemon
        /// has it, else made from the uses. `--json` writes the one `{"uses":[…]}` object in the API's order, a page
        /// at a time (`seals` unused), each use as the daemon wrote it.
        static func list(
            _ client: DaemonClient, path: String, lines: String? = nil, query filters: [(String, String?)], json: Bool, seals: [String]
        ) async throws {
            /// Every page of the book under `filters`, in order, as the daemon's bytes. Up to two pages after the one
            /// being read are asked for (one until the first is printed), each as soon as its cursor has arrived
            /// (`/v1/book/lines` sends it before it makes the lines), so the daemon makes pages on both cores while
            /// sealctl reads and prints this one. The
            /// first page is short, so the first lines show at once; the rest come 5,000 lines a page (each request
            /// costs the daemon about as much as a few hundred lines: at 1,000 a page, a tenth of a long list).
            func pages(_ filters: [(String, String?)], at path: String = path, _ take: (Data) throws -> Void) async throws {
                func page(after: String?) -> ListPage.Fetch {
                    ListPage.Fetch(client, path + query(filters + [("after", after), ("limit", after == nil ? "1000" : "5000")]))
                }
                var asked = [page(after: nil)]
                var (more, first) = (true, true)
                while !asked.isEmpty {
                    // One page ahead until the first is printed: where a cursor comes only with its whole page (the
                    // page of uses, the county's book), waiting for a second one would hold the first lines back.
                    while more, asked.count < (first ? 2 : 3) {
                        if let cursor = try await asked.last!.cursor.value { asked.append(page(after: cursor)) } else { more = false }
                    }
                    try take(try await asked.removeFirst().body.value)
                    first = false
                }
            }
            if json {
                var first = true
                Output.write(Data(#"{"uses":["#.utf8))
                try await pages(filters) { body in
                    var text = Data()
                    try ListPage.uses(body) { use in
                        if !first { text.append(UInt8(ascii: ",")) }
                        text.append(contentsOf: use)
                        first = false
                    }
                    Output.write(text)
                }
                return Output.write(Data("]}\n".utf8))
            }
            var printed = false
            for seal in seals.sorted() {
                var widths: [Int]?
                let filters = filters.filter { $0.0 != "seal" } + [("seal", seal)]
                if let lines {
                    try await pages(filters, at: lines) { body in
                        let page = try client.decode(BookLinesPage.self, body).0
                        guard page.columns.count == BookTable.columns(.chinese).count else {
                            throw ClientError(code: "bad-answer", message: "the daemon's book has \(page.columns.count) columns, not the paper book's", exitCode: 76)
                        }
                        let rows = page.rows
                        guard let first = rows.first else { return }
                        if widths == nil { print("\(first[3]) (\(seal))") }
                        widths = Output.printTable(headings, header: widths == nil, widths: widths ?? [], rows, columns: shown)
                    }
                } else {
                    try await pages(filters) { body in
                        let uses = try client.decode(UsePageView.self, body).0.uses
                        guard let first = uses.first else { return }
                        if widths == nil { print("\(first.sealName) (\(seal))") }
                        widths = Self.printLines(uses, header: widths == nil, widths: widths ?? [])
                    }
                }
                if widths != nil {
                    print("")
                    printed = true
                }
            }
            if !printed { print("no uses recorded") }
            Output.finishStandardOutput()
        }

        /// The book's columns the table shows, by their index in `BookTable.columns` (`BookLinesPage`'s cells), and
        /// its headings for them: the paper book's, less the seal's name (a heading above each seal's table), the
        /// matter's name, the method and the document's digest.
        static let shown = [0, 1, 2, 4, 5, 6, 7, 8, 10, 12, 13, 14]
        static let headings = ["序号", "日期", "时间", "事由", "批准人", "用印人", "用印数", "事项", "办件编号", "紧急", "更正", "备注"]

        /// The lines as table rows, the header first when `header`, columns at least `widths` wide; returns the
        /// widths used. The cells `shown` of a `BookLinesPage`, made here from the uses (for an answer that has only
        /// them: the county's book, a request's uses).
        @discardableResult
        static func printLines(_ lines: [UseView], header: Bool = true, widths: [Int] = []) -> [Int] {
            Output.printTable(
                headings, header: header, widths: widths,
                lines.map { u in
                    let approver = BookTable.approver(
                        BookTable.person(name: u.approverName ?? "", id: u.approver ?? ""),
                        denied: BookTable.person(name: u.deniedByName ?? "", id: u.denial?.by ?? ""), urgent: u.urgent, .chinese
                    )
                    let corrections = BookTable.corrections(recorded: u.recordedCount, u.corrections.map {
                        BookTable.Correction(
                            count: $0.count, reason: $0.reason, by: BookTable.person(name: $0.byName ?? "", id: $0.by ?? ""), day: String($0.at.prefix(10))
                        )
                    })
                    return [String(u.serial), u.localDate, u.localTime, u.reason, approver, BookTable.person(name: u.userName, id: u.user),
                            String(u.count), u.matter, u.caseNumber, u.urgent ? "是" : "", corrections, u.note ?? ""]
                }
            )
        }
    }

    /// A page of a paged list as the daemon sends it — uses `{"next":"…","uses":[…]}`, requests
    /// `{"next":"…","requests":[…]}` — read in parts (`JSONStreamSplitter`).
    enum ListPage {
        struct Found: Error {}

        /// The cursor of the page after this one (`next`, absent on the last page). The daemon sorts its keys, so
        /// `next` comes before the items and is read without them.
        static func cursor(_ body: Data) throws -> String? {
            var reader = CursorReader()
            return try reader.feed(body) ?? reader.finish()
        }

        /// The cursor read as the page arrives, part by part: known as soon as `next` has arrived (the daemon sorts
        /// its keys, so before the items), or at the end of the page that has none.
        struct CursorReader {
            private var splitter = JSONStreamSplitter { $0.isEmpty }
            private var found: String??

            /// The cursor once these bytes complete it (`.some(nil)`: none, the last page), else nil: read on.
            mutating func feed(_ bytes: some Sequence<UInt8>) throws -> String?? {
                guard found == nil else { return found }
                var cursor: String?
                do {
                    try splitter.feed(bytes) { event in
                        guard case .value([.key("next")], let bytes) = event else { return }
                        cursor = try WireJSON.decoder.decode(String?.self, from: Data(bytes))
                        throw Found()
                    }
                } catch is Found {
                    found = .some(cursor)
                } catch {
                    throw ClientError(code: "bad-answer", message: "the daemon's page is not JSON (\(error))", exitCode: 76)
                }
                return found
            }

            /// The cursor at the end of the page: nil when it had none.
            mutating func finish() throws -> String? {
                if let found { return found }
                do {
                    try splitter.finish()
                } catch {
                    throw ClientError(code: "bad-answer", message: "the daemon's page is not JSON (\(error))", exitCode: 76)
                }
                found = .some(nil)
                return nil
            }
        }

        /// A page on its way: its cursor as soon as it has arrived, its bytes once all have.
        struct Fetch: Sendable {
            let cursor: Task<String?, any Error>
            let body: Task<Data, any Error>

            /// Asks for the page at `path`. The cursor is handed over while the rest of the page is still arriving,
            /// so the page after it can be asked for (on another connection) and made by the daemon meanwhile.
            init(_ client: DaemonClient, _ path: String) {
                let (cursors, found) = AsyncThrowingStream<String?, any Error>.makeStream()
                body = Task {
                    var reader = CursorReader()
                    var data = Data()
                    do {
                        try await client.receive(path, timeout: .seconds(120), limit: DaemonClient.answerLimit) { chunk in
                            data.append(contentsOf: chunk.readableBytesView)
                            if let cursor = try reader.feed(chunk.readableBytesView) {
                                found.yield(cursor)
                                found.finish()
                            }
                        }
                        found.yield(try reader.finish())
                        found.finish()
                        return data
                    } catch {
                        found.finish(throwing: error)
                        throw error
                    }
                }
                cursor = Task {
                    for try await cursor in cursors { return cursor }
                    throw CancellationError()  // not reached: the body yields a cursor or fails
                }
            }
        }

        /// Each use's JSON as the daemon wrote it, in order.
        static func uses(_ body: Data, _ use: ([UInt8]) -> Void) throws {
            try items(body, under: "uses", use)
        }

        /// Each item of the page's list under `key` (a paged list answer, `{"next":"…","<key>":[…]}`), as the
        /// daemon wrote it, in order.
        static func items(_ body: Data, under key: String, _ item: ([UInt8]) -> Void) throws {
            var splitter = JSONStreamSplitter { $0.isEmpty || $0 == [.key(key)] }
            var seen = false
            do {
                try splitter.feed(body) { event in
                    switch event {
                    case .value(let path, let bytes) where path.count == 2 && path[0] == .key(key): item(bytes)
                    case .end([.key(key)]): seen = true
                    default: break
                    }
                }
                try splitter.finish()
            } catch {
                throw ClientError(code: "bad-answer", message: "the daemon's page of \(key) is not JSON (\(error))", exitCode: 76)
            }
            guard seen else { throw ClientError(code: "bad-answer", message: "the daemon's page has no \(key)", exitCode: 76) }
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Check the register now, as the daemon does at start-up: the journal and every registry table.",
            discussion: """
                Every journal entry against the signed checkpoint, and every row of every registry table against its \
                seal and the digests bound to the checkpoint: a row edited, added or deleted behind the daemon's back is \
                named. What is found refuses writes from then on. Inspector or admin. Exit status: 0 verified; 20 the \
                journal does not verify; 21 a registry table does not.
                """
        )
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            var failed: Int32 = 0
            try await runReporting {
                let (check, _) = try await global.client().get("/v1/book/check", as: RegisterCheckView.self)
                if global.json {
                    Output.printJSONLine(check)
                } else {
                    print("journal: \(check.journal) (\(check.entries) entries)")
                    print("tables:  \(check.tables) (\(check.checkedTables.joined(separator: ", ")))")
                    print(String(format: "checked in %.2f s", check.seconds))
                }
                failed = check.journal != "verified" ? 20 : check.tables != "verified" ? 21 : 0
            }
            if failed != 0 { throw ExitCode(failed) }
        }
    }

    struct CheckpointCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkpoint",
            abstract: "Print the latest signed checkpoint (C2SP signed note: origin, size, root, time).",
            discussion: "The signature is checked against the register key before printing."
        )
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReporting {
                let client = global.client()
                let (c, raw) = try await client.get("/v1/book/checkpoint", as: CheckpointView.self)
                let (k, _) = try await client.get("/v1/book/key", as: KeyView.self)
                guard let verifier = NoteVerifier(vkey: k.vkey), Checkpoint.open(c.note, verifier: verifier) != nil else {
                    throw ClientError(code: "bad-checkpoint-signature", message: "the daemon's checkpoint does not verify with its own key", exitCode: 1)
                }
                if global.json { return Output.printJSON(raw) }
                print(c.note, terminator: "")
            }
        }
    }

    struct Key: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "key",
            abstract: "Print the register's public key (C2SP verifier key) and its fingerprint.",
            discussion: "Give the county this key: `sealctl book verify --key` checks exported books against it."
        )
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReporting {
                let (k, raw) = try await global.client().get("/v1/book/key", as: KeyView.self)
                if global.json { return Output.printJSON(raw) }
                print(k.vkey)
                FileHandle.standardError.write(Data("fingerprint (SHA-256 of the public key): \(k.fingerprint)\n".utf8))
            }
        }
    }

    struct Proof: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "proof",
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
                    let (p, raw) = try await client.get("/v1/book/proof" + query([("index", String(seq - 1)), ("size", size.map(String.init))]), as: ProofView.self)
                    let treeSize = p.size ?? 0
                    let (c, _) = try await client.get("/v1/book/checkpoint", as: CheckpointView.self)
                    if global.json { return Output.printJSON(raw) }
                    print("inclusion of entry \(seq) in tree of size \(treeSize):")
                    for h in p.hashes { print("  \(h)") }
                    if treeSize == c.size, let root = TreeHash(hex: c.rootHex), let leaf = p.leafHash.flatMap(TreeHash.init(hex:)) {
                        let ok = MerkleProof.verifyInclusion(leaf: leaf, index: seq - 1, size: treeSize, proof: p.hashes.compactMap { TreeHash(hex: $0) }, root: root)
                        guard ok else { throw ClientError(code: "proof-invalid", message: "the proof does not lead to the signed root", exitCode: 1) }
                        print("verified against the signed checkpoint root \(root.hex)")
                    }
                } else if let from, let to {
                    let (p, raw) = try await client.get("/v1/book/proof" + query([("from", String(from)), ("to", String(to))]), as: ProofView.self)
                    if global.json { return Output.printJSON(raw) }
                    print("consistency of size \(from) with size \(to):")
                    for h in p.hashes { print("  \(h)") }
                } else {
                    throw ClientError(code: "bad-argument", message: "give --seq [--size], or --from and --to", exitCode: 64)
                }
            }
        }
    }
}

/// The filters `book list` and `book export` share.
struct BookFilterOptions: ParsableArguments {
    @Option(help: "Only this seal.") var seal: String?
    @Option(help: "From this local date (YYYY-MM-DD).", transform: DateArgument.parse) var from: DateArgument?
    @Option(help: "To this local date, inclusive.", transform: DateArgument.parse) var to: DateArgument?
    @Option(help: "A calendar quarter, e.g. 2026Q3 (instead of --from and --to).", transform: Quarter.parse) var quarter: Quarter?
    @Option(help: "Only this matter code.") var matter: String?
    @Option(help: "Only uses by this staff id (用印人).") var user: String?

    func validate() throws {
        if quarter != nil && (from != nil || to != nil) { throw ValidationError("give --quarter or --from/--to, not both") }
        if let from, let to, from.date > to.date { throw ValidationError("--from \(from) is after --to \(to)") }
    }

    var query: [(String, String?)] {
        let first = quarter?.first.description ?? from?.description
        let last = quarter?.last.description ?? to?.description
        return [("seal", seal), ("from", first), ("to", last), ("matter", matter), ("user", user)]
    }
}

/// `2026Q3`: July to September 2026.
struct Quarter: Sendable {
    let year: Int
    let number: Int

    var first: LocalDate { LocalDate(year: year, month: number * 3 - 2, day: 1)! }
    var last: LocalDate {
        let month = number * 3
        return LocalDate(year: year, month: month, day: month == 6 || month == 9 ? 30 : 31)!
    }

    static func parse(_ text: String) throws -> Quarter {
        let parts = text.uppercased().split(separator: "Q", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, let year = Int(parts[0]), let number = Int(parts[1]), (1...4).contains(number) else {
            throw ValidationError("not a quarter: write it as YYYYQn, e.g. 2026Q3")
        }
        return Quarter(year: year, number: number)
    }
}
