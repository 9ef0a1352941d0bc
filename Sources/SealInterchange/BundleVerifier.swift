import SealCore
import Crypto
import Foundation
import SealBook

/// Checks an exported bundle line by line, offline, trusting nothing in it but what the checkpoint signature and
/// the hashes prove. Feed it every line in order, then call `finish()`.
public struct BundleVerifier {
    /// Why a bundle fails; each kind has its own exit status in `sealctl book verify`.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case malformed(String)
        case badSignature(String)
        case entryAltered(seq: Int, String)
        case entryMissing(String)
        case proofInvalid(String)
        case inconsistentHistory(String)
        case cardSignature(seq: Int, String)
        /// `--witness` was given and the checkpoint carries no valid cosignature by that witness.
        case witnessMissing(String)

        public var exitStatus: Int32 {
            switch self {
            case .badSignature: 10
            case .entryAltered: 11
            case .entryMissing: 12
            case .proofInvalid: 13
            case .inconsistentHistory: 14
            case .cardSignature: 15
            case .witnessMissing: 16
            case .malformed: 65
            }
        }

        public var code: String {
            switch self {
            case .malformed: "malformed-bundle"
            case .badSignature: "bad-checkpoint-signature"
            case .entryAltered: "entry-altered"
            case .entryMissing: "entry-missing"
            case .proofInvalid: "proof-invalid"
            case .inconsistentHistory: "inconsistent-history"
            case .cardSignature: "card-signature-invalid"
            case .witnessMissing: "witness-cosignature-missing"
            }
        }

