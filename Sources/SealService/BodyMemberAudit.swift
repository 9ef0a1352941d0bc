import Foundation
import NIOCore
import SealBook
import SealWire

/// Finds the members of a JSON body that its type never reads.
///
/// `JSONDecoder` skips a member no property names, so a typo in an optional field (`unix_usr`, `untill`) was
/// dropped without a word and the write went ahead without it. The body's type is decoded once more from the parsed
/// body by a decoder that notes every key the type asks for (present or not: a synthesized `init(from:)` asks for
/// each of its properties); any member of any object it never asked for is unknown. The keys are matched as the
/// API's decoder matches them (snake_case converted, a `[String: …]` dictionary's keys as written).
enum BodyMemberAudit {
    /// A member no type in the body reads: where it is (JSON keys as sent, array indexes) and what that object takes.
    struct Unknown: Equatable, CustomStringConvertible {
        var path: String
        var known: [String]

        var description: String {
            "unknown field \(path) (\(known.isEmpty ? "that object takes no fields" : "it takes \(known.joined(separator: ", "))"))"
        }
    }

    /// The unknown members of `body` (as `JSONSerialization` parsed it) for `type`, in the body's order of paths;
    /// empty when every member is read, or when the type cannot be walked this way (it was decoded already).
    static func unknownMembers<T: Decodable>(_ type: T.Type, in body: Any) -> [Unknown] {
        let log = Log()
        do {
            _ = try AuditDecoder.decode(type, body, path: [], log: log)
        } catch {
            return []
        }
        var found: [Unknown] = []
        // Every object in the body, not only those the type opened: one it never opened takes no fields at all.
        func walk(_ value: Any, _ path: [String]) {
            if let object = value as? [String: Any] {
                let read = log.object(at: path)
                if read?.all == true { return }
                let known = (read?.asked ?? []).map(SnakeCaseKeys.toSnakeCase).sorted()
                let keys = Dictionary((read?.members ?? [:]).map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
                for sent in object.keys.sorted() {
                    if let key = keys[sent], read?.asked.contains(key) == true {
                        walk(object[sent]!, path + [sent])
                    } else {
                        found.append(Unknown(path: (path + [sent]).joined(separator: "."), known: known))
                    }
                }
            } else if let elements = value as? [Any] {
                for (index, element) in elements.enumerated() { walk(element, path + [String(index)]) }
            }
        }
        walk(body, [])
        return found
    }

    /// The unknown top-level members of a flat body that holds a secret (the PIN): only its member names are read,
    /// so the secret is not copied again into a parsed value that outlives the zeroed buffer.
    static func unknownMembers(in buffer: ByteBuffer, known: Set<String>) -> [Unknown] {
        struct Skipped: Decodable { init(from decoder: any Decoder) {} }
        guard let members = try? WireJSON.decoder.decode([String: Skipped].self, from: buffer) else { return [] }
        return members.keys.filter { !known.contains($0) }.sorted().map { Unknown(path: $0, known: known.sorted()) }
    }

    /// What each object of the body holds and which of its members were asked for, by path.
    final class Log {
        struct Object {
            /// Each member's key as the type names it → the key as sent.
            var members: [String: String]
            var asked: Set<String> = []
            var all = false
        }
        private var objects: [[String]: Object] = [:]

        func enter(path: [String], members: [String: String]) {
            if objects[path] == nil { objects[path] = Object(members: members) }
        }

        func ask(_ key: String, at path: [String]) { objects[path]?.asked.insert(key) }
        func askAll(at path: [String]) { objects[path]?.all = true }

        func object(at path: [String]) -> Object? { objects[path] }
    }

    /// A `Decoder` over `JSONSerialization`'s values that records what it is asked for. Values are read leniently:
    /// the body has already been decoded by `JSONDecoder`, which judged them.
    struct AuditDecoder: Decoder {
        let value: Any
        let path: [String]
        let log: Log
        let convertsKeys: Bool
        var codingPath: [any CodingKey] { path.map { AnyKey(stringValue: $0) } }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        static func decode<T: Decodable>(_ type: T.Type, _ value: Any, path: [String], log: Log) throws -> T {
            // A date is a string on the wire (`.iso8601`); its own `init(from:)` would read a number.
            if T.self == Date.self {
                guard let text = value as? String, let date = ISO8601DateFormatter().date(from: text) else { throw mismatch(path) }
                return date as! T
            }
            return try T(from: AuditDecoder(value: value, path: path, log: log, convertsKeys: !(T.self is any StringKeyedMap.Type)))
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            guard let object = value as? [String: Any] else { throw mismatch(path) }
            var members: [String: Any] = [:]
            var names: [String: String] = [:]
            for (sent, member) in object {
                let key = convertsKeys ? SnakeCaseKeys.fromSnakeCase(sent) : sent
                members[key] = member
                names[key] = sent
            }
            log.enter(path: path, members: names)
            return KeyedDecodingContainer(Keyed<Key>(members: members, names: names, path: path, log: log))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            guard let elements = value as? [Any] else { throw mismatch(path) }
            return Unkeyed(elements: elements, path: path, log: log)
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(value: value, path: path, log: log) }
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let members: [String: Any]
        let names: [String: String]
        let path: [String]
        let log: Log
        var codingPath: [any CodingKey] { path.map { AnyKey(stringValue: $0) } }

        var allKeys: [Key] {
            log.askAll(at: path)
            return members.keys.compactMap { Key(stringValue: $0) }
        }

        func contains(_ key: Key) -> Bool {
            log.ask(key.stringValue, at: path)
            return members[key.stringValue] != nil
        }

        func member(_ key: Key) throws -> (value: Any, path: [String]) {
            log.ask(key.stringValue, at: path)
            guard let value = members[key.stringValue] else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "absent"))
            }
            return (value, path + [names[key.stringValue] ?? key.stringValue])
        }

        func decodeNil(forKey key: Key) throws -> Bool { try member(key).value is NSNull }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            let (value, path) = try member(key)
            return try AuditDecoder.decode(type, value, path: path, log: log)
        }

        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            log.ask(key.stringValue, at: path)
            guard let value = members[key.stringValue], !(value is NSNull) else { return nil }
            return try AuditDecoder.decode(type, value, path: path + [names[key.stringValue] ?? key.stringValue], log: log)
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            let (value, path) = try member(key)
            return try AuditDecoder(value: value, path: path, log: log, convertsKeys: true).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            let (value, path) = try member(key)
            return try AuditDecoder(value: value, path: path, log: log, convertsKeys: true).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder {
            AuditDecoder(value: members.reduce(into: [String: Any]()) { $0[names[$1.key] ?? $1.key] = $1.value }, path: path, log: log, convertsKeys: true)
        }

        func superDecoder(forKey key: Key) throws -> any Decoder {
            let (value, path) = try member(key)
            return AuditDecoder(value: value, path: path, log: log, convertsKeys: true)
        }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let elements: [Any]
        let path: [String]
        let log: Log
        var currentIndex = 0
        var codingPath: [any CodingKey] { path.map { AnyKey(stringValue: $0) } }
        var count: Int? { elements.count }
        var isAtEnd: Bool { currentIndex >= elements.count }

        init(elements: [Any], path: [String], log: Log) {
            self.elements = elements
            self.path = path
            self.log = log
        }

        mutating func next() throws -> AuditDecoder {
            guard !isAtEnd else { throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath, debugDescription: "at end")) }
            defer { currentIndex += 1 }
            return AuditDecoder(value: elements[currentIndex], path: path + [String(currentIndex)], log: log, convertsKeys: true)
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, elements[currentIndex] is NSNull else { return false }
            currentIndex += 1
            return true
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            let element = try next()
            return try AuditDecoder.decode(type, element.value, path: element.path, log: log)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try next().container(keyedBy: type)
        }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
        mutating func superDecoder() throws -> any Decoder { try next() }
    }

    struct Single: SingleValueDecodingContainer {
        let value: Any
        let path: [String]
        let log: Log
        var codingPath: [any CodingKey] { path.map { AnyKey(stringValue: $0) } }

        func decodeNil() -> Bool { value is NSNull }

        func decode(_ type: Bool.Type) throws -> Bool {
            guard let number = value as? NSNumber else { throw mismatch(path) }
            return number.boolValue
        }

        func decode(_ type: String.Type) throws -> String {
            guard let text = value as? String else { throw mismatch(path) }
            return text
        }

        func number<T: BinaryInteger>(_ type: T.Type) throws -> T {
            guard let number = value as? NSNumber, let exact = T(exactly: number.int64Value) else { throw mismatch(path) }
            return exact
        }

        func decode(_ type: Double.Type) throws -> Double {
            guard let number = value as? NSNumber else { throw mismatch(path) }
            return number.doubleValue
        }

        func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }
        func decode(_ type: Int.Type) throws -> Int { try number(type) }
        func decode(_ type: Int8.Type) throws -> Int8 { try number(type) }
        func decode(_ type: Int16.Type) throws -> Int16 { try number(type) }
        func decode(_ type: Int32.Type) throws -> Int32 { try number(type) }
        func decode(_ type: Int64.Type) throws -> Int64 { try number(type) }
        func decode(_ type: UInt.Type) throws -> UInt { try number(type) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try number(type) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try number(type) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try number(type) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try number(type) }

        func decode<T: Decodable>(_ type: T.Type) throws -> T { try AuditDecoder.decode(type, value, path: path, log: log) }
    }

    struct AnyKey: CodingKey {
        let stringValue: String
        var intValue: Int? { Int(stringValue) }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { stringValue = String(intValue) }
    }

    static func mismatch(_ path: [String]) -> DecodingError {
        DecodingError.dataCorrupted(.init(codingPath: path.map { AnyKey(stringValue: $0) }, debugDescription: "not what the type reads"))
    }
}

/// `[String: …]`: its keys are data, read as written (as `JSONDecoder` reads them whatever its key strategy).
protocol StringKeyedMap {}
extension Dictionary: StringKeyedMap where Key == String {}
