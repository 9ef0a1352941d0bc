import ArgumentParser
import AsyncHTTPClient
import CompressNIO
import Crypto
import Foundation
import NIOCore
import SealBook
import SealCore

/// `county-bench`: the townships of `make bench-county`. `keys` makes their register keys (and the county's
/// `[[township]]` lines); `push` builds each township's journal — staff, a matter, a seal, a delegation, then requests
/// of 50 approved and used one impression at a time, dated through 2026Q4 — with the journal types the daemon writes,
/// and sends them all at once to the county as townships do: add-checkpoint, then add-entries until 200.
@main
struct CountyBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "county-bench", subcommands: [Keys.self, Push.self])

    struct Keys: ParsableCommand {
        @Option var count: Int
        @Option var dir: String

        func run() throws {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            for n in 1...count {
                let signer = NoteSigner(name: "bench.example/town-\(n)", privateKey: Curve25519.Signing.PrivateKey())
                try signer.encoded.write(toFile: "\(dir)/town-\(n).key", atomically: true, encoding: .utf8)
                print("[[township]]\nname = \"镇\(n)\"\norigin = \"\(signer.name)\"\nvkey = \"\(signer.verifier.vkey)\"\n")
            }
        }
    }

    struct Push: AsyncParsableCommand {
        @Option var dir: String
        @Option var url: String
        @Option var uses: Int

        func run() async throws {
            let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".key") }.sorted()
            let started = ContinuousClock.now
            // Built before the clock for the upload starts: the county's work is what is measured.
            let journals = try await withThrowingTaskGroup(of: Journal.self) { group in
                for file in files {
                    let text = try String(contentsOfFile: "\(dir)/\(file)", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                    guard let signer = NoteSigner(encoded: text) else { throw ValidationError("\(file) is not a register key") }
                    group.addTask { try Journal(signer: signer, uses: uses) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // The townships' side of the work (proofs, gzip) is done before the clock too: on this machine it would
            // otherwise take the county's CPU.
            let uploads = try await withThrowingTaskGroup(of: (Int, [ByteBuffer]).self) { group in
                for (n, journal) in journals.enumerated() { group.addTask { (n, try journal.uploads()) } }
                return try await group.reduce(into: [Int: [ByteBuffer]]()) { $0[$1.0] = $1.1 }
            }
            let built = ContinuousClock.now - started
            var configuration = HTTPClient.Configuration()
            configuration.timeout = .init(connect: .seconds(5), read: .seconds(600))
            // Every township holds its own connection, as real townships do; the default of 8 would queue the rest
            // behind uploads that take minutes and time them out in the pool.
            configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: journals.count + 1)
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            let upload = ContinuousClock.now
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (n, journal) in journals.enumerated() { group.addTask { try await journal.push(http, url: url, uploads: uploads[n]!) } }
                    try await group.waitForAll()
                }
            } catch {
                try? await http.shutdown()
                throw error
            }
            let seconds = Self.seconds(ContinuousClock.now - upload)
            try? await http.shutdown()
            let entries = journals.reduce(0) { $0 + $1.entries.count }
            print(#"{"townships": \#(journals.count), "entries": \#(entries), "seconds": \#(seconds), "entries_per_second": \#(Int(Double(entries) / seconds)), "build_seconds": \#(Self.seconds(built))}"#)
        }

        static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
    }
}

/// One township's journal, its tree and its signed checkpoint.
struct Journal: Sendable {
    let origin: String
    let entries: [[UInt8]]
    let levels: [[TreeHash]]
    let checkpoint: String

