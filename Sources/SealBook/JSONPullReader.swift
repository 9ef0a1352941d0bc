import Foundation

/// JSON read in place, member by member, by the same strict grammar as `JSONValue(parsing:)` (`JSONParser`): for
/// a reader that knows the shape it wants and keeps only some of it. Nothing is built that the reader does not ask
/// for — no dictionary per object, no value per member — so a page of the book (a thousand objects of thirty members)
/// is read without hashing a member name.
///
/// The reader walks the text once, forward: each member's value must be read (`string()`, `int()`, …) or skipped
/// (`skip()`, which still checks it is JSON) before the next. A syntax error is `JSONParser.Failure`, as from
/// `JSONValue(parsing:)`; what the caller finds of the wrong type is for the caller to report.
public struct JSONPullReader: ~Copyable {
    private var parser: JSONParser

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { parser = JSONParser(bytes) }

    /// Reads the one JSON value `bytes` hold with `body`, then checks nothing but white space follows it.
    public static func read<T>(_ bytes: some ContiguousBytes, _ body: (inout JSONPullReader) throws -> T) throws -> T {
        try bytes.withUnsafeBytes { raw in
            var reader = JSONPullReader(raw.bindMemory(to: UInt8.self))
            reader.parser.skipSpace()
            let value = try body(&reader)
            reader.parser.skipSpace()
            guard reader.parser.index == reader.parser.bytes.count else { throw reader.parser.fail("text after the value") }
            return value
        }
    }

    /// What the next value is, by its first byte (nil at the end of the text).
    public enum Kind { case object, array, string, number, bool, null }

    public var next: Kind? {
        guard parser.index < parser.bytes.count else { return nil }
        switch parser.bytes[parser.index] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: return nil
        }
    }

    /// A member's name as it stands in the text: the bytes between its quotes when it has no escape (every name
    /// our daemons write), else the name unescaped. Valid only inside the call it is given to.
    public struct Name {
        fileprivate let raw: UnsafeBufferPointer<UInt8>?
        fileprivate let text: String?

        public var string: String { text ?? String(decoding: raw!, as: UTF8.self) }

        public func equals(_ other: [UInt8]) -> Bool {
            guard let raw else { return Array(text!.utf8) == other }
            return raw.count == other.count && other.withUnsafeBufferPointer { raw.count == 0 || memcmp($0.baseAddress!, raw.baseAddress!, raw.count) == 0 }
        }
    }

    /// Reads an object: `member` is called with each member's name, the reader at its value, which it must read or
    /// skip. Fails when the next value is not an object.
    public mutating func object(_ member: (inout JSONPullReader, Name) throws -> Void) throws {
        guard next == .object else { throw parser.fail("expected an object") }
        guard try open(closedBy: UInt8(ascii: "}")) else { return }
        repeat {
            parser.skipSpace()
            guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "\"") else { throw parser.fail("expected a member name") }
            // The name's bytes, unless it has an escape or a control character (then the parser reads it, and
            // refuses what it must).
            var end = parser.index + 1
            while end < parser.bytes.count, parser.bytes[end] != UInt8(ascii: "\""), parser.bytes[end] != UInt8(ascii: "\\"), parser.bytes[end] >= 0x20 {
                end += 1
            }
            let plain = end < parser.bytes.count && parser.bytes[end] == UInt8(ascii: "\"")
            let rawName = UnsafeBufferPointer(rebasing: parser.bytes[(parser.index + 1)..<(plain ? end : parser.index + 1)])
            let escaped = plain ? nil : try parser.string()
            if plain { parser.index = end + 1 }
            parser.skipSpace()
            guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: ":") else { throw parser.fail("expected ':'") }
            parser.index += 1
            parser.skipSpace()
            try member(&self, Name(raw: escaped == nil ? rawName : nil, text: escaped))
        } while try more(closedBy: UInt8(ascii: "}"))
    }

    /// Reads an array: `element` is called with each element's index, the reader at it, which it must read or skip.
    /// Fails when the next value is not an array.
    public mutating func array(_ element: (inout JSONPullReader, Int) throws -> Void) throws {
        guard next == .array else { throw parser.fail("expected an array") }
        guard try open(closedBy: UInt8(ascii: "]")) else { return }
        var i = 0
        repeat {
            parser.skipSpace()
            try element(&self, i)
            i += 1
        } while try more(closedBy: UInt8(ascii: "]"))
    }

    /// Past a container's opening bracket: false (and past its end too) when it closes at once, empty.
    private mutating func open(closedBy close: UInt8) throws -> Bool {
        parser.index += 1
        parser.skipSpace()
        guard parser.index < parser.bytes.count, parser.bytes[parser.index] == close else { return true }
        parser.index += 1
        return false
    }

    /// After a member or element: true past a comma (another follows), false past the container's end.
    private mutating func more(closedBy close: UInt8) throws -> Bool {
        parser.skipSpace()
        guard parser.index < parser.bytes.count else { throw parser.fail("unexpected end") }
        if parser.bytes[parser.index] == UInt8(ascii: ",") {
            parser.index += 1
            return true
        }
        guard parser.bytes[parser.index] == close else { throw parser.fail("expected ',' or '\(Character(Unicode.Scalar(close)))'") }
        parser.index += 1
        return false
    }

    /// The next value, which must be a string.
    public mutating func string() throws -> String {
        guard next == .string else { throw parser.fail("expected a string") }
        return try parser.string()
    }

    /// The next value, which must be an integer that fits 64 bits.
    public mutating func int() throws -> Int64 {
        guard next == .number else { throw parser.fail("expected a number") }
        return try parser.integer()
    }

    /// The next value, which must be `true` or `false`.
    public mutating func bool() throws -> Bool {
        guard next == .bool else { throw parser.fail("expected true or false") }
        if parser.bytes[parser.index] == UInt8(ascii: "t") {
            _ = try parser.literal("true", .bool(true))
            return true
        }
        _ = try parser.literal("false", .bool(false))
        return false
    }

    /// Reads a `null` if that is what comes next; true when it did.
    public mutating func null() throws -> Bool {
        guard next == .null else { return false }
        _ = try parser.literal("null", .null)
        return true
    }

    /// Passes over the next value, checking it is JSON.
    public mutating func skip() throws {
        _ = try parser.value()
    }
}

/// The member names an object is read by, found by position: our daemons write an object's members in one order
/// (sorted), so the name after the last one found is nearly always the one that comes, and is tried first.
public struct JSONMemberNames: Sendable {
    private let names: [[UInt8]]

    public init(_ names: [String]) { self.names = names.map { Array($0.utf8) } }

    public var count: Int { names.count }

    /// The `i`th name, for an error.
    public func name(_ i: Int) -> String { String(decoding: names[i], as: UTF8.self) }

    /// The index of `name`, tried from `hint` on (and round), which it leaves after the one found; nil if not one.
    public func index(of name: JSONPullReader.Name, hint: inout Int) -> Int? {
        for step in 0..<names.count {
            let i = (hint + step) % names.count
            if name.equals(names[i]) {
                hint = i + 1 == names.count ? 0 : i + 1
                return i
            }
        }
        return nil
    }
}
