import Foundation
import Testing

@testable import SealBook

/// The scanner must answer exactly as parsing and re-encoding does (the oracle here): a bundle whose entries it
/// wrongly accepted would verify a non-canonical book, one it wrongly refused would fail a good one.
@Suite("Canonical JSON recognised in one pass, as parsing and re-encoding would")
struct CanonicalJSONScannerTests {
    /// What the verifier asked before the scanner: do the bytes parse, and re-encode to themselves?
    static func oracle(_ bytes: [UInt8]) -> Bool { (try? JSONValue(parsing: bytes))?.canonicalBytes == bytes }

    static func scanned(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBufferPointer { CanonicalJSONScanner($0).isCanonical() } }

    static func entryOracle(_ bytes: [UInt8]) -> JournalEntry? {
        (try? JSONValue(parsing: bytes)).flatMap(JournalEntry.init(json:)).flatMap { $0.canonicalBytes == bytes ? $0 : nil }
    }

    static func head(_ bytes: [UInt8]) -> JournalEntry.CanonicalHead? { bytes.withUnsafeBufferPointer { JournalEntry.canonicalHead($0) } }

    @Test(
        "hand-written texts: canonical or not, and the oracle agrees",
        arguments: [
            (#"{"a":1,"b":[true,false,null],"c":"x"}"#, true), (#"{"b":1,"a":2}"#, false), (#"{"a":1,"a":2}"#, false),
            (#"{"a":1, "b":2}"#, false), (" 1", false), ("1 ", false), ("0", true), ("-0", false), ("-1", true), ("01", false),
            ("-9223372036854775808", true), ("9223372036854775807", true), ("9223372036854775808", false), ("-9223372036854775809", false),
            ("1.0", false), ("1e2", false), (#""\b\f\n\r\t\"\\""#, true), (#""\u0008""#, false), (#""\u001f""#, true), (#""\u001F""#, false),
            (#""\u0020""#, false), (#""\/""#, false), (#""\u00e9""#, false), (#""é中😀""#, true), ("\"a\u{7F}b\"", true),
            (#"{"😀":1,"\#u{E000}":2}"#, true), (#"{"\#u{E000}":1,"😀":2}"#, false), (#"{"a\"":1,"a#":2}"#, true), (#"{"a#":1,"a\"":2}"#, false),
            (#"{"":1,"a":2}"#, true), ("{}", true), ("[]", true), ("[1,]", false), ("{,}", false), ("", false), ("tru", false), ("nul", false),
            (#"{"a":1}{"#, false), (#"{"a":}"#, false), (String(repeating: "[", count: 512) + String(repeating: "]", count: 512), true),
            (String(repeating: "[", count: 513) + String(repeating: "]", count: 513), false),
        ]
    )
    func handWritten(text: String, canonical: Bool) {
        let bytes = Array(text.utf8)
        #expect(Self.scanned(bytes) == canonical)
        #expect(Self.oracle(bytes) == canonical, "the oracle disagrees with the table")
    }

    @Test(
        "bytes that are not well-formed UTF-8 in a string are not canonical (reading would repair them)",
        arguments: [[0xC3], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE0, 0x80, 0x80], [0x80], [0xF0, 0x9F, 0x98], [0xFF]] as [[UInt8]]
    )
    func malformedUTF8(bytes: [UInt8]) {
        let text: [UInt8] = [0x22, 0x61] + bytes + [0x22]
        #expect(!Self.scanned(text))
        #expect(!Self.oracle(text))
    }

    static let texts = ["", "a", "ab", "b", "a\"", "a#", "\\", "\u{0}", "\u{8}", "\u{1F}", "\n", "\t", "é", "中", "用印人", "\u{E000}", "\u{FFFD}",
                        "😀", "\u{10FFFF}", "/", "\u{7F}", "seq", "kind"]

    static func randomValue(_ rng: inout SystemRandomNumberGenerator, depth: Int) -> JSONValue {
        switch Int.random(in: 0..<(depth > 2 ? 4 : 6), using: &rng) {
        case 0: return Bool.random(using: &rng) ? .null : .bool(Bool.random(using: &rng))
        case 1: return .int([0, 1, -1, 9, 10, -10, .max, .min, Int64.random(in: -1_000_000...1_000_000, using: &rng)].randomElement(using: &rng)!)
        case 2, 3: return .string((0..<Int.random(in: 0...3, using: &rng)).map { _ in texts.randomElement(using: &rng)! }.joined())
        case 4: return .array((0..<Int.random(in: 0...3, using: &rng)).map { _ in randomValue(&rng, depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &rng) { members[texts.randomElement(using: &rng)!] = randomValue(&rng, depth: depth + 1) }
            return .object(members)
        }
    }

    /// One small change of the kind a hand or a tool would make: a byte dropped, added, replaced, or two swapped.
    static func mutate(_ bytes: [UInt8], _ rng: inout SystemRandomNumberGenerator) -> [UInt8] {
        var out = bytes
        let pool: [UInt8] = [0x20, 0x0A, 0x5C, 0x22, 0x2C, 0x3A, 0x7D, 0x5D, 0x30, 0x2D, 0x75, 0x2F, 0x61, 0x41, 0x80, 0xC3, 0xED, 0xEE, 0x00]
        guard !out.isEmpty else { return [pool.randomElement(using: &rng)!] }
        let at = Int.random(in: 0..<out.count, using: &rng)
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: out.remove(at: at)
        case 1: out.insert(pool.randomElement(using: &rng)!, at: at)
        case 2: out[at] = pool.randomElement(using: &rng)!
        default: if at + 1 < out.count { out.swapAt(at, at + 1) }
        }
        return out
    }

    @Test("random values: their canonical bytes pass; every small change is judged as the oracle judges it")
    func randomValues() {
        var rng = SystemRandomNumberGenerator()
        var refused = 0
        for _ in 0..<12_000 {
            let bytes = Self.randomValue(&rng, depth: 0).canonicalBytes
            #expect(Self.scanned(bytes), "\(String(decoding: bytes, as: UTF8.self))")
            var changed = bytes
            for _ in 0..<Int.random(in: 1...2, using: &rng) { changed = Self.mutate(changed, &rng) }
            let expected = Self.oracle(changed)
            if !expected { refused += 1 }
            #expect(Self.scanned(changed) == expected, "\(changed) from \(String(decoding: bytes, as: UTF8.self))")
        }
        #expect(refused > 4_000, "the changes should mostly break canonical form")
    }

    /// Entries with every actor shape and some off-type members, built as values so they are canonical JSON; only
    /// some are canonical journal entries.
    static func randomEntry(_ rng: inout SystemRandomNumberGenerator) -> JSONValue {
        var actor: [String: JSONValue] = [:]
        for (key, values) in [("uid", [0, 1000, 4_294_967_295, 4_294_967_296, -1, "1000"]), ("staff", ["S001", 7, nil]), ("user", ["clerk", false]),
                              ("tool_uid", [0, 65534, -5, "x"]), ("extra", [1])] as [(String, [JSONValue])]
        where key == "extra" ? Int.random(in: 0..<12, using: &rng) == 0 : Int.random(in: 0..<(key == "uid" ? 8 : 2), using: &rng) != 0 {
            actor[key] = Int.random(in: 0..<6, using: &rng) == 0 ? values.randomElement(using: &rng)! : values[0]
        }
        var payload = randomValue(&rng, depth: 1)
        if Bool.random(using: &rng), case .object(var members) = payload {
            members["signature"] = Bool.random(using: &rng) ? "MEUCIQ==" : 3
            payload = .object(members)
        }
        var entry: [String: JSONValue] = [
            "seq": Int.random(in: 0..<10, using: &rng) == 0 ? "12" : .int(Int64.random(in: 1...2_000_000, using: &rng)),
            "time": Int.random(in: 0..<12, using: &rng) == 0 ? 5 : "2026-12-05T08:00:00Z",
            "actor": Int.random(in: 0..<12, using: &rng) == 0 ? "someone" : .object(actor),
            "kind": Int.random(in: 0..<12, using: &rng) == 0 ? nil : ["use.recorded", "use.approved", "seal.added"].randomElement(using: &rng)!,
            "payload": payload,
        ]
        if Int.random(in: 0..<10, using: &rng) == 0 { entry[["payload", "kind", "seq"].randomElement(using: &rng)!] = nil }
        if Int.random(in: 0..<10, using: &rng) == 0 { entry["note"] = "x" }
        return .object(entry)
    }

    @Test("journal entries: the head is found exactly when the entry is canonical, and says what the entry says")
    func entries() throws {
        var rng = SystemRandomNumberGenerator()
        var accepted = 0, refused = 0
        for round in 0..<8_000 {
            var bytes = Self.randomEntry(&rng).canonicalBytes
            if round % 3 == 0 { bytes = Self.mutate(bytes, &rng) }
            let expected = Self.entryOracle(bytes)
            let head = Self.head(bytes)
            #expect((head != nil) == (expected != nil), "\(String(decoding: bytes, as: UTF8.self))")
            guard let head, let expected else {
                refused += 1
                continue
            }
            accepted += 1
            #expect(head.sequence == expected.sequence && head.kind == expected.kind)
            #expect(head.payloadHasSignature == (expected.kind == "use.recorded" && expected.payload["signature"] != nil))
        }
        #expect(accepted > 1_000 && refused > 1_000, "both kinds drawn: \(accepted) accepted, \(refused) refused")
    }

    @Test("string values come back with their escapes undone")
    func strings() throws {
        let text = "设立\"登记\"\n\\\u{1}\t/é😀"
        let bytes = JSONValue.object(["k": .string(text)]).canonicalBytes
        let value = try bytes.withUnsafeBufferPointer { buffer in
            let scan = CanonicalJSONScanner(buffer)
            return try #require(scan.members()).first.flatMap { scan.string($0.value) }
        }
        #expect(value == text)
    }
}
