import Foundation
import SealCore
import Testing

@testable import SealBook

/// Journal payloads are made straight into `JSONValue`; the bytes must be those `JSONEncoder` (`.convertToSnakeCase`)
/// wrote and `JSONValue(parsing:)` read, which the journal held before.
@Suite("Codable values written straight into JSONValue, as JSONEncoder writes them")
struct JSONValueEncoderTests {
    static func foundation(_ value: some Encodable) throws -> JSONValue {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try JSONValue(parsing: try encoder.encode(value))
    }

    /// One member under `key`, spelt as given.
    struct One: Encodable {
        let key: String
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: SnakeCaseKeys.Key.self)
            try container.encode(1, forKey: SnakeCaseKeys.Key(key))
        }
    }

    @Test("keys convert to snake case exactly as Foundation's convertToSnakeCase converts them", arguments: [
        "caseNumber", "documentSHA256", "certificateSHA256", "myURLProperty", "URLValue", "httpStatusCode", "already_snake", "x", "",
        "_leading", "trailing_", "ABC", "aBC", "with1Digit", "数字Key", "aB1C", "HTTPStatus",
    ])
    func keyConversion(key: String) throws {
        #expect(try JSONValueEncoder.encode(One(key: key)) == Self.foundation(One(key: key)))
    }

    struct Sample: Codable, Equatable {
        struct Inner: Codable, Equatable {
            var twoWords: Int
            var flags: [Bool]
        }
        var caseNumber: String
        var count: Int
        var bigCount: Int64
        var small: UInt8
        var urgent: Bool
        var note: String?
        var empty: String?
        var medium: Seal.Medium
        var tags: [String]
        var byName: [String: Int]
        var inner: Inner
        var inners: [Inner]
        var day: LocalDate
        var bytes: Data
        var link: URL
        var matrix: [[Int]]
    }

    @Test("values, optionals, enums, arrays, nested objects and [String: …] (keys kept) are written as JSONEncoder writes them")
    func values() throws {
        let sample = Sample(
            caseNumber: "2026-1 \"引号\"\n", count: -3, bigCount: .max, small: 255, urgent: false, note: "附注", empty: nil, medium: .electronic,
            tags: ["a", "", "\u{2028}"], byName: ["twoWords": 2, "case_number": 3], inner: .init(twoWords: 1, flags: [true, false]),
            inners: [.init(twoWords: 5, flags: [])], day: LocalDate("2026-11-22")!, bytes: Data([0, 1, 254, 255]),
            link: URL(string: "https://example.org/a?b=c")!, matrix: [[1, 2], [], [3]]
        )
        let ours = try JSONValueEncoder.encode(sample)
        #expect(ours == (try Self.foundation(sample)))
        #expect(ours.canonicalBytes == (try Self.foundation(sample)).canonicalBytes)
        #expect(ours["by_name"] == .object(["twoWords": .int(2), "case_number": .int(3)]))
        #expect(ours["empty"] == nil, "a nil optional is left out, not written null")
    }

    struct Floating: Encodable { var x: Double }
    struct Dated: Encodable { var at: Date }
    struct Huge: Encodable { var n: UInt64 }

    @Test("what the journal cannot hold is refused: floating point, dates (numbers to JSONEncoder), integers past Int64")
    func refusals() {
        #expect(throws: EncodingError.self) { try JSONValueEncoder.encode(Floating(x: 1.5)) }
        #expect(throws: EncodingError.self) { try JSONValueEncoder.encode(Dated(at: Date())) }
        #expect(throws: EncodingError.self) { try JSONValueEncoder.encode(Huge(n: .max)) }
        #expect(throws: (any Error).self) { try Self.foundation(Floating(x: 1.5)) }
        #expect(throws: (any Error).self) { try Self.foundation(Huge(n: .max)) }
    }
}

/// `JSONValue.writeString` skips eight bytes at a time while none needs escaping; it must escape exactly what the
/// byte-at-a-time writer did, wherever in a word the byte falls.
@Suite("Strings written as JSON, a word at a time")
struct JSONStringWriterTests {
    /// The writer as it was, a byte at a time.
    static func reference(_ text: String) -> [UInt8] {
        var out: [UInt8] = [0x22]
        for byte in text.utf8 {
            switch byte {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x08: out += Array(#"\b"#.utf8)
            case 0x0C: out += Array(#"\f"#.utf8)
            case 0x0A: out += Array(#"\n"#.utf8)
            case 0x0D: out += Array(#"\r"#.utf8)
            case 0x09: out += Array(#"\t"#.utf8)
            case ..<0x20: out += Array(String(format: "\\u%04x", Int(byte)).utf8)
            default: out.append(byte)
            }
        }
        return out + [0x22]
    }

    @Test("every string of a hard alphabet, escapes at every offset in a word: the byte-at-a-time bytes, read back as the string")
    func sameBytes() throws {
        let alphabet: [String] = ["a", "印", "\"", "\\", "\n", "\u{01}", "\u{1F}", " ", "\u{7F}", "é", "😀", "/", "!", "#", "]", "\u{2028}"]
        var generator = SystemRandomNumberGenerator()
        var texts = (0..<40).flatMap { n in ["\"", "\\", "\u{01}", "\u{1F}", "\t"].map { String(repeating: "x", count: n) + $0 + String(repeating: "印", count: n % 5) } }
        texts += ["", "印章使用登记本", String(repeating: "ab", count: 50), "!!!!!!!!", "########", "]]]]]]]]"]
        for _ in 0..<5000 {
            texts.append((0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined())
        }
        for text in texts {
            var out: [UInt8] = []
            JSONValue.writeString(text, into: &out)
            #expect(out == Self.reference(text), "\(text.debugDescription)")
            #expect(try JSONValue(parsing: Data(out)) == .string(text), "\(text.debugDescription)")
        }
    }
}
