/// Reads JSON bytes that should already be canonical (`JSONValue.canonicalBytes`) without building values: whether
/// they are exactly what parsing and re-encoding them would give, and where an object's members lie.
///
/// `book verify` checks that every entry of a bundle is a canonical journal entry; parsing each into dictionaries and
/// writing it back (hashing, resizing, sorting member names) cost ten times the entry's SHA-256. This answers the same
/// question in one pass: no white space, members in strictly increasing UTF-16 order (so no duplicates), strings
/// valid UTF-8 with exactly the writer's escapes (`\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, else `\u00xx` in lower
/// case for the other control characters, nothing else escaped), integers in plain decimal within 64 bits (no `-0`),
/// nesting no deeper than the parser allows. `CanonicalJSONScannerTests` holds it to the parse-and-re-encode answer.
public struct CanonicalJSONScanner {
    /// One member of an object: where its name's bytes (between the quotes, as written) and its value lie.
    public struct Member {
        public var name: Range<Int>
        public var value: Range<Int>
    }

    public let bytes: UnsafeBufferPointer<UInt8>

    public init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Whether the bytes are one canonical value and nothing else.
    public func isCanonical() -> Bool { value(at: 0, depth: 0) == bytes.count }

    /// The members of the canonical object that is the whole text, in order; nil unless it is one.
    public func members() -> [Member]? { members(in: 0..<bytes.count) }

    /// The members of the canonical object spanning exactly `range`; nil unless it is one.
    public func members(in range: Range<Int>) -> [Member]? {
        guard range.lowerBound < bytes.count, bytes[range.lowerBound] == UInt8(ascii: "{") else { return nil }
        var members: [Member] = []
        guard object(at: range.lowerBound, depth: 1, collect: &members, collecting: true) == range.upperBound else { return nil }
        return members
    }

    /// Whether the bytes at `range` are `name` (ASCII, needing no escape).
    public func equals(_ range: Range<Int>, _ name: StaticString) -> Bool {
        guard range.count == name.utf8CodeUnitCount else { return false }
        for i in 0..<range.count where bytes[range.lowerBound + i] != name.utf8Start[i] { return false }
        return true
    }

