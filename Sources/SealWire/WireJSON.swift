import Foundation
import SealBook

/// The API's JSON conventions, for both ends: snake_case keys, RFC 3339 dates, sorted keys so equal answers are
/// equal bytes. The daemons encode answers and decode bodies with these; sealctl does the reverse.
public enum WireJSON {
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = SnakeCaseKeys.decoding
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

/// A wire type that writes itself under snake_case keys — and so does every type inside it — so it is encoded
/// without a key strategy. Foundation's `.convertToSnakeCase` re-spells every key of every object it writes, nearly
/// half the time of encoding a page of the book; the types of the long lists spell their keys in `encode(to:)`
/// instead. Decoding is unchanged (the API's key strategy). `SnakeCaseEncodedTests` holds each such type to the
/// same bytes either way, and to a key for every property.
public protocol SnakeCaseEncoded: Encodable {}

extension WireJSON {
    /// The API's encoder without a key strategy: for `SnakeCaseEncoded` values only.
    public static var snakeCaseEncodedEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// The encoder for `value`: without a key strategy when it spells its keys in snake_case itself.
    public static func encoder(for value: any Encodable) -> JSONEncoder {
        value is any SnakeCaseEncoded ? snakeCaseEncodedEncoder : encoder
    }
}

/// A wire type read under its own snake_case keys, so it is decoded without the API's key strategy: through a
/// `.custom` strategy Foundation builds a coding path for every key of every object, which doubled the time sealctl
/// took to read a page of the book. Its `init(from:)` also reads the camelCase keys the strategy gives, so it still
/// decodes inside any other answer. `UseViewJSONTests` reads random pages both ways.
public protocol SnakeCaseDecoded: Decodable {}

extension UsePageView: SnakeCaseDecoded {}

extension WireJSON {
    /// The API's decoder without a key strategy: for `SnakeCaseDecoded` values only.
    public static var snakeCaseDecodedDecoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    /// The decoder for `type`: without a key strategy when it reads its keys in snake_case itself.
    public static func decoder(for type: Any.Type) -> JSONDecoder {
        type is any SnakeCaseDecoded.Type ? snakeCaseDecodedDecoder : decoder
    }
}
