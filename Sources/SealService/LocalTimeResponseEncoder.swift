import Foundation
import Hummingbird
import SealCore
import SealWire

/// The API's JSON with every stored time shown in the register's zone (`[policy] timezone`) with its offset:
/// `"until":"2026-11-22T23:59:59+08:00"` where the register stores `2026-11-22T15:59:59Z`. The same instant, as the
/// people who read the answer live it; the journal's canonical entries (the `entry` text) stay UTC.
///
/// A time is a string value of a key named `time`, `at`, `until` or `due`, or ending in `_at`, `_time` or `_until`,
/// holding a stored UTC timestamp. Free text (事由, notes, names) is never under such a key, so it is never touched.
public struct LocalTimeResponseEncoder: ResponseEncoder {
    let zone: TimeZone

    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response {
        let data = Self.localize(try WireJSON.encoder.encode(value), zone: zone)
        return Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8", .contentLength: String(data.count)],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    // A key is structural when its opening quote follows `{` or `,`: the encoder escapes every quote inside a string.
    static let pattern = try! NSRegularExpression(
        pattern: #"([{,]"(?:time|at|until|due|[a-z_]+_at|[a-z_]+_time|[a-z_]+_until)":")(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)""#
    )

    static func localize(_ data: Data, zone: TimeZone) -> Data {
        let text = String(decoding: data, as: UTF8.self)
        let whole = NSRange(text.startIndex..., in: text)
        let matches = pattern.matches(in: text, range: whole)
        guard !matches.isEmpty else { return data }
        var out = ""
        out.reserveCapacity(text.utf8.count + matches.count * 6)
        var cursor = text.startIndex
        for match in matches {
            guard let stamp = Range(match.range(at: 2), in: text), let date = LocalTime.parseStored(String(text[stamp])) else { continue }
            out += text[cursor..<stamp.lowerBound]
            out += LocalTime.rfc3339(date, zone: zone)
            cursor = stamp.upperBound
        }
        out += text[cursor...]
        return Data(out.utf8)
    }
}
