import Foundation

/// Decodes a Codable value straight from a parsed `JSONValue`, keys matched as Foundation's `JSONDecoder` matches
/// them under `.convertFromSnakeCase` (each JSON key converted, then compared with the coding key). Every journal
/// entry a county ingests or a township verifies is decoded into its typed event; writing the value back to bytes
/// for `JSONDecoder` and converting each key again cost a sixth of the county's ingestion in its daemon.
struct JSONValueDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    /// False for a `[String: …]` dictionary, whose keys `JSONDecoder` leaves as they are.
    let convertsKeys: Bool
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ value: JSONValue, codingPath: [any CodingKey] = [], convertsKeys: Bool = true) {
        self.value = value
        self.codingPath = codingPath
        self.convertsKeys = convertsKeys
    }

    /// The value decoded as `T`.
    static func decode<T: Decodable>(_ type: T.Type, _ value: JSONValue, codingPath: [any CodingKey]) throws -> T {
        try T(from: JSONValueDecoder(value, codingPath: codingPath, convertsKeys: !(T.self is any StringKeyedDictionary.Type)))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else { throw mismatch([String: JSONValue].self, value, codingPath) }
        guard convertsKeys else { return KeyedDecodingContainer(Keyed<Key>(members: members, codingPath: codingPath)) }
        var converted: [String: JSONValue] = [:]
        converted.reserveCapacity(members.count)
        for (key, member) in members { converted[SnakeCaseKeys.fromSnakeCase(key)] = member }
        return KeyedDecodingContainer(Keyed<Key>(members: converted, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw mismatch([JSONValue].self, value, codingPath) }
        return Unkeyed(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(value: value, codingPath: codingPath) }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let members: [String: JSONValue]
        let codingPath: [any CodingKey]

        var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }
        func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

        func member(_ key: Key) throws -> JSONValue {
            guard let value = members[key.stringValue] else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "No value associated with key \(key.stringValue)"))
            }
            return value
        }

        func decoder(_ key: Key) throws -> JSONValueDecoder { JSONValueDecoder(try member(key), codingPath: codingPath + [key]) }

        func decodeNil(forKey key: Key) throws -> Bool { try member(key) == .null }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try Single(value: member(key), codingPath: codingPath + [key]).decode(type) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try Single(value: member(key), codingPath: codingPath + [key]).decode(type) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try Single(value: member(key), codingPath: codingPath + [key]).decode(type) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try Single(value: member(key), codingPath: codingPath + [key]).decode(type) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try JSONValueDecoder.decode(type, member(key), codingPath: codingPath + [key]) }

        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
            guard let value = members[key.stringValue], value != .null else { return nil }
            return try Single(value: value, codingPath: codingPath + [key]).decode(type)
        }

        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            guard let value = members[key.stringValue], value != .null else { return nil }
            return try JSONValueDecoder.decode(type, value, codingPath: codingPath + [key])
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try decoder(key).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try decoder(key).unkeyedContainer() }
        func superDecoder() throws -> any Decoder { JSONValueDecoder(.object(members), codingPath: codingPath) }
        func superDecoder(forKey key: Key) throws -> any Decoder { try decoder(key) }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let elements: [JSONValue]
        let codingPath: [any CodingKey]
        var currentIndex = 0

        init(elements: [JSONValue], codingPath: [any CodingKey]) {
            self.elements = elements
            self.codingPath = codingPath
        }

        var count: Int? { elements.count }
        var isAtEnd: Bool { currentIndex >= elements.count }

        private struct Index: CodingKey {
            let intValue: Int?
            var stringValue: String { "Index \(intValue ?? 0)" }
            init(_ index: Int) { intValue = index }
            init?(stringValue: String) { nil }
            init?(intValue: Int) { self.intValue = intValue }
        }

        mutating func next() throws -> JSONValueDecoder {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(JSONValue.self, .init(codingPath: codingPath, debugDescription: "Unkeyed container is at end."))
            }
            defer { currentIndex += 1 }
            return JSONValueDecoder(elements[currentIndex], codingPath: codingPath + [Index(currentIndex)])
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, elements[currentIndex] == .null else { return false }
            currentIndex += 1
            return true
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            let element = try next()
            return try JSONValueDecoder.decode(type, element.value, codingPath: element.codingPath)
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try next().container(keyedBy: type)
        }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
        mutating func superDecoder() throws -> any Decoder { try next() }
    }

    struct Single: SingleValueDecodingContainer {
        let value: JSONValue
        let codingPath: [any CodingKey]

        func decodeNil() -> Bool { value == .null }

        func decode(_ type: Bool.Type) throws -> Bool {
            guard case .bool(let b) = value else { throw mismatch(type, value, codingPath) }
            return b
        }

        func decode(_ type: String.Type) throws -> String {
            guard case .string(let s) = value else { throw mismatch(type, value, codingPath) }
            return s
        }

        func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
            guard case .int(let n) = value else { throw mismatch(type, value, codingPath) }
            guard let exact = T(exactly: n) else {
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "Number \(n) does not fit in \(T.self)."))
            }
            return exact
        }

        func decode(_ type: Int.Type) throws -> Int { try integer(type) }
        func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
        func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
        func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
        func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
        func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

        func decode(_ type: Double.Type) throws -> Double {
            guard case .int(let n) = value else { throw mismatch(type, value, codingPath) }
            return Double(n)
        }

        func decode(_ type: Float.Type) throws -> Float {
            guard case .int(let n) = value else { throw mismatch(type, value, codingPath) }
            return Float(n)
        }

        func decode<T: Decodable>(_ type: T.Type) throws -> T { try JSONValueDecoder.decode(type, value, codingPath: codingPath) }
    }
}

/// `[String: …]`: `JSONDecoder` decodes its keys as written, whatever its key strategy.
protocol StringKeyedDictionary {}
extension Dictionary: StringKeyedDictionary where Key == String {}

private func mismatch(_ type: Any.Type, _ value: JSONValue, _ codingPath: [any CodingKey]) -> DecodingError {
    DecodingError.typeMismatch(type, .init(codingPath: codingPath, debugDescription: "Expected to decode \(type) but found \(value) instead."))
}