        public var description: String {
            switch self {
            case .malformed(let why), .badSignature(let why), .entryMissing(let why), .proofInvalid(let why), .inconsistentHistory(let why),
                .witnessMissing(let why): why
            case .entryAltered(let seq, let why), .cardSignature(let seq, let why): "entry \(seq): \(why)"
            }
        }
    }

    /// What a verified bundle proves.
    public struct Summary: Sendable, Equatable {
        public var checkpoint: Checkpoint
        public var keyFingerprint: String
        public var first: Int
        public var last: Int
        public var entries: Int
        public var cardSignatures: Int
        /// When `--witness` was given: the time (POSIX seconds) the witness cosigned the checkpoint.
        public var cosignedAt: UInt64?
    }

    /// Checks a card's ECDSA signature: (certificate DER, statement bytes, DER signature) → valid.
    public typealias CardSignatureCheck = @Sendable ([UInt8], [UInt8], [UInt8]) -> Bool

    let trustedKey: NoteVerifier?
    let witness: CosignatureVerifier?
    let previous: Checkpoint?
    let checkCard: CardSignatureCheck
    private var stage = 0
    private var header: BundleLine.Header?
    private var verifier: NoteVerifier?
    private var checkpoint: Checkpoint?
    private var certificates: [String: [UInt8]] = [:]
    private var range: CompactRange?
    private var first = 0
    private var expected = 0
    private var entries = 0
    private var cardSignatures = 0
    private var previousChecked = false
    private var done = false
    private var cosignedAt: UInt64?

    /// `key`: the register key the county holds (else the bundle's own key is used, and only proves integrity).
    /// `previous`: an older verified checkpoint that this bundle's history must extend.
    /// `witness`: the county's cosigner key; the checkpoint must then carry its valid cosignature (checked last, so
    /// a damaged book is reported as such first).
    public init(key: NoteVerifier?, witness: CosignatureVerifier? = nil, previous: Checkpoint?, checkCard: @escaping CardSignatureCheck) {
        trustedKey = key
        self.witness = witness
        self.previous = previous
        self.checkCard = checkCard
    }

    /// What of a line can be checked on its own, without the lines before it: its JSON and, for an entry, its card
    /// signature, leaf hash and canonical form. Most of the work of a long bundle, so `check(_:with:)` runs it on
    /// every core; `consume(checked:)` then checks in order what needs the lines before (order, range, root).
    public struct CheckedLine: Sendable {
        let parsed: BundleLine.Parsed
        /// For an entry: the first thing wrong with it on its own, in the order they are reported.
        let verdict: Failure?
        let cardSigned: Bool
    }

    /// Checks entry lines on their own once the entries have begun (the certificates are known then).
    public struct EntryChecker: Sendable {
        let certificates: [String: [UInt8]]
        let checkCard: CardSignatureCheck

        public func check(_ text: String) -> CheckedLine {
            let parsed = BundleLine.parse(text)
            guard case .line(.entry(let seq, let entry, let leaf)) = parsed else { return CheckedLine(parsed: parsed, verdict: nil, cardSigned: false) }
            do throws(Failure) {
                return CheckedLine(parsed: parsed, verdict: nil, cardSigned: try check(seq: seq, text: entry, leaf: leaf))
            } catch {
                return CheckedLine(parsed: parsed, verdict: error, cardSigned: false)
            }
        }

        /// The entry's card signature (true when it has one and it verifies), then its leaf, then its canonical form.
        private func check(seq: Int, text: String, leaf: TreeHash) throws(Failure) -> Bool {
            // Most entries are canonical and carry no card signature: their scan answers without parsing them.
            var text = text
            let scanned = text.withUTF8 { bytes -> (head: JournalEntry.CanonicalHead, hashes: Bool)? in
                guard let head = JournalEntry.canonicalHead(bytes), !(head.kind == "use.recorded" && head.payloadHasSignature) else { return nil }
                return (head, TreeHash.leaf(UnsafeRawBufferPointer(bytes)) == leaf)
            }
            if let scanned {
                guard scanned.hashes else { throw .entryAltered(seq: seq, "its text does not hash to its leaf") }
                guard scanned.head.sequence == seq else { throw .entryAltered(seq: seq, "not a canonical journal entry numbered \(seq)") }
                return false
            }
            let bytes = Array(text.utf8)
            let entry = (try? JSONValue(parsing: text)).flatMap(JournalEntry.init(json:))
            // A card signature is checked first: an altered signature is reported as such, not as a changed entry.
            var signed = false
            if let entry, entry.kind == "use.recorded", let signature = entry.payload["signature"]?.stringValue {
                try checkSignedUse(seq: seq, payload: entry.payload, signature: signature)
                signed = true
            }
            guard TreeHash.leaf(bytes) == leaf else { throw .entryAltered(seq: seq, "its text does not hash to its leaf") }
            guard let entry, entry.json.canonicalBytes == bytes, entry.sequence == seq else {
                throw .entryAltered(seq: seq, "not a canonical journal entry numbered \(seq)")
            }
            return signed
        }

        /// An electronic use: the statement must describe this use, name the certificate, and carry the card's signature.
        private func checkSignedUse(seq: Int, payload: JSONValue, signature: String) throws(Failure) {
            guard let statementText = payload["statement"]?.stringValue, let fingerprint = payload["certificate_fingerprint"]?.stringValue,
                  let der = Data(base64Encoded: signature), let statement = try? JSONValue(parsing: statementText)
            else { throw .cardSignature(seq: seq, "an electronic use without its statement") }
            guard let certificate = certificates[fingerprint] else { throw .cardSignature(seq: seq, "no certificate \(fingerprint.prefix(16))… in the bundle") }
            for (field, key) in [("seal", "seal"), ("request", "request"), ("document_sha256", "document_digest")] {
                guard statement[field] == payload[key] else { throw .cardSignature(seq: seq, "the signed statement's \(field) is not the use's") }
            }
            guard statement["count"] == payload["count"], statement["certificate_sha256"]?.stringValue == fingerprint else {
                throw .cardSignature(seq: seq, "the signed statement's count or certificate is not the use's")
            }
            guard checkCard(certificate, Array(statementText.utf8), Array(der)) else {
                throw .cardSignature(seq: seq, "the card signature does not verify against certificate \(fingerprint.prefix(16))…")
            }
        }
    }

    /// Nil until the entries begin; from then on, checks entry lines on their own (see `CheckedLine`).
    public var entryChecker: EntryChecker? { stage == 5 ? EntryChecker(certificates: certificates, checkCard: checkCard) : nil }

    /// `checker.check` on each line, the lines shared out among the cores; the results in the lines' order.
    public static func check(_ lines: [String], with checker: EntryChecker) async -> [CheckedLine] {
        let share = max(1, (lines.count + ProcessInfo.processInfo.activeProcessorCount - 1) / ProcessInfo.processInfo.activeProcessorCount)
        return await withTaskGroup(of: (Int, [CheckedLine]).self) { group in
            for start in stride(from: 0, to: lines.count, by: share) {
                let part = lines[start..<min(start + share, lines.count)]
                group.addTask { (start, part.map(checker.check)) }
            }
            var parts: [(Int, [CheckedLine])] = []
            for await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }

    public mutating func consume(_ text: String) throws(Failure) {
        try consume(checked: entryChecker?.check(text) ?? CheckedLine(parsed: BundleLine.parse(text), verdict: nil, cardSigned: false))
    }

    /// The next line, checked on its own by `entryChecker` (or, before the entries, only parsed).
    public mutating func consume(checked: CheckedLine) throws(Failure) {
        guard !done else { throw .malformed("lines after the right boundary") }
        let line: BundleLine
        switch checked.parsed {
        case .line(let parsed): line = parsed
        case .notJSON:
            if stage == 5 { throw .entryAltered(seq: expected, "the line after entry \(expected - 1) is not a JSON entry") }
            throw .malformed("a line is not a JSON object with a type")
        case .invalid(let type):
            throw .malformed([
                "bundle": "not a \(BundleLine.format) header", "key": "bad register key line", "checkpoint": "bad checkpoint line",
                "certificate": "bad certificate line", "left": "bad left boundary", "right": "bad right boundary",
                "entry": "bad entry line after entry \(expected - 1)",
            ][type] ?? "bad \(type) line")
        case .unknown(let type):
            throw .malformed("unexpected \(type) line (the order is bundle, key, checkpoint, certificates, left, entries, right)")
        }
        switch (stage, line) {
        case (0, .header(let header)):
            self.header = header
            first = header.first
            expected = header.first
            stage = 1
        case (1, .key(let vkey)):
            guard let key = NoteVerifier(vkey: vkey) else { throw .malformed("bad register key line") }
            // The county's key decides; the bundle's own key is only a hint.
            verifier = trustedKey ?? key
            stage = 2
        case (2, .checkpoint(let note)):
            guard let signed = SignedNote(parsing: note), let checkpoint = Checkpoint(noteText: signed.text) else {
                throw .malformed("the checkpoint is not a signed note")
            }
            guard let verifier, verifier.verify(signed) else {
                throw .badSignature("the checkpoint is not signed by the register key \(verifier?.fingerprint ?? "")")
            }
            guard let header, checkpoint.size == header.size, checkpoint.origin == header.origin else {
                throw .proofInvalid("the checkpoint (size \(checkpoint.size)) is not the one this bundle was cut from")
            }
            guard header.last <= checkpoint.size else { throw .proofInvalid("entries beyond the checkpoint") }
            self.checkpoint = checkpoint
            cosignedAt = witness?.cosignedTime(signed)
            if let previous {
                guard previous.origin == checkpoint.origin else { throw .inconsistentHistory("the older bundle is from another register (\(previous.origin))") }
                guard previous.size <= checkpoint.size else {
                    throw .inconsistentHistory("the older book (\(previous.size) entries) is longer than the newer (\(checkpoint.size))")
                }
                guard previous.size >= first - 1 else {
                    throw .malformed("cannot compare with the older book: this bundle starts at entry \(first), after the older one ends (\(previous.size)); export from an earlier date")
                }
            }
            stage = 3
        case (3, .certificate(_, let fingerprint, let derBase64)):
            guard let der = Data(base64Encoded: derBase64) else { throw .malformed("bad certificate line") }
            guard SHA256Hex.of(Array(der)) == fingerprint else { throw .cardSignature(seq: 0, "a certificate does not match its fingerprint \(fingerprint)") }
            certificates[fingerprint] = Array(der)
        case (3, .left(let hashes)):
            do {
                range = try CompactRange(prefix: first - 1, hashes: hashes)
            } catch {
                throw .proofInvalid("the left boundary does not cover entries 1…\(first - 1)")
            }
            try checkPrevious()
            stage = 5
        case (5, .entry(let seq, _, let leaf)):
            try entry(seq: seq, leaf: leaf, checked)
        case (5, .right(let hashes)):
            guard let checkpoint, let header, var range else { throw .malformed("bad right boundary") }
            guard range.end == header.last else {
                throw .entryMissing("the bundle ends at entry \(range.end) but says it holds entries up to \(header.last)")
            }
            let pieces = CompactRange.decomposition(range.end, checkpoint.size)
            guard pieces.count == hashes.count else { throw .proofInvalid("the right boundary does not cover entries \(header.last + 1)…\(checkpoint.size)") }
            do {
                for (piece, hash) in zip(pieces, hashes) { try range.append(level: piece.level, hash: hash) }
            } catch {
                throw .proofInvalid("the right boundary does not fit")
            }
            guard range.root == checkpoint.root else {
                throw .proofInvalid("the entries and boundary hashes do not lead to the signed root \(checkpoint.root.hex)")
            }
            self.range = range
            done = true
        case (5, _):
            throw .malformed("unexpected \(line.type) line among the entries")
        default:
            throw .malformed("unexpected \(line.type) line (the order is bundle, key, checkpoint, certificates, left, entries, right)")
        }
    }

    private mutating func entry(seq: Int, leaf: TreeHash, _ checked: CheckedLine) throws(Failure) {
        guard seq == expected else {
            throw .entryMissing(seq > expected ? "entry \(expected) is missing (next is \(seq))" : "entry \(seq) is out of order (expected \(expected))")
        }
        if let verdict = checked.verdict { throw verdict }
        if checked.cardSigned { cardSignatures += 1 }
        do {
            try range!.append(level: 0, hash: leaf)
        } catch {
            throw .proofInvalid("entry \(seq) does not continue the range")
        }
        entries += 1
        expected += 1
        try checkPrevious()
    }

    private mutating func checkPrevious() throws(Failure) {
        guard let previous, !previousChecked, let range, range.end == previous.size else { return }
        previousChecked = true
        guard range.root == previous.root else {
            throw .inconsistentHistory("the newer book's first \(previous.size) entries do not have the older checkpoint's root: history was rewritten")
        }
    }

    /// Call after the last line.
    public func finish() throws(Failure) -> Summary {
        guard done, let checkpoint, let verifier else {
            if stage == 5, let header, entries < header.entries { throw .entryMissing("the bundle stops after entry \(expected - 1) of \(header.last)") }
            throw .malformed("the bundle ends before its right boundary")
        }
        if previous != nil, !previousChecked { throw .inconsistentHistory("the older checkpoint's size was never reached") }
        if let witness, cosignedAt == nil {
            throw .witnessMissing(
                "the checkpoint (size \(checkpoint.size)) carries no valid cosignature by \(witness.name): the county has not witnessed this book (export again once `sealctl status` shows it cosigned), or the line was altered"
            )
        }
        return Summary(
            checkpoint: checkpoint, keyFingerprint: verifier.fingerprint, first: first, last: first + entries - 1, entries: entries,
            cardSignatures: cardSignatures, cosignedAt: cosignedAt
        )
    }
}

enum SHA256Hex {
    static func of(_ bytes: [UInt8]) -> String {
        TreeHash(digest: SHA256.hash(data: bytes)).hex
    }
}
