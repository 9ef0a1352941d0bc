import Foundation
import SealBook
import SealCore

/// A wire value that can also write itself straight into bytes: the same bytes as `WireJSON.encoder(for:)` gives
/// (sorted keys, absent optionals left out, no escaped slashes), without Foundation's encoder. The daemons' response
/// encoder uses it when a value has it. The book's pages have it: they are the API's longest answers, and
/// Foundation's encoder (a tree of dictionaries per use, each sorted again) took half the daemon's time for
/// `book list`. So does a single use, the answer to every `POST /v1/uses`: the encoder and the pass that shows its
/// times on the wall clock were a twentieth of a use's cost. `UseViewJSONTests` holds the two to the same bytes over
/// random pages, and to a key for every property; `DirectLocalTimesTests` over pages and single uses in four zones.
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
        Self.open(next: next, &out)
        for (i, use) in uses.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            use.appendJSON(to: &out, localTimesIn: zone)
        }
        Self.close(&out)
    }

    /// A page's bytes up to its first use: `{"next":…,"uses":[`. A store writing a page from its rows writes this,
    /// its uses (`UseView.writeJSON`, commas between) and `close`.
    public static func open(next: String?, _ out: inout [UInt8]) {
        out += "{".utf8
        if let next {
            out += #""next":"#.utf8
            JSONValue.writeString(next, into: &out)
            out += ",".utf8
        }
        out += #""uses":["#.utf8
    }

    public static func close(_ out: inout [UInt8]) { out += "]}".utf8 }
}

/// Text a use's JSON is written from: a `UseView`'s string, or a store's column as its UTF-8 bytes, so a page can
/// be written from rows without making a string of every cell. (One concrete type, not a protocol: a generic writer
/// called from the store's module ran unspecialised, through metadata lookups and value witnesses.)
public enum StoredText {
    /// Valid UTF-8, borrowed: valid only while the row it was read from is.
    case bytes(UnsafeBufferPointer<UInt8>)
    case text(String)

    /// A column's bytes: as they are when they are valid UTF-8 (as everything the daemons write is), else the text
    /// repaired as `String(decoding:)` would (what a `UseView` built from the same row would hold).
    public init(column bytes: UnsafeBufferPointer<UInt8>) {
        self = (try? UTF8Span(validating: bytes.span)) != nil ? .bytes(bytes) : .text(String(decoding: bytes, as: UTF8.self))
    }

    public static var empty: StoredText { .text("") }

    public func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        switch self {
        case .bytes(let bytes): return body(bytes)
        case .text(var text): return text.withUTF8(body)
        }
    }
}

/// An object's members written in the order given (the caller gives them sorted), commas between.
private struct MemberWriter {
    /// Where stored times are shown (`time(_:_:_:)`); nil to write them as stored.
    let zone: TimeZone?
    var first = true

    mutating func key(_ name: StaticString, _ out: inout [UInt8]) {
        // Byte by byte and from the name's own storage: appending a string's `utf8` view went the generic way, a
        // tenth of writing a page.
        out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
        first = false
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }

    mutating func string(_ name: StaticString, _ value: StoredText?, _ out: inout [UInt8]) {
        guard let value else { return }
        key(name, &out)
        value.withUTF8Bytes { JSONValue.writeString(utf8: $0, into: &out) }
    }

    /// A member under a time key (`time`, `at`, a name ending in `_time`): a stored time shown in the zone, any
    /// other text as it is.
    mutating func time(_ name: StaticString, _ value: StoredText?, _ out: inout [UInt8]) {
        guard let zone, let value else { return string(name, value, &out) }
        key(name, &out)
        value.withUTF8Bytes { JSONValue.writeTime(stored: $0, zone: zone, into: &out) }
    }

    mutating func int(_ name: StaticString, _ value: Int, _ out: inout [UInt8]) {
        key(name, &out)
        guard value != .min else { return out += String(value).utf8 }
        if value < 0 { out.append(UInt8(ascii: "-")) }
        CivilTime.appendDigits(abs(value), 1, to: &out)
    }

    mutating func bool(_ name: StaticString, _ value: Bool, _ out: inout [UInt8]) {
        key(name, &out)
        out.append(contentsOf: value ? [UInt8(ascii: "t"), UInt8(ascii: "r"), UInt8(ascii: "u"), UInt8(ascii: "e")] : [UInt8(ascii: "f"), UInt8(ascii: "a"), UInt8(ascii: "l"), UInt8(ascii: "s"), UInt8(ascii: "e")])
    }

