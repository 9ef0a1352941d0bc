import SealCore
import Foundation
import SealBook

/// One line of a `sealkeeper-bundle/1` file (JSON Lines, each line one canonical JSON object with a `type`), the
/// single definition the writer (`BookBundle`) and the verifier (`BundleVerifier`) share. In order: the header, the
/// register key, the signed checkpoint, the bound card certificates, the left boundary hashes, every entry of the
/// range with its sequence number and leaf hash, the right boundary hashes.
public enum BundleLine: Sendable, Equatable {
    public static let format = "sealkeeper-bundle/1"

    /// What the book is: the register (origin), the checkpoint size, the entries `first…last` it holds, and the
    /// dates the inspector asked for.
    public struct Header: Sendable, Equatable {
        public var origin: String
        public var size: Int
        public var first: Int
        public var last: Int
        public var entries: Int
        public var from: String?
        public var to: String?

        public init(origin: String, size: Int, first: Int, last: Int, from: String?, to: String?) {
            self.origin = origin
            self.size = size
            self.first = first
            self.last = last
            self.entries = last - first + 1
            self.from = from
            self.to = to
        }
    }

    case header(Header)
    /// The register's C2SP note verifier key.
    case key(vkey: String)
    /// The C2SP signed note of the checkpoint the bundle was cut from.
    case checkpoint(note: String)
    /// A key card certificate (DER, base64) bound to an electronic seal, with its SHA-256.
    case certificate(seal: String, fingerprint: String, der: String)
    case left([TreeHash])
    /// One journal entry: its canonical text and leaf hash.
    case entry(seq: Int, entry: String, leaf: TreeHash)
    case right([TreeHash])

    /// The line's canonical JSON and its line feed: the same line always gives the same bytes.
    public var bytes: [UInt8] {
        var object: [String: JSONValue]
        switch self {
        case .header(let h):
            var dates: [String: JSONValue] = [:]
            if let from = h.from { dates["from"] = .string(from) }
            if let to = h.to { dates["to"] = .string(to) }
            object = [
                "type": "bundle", "format": .string(Self.format), "origin": .string(h.origin), "size": .int(Int64(h.size)),
                "first": .int(Int64(h.first)), "last": .int(Int64(h.last)), "entries": .int(Int64(h.entries)), "dates": .object(dates),
            ]
        case .key(let vkey): object = ["type": "key", "vkey": .string(vkey)]
        case .checkpoint(let note): object = ["type": "checkpoint", "note": .string(note)]
        case .certificate(let seal, let fingerprint, let der):
            object = ["type": "certificate", "seal": .string(seal), "fingerprint": .string(fingerprint), "der": .string(der)]
        case .left(let hashes): object = ["type": "left", "hashes": .array(hashes.map { .string($0.hex) })]
        case .entry(let seq, let entry, let leaf):
            object = ["type": "entry", "seq": .int(Int64(seq)), "entry": .string(entry), "leaf": .string(leaf.hex)]
        case .right(let hashes): object = ["type": "right", "hashes": .array(hashes.map { .string($0.hex) })]
        }
        return JSONValue.object(object).canonicalBytes + [0x0A]
    }

    /// What a line of text is: a bundle line, not JSON with a type at all, or a line of a known type with bad fields.
    public enum Parsed: Sendable, Equatable {
        case line(BundleLine)
        case notJSON
        case invalid(type: String)
        case unknown(type: String)
    }

    public static func parse(_ text: String) -> Parsed {
        if let entry = canonicalEntry(text) { return .line(entry) }
        guard let value = try? JSONValue(parsing: text), let o = value.objectValue, let type = o["type"]?.stringValue else { return .notJSON }
        func hashes() -> [TreeHash]? {
            guard let list = o["hashes"]?.arrayValue else { return nil }
            let parsed = list.compactMap { $0.stringValue.flatMap(TreeHash.init(hex:)) }
            return parsed.count == list.count ? parsed : nil
        }
        let line: BundleLine?
        switch type {
        case "bundle":
            if o["format"]?.stringValue == format, let origin = o["origin"]?.stringValue, let size = o["size"]?.intValue,
               let first = o["first"]?.intValue, let last = o["last"]?.intValue, first >= 1, last >= first - 1
            {
                let dates = o["dates"]?.objectValue
                line = .header(Header(
                    origin: origin, size: Int(size), first: Int(first), last: Int(last),
                    from: dates?["from"]?.stringValue, to: dates?["to"]?.stringValue
                ))
            } else {
                line = nil
            }
        case "key": line = o["vkey"]?.stringValue.map { .key(vkey: $0) }
        case "checkpoint": line = o["note"]?.stringValue.map { .checkpoint(note: $0) }
        case "certificate":
            if let seal = o["seal"]?.stringValue, let fingerprint = o["fingerprint"]?.stringValue, let der = o["der"]?.stringValue {
                line = .certificate(seal: seal, fingerprint: fingerprint, der: der)
            } else {
                line = nil
            }
        case "left": line = hashes().map { .left($0) }
        case "right": line = hashes().map { .right($0) }
        case "entry":
            if let seq = o["seq"]?.intValue, let entry = o["entry"]?.stringValue, let leaf = o["leaf"]?.stringValue.flatMap(TreeHash.init(hex:)) {
                line = .entry(seq: Int(seq), entry: entry, leaf: leaf)
            } else {
                line = nil
            }
        default: return .unknown(type: type)
        }
        return line.map { .line($0) } ?? .invalid(type: type)
    }
}

extension BundleLine {
    /// An entry line exactly as `bytes` writes it (canonical; `entry`, `leaf`, `seq`, `type` and nothing else), read
    /// in one pass without building a `JSONValue` (a bundle is mostly these); nil for anything else, which `parse`
    /// then reads the general way.
    static func canonicalEntry(_ text: String) -> BundleLine? {
        var text = text
        return text.withUTF8 { bytes -> BundleLine? in
            let scan = CanonicalJSONScanner(bytes)
            guard let m = scan.members(), m.count == 4, scan.equals(m[0].name, "entry"), scan.equals(m[1].name, "leaf"),
                  scan.equals(m[2].name, "seq"), scan.equals(m[3].name, "type"), scan.equals(m[3].value, #""entry""#),
                  let seq = scan.integer(m[2].value), let leaf = scan.string(m[1].value).flatMap(TreeHash.init(hex:)),
                  let entry = scan.string(m[0].value)
            else { return nil }
            return .entry(seq: Int(seq), entry: entry, leaf: leaf)
        }
    }

    /// The line's `type` as written.
    public var type: String {
        switch self {
        case .header: "bundle"
        case .key: "key"
        case .checkpoint: "checkpoint"
        case .certificate: "certificate"
        case .left: "left"
        case .entry: "entry"
        case .right: "right"
        }
    }
}
