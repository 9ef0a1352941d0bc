import Foundation
import Synchronization

/// Snake_case keys read as camelCase, as Foundation's `.convertFromSnakeCase` converts them, each key converted once
/// and remembered.
///
/// Foundation converts every key of every object again, splitting it into words: decoding a page of the book in
/// sealctl spent a third of its time there. A wire type has a few dozen keys, so a key is looked up far more often
/// than converted. Used by `WireJSON`'s decoder (a `.custom` strategy) and by `JSONValueDecoder`; `toSnakeCase`, the
/// other way, by `JSONValueEncoder`. (The API's encoder keeps Foundation's `.convertToSnakeCase`: a `.custom` encoding
/// strategy builds each key's coding path, which cost more than the conversion it saved.)
public enum SnakeCaseKeys {
    /// At most this many keys are remembered; keys past it (a client could send any keys) are converted each time.
    static let capacity = 4096

    /// `case_number` → `caseNumber`: Foundation's `convertFromSnakeCase` (underscores at either end kept, the words
    /// between joined, the first in lower case and every later one capitalised, a key without underscores left as
    /// it is).
    public static func fromSnakeCase(_ key: String) -> String {
        guard key.utf8.contains(0x5F) else { return key }
        if let known = camel.withLock({ $0[key] }) { return known }
        let result = convertFromSnakeCase(key)
        camel.withLock { if $0.count < capacity { $0[key] = result } }
        return result
    }

    /// `caseNumber` → `case_number`, `documentSHA256` → `document_sha256`: exactly what Foundation's
    /// `.convertToSnakeCase` writes, since it is asked (once per key; `JSONValueEncoder` names keys by it).
    public static func toSnakeCase(_ key: String) -> String {
        if let known = snake.withLock({ $0[key] }) { return known }
        let result = foundationSnakeCase(key)
        snake.withLock { if $0.count < capacity { $0[key] = result } }
        return result
    }

    private static let snake = Mutex<[String: String]>([:])

    /// The one key `key` names, written by `JSONEncoder` with `.convertToSnakeCase` and read back.
    static func foundationSnakeCase(_ key: String) -> String {
        struct One: Encodable {
            let key: String
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(0, forKey: Key(key))
            }
        }
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        guard let data = try? encoder.encode(One(key: key)),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Int], let converted = object.keys.first
        else { return key }
        return converted
    }

    /// The decoder's strategy: each key converted by `fromSnakeCase`.
    public static let decoding = JSONDecoder.KeyDecodingStrategy.custom { path in Key(fromSnakeCase(path.last!.stringValue)) }

    private static let camel = Mutex<[String: String]>([:])

    static func convertFromSnakeCase(_ key: String) -> String {
        guard !key.isEmpty, let first = key.firstIndex(where: { $0 != "_" }) else { return key }
        var last = key.index(before: key.endIndex)
        while last > first, key[last] == "_" { last = key.index(before: last) }
        let words = key[first...last].split(separator: "_")
        guard words.count > 1 else { return key }
        let joined = words[0].lowercased() + words.dropFirst().map { $0.capitalized }.joined()
        return String(key[..<first]) + joined + String(key[key.index(after: last)...])
    }

    /// A key by its name: the strategy's converted keys, and the keys of types that spell their own.
    public struct Key: CodingKey {
        public var stringValue: String
        public var intValue: Int? { nil }
        public init(_ string: String) { stringValue = string }
        public init(stringValue: String) { self.stringValue = stringValue }
        public init?(intValue: Int) { nil }

        /// `key` as written (snake_case), or as the API's key strategy turns it (camelCase).
        public init(_ key: some CodingKey, snake: Bool) {
            stringValue = snake ? key.stringValue : SnakeCaseKeys.fromSnakeCase(key.stringValue)
        }
    }
}
