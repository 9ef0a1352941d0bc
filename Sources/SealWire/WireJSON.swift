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
