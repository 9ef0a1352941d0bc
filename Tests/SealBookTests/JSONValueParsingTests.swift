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
}
