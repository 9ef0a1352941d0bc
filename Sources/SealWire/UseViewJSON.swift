import Foundation
import SealBook
import SealCore

/// A wire value that can also write itself straight into bytes: the same bytes as `WireJSON.encoder(for:)` gives
/// (sorted keys, absent optionals left out, no escaped slashes), without Foundation's encoder. The daemons' response
/// encoder uses it when a value has it. Only the book's pages have it: they are the API's longest answers, and
/// Foundation's encoder (a tree of dictionaries per use, each sorted again) took half the daemon's time for
/// `book list`. `UseViewJSONTests` holds the two to the same bytes over random pages, and to a key for every
/// property.
///
/// With a zone, each stored time under a time key is written as the daemons' answers show it (what
/// `LocalTimeResponseEncoder` would rewrite it to, `LocalTime.rfc3339(stored:zone:)`), so an answer is written once.
public protocol DirectJSONEncoded: Encodable {
    func appendJSON(to out: inout [UInt8], localTimesIn zone: TimeZone?)
}

extension DirectJSONEncoded {
    /// The bytes Foundation's encoder would give: times as stored.
    public func appendJSON(to out: inout [UInt8]) { appendJSON(to: &out, localTimesIn: nil) }
}

extension UsePageView: DirectJSONEncoded {
    public func appendJSON(to out: inout [UInt8], localTimesIn zone: TimeZone?) {
        // About a kilobyte a use: reserved once, not grown by doubling (each growth a copy and fresh pages).
        out.reserveCapacity(out.count + 64 + uses.count * 1280)
        out += "{".utf8
        if let next {
            out += #""next":"#.utf8
            JSONValue.writeString(next, into: &out)
            out += ",".utf8
        }
        out += #""uses":["#.utf8
        for (i, use) in uses.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            use.appendJSON(to: &out, localTimesIn: zone)
        }
        out += "]}".utf8
    }
}

/// An object's members written in the order given (the caller gives them sorted), commas between.
private struct MemberWriter {
    /// Where stored times are shown (`time(_:_:_:)`); nil to write them as stored.
    let zone: TimeZone?
    var first = true

    mutating func key(_ name: StaticString, _ out: inout [UInt8]) {
        out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
        first = false
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        out += "\":".utf8
    }

    mutating func string(_ name: StaticString, _ value: String?, _ out: inout [UInt8]) {
        guard let value else { return }
        key(name, &out)
        JSONValue.writeString(value, into: &out)
    }

    /// A member under a time key (`time`, `at`, a name ending in `_time`): a stored time shown in the zone, any
    /// other text as it is.
    mutating func time(_ name: StaticString, _ value: String?, _ out: inout [UInt8]) {
        guard let zone, var value, value.utf8.count == 20,
            let local = value.withUTF8({ LocalTime.rfc3339(stored: $0, zone: zone) })
        else { return string(name, value, &out) }
        key(name, &out)
        out.append(UInt8(ascii: "\""))
        out += local.utf8
        out.append(UInt8(ascii: "\""))
    }

    mutating func int(_ name: StaticString, _ value: Int, _ out: inout [UInt8]) {
        key(name, &out)
        out += String(value).utf8
    }

    func end(_ out: inout [UInt8]) {
        out += (first ? "{}" : "}").utf8
    }
}

extension UseView {
    public func appendJSON(to out: inout [UInt8], localTimesIn zone: TimeZone? = nil) {
        var m = MemberWriter(zone: zone)
        m.string("approver", approver, &out)
        m.string("approver_name", approverName, &out)
        m.string("case_number", caseNumber, &out)
        m.string("certificate_fingerprint", certificateFingerprint, &out)
        m.key("corrections", &out)
        out.append(UInt8(ascii: "["))
        for (i, correction) in corrections.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            correction.appendJSON(to: &out, localTimesIn: zone)
        }
        out.append(UInt8(ascii: "]"))
        m.int("count", count, &out)
        if let denial {
            m.key("denial", &out)
            var d = MemberWriter(zone: zone)
            d.time("at", denial.at, &out)
            d.string("by", denial.by, &out)
            d.string("reason", denial.reason, &out)
            d.end(&out)
        }
        m.string("denied_by_name", deniedByName, &out)
        m.string("document_digest", documentDigest, &out)
        m.string("id", id, &out)
        m.string("local_date", localDate, &out)
        m.time("local_time", localTime, &out)
        m.string("matter", matter, &out)
        m.string("matter_name", matterName, &out)
        m.string("medium", medium, &out)
        m.string("note", note, &out)
        m.string("reason", reason, &out)
        m.int("recorded_count", recordedCount, &out)
        m.string("recorder", recorder, &out)
        m.string("request", request, &out)
        m.string("seal", seal, &out)
        m.string("seal_name", sealName, &out)
        m.int("serial", serial, &out)
        m.string("signature", signature, &out)
        m.string("statement", statement, &out)
        m.time("time", time, &out)
        m.key("urgent", &out)
        out += (urgent ? "true" : "false").utf8
        m.string("user", user, &out)
        m.string("user_name", userName, &out)
        m.end(&out)
    }
}

