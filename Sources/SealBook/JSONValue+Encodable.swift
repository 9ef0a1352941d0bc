import Foundation

extension JSONValue {
    /// The JSON form of a Codable value with snake_case keys, as journal payloads and the API use it.
    /// Values with floating-point numbers are refused (they have no canonical form here).
    public init(encoding value: some Encodable) throws {
        self = try JSONValueEncoder.encode(value)
    }

    /// Decodes a Codable value from this JSON (snake_case keys, matched as `JSONDecoder`'s `.convertFromSnakeCase`
    /// matches them), without writing it back to bytes.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONValueDecoder.decode(type, self, codingPath: [])
    }
}