    func end(_ out: inout [UInt8]) {
        if first { out.append(UInt8(ascii: "{")) }
        out.append(UInt8(ascii: "}"))
    }
}

extension UseView: DirectJSONEncoded {
    public func appendJSON(to out: inout [UInt8], localTimesIn zone: TimeZone?) {
        Self.writeJSON(
            approver: approver.map(StoredText.text), approverName: approverName.map(StoredText.text), caseNumber: .text(caseNumber),
            certificateFingerprint: certificateFingerprint.map(StoredText.text),
            corrections: { out in
                for (i, correction) in corrections.enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    correction.appendJSON(to: &out, localTimesIn: zone)
                }
            }, count: count, denial: denial.map { (.text($0.at), .text($0.by), .text($0.reason)) }, deniedByName: deniedByName.map(StoredText.text),
            documentDigest: documentDigest.map(StoredText.text), id: .text(id), localDate: localDate, localTime: localTime, matter: .text(matter),
            matterName: .text(matterName), medium: .text(medium), note: note.map(StoredText.text), reason: .text(reason), recordedCount: recordedCount,
            recorder: recorder.map(StoredText.text), request: .text(request), seal: .text(seal), sealName: .text(sealName), serial: serial,
            signature: signature.map(StoredText.text), statement: statement.map(StoredText.text), time: .text(time), urgent: urgent,
            user: .text(user), userName: .text(userName), localTimesIn: zone, into: &out
        )
    }

    /// A use's JSON from its members' values: what `appendJSON` writes for a `UseView` holding them. The one
    /// definition of a use's members and their order, for a `UseView` and for a store writing a page from its rows.
    /// `corrections` writes the corrections' objects, commas between, inside the array's brackets.
    public static func writeJSON(
        approver: StoredText?, approverName: StoredText?, caseNumber: StoredText, certificateFingerprint: StoredText?,
        corrections: (inout [UInt8]) -> Void, count: Int, denial: (at: StoredText, by: StoredText, reason: StoredText)?,
        deniedByName: StoredText?, documentDigest: StoredText?, id: StoredText, localDate: String, localTime: String, matter: StoredText,
        matterName: StoredText, medium: StoredText, note: StoredText?, reason: StoredText, recordedCount: Int, recorder: StoredText?,
        request: StoredText, seal: StoredText, sealName: StoredText, serial: Int, signature: StoredText?, statement: StoredText?,
        time: StoredText, urgent: Bool, user: StoredText, userName: StoredText,
        localTimesIn zone: TimeZone?, into out: inout [UInt8]
    ) {
        var m = MemberWriter(zone: zone)
        m.string("approver", approver, &out)
        m.string("approver_name", approverName, &out)
        m.string("case_number", caseNumber, &out)
        m.string("certificate_fingerprint", certificateFingerprint, &out)
        m.key("corrections", &out)
        out.append(UInt8(ascii: "["))
        corrections(&out)
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
        m.string("local_date", .text(localDate), &out)
        m.time("local_time", .text(localTime), &out)
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
        m.bool("urgent", urgent, &out)
        m.string("user", user, &out)
        m.string("user_name", userName, &out)
        m.end(&out)
    }
}

extension UseView.Correction {
    public func appendJSON(to out: inout [UInt8], localTimesIn zone: TimeZone?) {
        var m = MemberWriter(zone: zone)
        m.time("at", .text(at), &out)
        m.string("by", by.map(StoredText.text), &out)
        m.string("by_name", byName.map(StoredText.text), &out)
        m.int("count", count, &out)
        m.string("reason", .text(reason), &out)
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
    /// The page read in place (`JSONPullReader`): each use's members found by name in the daemon's order and kept as
    /// the type they must be, nothing else built.
    public init(wireJSON bytes: some ContiguousBytes) throws {
        self = try JSONPullReader.read(bytes) { r in
            var uses: [UseView]?
            var next: String??
            var hint = 0
            try r.object(at: []) { r, name in
                switch Self.members.index(of: name, hint: &hint) {
                case 0:
                    guard uses == nil else { throw DirectDecoding.twice("uses", []) }
                    guard r.next == .array else { throw DirectDecoding.mismatch("uses", [], "an array") }
                    var list: [UseView] = []
                    list.reserveCapacity(1000)
                    // One scratch row of a use's text members for the whole page, not an array made and freed per use.
                    var text = [String?](repeating: nil, count: UseView.members.count)
                    try r.array { r, i in list.append(try UseView(&r, text: &text, path: ["uses", "\(i)"])) }
                    uses = list
                case 1:
                    guard next == nil else { throw DirectDecoding.twice("next", []) }
                    next = .some(try r.string("next", [], optional: true))
                default: try r.skip()
                }
            }
            guard let uses else { throw DirectDecoding.mismatch("uses", [], "an array") }
            return UsePageView(uses: uses, next: next ?? nil)
        }
    }

    private static let members = JSONMemberNames(["uses", "next"])
}

extension UseView {
    /// The members a use is read by, in the order the daemon writes them (sorted): the index is `init`'s switch.
    fileprivate static let members = JSONMemberNames([
        "approver", "approver_name", "case_number", "certificate_fingerprint", "corrections", "count", "denial", "denied_by_name",
        "document_digest", "id", "local_date", "local_time", "matter", "matter_name", "medium", "note", "reason", "recorded_count",
        "recorder", "request", "seal", "seal_name", "serial", "signature", "statement", "time", "urgent", "user", "user_name",
    ])
    private static let denialMembers = JSONMemberNames(["at", "by", "reason"])
    private static let correctionMembers = JSONMemberNames(["at", "by", "by_name", "count", "reason"])

