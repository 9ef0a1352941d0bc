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

/// The book's pages read straight from bytes (`DirectJSONDecoded`) against Foundation's decoder as sealctl
/// configures it: the same values from the same bytes, and an error wherever it throws one.
@Suite("Pages of the book read without Foundation's decoder")
struct UseViewDirectDecodingTests {
    static func both(_ text: String) -> (direct: Result<UsePageView, any Error>, foundation: Result<UsePageView, any Error>) {
        (Result { try UsePageView(wireJSON: Data(text.utf8)) },
         Result { try WireJSON.decoder(for: UsePageView.self).decode(UsePageView.self, from: Data(text.utf8)) })
    }

    @Test("the same values as Foundation's decoder: a full page, an empty one, and 400 random ones")
    func sameValues() throws {
        var g = SystemRandomNumberGenerator()
        let pages = [SnakeCaseEncodedTests.page, UsePageView(uses: [])] + (0..<400).map { _ in
            UsePageView(uses: (0..<Int.random(in: 0...4, using: &g)).map { _ in UseViewJSONTests.use(&g) }, next: UseViewJSONTests.maybe(&g))
        }
        for page in pages {
            let read = try UsePageView(wireJSON: Data(UseViewJSONTests.direct(page).utf8))
            #expect(read.uses == page.uses && read.next == page.next)
        }
    }

    @Test("each member of a use, its denial and its corrections dropped, nulled, mistyped or renamed: an error exactly where Foundation's decoder throws one, else the same value")
    func sameErrors() throws {
        let full = UseViewJSONTests.direct(SnakeCaseEncodedTests.page)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(full.utf8)) as? [String: Any])
        let use = try #require((object["uses"] as? [[String: Any]])?.first)
        var keys = use.keys.map { [$0] }
        keys += ((use["denial"] as? [String: Any])?.keys).map { $0.map { ["denial", $0] } } ?? []
        keys += ((use["corrections"] as? [[String: Any]])?.first?.keys).map { $0.map { ["corrections", $0] } } ?? []
        #expect(keys.count > 30)
        var failures = 0
        for key in keys + [["next"], ["uses"]] {
            for change in ["drop", "null", "mistype", "rename"] {
                var page = object
                func edit(_ member: inout [String: Any], _ name: String) {
                    switch change {
                    case "drop": member[name] = nil
                    case "null": member[name] = NSNull()
                    case "mistype": member[name] = member[name] is String ? 7 as Any : "7"
                    default: member[name + "x"] = member.removeValue(forKey: name)
                    }
                }
                if key == ["next"] || key == ["uses"] {
                    edit(&page, key[0])
                } else {
                    var u = use
                    switch key.count {
                    case 1: edit(&u, key[0])
                    default:
                        if key[0] == "denial" {
                            var d = u["denial"] as! [String: Any]
                            edit(&d, key[1])
                            u["denial"] = d
                        } else {
                            var cs = u["corrections"] as! [[String: Any]]
                            edit(&cs[0], key[1])
                            u["corrections"] = cs
                        }
                    }
                    page["uses"] = [u]
                }
                let text = String(decoding: try JSONSerialization.data(withJSONObject: page), as: UTF8.self)
                let (direct, foundation) = Self.both(text)
                switch (direct, foundation) {
                case (.success(let a), .success(let b)): #expect(a.uses == b.uses && a.next == b.next, "\(change) \(key)")
                case (.failure, .failure): failures += 1
                default: Issue.record("\(change) \(key): direct \(direct), Foundation \(foundation)")
                }
            }
        }
        #expect(failures > 60, "most changes are errors")
        // Text that is not a page at all.
        for text in ["", "[]", #"{"uses":{}}"#, #"{"uses":[1]}"#, #"{"uses":[]} x"#] {
            #expect(throws: (any Error).self) { try UsePageView(wireJSON: Data(text.utf8)) }
        }
    }

    @Test("laid out otherwise — white space, members in another order, names escaped — the same page; a member twice, refused")
    func layout() throws {
        let full = UseViewJSONTests.direct(SnakeCaseEncodedTests.page)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(full.utf8)) as? [String: Any])
        // Pretty-printed, in JSONSerialization's order (not sorted), every `count` spelled with an escape.
        let pretty = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted]), as: UTF8.self)
            .replacingOccurrences(of: #""count""#, with: #""\u0063ount""#)
        #expect(pretty.contains("\n") && pretty.contains(#"\u0063ount"#))
        let read = try UsePageView(wireJSON: Data(pretty.utf8))
        #expect(read.uses == SnakeCaseEncodedTests.page.uses && read.next == SnakeCaseEncodedTests.page.next)
        // The first such member after `within`: a use's, its correction's (which come first), its denial's, the page's.
        for (within, member) in [("", #""reason":"#), ("", #""serial":"#), ("", #""note":"#), ("", #""at":"#), ("", #""by":"#), ("", #""next":"#),
                                 (#""denial":"#, #""at":"#), (#""denial":"#, #""by":"#), (#""denial":"#, #""reason":"#)] {
            let after = within.isEmpty ? full.startIndex : try #require(full.range(of: within)).upperBound
            let range = try #require(full.range(of: member, range: after..<full.endIndex))
            let twice = full.replacingCharacters(in: range, with: member + #""x","# + member)
            #expect(throws: DecodingError.self, "\(within) \(member) twice") { try UsePageView(wireJSON: Data(twice.utf8)) }
        }
    }
}

extension JSONDecoder.KeyDecodingStrategy {
    var isDefault: Bool { if case .useDefaultKeys = self { true } else { false } }
}


/// `BookLinesPage`'s direct reader reads what Foundation's decoder reads and refuses what it must.
@Suite("A page of the book's cells read in place")
struct BookLinesPageJSONTests {
    @Test("valid pages read as Foundation reads them; a missing, mistyped or repeated member and a short row are refused")
    func reads() throws {
        let columns = #"["a","b"]"#
        let valid = [
            #"{"columns":\#(columns),"next":"USE-1","rows":[["1","x"],["2","\u5370 \"q\""]]}"#,
            #"{"columns":\#(columns),"rows":[]}"#,
            #"{"rows":[["1","2"]],"next":null,"columns":\#(columns),"extra":{"k":[1]}}"#,
            #" { "columns" : [ "a" , "b" ] , "rows" : [ [ "" , "" ] ] } "#,
        ]
        for text in valid {
            let direct = try BookLinesPage(wireJSON: Array(text.utf8))
            #expect(direct == (try WireJSON.decoder(for: BookLinesPage.self).decode(BookLinesPage.self, from: Data(text.utf8))), "\(text)")
        }
        #expect(try BookLinesPage(wireJSON: Array(valid[0].utf8)).rows[1][1] == "印 \"q\"")
        let invalid = [
            #"{"rows":[]}"#, #"{"columns":["a"]}"#, #"{"columns":"a","rows":[]}"#, #"{"columns":["a"],"rows":[[1]]}"#,
            #"{"columns":["a"],"rows":[["1","2"]]}"#, #"{"columns":["a","b"],"rows":[["1"]]}"#, #"{"columns":["a"],"next":5,"rows":[]}"#,
            #"{"columns":["a"],"rows":[],"rows":[]}"#, #"{"columns":["a"],"rows":[["1"]]"#, #"[]"#,
        ]
        for text in invalid {
            #expect(throws: (any Error).self, "\(text)") { try BookLinesPage(wireJSON: Array(text.utf8)) }
        }
    }
}