    /// The canonical integer at `range` (already scanned), or nil when it is something else.
    public func integer(_ range: Range<Int>) -> Int64? {
        var i = range.lowerBound
        guard i < range.upperBound else { return nil }
        let negative = bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        var magnitude: UInt64 = 0
        guard i < range.upperBound else { return nil }
        while i < range.upperBound {
            let digit = bytes[i] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            magnitude = magnitude &* 10 &+ UInt64(digit)
            i += 1
        }
        // The range was scanned as canonical, so it fits: Int64.min is the one magnitude past Int64.max.
        return negative ? (magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude)) : Int64(magnitude)
    }

    /// The text of a canonical string value at `range` (with its quotes), its escapes undone.
    public func string(_ range: Range<Int>) -> String? {
        guard range.count >= 2, bytes[range.lowerBound] == UInt8(ascii: "\"") else { return nil }
        let content = range.lowerBound + 1..<range.upperBound - 1
        return String(unsafeUninitializedCapacity: content.count) { Self.unescape(bytes, content, into: $0) }
    }

    /// The bytes a canonical string's content (between its quotes) stands for, its escapes undone.
    public static func unescaped(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: range.count) { out, count in count = unescape(bytes, range, into: out) }
    }

    /// Writes the unescaped content into `out` (never longer than the content); returns its length.
    private static func unescape(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var i = range.lowerBound
        var j = 0
        while i < range.upperBound {
            let c = bytes[i]
            i += 1
            guard c == UInt8(ascii: "\\") else {
                out[j] = c
                j += 1
                continue
            }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "b"): out[j] = 0x08
            case UInt8(ascii: "f"): out[j] = 0x0C
            case UInt8(ascii: "n"): out[j] = 0x0A
            case UInt8(ascii: "r"): out[j] = 0x0D
            case UInt8(ascii: "t"): out[j] = 0x09
            case UInt8(ascii: "u"):
                // Canonical `\u` escapes are only `\u00xx` for control characters (checked by the scan).
                out[j] = hexValue(bytes[i + 2]) << 4 | hexValue(bytes[i + 3])
                i += 4
            default: out[j] = e
            }
            j += 1
        }
        return j
    }

    private static func hexValue(_ c: UInt8) -> UInt8 { c <= UInt8(ascii: "9") ? c &- UInt8(ascii: "0") : c &- UInt8(ascii: "a") &+ 10 }

    // MARK: The scan. Each returns the index just past the canonical value starting at `i`, or -1.

    private static let maximumDepth = 512

    func value(at i: Int, depth: Int) -> Int {
        guard i < bytes.count else { return -1 }
        switch bytes[i] {
        case UInt8(ascii: "{"):
            var none: [Member] = []
            return object(at: i, depth: depth + 1, collect: &none, collecting: false)
        case UInt8(ascii: "["): return array(at: i, depth: depth + 1)
        case UInt8(ascii: "\""): return string(at: i)
        case UInt8(ascii: "t"): return literal(at: i, "true")
        case UInt8(ascii: "f"): return literal(at: i, "false")
        case UInt8(ascii: "n"): return literal(at: i, "null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return integer(at: i)
        default: return -1
        }
    }

    private func literal(at i: Int, _ word: StaticString) -> Int {
        let end = i + word.utf8CodeUnitCount
        return end <= bytes.count && equals(i..<end, word) ? end : -1
    }

    private func object(at start: Int, depth: Int, collect members: inout [Member], collecting: Bool) -> Int {
        guard depth <= Self.maximumDepth else { return -1 }
        var i = start + 1
        guard i < bytes.count else { return -1 }
        if bytes[i] == UInt8(ascii: "}") { return i + 1 }
        var previous: Range<Int>?
        while true {
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return -1 }
            let nameEnd = string(at: i)
            guard nameEnd > 0, nameEnd < bytes.count, bytes[nameEnd] == UInt8(ascii: ":") else { return -1 }
            let name = i + 1..<nameEnd - 1
            if let previous, !precedes(previous, name) { return -1 }
            previous = name
            let valueEnd = value(at: nameEnd + 1, depth: depth)
            guard valueEnd > 0, valueEnd < bytes.count else { return -1 }
            if collecting { members.append(Member(name: name, value: nameEnd + 1..<valueEnd)) }
            i = valueEnd + 1
            switch bytes[valueEnd] {
            case UInt8(ascii: ","): continue
            case UInt8(ascii: "}"): return i
            default: return -1
            }
        }
    }

    private func array(at start: Int, depth: Int) -> Int {
        guard depth <= Self.maximumDepth else { return -1 }
        var i = start + 1
        guard i < bytes.count else { return -1 }
        if bytes[i] == UInt8(ascii: "]") { return i + 1 }
        while true {
            let end = value(at: i, depth: depth)
            guard end > 0, end < bytes.count else { return -1 }
            i = end + 1
            switch bytes[end] {
            case UInt8(ascii: ","): continue
            case UInt8(ascii: "]"): return i
            default: return -1
            }
        }
    }

    /// `0` or `-`? a non-zero digit then digits, within 64 bits (the writer's `String(Int64)`).
    private func integer(at start: Int) -> Int {
        var i = start
        let negative = bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        guard i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) else { return -1 }
        if bytes[i] == UInt8(ascii: "0") {
            // "0" alone; "-0" re-encodes as "0", "01" does not parse.
            guard !negative else { return -1 }
            i += 1
            return i < bytes.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) ? -1 : i
        }
        var magnitude: UInt64 = 0
        while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) {
            let (times, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (plus, o2) = times.addingReportingOverflow(UInt64(bytes[i] - UInt8(ascii: "0")))
            guard !o1, !o2 else { return -1 }
            magnitude = plus
            i += 1
        }
        guard magnitude <= UInt64(Int64.max) + (negative ? 1 : 0) else { return -1 }
        return i
    }

    /// A string exactly as `JSONValue` writes one: valid UTF-8, `"`, `\` and control characters escaped its way,
    /// nothing else escaped.
    private func string(at start: Int) -> Int {
        var i = start + 1
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") { return i + 1 }
            if c < 0x20 { return -1 }
            if c < 0x80 {
                if c == UInt8(ascii: "\\") {
                    guard i + 1 < bytes.count else { return -1 }
                    switch bytes[i + 1] {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"),
                        UInt8(ascii: "t"):
                        i += 2
                    case UInt8(ascii: "u"):
                        guard i + 6 <= bytes.count, bytes[i + 2] == UInt8(ascii: "0"), bytes[i + 3] == UInt8(ascii: "0"),
                              let high = Self.lowerHex(bytes[i + 4]), high <= 1, let low = Self.lowerHex(bytes[i + 5])
                        else { return -1 }
                        // The five with a short escape are written short.
                        switch high << 4 | low {
                        case 0x08, 0x09, 0x0A, 0x0C, 0x0D: return -1
                        default: i += 6
                        }
                    default: return -1
                    }
                } else {
                    i += 1
                }
                continue
            }
            let length = utf8Sequence(at: i)
            guard length > 0 else { return -1 }
            i += length
        }
        return -1
    }

    private static func lowerHex(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    /// The length of the well-formed UTF-8 sequence (Unicode table 3-7) starting at `i` with a byte ≥ 0x80, or 0:
    /// anything else would be repaired to U+FFFD when read, so it is not canonical.
    private func utf8Sequence(at i: Int) -> Int {
        let lead = bytes[i]
        func continuation(_ k: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool { i + k < bytes.count && range.contains(bytes[i + k]) }
        switch lead {
        case 0xC2...0xDF: return continuation(1) ? 2 : 0
        case 0xE0: return continuation(1, 0xA0...0xBF) && continuation(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return continuation(1) && continuation(2) ? 3 : 0
        case 0xED: return continuation(1, 0x80...0x9F) && continuation(2) ? 3 : 0
        case 0xF0: return continuation(1, 0x90...0xBF) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF1...0xF3: return continuation(1) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF4: return continuation(1, 0x80...0x8F) && continuation(2) && continuation(3) ? 4 : 0
        default: return 0
        }
    }

    /// Whether name `a` sorts strictly before `b` in the canonical order (see `JSONValue.precedes`), comparing the
    /// written bytes unless an escape or the UTF-16 exception makes the decoded text decide.
    private func precedes(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        let common = min(a.count, b.count)
        var k = 0
        while k < common, bytes[a.lowerBound + k] == bytes[b.lowerBound + k] { k += 1 }
        if k == common { return a.count < b.count }
        let x = bytes[a.lowerBound + k], y = bytes[b.lowerBound + k]
        let escaped = { (r: Range<Int>) in UnsafeBufferPointer(rebasing: self.bytes[r]).contains(UInt8(ascii: "\\")) }
        guard x >= 0xEE && y >= 0xEE || escaped(a) || escaped(b) else { return x < y }
        let decodedA = String(decoding: Self.unescaped(bytes, a), as: UTF8.self), decodedB = String(decoding: Self.unescaped(bytes, b), as: UTF8.self)
        return decodedA != decodedB && JSONValue.precedes(decodedA, decodedB)
    }
}
