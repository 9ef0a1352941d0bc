import Foundation
import Testing

@testable import SealBook

@Suite("JSON read in place, member by member")
struct JSONPullReaderTests {
    /// The whole value built through the pull reader alone, as a caller that wanted all of it would.
    static func build(_ r: inout JSONPullReader) throws -> JSONValue {
        switch r.next {
        case .object:
            var members: [String: JSONValue] = [:]
            try r.object { r, name in
                guard members.updateValue(try build(&r), forKey: name.string) == nil else { throw JSONPullReaderTests.Duplicate() }
            }
            return .object(members)
        case .array:
            var elements: [JSONValue] = []
            try r.array { r, i in
                #expect(i == elements.count)
                elements.append(try build(&r))
            }
            return .array(elements)
        case .string: return .string(try r.string())
        case .number: return .int(try r.int())
        case .bool: return .bool(try r.bool())
        case .null:
            #expect(try r.null())
            return .null
        case nil:
            try r.skip()
            Issue.record("skip() read what has no kind")
            return .null
        }
    }

    struct Duplicate: Error {}

    static let texts = [
        #"{"a":1,"b":[true,false,null],"c":"x"}"#, #" [ -9223372036854775808 , 9223372036854775807 , 0 , -0 ] "#,
        #""\"\\\/\b\f\n\r\t\u0041\u00e9\u4e2d\ud83d\ude00""#, #""用印人 张三""#, "{}", "[]", #"{"":""}"#,
        " {\n\t\"a\" : { \"b\" : [ ] , \"c\" : { } } ,\r\n \"\\u0064\" : \"e\" } ",
        "", "1.5", "1e3", "01", "9223372036854775808", "-9223372036854775809", "\"a\u{01}b\"", #""\ud800""#, #""\udc00x""#,
        #""\x""#, #"{"a":1} x"#, "[1,]", #"{"a" 1}"#, "tru", #""abc"#, "{a:1}", String(repeating: "[", count: 600), #"{"a":1,}"#,
        #"{"a":1 "b":2}"#, #"{"a\"#, #"{"a"#, "[1 2]", "[", "{", #"{"a":"#, "nul", "falsy", "+1", "-", #"{"\u0001":1}"#, "{\"a\u{01}\":1}",
    ]

    @Test("every value reads as the strict reader reads it, and every text it refuses is refused", arguments: texts)
    func sameAsTheStrictReader(text: String) {
        let strict = Result { try JSONValue(parsing: text) }
        let pulled = Result { try JSONPullReader.read(Data(text.utf8)) { try Self.build(&$0) } }
        let skipped = Result { try JSONPullReader.read(Data(text.utf8)) { try $0.skip() } }
        switch (strict, pulled, skipped) {
        case (.success(let a), .success(let b), .success): #expect(a == b)
        case (.failure, .failure, .failure): break
        default: Issue.record("strict \(strict), pulled \(pulled), skipped \(skipped)")
        }
    }

    @Test("a member's name is its bytes, or unescaped when it has an escape")
    func names() throws {
        var seen: [String] = []
        try JSONPullReader.read(Data(#"{"uses":1,"\u0075ses":2,"us\"es":3,"":4,"用印人":5}"#.utf8)) { r in
            try r.object { r, name in
                seen.append(name.string)
                #expect(name.equals(Array(name.string.utf8)))
                #expect(!name.equals(Array((name.string + "x").utf8)))
                #expect(name.equals(Array("uses".utf8)) == (name.string == "uses"))
                _ = try r.int()
            }
        }
        #expect(seen == ["uses", "uses", "us\"es", "", "用印人"])
    }

    @Test("a value of another kind than asked for is refused, not read as something else")
    func wrongKind() {
        for (text, read) in [("7", { (r: inout JSONPullReader) in _ = try r.string() }), (#""7""#, { _ = try $0.int() }), ("null", { _ = try $0.bool() }),
                             ("[]", { try $0.object { _, _ in } }), ("{}", { try $0.array { _, _ in } })] as [(String, (inout JSONPullReader) throws -> Void)] {
            #expect(throws: JSONParser.Failure.self, "\(text)") { try JSONPullReader.read(Data(text.utf8), read) }
        }
        // `null()` reads only a null.
        #expect(throws: Never.self) { try JSONPullReader.read(Data("1".utf8)) { r in
            #expect(try !r.null())
            _ = try r.int()
        } }
    }

    @Test("names are found from the one after the last found, round to the start, and not by prefix")
    func memberNames() throws {
        let names = JSONMemberNames(["id", "user", "user_name", "urgent"])
        var order: [Int?] = []
        var hint = 0
        try JSONPullReader.read(Data(#"{"id":0,"user_name":0,"urgent":0,"id":0,"use":0,"user":0,"user_namex":0,"urgent":0}"#.utf8)) { r in
            try r.object { r, name in
                order.append(names.index(of: name, hint: &hint))
                try r.skip()
            }
        }
        #expect(order == [0, 2, 3, 0, nil, 1, nil, 3])
        #expect(hint == 0, "after the last name, the first")
        #expect(names.name(2) == "user_name")
    }
}
