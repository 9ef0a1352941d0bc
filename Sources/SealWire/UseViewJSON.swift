import SealBook
import SealCore

/// A wire value that can also write itself straight into bytes: the same bytes as `WireJSON.encoder(for:)` gives
/// (sorted keys, absent optionals left out, no escaped slashes), without Foundation's encoder. The daemons' response
/// encoder uses it when a value has it. Only the book's pages have it: they are the API's longest answers, and
/// Foundation's encoder (a tree of dictionaries per use, each sorted again) took half the daemon's time for
/// `book list`. `UseViewJSONTests` holds the two to the same bytes over random pages, and to a key for every
/// property.
public protocol DirectJSONEncoded: Encodable {
    func appendJSON(to out: inout [UInt8])
}

extension UsePageView: DirectJSONEncoded {
    public func appendJSON(to out: inout [UInt8]) {
        out += "{".utf8
        if let next {
            out += #""next":"#.utf8
            JSONValue.writeString(next, into: &out)
            out += ",".utf8
        }
        out += #""uses":["#.utf8
        for (i, use) in uses.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            use.appendJSON(to: &out)
        }
        out += "]}".utf8
    }
}

/// An object's members written in the order given (the caller gives them sorted), commas between.
private struct MemberWriter {
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

    mutating func int(_ name: StaticString, _ value: Int, _ out: inout [UInt8]) {
        key(name, &out)
        out += String(value).utf8
    }

    func end(_ out: inout [UInt8]) {
        out += (first ? "{}" : "}").utf8
    }
}

extension UseView {
    public func appendJSON(to out: inout [UInt8]) {
        var m = MemberWriter()
        m.string("approver", approver, &out)
        m.string("approver_name", approverName, &out)
        m.string("case_number", caseNumber, &out)
        m.string("certificate_fingerprint", certificateFingerprint, &out)
        m.key("corrections", &out)
        out.append(UInt8(ascii: "["))
        for (i, correction) in corrections.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            correction.appendJSON(to: &out)
        }
        out.append(UInt8(ascii: "]"))
        m.int("count", count, &out)
        if let denial {
            m.key("denial", &out)
            var d = MemberWriter()
            d.string("at", denial.at, &out)
            d.string("by", denial.by, &out)
            d.string("reason", denial.reason, &out)
            d.end(&out)
        }
        m.string("denied_by_name", deniedByName, &out)
        m.string("document_digest", documentDigest, &out)
        m.string("id", id, &out)
        m.string("local_date", localDate, &out)
        m.string("local_time", localTime, &out)
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
        m.string("time", time, &out)
        m.key("urgent", &out)
        out += (urgent ? "true" : "false").utf8
        m.string("user", user, &out)
        m.string("user_name", userName, &out)
        m.end(&out)
    }
}

extension UseView.Correction {
    func appendJSON(to out: inout [UInt8]) {
        var m = MemberWriter()
        m.string("at", at, &out)
        m.string("by", by, &out)
        m.string("by_name", byName, &out)
        m.int("count", count, &out)
        m.string("reason", reason, &out)
        m.end(&out)
    }
}
