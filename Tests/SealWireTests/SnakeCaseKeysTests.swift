import Foundation
import SealBook
import SealWire
import Testing

/// `WireJSON`'s decoder converts keys through `SnakeCaseKeys` (each key once); what it reads, and refuses, must be
/// what Foundation's own `.convertFromSnakeCase` reads and refuses.
@Suite("Snake-case keys: WireJSON reads keys exactly as Foundation's convertFromSnakeCase does")
struct SnakeCaseKeysTests {
    /// Property names with acronyms, digits, underscores and non-ASCII, and a dictionary of camelCase names.
    struct Awkward: Codable, Equatable {
        var caseNumber = "1"
        var myURLValue = 2
        var HTTPStatusCode = 3
        var value2x = 4
        var sha256Digest = "d"
        var _leading = 5
        var trailing_ = 6
        var already_snake = 7
        var 数字Key = 8
        var x = 9
        var namesByID: [String: Int] = ["camelCase": 1, "snake_case": 2, "ABC": 3]
        var nested: [Inner] = [Inner()]

        struct Inner: Codable, Equatable {
            var documentDigest: String? = "sha256:00"
            var aB = true
        }
    }

    static func foundationDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    static let wireTexts = [
        #"{"case_number":"1","my_url_value":2,"http_status_code":3,"value2x":4,"sha256_digest":"d","_leading":5,"trailing_":6,"already_snake":7,"数字_key":8,"x":9,"names_by_id":{"camel_case":1,"Snake_Case":2},"nested":[{"document_digest":null,"a_b":false}]}"#,
        #"{"case__number":"1","_my_url_value":2,"__http_status_code__":3,"value2x":4,"sha256Digest":"d","leading":5,"trailing":6,"alreadySnake":7,"数字Key":8,"X":9,"namesByID":{},"nested":[]}"#,
        #"{"caseNumber":"1"}"#,
    ]

    @Test("decoding: what .convertFromSnakeCase reads (or refuses), with the same error", arguments: wireTexts)
    func decoding(text: String) throws {
        let foundation = Result { try Self.foundationDecoder().decode(Awkward.self, from: Data(text.utf8)) }
        let ours = Result { try WireJSON.decoder.decode(Awkward.self, from: Data(text.utf8)) }
        switch (foundation, ours) {
        case (.success(let a), .success(let b)): #expect(a == b)
        case (.failure(let a), .failure(let b)): #expect(String(describing: a) == String(describing: b))
        default: Issue.record("Foundation: \(foundation), WireJSON: \(ours)")
        }
        #expect(try Self.foundationDecoder().decode([String: Int].self, from: Data(#"{"a_b":1,"cD":2}"#.utf8))
            == WireJSON.decoder.decode([String: Int].self, from: Data(#"{"a_b":1,"cD":2}"#.utf8)))
    }

    @Test("keys convert as Foundation converts them", arguments: [
        "case_number", "document_sha256", "_leading", "trailing_", "__both__", "a__b", "URL_value", "HTTP_status_code", "alreadyCamel",
        "x", "_", "", "mixed_Case_WORD", "数_字", "with_1_digit",
    ])
    func fromSnakeCase(key: String) {
        struct Keys: Decodable {
            var names: [String]
            init(from decoder: any Decoder) throws {
                names = try decoder.container(keyedBy: SealWireKey.self).allKeys.map(\.stringValue)
            }
        }
        let json = Data("{\"\(key)\":1}".utf8)
        #expect(SnakeCaseKeys.fromSnakeCase(key) == (try? Self.foundationDecoder().decode(Keys.self, from: json).names.first))
    }
}

struct SealWireKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
