import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOSSL
import SealBook
import SealCore
import SealStore
import SealWire
import ServiceLifecycle

/// The township's side of the county witness (C2SP tlog-witness): after commits, sends the newest checkpoint with
/// the consistency proof from the size the county last cosigned, and keeps the returned cosignature beside the
/// checkpoint. Offline first: while the county cannot be reached the register works on, and the client retries with
/// backoff. When the county shows the register is not the one it cosigned — it holds a larger size (an older copy
/// of the state directory was restored) or refuses the history (409 for the same size, 422) — writes are refused
/// with `register-rolled-back` / `register-forked`. After each cosignature the entries it covers are uploaded to the
/// county's mirror (C2SP tlog-mirror add-entries), from wherever the mirror says its copy ends.
public actor CountyWitnessClient: Service {
    let link: CountyLink
    let register: Register
    let logger: Logger
    let tls: TLSConfiguration?

    /// `pending` until the first answer, then `cosigned`, `unreachable`, `refused`, `rolled-back` or `forked`.
    private var state = "pending"
    private var cosigned: CosignedCheckpoint?
    /// The size the witness says it holds (from a 409), which replaces our own idea of it for the next request.
    private var witnessSize: Int?
    private var lastContact: Date?
    private var lastError: String?
    /// Where the county's mirror says its copy of this register reaches (nil until it has said).
    var mirrored: Int?
    var mirrorError: String?

    public init(link: CountyLink, register: Register, logger: Logger) throws {
        self.link = link
        self.register = register
        var logger = logger
        logger[metadataKey: "county"] = "\(link.url)"
        self.logger = logger
        if let ca = link.caCertificate {
            var tls = TLSConfiguration.makeClientConfiguration()
            // Pinned: the county's CA and nothing else, whatever the system trusts.
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca))
            self.tls = tls
        } else {
            tls = nil
        }
    }

    public func status() async -> WitnessStatusView {
        let latest = (try? await register.latestCheckpoint()?.size) ?? 0
        return WitnessStatusView(
            url: link.url, state: state, cosignedSize: cosigned?.size ?? 0,
            cosignedAt: cosigned.map { Date(timeIntervalSince1970: TimeInterval($0.cosignedAt)) },
            lag: max(0, latest - (cosigned?.size ?? 0)), lastContact: lastContact, lastError: lastError, mirroredSize: mirrored ?? 0,
            mirrorError: mirrorError
        )
    }

    public func run() async throws {
        var configuration = HTTPClient.Configuration()
        configuration.tlsConfiguration = tls
        // AsyncHTTPClient retries a refused connection until the connect timeout: keep it short, so an unreachable
        // county shows as such within seconds and the next attempt carries the newest checkpoint.
        configuration.timeout = .init(connect: .seconds(3), read: .seconds(30))
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        await loop(http)
        try? await http.shutdown()
    }

    private func loop(_ http: HTTPClient) async {
        cosigned = try? await register.latestCosigned(witness: link.witnessKey.name)
        var backoff = 1.0
        var attempted = -1
        var retry = true
        var redirects = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let size = await register.writer.committedSize
            // Contact the county at start (a restored copy is caught even before its next write), after commits,
            // and after a failure once the backoff has passed.
            if retry || size != attempted {
                attempted = size
                retry = false
                switch await attempt(http) {
                case .done:
                    backoff = 1
                    redirects = 0
                case .again where redirects < 3:
                    // The county named another size: resend at once, from it (a few times, not forever).
                    redirects += 1
                    retry = true
                    continue
                case .again, .failed:
                    redirects = 0
                    retry = true
                    await Self.pause(backoff * Double.random(in: 0.8...1.2))
                    backoff = min(backoff * 2, 300)
                    continue
                case .halted:
                    // Reads go on and status says why writes are refused: the daemon keeps serving until stopped.
                    try? await gracefulShutdown()
                    return
                }
            }
            await Self.pause(0.25)
        }
    }

    /// Sleeps, cut short by graceful shutdown.
    static func pause(_ seconds: Double) async {
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(seconds)) }
    }

    enum Outcome { case done, again, failed, halted }

    func attempt(_ http: HTTPClient) async -> Outcome {
        do {
            guard let latest = try await register.latestCheckpoint(), latest.size > 0 else { return .done }
            let old = witnessSize ?? cosigned?.size ?? 0
            if old > latest.size { return await halt(.registerRolledBack, witnessSize: old, ours: latest.size) }
            var proof: [TreeHash] = []
            if old > 0 && old < latest.size {
                proof = try await register.consistencyProof(from: old, to: latest.size).hashes.compactMap(TreeHash.init(hex:))
            }
            var request = HTTPClientRequest(url: link.url + "/add-checkpoint")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
            request.body = .bytes(ByteBuffer(string: AddCheckpointRequest(oldSize: old, proof: proof, checkpoint: latest.note).body))
            let response = try await http.execute(request, timeout: .seconds(30))
            let text = String(buffer: try await response.body.collect(upTo: 64 * 1024))
            lastContact = Date()
            switch response.status.code {
            case 200:
                let outcome = try await accept(text, checkpoint: latest)
                // Once cosigned, the entries go to the county's mirror (a failed upload is retried with backoff).
                guard outcome == .done else { return outcome }
                return await upload(http, through: latest.size)
            case 409:
                guard response.headers["Content-Type"].first?.hasPrefix("text/x.tlog.size") == true, text.hasSuffix("\n"),
                    let size = AddCheckpointRequest.decimal(Substring(text.dropLast()))
                else { return fail("unreachable", "409 without a tree size from the county: \(text.prefix(200))") }
                // Compared with what the register holds now: it may have grown while the request was on its way.
                let holds = try await register.latestCheckpoint()?.size ?? latest.size
                if size > holds { return await halt(.registerRolledBack, witnessSize: size, ours: holds) }
                // The witness holds exactly the size we said: only a checkpoint of that size with another root does that.
                if size == old { return await halt(.registerForked, witnessSize: size, ours: latest.size) }
                logger.info("the county holds another size; sending the proof from it", metadata: ["size": "\(size)"])
                witnessSize = size
                return .again
            case 422:
                return await halt(.registerForked, witnessSize: old, ours: latest.size)
            case 403, 404:
                return fail("refused", "\(response.status.code): \(text.trimmingCharacters(in: .whitespacesAndNewlines)) (is this township added at the county with this register's key?)")
            default:
                return fail("unreachable", "\(response.status.code): \(text.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))")
            }
        } catch {
            return fail("unreachable", "\(error)")
        }
    }

    /// Checks and keeps a 200's cosignature lines: only lines by the configured witness key that verify are kept.
    func accept(_ lines: String, checkpoint: CheckpointView) async throws -> Outcome {
        guard let answered = SignedNote(parsing: checkpoint.note + lines), let time = link.witnessKey.cosignedTime(answered) else {
            return fail("refused", "the county's answer carries no valid cosignature by \(link.witnessKey.name)")
        }
        let own = SignedNote(parsing: checkpoint.note)?.signatures ?? []
        let theirs = answered.signatures.filter { link.witnessKey.time(of: $0, noteText: answered.text) != nil }
        let note = SignedNote(text: answered.text, signatures: own + theirs).serialized
        let record = CosignedCheckpoint(size: checkpoint.size, witness: link.witnessKey.name, note: note, cosignedAt: Int64(time))
        try await register.storeCosigned(record)
        cosigned = record
        witnessSize = checkpoint.size
        if state != "cosigned" { logger.info("cosigned by the county", metadata: ["size": "\(checkpoint.size)"]) }
        state = "cosigned"
        lastError = nil
        return .done
    }

    func fail(_ state: String, _ error: String) -> Outcome {
        if self.state != state || lastError != error {
            logger.warning("county witness: \(state)", metadata: ["error": "\(error)"])
        }
        self.state = state
        lastError = error
        return .failed
    }

    func halt(_ code: SealError.Code, witnessSize: Int, ours: Int) async -> Outcome {
        let message =
            code == .registerRolledBack
            ? "the county has cosigned \(witnessSize) entries of this register, which holds \(ours): an older copy of the register is running; restore the newest copy (or ask the county) before recording anything"
            : "the county refuses this register's history from size \(witnessSize) to \(ours): it is not an extension of what the county cosigned; the county keeps both checkpoints as evidence"
        state = code == .registerRolledBack ? "rolled-back" : "forked"
        lastError = message
        let refusal = SealError(code, message)
        await register.writer.halt(refusal)
        return .halted
    }
}
