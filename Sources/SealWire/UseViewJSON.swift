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