    /// `path` is the use's coding path (`uses`, its index), for errors only.
    fileprivate init(_ r: inout JSONPullReader, text: inout [String?], path: @autoclosure () -> [String]) throws {
        for i in text.indices { text[i] = nil }
        var seen: UInt64 = 0
        var (count, recordedCount, serial, urgent): (Int?, Int?, Int?, Bool?) = (nil, nil, nil, nil)
        var denial: UseRequest.Denial?
        var corrections: [Correction]?
        var hint = 0
        let names = Self.members
        try r.object(at: path()) { r, name in
            guard let i = names.index(of: name, hint: &hint) else { return try r.skip() }
            try DirectDecoding.first(i, name, &seen, path())
            switch i {
            case 4:
                guard r.next == .array else { throw DirectDecoding.mismatch("corrections", path(), "an array") }
                var list: [Correction] = []
                try r.array { r, n in list.append(try Correction(&r, path: path() + ["corrections", "\(n)"])) }
                corrections = list
            case 5: count = try r.int("count", path())
            case 6:
                if try r.null() { break }
                var (at, by, reason): (String?, String?, String?)
                var (hint, seen): (Int, UInt64) = (0, 0)
                try r.object(at: path() + ["denial"]) { r, name in
                    let i = Self.denialMembers.index(of: name, hint: &hint)
                    if let i { try DirectDecoding.first(i, name, &seen, path() + ["denial"]) }
                    switch i {
                    case 0: at = try r.string("at", path() + ["denial"])
                    case 1: by = try r.string("by", path() + ["denial"])
                    case 2: reason = try r.string("reason", path() + ["denial"])
                    default: try r.skip()
                    }
                }
                guard let by else { throw DirectDecoding.mismatch("by", path() + ["denial"], "a string") }
                guard let reason else { throw DirectDecoding.mismatch("reason", path() + ["denial"], "a string") }
                guard let at else { throw DirectDecoding.mismatch("at", path() + ["denial"], "a string") }
                denial = UseRequest.Denial(by: by, reason: reason, at: at)
            case 17: recordedCount = try r.int("recorded_count", path())
            case 22: serial = try r.int("serial", path())
            case 26: urgent = try r.bool("urgent", path())
            default:
                // Every other member is text; those a use may lack (`optionalMembers`) may be null.
                text[i] = try r.string(names.name(i), path(), optional: Self.optional[i])
            }
        }
        func required(_ i: Int) throws -> String {
            guard let value = text[i] else { throw DirectDecoding.mismatch(names.name(i), path(), "a string") }
            return value
        }
        func number(_ value: Int?, _ name: String) throws -> Int {
            guard let value else { throw DirectDecoding.mismatch(name, path(), "an integer") }
            return value
        }
        guard let corrections else { throw DirectDecoding.mismatch("corrections", path(), "an array") }
        guard let urgent else { throw DirectDecoding.mismatch("urgent", path(), "true or false") }
        self.init(
            id: try required(9), serial: try number(serial, "serial"), seal: try required(20), sealName: try required(21), time: try required(25),
            localDate: try required(10), localTime: try required(11), reason: try required(16), approver: text[0], approverName: text[1],
            denial: denial, deniedByName: text[7], user: try required(27), userName: try required(28), count: try number(count, "count"),
            recordedCount: try number(recordedCount, "recorded_count"), matter: try required(12), matterName: try required(13),
            caseNumber: try required(2), request: try required(19), urgent: urgent, recorder: text[18], note: text[15], documentDigest: text[8],
            medium: try required(14), certificateFingerprint: text[3], statement: text[24], signature: text[23], corrections: corrections
        )
    }

