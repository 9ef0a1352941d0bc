import Foundation
import Synchronization

/// Encodes a Codable value straight into a `JSONValue`, keys converted as Foundation's `JSONEncoder` converts them
/// under `.convertToSnakeCase` (`[String: …]` dictionaries' keys left as they are), the inverse of
/// `JSONValueDecoder`. Every event the register journals is made into a payload this way inside the writer's
/// transaction; `JSONEncoder` writing text for `JSONValue(parsing:)` to read back was a fifth of the time a use spent
/// there. What `JSONValue` cannot hold — floating point, and so dates, which Foundation writes as numbers — is
/// refused, as parsing refused it.
struct JSONValueEncoder {
    /// The value as JSON.
    static func encode(_ value: some Encodable) throws -> JSONValue {
        let root = Slot()
        try root.encode(value, codingPath: [])
        guard let encoded = root.materialized else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "Top-level \(type(of: value)) did not encode any values."))
        }
        return encoded
    }

    /// One value being encoded: a scalar, or an object or array whose members are slots of their own (containers are
    /// handed out before their members are written, so they write into shared slots).
    final class Slot {
        var scalar: JSONValue?
        var members: [String: Slot]?
        var elements: [Slot]?

        init() {}
        init(_ scalar: JSONValue) { self.scalar = scalar }

        var materialized: JSONValue? {
            if let scalar { return scalar }
            // A member that wrote nothing is an empty object, as `JSONEncoder` writes it.
            if let members { return .object(members.mapValues { $0.materialized ?? .object([:]) }) }
            if let elements { return .array(elements.map { $0.materialized ?? .object([:]) }) }
            return nil
        }

        func encode<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws {
            // Foundation's own special cases for these types.
            if let data = value as? Data {
                scalar = .string(data.base64EncodedString())
            } else if let url = value as? URL {
                scalar = .string(url.absoluteString)
            } else {
                try value.encode(to: Impl(slot: self, codingPath: codingPath, convertsKeys: !(T.self is any StringKeyedDictionary.Type)))
            }
        }
    }

    struct Impl: Encoder {
        let slot: Slot
        let codingPath: [any CodingKey]
        let convertsKeys: Bool
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            if slot.members == nil { slot.members = [:] }
            return KeyedEncodingContainer(Keyed<Key>(slot: slot, codingPath: codingPath, convertsKeys: convertsKeys))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            if slot.elements == nil { slot.elements = [] }
            return Unkeyed(slot: slot, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { Single(slot: slot, codingPath: codingPath) }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let slot: Slot
        let codingPath: [any CodingKey]
        let convertsKeys: Bool

        func name(_ key: Key) -> String { convertsKeys ? SnakeCaseKeys.toSnakeCase(key.stringValue) : key.stringValue }

        func child(_ key: Key) -> Slot {
            let child = Slot()
            slot.members![name(key)] = child
            return child
        }

        mutating func encodeNil(forKey key: Key) throws { slot.members![name(key)] = Slot(.null) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { slot.members![name(key)] = Slot(.bool(value)) }
        mutating func encode(_ value: String, forKey key: Key) throws { slot.members![name(key)] = Slot(.string(value)) }
        mutating func encode(_ value: Int, forKey key: Key) throws { slot.members![name(key)] = Slot(.int(Int64(value))) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { slot.members![name(key)] = Slot(.int(value)) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            try child(key).encode(value, codingPath: codingPath + [key])
        }
        // The other numbers as single values (`Single` refuses floating point and unsigned integers too large).
        mutating func encode(_ value: Double, forKey key: Key) throws { try child(key).encode(value, codingPath: codingPath + [key]) }
        mutating func encode(_ value: Float, forKey key: Key) throws { try child(key).encode(value, codingPath: codingPath + [key]) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { try child(key).encode(value, codingPath: codingPath + [key]) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { try child(key).encode(value, codingPath: codingPath + [key]) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { try child(key).encode(value, codingPath: codingPath + [key]) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { try child(key).encode(value, codingPath: codingPath + [key]) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { try child(key).encode(value, codingPath: codingPath + [key]) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { try child(key).encode(value, codingPath: codingPath + [key]) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { try child(key).encode(value, codingPath: codingPath + [key]) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { try child(key).encode(value, codingPath: codingPath + [key]) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            Impl(slot: child(key), codingPath: codingPath + [key], convertsKeys: true).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            Impl(slot: child(key), codingPath: codingPath + [key], convertsKeys: true).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder {
            let child = Slot()
            slot.members!["super"] = child
            return Impl(slot: child, codingPath: codingPath, convertsKeys: true)
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder { Impl(slot: child(key), codingPath: codingPath + [key], convertsKeys: true) }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let slot: Slot
        let codingPath: [any CodingKey]
        var count: Int { slot.elements!.count }

        private struct Index: CodingKey {
            var stringValue: String { "Index \(intValue!)" }
            var intValue: Int?
            init(_ index: Int) { intValue = index }
            init?(stringValue: String) { nil }
            init?(intValue: Int) { self.intValue = intValue }
        }

        func next() -> Slot {
            let child = Slot()
            slot.elements!.append(child)
            return child
        }

        mutating func encodeNil() throws { slot.elements!.append(Slot(.null)) }
        mutating func encode(_ value: Bool) throws { slot.elements!.append(Slot(.bool(value))) }
        mutating func encode(_ value: String) throws { slot.elements!.append(Slot(.string(value))) }
        mutating func encode(_ value: Int) throws { slot.elements!.append(Slot(.int(Int64(value)))) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            let path = codingPath + [Index(count)]
            try next().encode(value, codingPath: path)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let path = codingPath + [Index(count)]
            return Impl(slot: next(), codingPath: path, convertsKeys: true).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let path = codingPath + [Index(count)]
            return Impl(slot: next(), codingPath: path, convertsKeys: true).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder {
            let path = codingPath + [Index(count)]
            return Impl(slot: next(), codingPath: path, convertsKeys: true)
        }
    }

    struct Single: SingleValueEncodingContainer {
        let slot: Slot
        let codingPath: [any CodingKey]

        func encodeNil() throws { slot.scalar = .null }
        func encode(_ value: Bool) throws { slot.scalar = .bool(value) }
        func encode(_ value: String) throws { slot.scalar = .string(value) }
        func encode(_ value: Double) throws { throw Self.floatingPoint(value, codingPath) }
        func encode(_ value: Float) throws { throw Self.floatingPoint(value, codingPath) }
        func encode(_ value: Int) throws { slot.scalar = .int(Int64(value)) }
        func encode(_ value: Int8) throws { slot.scalar = .int(Int64(value)) }
        func encode(_ value: Int16) throws { slot.scalar = .int(Int64(value)) }
        func encode(_ value: Int32) throws { slot.scalar = .int(Int64(value)) }
        func encode(_ value: Int64) throws { slot.scalar = .int(value) }
        func encode(_ value: UInt) throws { try unsigned(value) }
        func encode(_ value: UInt8) throws { slot.scalar = .int(Int64(value)) }
        func encode(_ value: UInt16) throws { slot.scalar = .int(Int64(value)) }
        func encode(_ value: UInt32) throws { slot.scalar = .int(Int64(value)) }
        func encode(_ value: UInt64) throws { try unsigned(value) }
        func encode<T: Encodable>(_ value: T) throws { try slot.encode(value, codingPath: codingPath) }

        func unsigned<T: UnsignedInteger>(_ value: T) throws {
            guard let n = Int64(exactly: value) else {
                throw EncodingError.invalidValue(value, .init(codingPath: codingPath, debugDescription: "\(value) is past the largest integer JSONValue holds"))
            }
            slot.scalar = .int(n)
        }

        static func floatingPoint(_ value: Any, _ codingPath: [any CodingKey]) -> EncodingError {
            .invalidValue(value, .init(codingPath: codingPath, debugDescription: "floating-point numbers have no canonical form in the journal"))
        }
    }
}
