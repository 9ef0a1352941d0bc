import Foundation
import Testing

@testable import SealBook

@Suite("JSON read strictly into JSONValue")
struct JSONValueParsingTests {
    @Test(
        "valid documents read as the value they spell",
        arguments: [
            (#"{"a":1,"b":[true,false,null],"c":"x"}"#, JSONValue.object(["a": 1, "b": [true, false, nil], "c": "x"])),
            (#" [ -9223372036854775808 , 9223372036854775807 , 0 , -0 ] "#, .array([.int(.min), .int(.max), 0, 0])),
            (#""\"\\\/\b\f\n\r\t\u0041\u00e9\u4e2d\ud83d\ude00""#, .string("\"\\/\u{08}\u{0C}\n\r\tAé中😀")),
            (#""用印人 张三""#, .string("用印人 张三")),
            ("{}", .object([:])), ("[]", .array([])), (#"{"":""}"#, .object(["": ""])),
        ]
    )
    func valid(text: String, value: JSONValue) throws {
        #expect(try JSONValue(parsing: text) == value)
        #expect(try JSONValue(parsing: Array(text.utf8)) == value)
    }

    @Test(
        "everything else is refused, saying why",
        arguments: [
            ("", "unexpected end"), ("1.5", "only integers"), ("1e3", "only integers"), ("01", "leading zero"),
            ("9223372036854775808", "64 bits"), ("-9223372036854775809", "64 bits"), (#"{"a":1,"a":2}"#, "duplicate member"),
            ("\"a\u{01}b\"", "control character"), (#""\ud800""#, "lone surrogate"), (#""\udc00x""#, "lone surrogate"),
            (#""\x""#, "bad escape"), (#"{"a":1} x"#, "text after"), ("[1,]", "unexpected character"), (#"{"a" 1}"#, "expected ':'"),
            ("tru", "unexpected end"), (#""abc"#, "unterminated"), ("{a:1}", "member name"), (String(repeating: "[", count: 600), "nested"),
        ]
    )
    func invalid(text: String, reason: String) {
        do {
            _ = try JSONValue(parsing: text)
            Issue.record("\(text) was read")
        } catch {
            #expect("\(error)".contains(reason), "\(error)")
        }
    }

    @Test("canonical bytes read back as the same value, and Foundation agrees on what they say")
    func roundTrip() throws {
        let value: JSONValue = ["seq": 7, "kind": "use.recorded", "payload": ["reason": "设立\"登记\"\n", "count": -3, "list": [nil, true, "\u{1F}"]]]
        let bytes = value.canonicalBytes
        #expect(String(decoding: bytes, as: UTF8.self)
            == #"{"kind":"use.recorded","payload":{"count":-3,"list":[null,true,"\u001f"],"reason":"设立\"登记\"\n"},"seq":7}"#)
        #expect(try JSONValue(parsing: bytes) == value)
        let foundation = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        #expect((foundation?["payload"] as? [String: Any])?["reason"] as? String == "设立\"登记\"\n")
    }

    @Test(
        "canonical member order is by UTF-16 code units: a private-use character (U+E000…U+FFFF) after an emoji",
        arguments: [
            ("a", "b"), ("a", "ab"), ("", "a"), ("B", "a"), ("z", "é"), ("é", "中"), ("中", "\u{E000}"), ("\u{1F600}", "\u{E000}"),
            ("\u{1F600}", "\u{FFFD}"), ("中\u{1F600}", "中\u{FF01}"), ("\u{1F600}", "\u{1F601}"), ("\u{D7FF}", "\u{1F600}"),
            ("x\u{10000}y", "x\u{E000}"), ("用印", "用印人"),
        ]
    )
    func memberOrder(first: String, second: String) throws {
        // The pair as given is in UTF-16 order; the canonical writer must agree, and with itself the other way round.
        #expect(first.utf16.lexicographicallyPrecedes(second.utf16))
        #expect(JSONValue.precedes(first, second))
        #expect(!JSONValue.precedes(second, first))
        #expect(!JSONValue.precedes(first, first))
        let text = String(decoding: JSONValue.object([second: 2, first: 1]).canonicalBytes, as: UTF8.self)
        #expect(text == "{\"\(first)\":1,\"\(second)\":2}")
    }

    @Test("escapes inside, at the start and at the end of a string, and runs of plain text between them")
    func escapesBetweenRuns() {
        let cases: [(String, String)] = [
            ("\"a", #""\"a""#), ("a\\", #""a\\""#), ("用\n印\t人\"", #""用\n印\t人\"""#), ("\u{0}\u{1F}\u{7F}", #""\u0000\u001f\#u{7F}""#),
            ("", #""""#), ("plain 张三", #""plain 张三""#),
        ]
        for (raw, canonical) in cases {
            #expect(String(decoding: JSONValue.string(raw).canonicalBytes, as: UTF8.self) == canonical)
        }
    }
}