    init(signer: NoteSigner, uses: Int) throws {
        origin = signer.name
        var events: [(JournalEvent, String)] = []
        let start = Date(timeIntervalSince1970: 1_790_812_800)  // 2026-10-01T00:00:00Z
        let span = 90.0 * 86_400
        let requests = max(1, uses / 50)
        func time(_ i: Int) -> String { JournalTime.stored(start.addingTimeInterval(span * Double(i) / Double(requests * 52 + 10))) }
        var i = 0
        func add(_ event: JournalEvent, staff: String) {
            events.append((event, staff))
            i += 1
        }
        add(.staffAdded(Staff(id: "S001", name: "张三", roles: [.admin])), staff: "S001")
        add(.staffAdded(Staff(id: "S002", name: "李四", roles: [.approver])), staff: "S001")
        add(.staffAdded(Staff(id: "S003", name: "王五", roles: [.clerk])), staff: "S001")
        add(.matterAdded(Matter(
            code: "XK-001", name: "个体工商户登记", category: .administrative, powerType: .licensing, delegatingDepartment: "县行政审批服务局",
            supervisingDepartment: "县司法局", crossTownship: false, nonDelegable: false
        )), staff: "S001")
        add(.sealAdded(Seal(
            id: "SEAL-0001", name: "镇人民政府行政审批委托专用章", kind: .delegatedApproval, medium: .physical, owner: "县行政审批服务局", holder: "镇人民政府",
            custodian: "S001", status: .active
        )), staff: "S001")
        add(.delegationAdded(Delegation(
            id: "DEL-0001", agreementNumber: "委托协议2026-01", delegatingDepartment: "县行政审批服务局", township: "镇", supervisingDepartment: "县司法局",
            validFrom: LocalDate("2026-01-01")!, validTo: LocalDate("2099-12-31")!, filing: .init(number: "备2026-3", filedOn: LocalDate("2026-01-05")!),
            seals: ["SEAL-0001"], matters: [.init(code: "XK-001", method: .handling)]
        )), staff: "S001")
        var use = 0
        for r in 1...requests {
            let request = RegisterID.request(r)
            let caseNumber = "2026-XK-\(r)"
            add(.requestCreated(.init(request: UseRequest(
                id: request, seal: "SEAL-0001", matter: "XK-001", caseNumber: caseNumber, purpose: .decision, reason: "个体工商户设立登记决定书",
                count: 50, documentDigest: nil, urgent: false, requester: "S003", createdAt: time(i)
            ), delegation: "DEL-0001")), staff: "S003")
            add(.requestApproved(.init(request: request, approver: "S002", count: 50, until: time(i + 60))), staff: "S002")
            for _ in 0..<50 where use < uses {
                use += 1
                add(.useRecorded(.init(
                    use: RegisterID.use(use), request: request, seal: "SEAL-0001", matter: "XK-001", caseNumber: caseNumber,
                    reason: "个体工商户设立登记决定书", count: 1, user: "S003", recorder: "S001", approver: "S002", urgent: false, medium: .physical,
                    documentDigest: nil, note: nil
                )), staff: "S001")
            }
        }
        var entries: [[UInt8]] = []
        entries.reserveCapacity(events.count)
        for (n, (event, staff)) in events.enumerated() {
            let entry = JournalEntry(
                sequence: Int64(n + 1), time: time(n), actor: JournalActor(staff: staff, user: "clerk", uid: 1000), kind: event.kind, payload: try event.payload()
            )
            entries.append(entry.canonicalBytes)
        }
        self.entries = entries
        // Every level of the tree, bottom up (node (l, i) covers leaves [i·2^l, (i+1)·2^l)).
        var levels = [entries.map { TreeHash.leaf($0) }]
        while levels.last!.count > 1 {
            let below = levels.last!
            levels.append(stride(from: 0, to: below.count - 1, by: 2).map { TreeHash.node(below[$0], below[$0 + 1]) })
        }
        self.levels = levels
        var frontier = MerkleFrontier()
        for leaf in levels[0] { frontier.append(leaf) }
        checkpoint = try Checkpoint(origin: origin, size: entries.count, root: frontier.root, time: time(entries.count)).signed(by: signer).serialized
    }

    /// The add-entries bodies from the start, each up to 1 MiB of packages before gzip, each starting where the
    /// previous one ends.
    func uploads() throws -> [ByteBuffer] {
        let size = entries.count
        let tree = MerkleTree(source: self)
        var bodies: [ByteBuffer] = []
        var next = 0
        while next < size {
            var body = AddEntriesRequest.header(origin: origin, start: next, end: size, ticket: [])
            for range in AddEntriesRequest.packageRanges(start: next, end: size) {
                let proof = range.upperBound == size ? [] : try tree.consistencyProof(from: range.upperBound, to: size)
                body += AddEntriesRequest.package(.init(entries: Array(entries[range]), proof: proof))
                next = range.upperBound
                if body.count >= 1 << 20 { break }
            }
            var plain = ByteBuffer(bytes: body)
            bodies.append(try plain.compress(with: .gzip()))
        }
        return bodies
    }

    /// As a township does: the checkpoint to the witness, then the entries in requests of up to 1 MiB, gzip.
    func push(_ http: HTTPClient, url: String, uploads: [ByteBuffer]) async throws {
        var request = HTTPClientRequest(url: url + "/add-checkpoint")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: AddCheckpointRequest(oldSize: 0, proof: [], checkpoint: checkpoint).body))
        let answer = try await http.execute(request, timeout: .seconds(60))
        guard answer.status.code == 200 else { throw ValidationError("\(origin): add-checkpoint answered \(answer.status.code)") }
        for (n, body) in uploads.enumerated() {
            var upload = HTTPClientRequest(url: url + "/add-entries")
            upload.method = .POST
            upload.headers.add(name: "Content-Encoding", value: "gzip")
            upload.body = .bytes(body)
            let response = try await http.execute(upload, timeout: .seconds(600))
            let text = String(buffer: try await response.body.collect(upTo: 1 << 16))
            let last = n == uploads.count - 1
            guard response.status.code == (last ? 200 : 202) else {
                throw ValidationError("\(origin): add-entries \(n + 1) of \(uploads.count) answered \(response.status.code): \(text)")
            }
        }
    }
}

extension Journal: MerkleNodeSource {
    func node(level: Int, index: Int) throws -> TreeHash {
        guard level < levels.count, index < levels[level].count else { throw MerkleError.missingNode(level: level, index: index) }
        return levels[level][index]
    }
}

/// Stored times as the journal writes them (UTC, seconds).
enum JournalTime {
    static func stored(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle()) }
}
