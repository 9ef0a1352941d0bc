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

    public init(zone: TimeZone) { self.zone = zone }

    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response {
        Self.response(json: try Self.bytes(value, zone: zone)[...])
    }

    /// An answer of JSON bytes already written so (a page of the book: `Register.usePage`).
    static func response(json: ArraySlice<UInt8>) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8", .contentLength: String(json.count)],
            body: ResponseBody(contentLength: json.count) { writer in
                try await write(json, to: &writer)
                try await writer.finish(nil)
            }
        )
    }

    /// JSON whose `head` is known before the rest is made: the head is sent at once, the rest when `rest` has made
    /// it (chunked: its length is not known yet). A failure of `rest` ends the answer short of its close, which no
    /// client takes for a whole page.
    static func response(head: [UInt8], rest: @escaping @Sendable () async throws -> [UInt8]) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody { writer in
                try await writer.write(ByteBuffer(bytes: head))
                try await write(try await rest()[...], to: &writer)
                try await writer.finish(nil)
            }
        )
    }

    /// In buffers of 64 KiB, which the heap hands out again page after page: one buffer of a page's size (a
    /// megabyte) was mapped fresh for every page and faulted in 4 KiB at a time.
    private static func write(_ json: ArraySlice<UInt8>, to writer: inout some ResponseBodyWriter) async throws {
        var start = json.startIndex
        while start < json.endIndex {
            let end = min(start + (1 << 16), json.endIndex)
            try await writer.write(ByteBuffer(bytes: json[start..<end]))
            start = end
        }
    }

    /// The answer's bytes, its stored times shown in `zone`. A page of the book writes itself straight into bytes
    /// with its times already shown so (`DirectJSONEncoded`): no second pass over a page's megabyte and no copy of it.
    static func bytes(_ value: some Encodable, zone: TimeZone) throws -> [UInt8] {
        if let direct = value as? any DirectJSONEncoded {
            var bytes: [UInt8] = []
            direct.appendJSON(to: &bytes, localTimesIn: zone)
            return bytes
        }
        return localize([UInt8](try WireJSON.encoder(for: value).encode(value)), zone: zone)
    }

    /// Rewrites every stored time under a time key. One pass over the bytes: a value is a candidate when it follows
    /// `":"`, is a stored timestamp (`JournalClock`'s 20-byte form) and closes with a quote; its key is the quoted text
    /// before the colon, structural when its opening quote follows `{` or `,` (the encoder escapes every quote inside
    /// a string, so text can never pose as a key).
    static func localize(_ data: Data, zone: TimeZone) -> Data {
        Data(localize([UInt8](data), zone: zone))
    }

    /// `localize(_:zone:)` on bytes.
    static func localize(_ bytes: [UInt8], zone: TimeZone) -> [UInt8] {
        var out: [UInt8] = []
        var copied = 0
        var i = 1
        while i + 24 <= bytes.count {
            guard bytes[i] == UInt8(ascii: "\""), bytes[i + 1] == UInt8(ascii: ":"), bytes[i + 2] == UInt8(ascii: "\""),
                bytes[i + 23] == UInt8(ascii: "\""), bytes[i + 22] == UInt8(ascii: "Z"), isTimeKey(bytes, endingBefore: i),
                let local = bytes.withUnsafeBufferPointer({ LocalTime.rfc3339(stored: UnsafeBufferPointer(rebasing: $0[(i + 3)..<(i + 23)]), zone: zone) })
            else {
                i += 1
                continue
            }
            if out.isEmpty { out.reserveCapacity(bytes.count + 256) }
            out.append(contentsOf: bytes[copied..<(i + 3)])
            out.append(contentsOf: local.utf8)
            copied = i + 23
            i += 24
        }
        guard copied > 0 else { return bytes }
        out.append(contentsOf: bytes[copied...])
        return out
    }

    /// Whether the key whose closing quote is at `end` is `time`, `at`, `until`, `due` or ends in `_at`, `_time`,
    /// `_until`, and is a key (its opening quote follows `{` or `,`).
    static func isTimeKey(_ bytes: [UInt8], endingBefore end: Int) -> Bool {
        var start = end - 1
        while start >= 0, bytes[start] != UInt8(ascii: "\"") {
            guard (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[start]) || bytes[start] == UInt8(ascii: "_") else { return false }
            start -= 1
        }
        guard start >= 1, bytes[start - 1] == UInt8(ascii: "{") || bytes[start - 1] == UInt8(ascii: ",") else { return false }
        let key = String(decoding: bytes[(start + 1)..<end], as: UTF8.self)
        return ["time", "at", "until", "due"].contains(key) || key.hasSuffix("_at") || key.hasSuffix("_time") || key.hasSuffix("_until")
    }
}
