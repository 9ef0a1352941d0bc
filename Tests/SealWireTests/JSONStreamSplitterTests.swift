import SealBook
import SealWire
import Testing

/// sealctl reads long answers through the splitter: every value must come out whole, at its path, in order,
/// however the answer is cut into pieces and however it is laid out.
@Suite("JSON split into values as it arrives")
struct JSONStreamSplitterTests {
    typealias Step = JSONStreamSplitter.Step

    static func value(_ rng: inout SystemRandomNumberGenerator, depth: Int) -> JSONValue {
        let texts = ["", "a", "\"q\"", "\\", "[x]", "{y}", "a,b", "中文", "😀", "\n", "-1", "true"]
        switch Int.random(in: 0..<(depth > 3 ? 4 : 6), using: &rng) {
        case 0: return [.null, .bool(true), .bool(false)].randomElement(using: &rng)!
        case 1: return .int(Int64.random(in: -100_000...100_000, using: &rng))
        case 2, 3: return .string(texts.randomElement(using: &rng)!)
        case 4: return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in value(&rng, depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &rng) { members[["a", "b", "c", "count", "evidence", "k"].randomElement(using: &rng)!] = value(&rng, depth: depth + 1) }
            return .object(members)
        }
    }

    /// What the splitter should report for `value` at `path`, in order.
    static func expected(_ value: JSONValue, _ path: [Step], opens: ([Step]) -> Bool) -> [String] {
        switch value {
        case .object(let members) where opens(path):
            return members.keys.sorted().flatMap { expected(members[$0]!, path + [.key($0)], opens: opens) } + ["end \(path)"]
        case .array(let elements) where opens(path):
            return elements.enumerated().flatMap { expected($1, path + [.index($0)], opens: opens) } + ["end \(path)"]
        default:
            return ["\(path) \(value.canonicalString)"]
        }
    }

    static func split(_ text: [UInt8], pieces: [Int], opens: @escaping ([Step]) -> Bool) throws -> [String] {
        var splitter = JSONStreamSplitter(opens: opens)
        var seen: [String] = []
        var at = 0
        for length in pieces + [text.count] where at < text.count {
            let end = min(text.count, at + length)
            try splitter.feed(text[at..<end]) { event in
                switch event {
                case .value(let path, let bytes): seen.append("\(path) \((try? JSONValue(parsing: bytes))?.canonicalString ?? "unreadable")")
                case .end(let path): seen.append("end \(path)")
                }
            }
            at = end
        }
        try splitter.finish()
        return seen
    }

    @Test("random documents, compact and indented, cut anywhere: every value whole at its path, in order")
    func random() throws {
        var rng = SystemRandomNumberGenerator()
        let opens: ([Step]) -> Bool = { $0.count < 2 || ($0.count == 3 && $0[2] == .key("evidence")) }
        for _ in 0..<1_500 {
            let document: JSONValue = Bool.random(using: &rng) ? .object(["anomalies": Self.value(&rng, depth: 1), "period": Self.value(&rng, depth: 1)])
                : .array((0..<3).map { _ in Self.value(&rng, depth: 1) })
            let compact = document.canonicalBytes
            let want = Self.expected(document, [], opens: opens)
            for text in [compact, PrettyJSON.indent(compact)!] {
                let pieces = (0..<8).map { _ in Int.random(in: 1...max(1, text.count / 3), using: &rng) }
                #expect(try Self.split(text, pieces: pieces, opens: opens) == want, "\(String(decoding: text, as: UTF8.self))")
                #expect(try Self.split(text, pieces: Array(repeating: 1, count: text.count), opens: opens) == want)
            }
        }
    }

    @Test("what is not one well-formed document is refused", arguments: [#"{"a" 1}"#, "[1,]", #"{"a":1,}"#, "[1 2]", #"{"a":1"#, "x", #""s""#, "[]]", "{}{}", "[1]x"])
    func malformed(text: String) {
        #expect(throws: (any Error).self) { _ = try Self.split(Array(text.utf8), pieces: [], opens: { _ in true }) }
    }
}