extension UseView.Correction {
    func appendJSON(to out: inout [UInt8], localTimesIn zone: TimeZone?) {
        var m = MemberWriter(zone: zone)
        m.time("at", at, &out)
        m.string("by", by, &out)
        m.string("by_name", byName, &out)
        m.int("count", count, &out)
        m.string("reason", reason, &out)
        m.end(&out)
    }
}

/// A wire value that can also be read straight from bytes: exactly what `WireJSON.decoder(for:)` reads (every
/// member it requires, absent or `null` optionals as nil, unknown members ignored, a member of another type an
/// error), without Foundation's decoder. `sealctl` reads an answer so when its type has it. Only the book's pages
/// have it: Foundation's decoder (a keyed container built per use, each of its thirty keys looked up through
/// generic code) was 70 % of `sealctl book list`'s time. `UseViewJSONTests` holds the two to the same values.
public protocol DirectJSONDecoded: Decodable {
    init(wireJSON bytes: some ContiguousBytes) throws
}

extension UsePageView: DirectJSONDecoded {
    /// The page parsed by the journal's strict reader (`JSONValue`), then read member by member.
    public init(wireJSON bytes: some ContiguousBytes) throws {
        let page = try MemberReader(try JSONValue(parsing: bytes), path: [])
        guard let uses = page.members["uses"]?.arrayValue else { throw page.missing("uses", "an array") }
        self.init(uses: try uses.enumerated().map { i, use in try UseView(try MemberReader(use, path: page.path + ["uses", "\(i)"])) }, next: try page.string("next", optional: true))
    }
}

extension UseView {
    fileprivate init(_ m: MemberReader) throws {
        let denial = try m.members["denial"].flatMap { value -> UseRequest.Denial? in
            if value == .null { return nil }
            let d = try MemberReader(value, path: m.path + ["denial"])
            return UseRequest.Denial(by: try d.string("by"), reason: try d.string("reason"), at: try d.string("at"))
        }
        guard let corrections = m.members["corrections"]?.arrayValue else { throw m.missing("corrections", "an array") }
        self.init(
            id: try m.string("id"), serial: try m.int("serial"), seal: try m.string("seal"), sealName: try m.string("seal_name"),
            time: try m.string("time"), localDate: try m.string("local_date"), localTime: try m.string("local_time"), reason: try m.string("reason"),
            approver: try m.string("approver", optional: true), approverName: try m.string("approver_name", optional: true), denial: denial,
            deniedByName: try m.string("denied_by_name", optional: true), user: try m.string("user"), userName: try m.string("user_name"),
            count: try m.int("count"), recordedCount: try m.int("recorded_count"), matter: try m.string("matter"), matterName: try m.string("matter_name"),
            caseNumber: try m.string("case_number"), request: try m.string("request"), urgent: try m.bool("urgent"),
            recorder: try m.string("recorder", optional: true), note: try m.string("note", optional: true),
            documentDigest: try m.string("document_digest", optional: true), medium: try m.string("medium"),
            certificateFingerprint: try m.string("certificate_fingerprint", optional: true), statement: try m.string("statement", optional: true),
            signature: try m.string("signature", optional: true),
            corrections: try corrections.enumerated().map { i, value in
                let c = try MemberReader(value, path: m.path + ["corrections", "\(i)"])
                return UseView.Correction(
                    count: try c.int("count"), reason: try c.string("reason"), by: try c.string("by", optional: true),
                    byName: try c.string("by_name", optional: true), at: try c.string("at")
                )
            }
        )
    }
}

/// One object's members read by name, each as the type it must be; what is wrong is a `DecodingError` naming the
/// member's path, as Foundation's decoder would throw.
private struct MemberReader {
    let members: [String: JSONValue]
    let path: [String]

    init(_ value: JSONValue, path: [String]) throws {
        guard case .object(let members) = value else {
            throw DecodingError.typeMismatch([String: Any].self, .init(codingPath: path.map { SnakeCaseKeys.Key(stringValue: $0) }, debugDescription: "expected an object"))
        }
        (self.members, self.path) = (members, path)
    }

    func missing(_ key: String, _ type: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: (path + [key]).map { SnakeCaseKeys.Key(stringValue: $0) }, debugDescription: "expected \(type)"))
    }

    /// A string member; with `optional`, absent or `null` is nil.
    func string(_ key: String, optional: Bool) throws -> String? {
        switch members[key] {
        case .string(let text): return text
        case nil, .null: if optional { return nil }
        default: break
        }
        throw missing(key, optional ? "a string or null" : "a string")
    }

    func string(_ key: String) throws -> String { try string(key, optional: false)! }

    func int(_ key: String) throws -> Int {
        guard case .int(let n) = members[key], let value = Int(exactly: n) else { throw missing(key, "an integer") }
        return value
    }

    func bool(_ key: String) throws -> Bool {
        guard case .bool(let b) = members[key] else { throw missing(key, "true or false") }
        return b
    }
}