    /// Which of `members` may be absent or null: approver, approver_name, certificate_fingerprint, denied_by_name,
    /// document_digest, note, recorder, signature, statement (and denial, read apart).
    private static let optional = (0..<members.count).map { [0, 1, 3, 6, 7, 8, 15, 18, 23, 24].contains($0) }
}

extension UseView.Correction {
    fileprivate init(_ r: inout JSONPullReader, path: @autoclosure () -> [String]) throws {
        var (at, by, byName, count, reason): (String?, String?, String?, Int?, String?)
        var (hint, seen): (Int, UInt64) = (0, 0)
        try r.object(at: path()) { r, name in
            let i = UseView.correctionMembers.index(of: name, hint: &hint)
            if let i { try DirectDecoding.first(i, name, &seen, path()) }
            switch i {
            case 0: at = try r.string("at", path())
            case 1: by = try r.string("by", path(), optional: true)
            case 2: byName = try r.string("by_name", path(), optional: true)
            case 3: count = try r.int("count", path())
            case 4: reason = try r.string("reason", path())
            default: try r.skip()
            }
        }
        guard let count else { throw DirectDecoding.mismatch("count", path(), "an integer") }
        guard let reason else { throw DirectDecoding.mismatch("reason", path(), "a string") }
        guard let at else { throw DirectDecoding.mismatch("at", path(), "a string") }
        self.init(count: count, reason: reason, by: by, byName: byName, at: at)
    }
}

/// What a direct read finds wrong, as Foundation's decoder would throw it: a `DecodingError` naming the member's path.
private enum DirectDecoding {
    static func mismatch(_ key: String, _ path: [String], _ expected: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: (path + [key]).map { SnakeCaseKeys.Key(stringValue: $0) }, debugDescription: "expected \(expected)"))
    }

    static func twice(_ key: String, _ path: [String]) -> DecodingError {
        .dataCorrupted(.init(codingPath: (path + [key]).map { SnakeCaseKeys.Key(stringValue: $0) }, debugDescription: "a member named twice"))
    }

    /// Marks the `i`th member read in `seen`; an error if it already was (as `JSONValue`'s reader refuses it).
    static func first(_ i: Int, _ name: JSONPullReader.Name, _ seen: inout UInt64, _ path: @autoclosure () -> [String]) throws {
        guard seen & (1 << i) == 0 else { throw twice(name.string, path()) }
        seen |= 1 << i
    }
}

extension JSONPullReader {
    /// An object, or the error naming `path` when the value is not one.
    fileprivate mutating func object(at path: @autoclosure () -> [String], _ member: (inout JSONPullReader, JSONPullReader.Name) throws -> Void) throws {
        guard next == .object else {
            throw DecodingError.typeMismatch([String: Any].self, .init(codingPath: path().map { SnakeCaseKeys.Key(stringValue: $0) }, debugDescription: "expected an object"))
        }
        try object(member)
    }

    /// A text member; with `optional`, `null` is nil. (`key` and `path` are for an error only, and made only for one:
    /// a member's name made as a `String` for every member read was 6 % of `sealctl book list`.)
    fileprivate mutating func string(_ key: @autoclosure () -> String, _ path: @autoclosure () -> [String], optional: Bool) throws -> String? {
        if optional, try null() { return nil }
        guard next == .string else { throw DirectDecoding.mismatch(key(), path(), optional ? "a string or null" : "a string") }
        return try string()
    }

    fileprivate mutating func string(_ key: @autoclosure () -> String, _ path: @autoclosure () -> [String]) throws -> String {
        guard next == .string else { throw DirectDecoding.mismatch(key(), path(), "a string") }
        return try string()
    }

    fileprivate mutating func int(_ key: @autoclosure () -> String, _ path: @autoclosure () -> [String]) throws -> Int {
        guard next == .number, let value = Int(exactly: try int()) else { throw DirectDecoding.mismatch(key(), path(), "an integer") }
        return value
    }

    fileprivate mutating func bool(_ key: @autoclosure () -> String, _ path: @autoclosure () -> [String]) throws -> Bool {
        guard next == .bool else { throw DirectDecoding.mismatch(key(), path(), "true or false") }
        return try bool()
    }
}
