import Foundation
import SealCore
import Testing

@testable import SealBook

@Suite("Codable values read straight from JSONValue, as JSONDecoder reads them")
struct JSONValueDecoderTests {
    static let keys = [
        "case_number", "document_sha256", "_leading", "trailing_", "__both__", "a__b", "URL_value", "HTTP_status_code", "alreadyCamel",
        "x", "_", "", "mixed_Case_WORD", "数_字", "with_1_digit",
    ]

    /// Every key of a coded type (not of a `[String: …]`, whose keys are kept as written) as `Keys` sees it.
    struct Keys: Decodable, Equatable {
        var names: [String]
        struct Name: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        init(from decoder: any Decoder) throws { names = try decoder.container(keyedBy: Name.self).allKeys.map(\.stringValue).sorted() }
    }

    @Test("keys convert from snake case exactly as Foundation's convertFromSnakeCase converts them", arguments: keys)
    func keyConversion(key: String) throws {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let json = "{\"\(key)\":1}"
        #expect(try JSONValue(parsing: json).decode(Keys.self) == decoder.decode(Keys.self, from: Data(json.utf8)))
        #expect(try JSONValue(parsing: json).decode([String: Int].self) == decoder.decode([String: Int].self, from: Data(json.utf8)))
    }

    struct Sample: Codable, Equatable {
        var caseNumber: String
        var count: Int
        var urgent: Bool
        var note: String?
        var medium: Seal.Medium
        var tags: [String]
        var nested: [String: Int]?
        var digest: String?
    }

    @Test("values, optionals, enums, arrays and nested objects read back as JSONDecoder reads them")
    func values() throws {
        let json = #"{"case_number":"2026-1","count":3,"urgent":false,"note":null,"medium":"electronic","tags":["a","b"],"nested":{"two_words":2}}"#
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let foundation = try decoder.decode(Sample.self, from: Data(json.utf8))
        #expect(try JSONValue(parsing: json).decode(Sample.self) == foundation)
        #expect(foundation.nested == ["two_words": 2])
    }

    @Test("what JSONDecoder refuses is refused", arguments: [
        #"{"count":3,"urgent":false,"medium":"physical","tags":[]}"#,  // case_number missing
        #"{"case_number":1,"count":3,"urgent":false,"medium":"physical","tags":[]}"#,  // a number for a string
        #"{"case_number":"1","count":"3","urgent":false,"medium":"physical","tags":[]}"#,  // a string for a number
        #"{"case_number":"1","count":3,"urgent":false,"medium":"paper","tags":[]}"#,  // no such medium
        #"{"case_number":"1","count":3,"urgent":null,"medium":"physical","tags":[]}"#,  // null for a Bool
        #"{"case_number":"1","count":3,"urgent":false,"medium":"physical","tags":"a"}"#,  // a string for an array
        #"["case_number"]"#,
    ])
    func refusals(json: String) throws {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        #expect(throws: DecodingError.self) { try decoder.decode(Sample.self, from: Data(json.utf8)) }
        #expect(throws: DecodingError.self) { try JSONValue(parsing: json).decode(Sample.self) }
    }
}
