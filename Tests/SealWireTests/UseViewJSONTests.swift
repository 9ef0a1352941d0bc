import Foundation
import SealCore
import SealWire
import Testing

/// The book's pages written straight into bytes (`DirectJSONEncoded`) against Foundation's encoder as the API
/// configures it: the same bytes, whatever the text and whichever optionals are there.
@Suite("Pages of the book written without Foundation's encoder")
struct UseViewJSONTests {
    static func direct(_ page: UsePageView) -> String {
        var bytes: [UInt8] = []
        page.appendJSON(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func encoded(_ page: UsePageView) throws -> String {
        String(decoding: try WireJSON.encoder(for: page).encode(page), as: UTF8.self)
    }

    /// Text a person or a tool might put anywhere: quotes, backslashes, slashes, every control character, DEL,
    /// U+2028/2029, CJK, a combining accent, emoji, and nothing at all.
    static let pieces = ["", "a", "\"", "\\", "/", "</script>", "\u{7F}", "\u{2028}", "\u{2029}", "事由", "é", "e\u{301}", "🙂", "\u{FEFF}", " "]
        + (0..<0x20).map { String(UnicodeScalar(UInt8($0))) }

    static func text(_ g: inout some RandomNumberGenerator) -> String {
        (0..<Int.random(in: 0...6, using: &g)).map { _ in pieces.randomElement(using: &g)! }.joined()
    }

    static func maybe(_ g: inout some RandomNumberGenerator) -> String? {
        Bool.random(using: &g) ? text(&g) : nil
    }

    static func number(_ g: inout some RandomNumberGenerator) -> Int {
        [0, 1, -1, Int.max, Int.min, Int.random(in: -1_000_000...1_000_000, using: &g)].randomElement(using: &g)!
    }

    static func use(_ g: inout some RandomNumberGenerator) -> UseView {
        UseView(
            id: text(&g), serial: number(&g), seal: text(&g), sealName: text(&g), time: Bool.random(using: &g) ? "2026-11-20T01:00:00Z" : text(&g),
            localDate: text(&g), localTime: text(&g), reason: text(&g), approver: maybe(&g), approverName: maybe(&g),
            denial: Bool.random(using: &g) ? UseRequest.Denial(by: text(&g), reason: text(&g), at: text(&g)) : nil, deniedByName: maybe(&g),
            user: text(&g), userName: text(&g), count: number(&g), recordedCount: number(&g), matter: text(&g), matterName: text(&g),
            caseNumber: text(&g), request: text(&g), urgent: Bool.random(using: &g), recorder: maybe(&g), note: maybe(&g),
            documentDigest: maybe(&g), medium: text(&g), certificateFingerprint: maybe(&g), statement: maybe(&g), signature: maybe(&g),
            corrections: (0..<Int.random(in: 0...3, using: &g)).map { _ in
                UseView.Correction(count: number(&g), reason: text(&g), by: maybe(&g), byName: maybe(&g), at: text(&g))
            }
        )
    }

    @Test("the same bytes as Foundation's encoder: a full page, an empty one, and 400 random ones, each read back with and without the key strategy")
    func sameBytes() throws {
        #expect(Self.direct(SnakeCaseEncodedTests.page) == (try Self.encoded(SnakeCaseEncodedTests.page)))
        #expect(Self.direct(UsePageView(uses: [])) == #"{"uses":[]}"#)
        #expect(Self.direct(UsePageView(uses: [])) == (try Self.encoded(UsePageView(uses: []))))
        var g = SystemRandomNumberGenerator()
        for _ in 0..<400 {
            let page = UsePageView(uses: (0..<Int.random(in: 0...4, using: &g)).map { _ in Self.use(&g) }, next: Self.maybe(&g))
            let direct = Self.direct(page)
            #expect(direct == (try Self.encoded(page)))
            // Read back both ways: without the key strategy (as sealctl reads a page) and through it (a use inside
            // any other answer).
            let plain = try WireJSON.decoder(for: UsePageView.self).decode(UsePageView.self, from: Data(direct.utf8))
            #expect(plain.uses == page.uses && plain.next == page.next)
            #expect(try WireJSON.decoder.decode(UsePageView.self, from: Data(direct.utf8)).uses == page.uses)
        }
    }

    @Test("a key for every property of a use, its corrections and its denial: none forgotten")
    func everyProperty() throws {
        let use = SnakeCaseEncodedTests.page.uses[0]
        let object = try #require(try JSONSerialization.jsonObject(with: Data(Self.direct(SnakeCaseEncodedTests.page).utf8)) as? [String: Any])
        let written = try #require((object["uses"] as? [[String: Any]])?.first)
        #expect(Set(written.keys) == Set(Mirror(reflecting: use).children.compactMap(\.label).map(SnakeCaseEncodedTests.snake)))
        let correction = try #require((written["corrections"] as? [[String: Any]])?.first)
        #expect(Set(correction.keys) == Set(Mirror(reflecting: use.corrections[0]).children.compactMap(\.label).map(SnakeCaseEncodedTests.snake)))
        let denial = try #require(written["denial"] as? [String: Any])
        #expect(Set(denial.keys) == Set(Mirror(reflecting: use.denial!).children.compactMap(\.label).map(SnakeCaseEncodedTests.snake)))
    }

    @Test("a page read without the key strategy: snake_case keys only; a misspelt or missing key is an error, not a default")
    func readsItsOwnKeys() throws {
        let decoder = WireJSON.decoder(for: UsePageView.self)
        #expect(decoder.keyDecodingStrategy.isDefault)
        var text = Self.direct(SnakeCaseEncodedTests.page)
        #expect(try decoder.decode(UsePageView.self, from: Data(text.utf8)).uses == SnakeCaseEncodedTests.page.uses)
        text = text.replacingOccurrences(of: "\"user_name\"", with: "\"userName\"")
        #expect(throws: DecodingError.self) { try decoder.decode(UsePageView.self, from: Data(text.utf8)) }
        #expect(!(WireJSON.decoder(for: StaffListView.self).keyDecodingStrategy.isDefault), "other answers keep the strategy")
    }
}

extension JSONDecoder.KeyDecodingStrategy {
    var isDefault: Bool { if case .useDefaultKeys = self { true } else { false } }
}

