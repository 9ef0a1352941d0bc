#if canImport(Glibc)
import Glibc
#endif

/// JSON re-indented for people (`sealctl --json`), byte by byte and as it arrives: two spaces a level, `"key" : value`
/// as Foundation's pretty printer writes it, empty lists and objects as `[]` and `{}`, strings copied exactly as the
/// daemon escaped them. Foundation's `JSONSerialization` would build every value as an object first: a 30 MB anomaly
/// report took 850 MB and ten seconds that way; this holds only the piece in hand, so an answer of any size streams.
public struct PrettyJSON {
    /// The input is not one well-nested JSON object or array.
    public struct Malformed: Error {}

    private var depth = 0
    private var inString = false
    private var escaped = false
    private var started = false
    private var ended = false
    /// An opening bracket written, its line break held until the next byte says whether the container is empty.
    private var pendingOpen: UInt8?

    public init() {}

    /// The value re-indented, or nil when `json` is not one well-nested JSON object or array (the caller shows it as
    /// it came).
    public static func indent(_ json: some Sequence<UInt8>) -> [UInt8]? {
        var pretty = PrettyJSON()
        var out: [UInt8] = []
        do {
            try pretty.feed(json, into: &out)
            try pretty.finish()
        } catch {
            return nil
        }
        return out
    }

    /// Re-indents the next piece of the input onto `out`.
    public mutating func feed(_ bytes: some Sequence<UInt8>, into out: inout [UInt8]) throws(Malformed) {
        let well = bytes.withContiguousStorageIfAvailable { feed($0, into: &out) } ?? Array(bytes).withUnsafeBufferPointer { feed($0, into: &out) }
        guard well else { throw Malformed() }
    }

    /// False once the input is not well-formed.
    private mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        var i = 0
        while i < bytes.count {
            if inString {
                // Most of a report is inside strings: copy up to the next quote or backslash in one go (memchr).
                if escaped {
                    out.append(bytes[i])
                    escaped = false
                    i += 1
                    continue
                }
                let base = bytes.baseAddress! + i
                let rest = bytes.count - i
                let quote = memchr(base, Int32(UInt8(ascii: "\"")), rest).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? rest
                let slash = memchr(base, Int32(UInt8(ascii: "\\")), quote).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? quote
                if slash < quote {
                    out.append(contentsOf: UnsafeBufferPointer(start: base, count: slash + 1))
                    escaped = true
                    i += slash + 1
                } else if quote < rest {
                    out.append(contentsOf: UnsafeBufferPointer(start: base, count: quote + 1))
                    inString = false
                    i += quote + 1
                } else {
                    out.append(contentsOf: UnsafeBufferPointer(start: base, count: rest))
                    i = bytes.count
                }
                continue
            }
            let b = bytes[i]
            i += 1
            if Self.isSpace(b) { continue }
            if let open = pendingOpen {
                pendingOpen = nil
                if b == Self.closer(open) {
                    out.append(b)
                    if depth == 0 { ended = true }
                    continue
                }
                depth += 1
                newline(&out)
            }
            if !started {
                guard b == UInt8(ascii: "{") || b == UInt8(ascii: "[") else { return false }
                started = true
            } else if ended {
                return false  // something after the top-level value
            }
            switch b {
            case UInt8(ascii: "\""):
                inString = true
                out.append(b)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                out.append(b)
                pendingOpen = b
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard depth > 0 else { return false }
                depth -= 1
                newline(&out)
                out.append(b)
                if depth == 0 { ended = true }
            case UInt8(ascii: ","):
                out.append(b)
                newline(&out)
            case UInt8(ascii: ":"):
                out.append(contentsOf: [UInt8(ascii: " "), UInt8(ascii: ":"), UInt8(ascii: " ")])
            default:
                out.append(b)
            }
        }
        return true
    }

    /// Throws unless the input so far was one complete object or array.
    public func finish() throws(Malformed) {
        guard started, ended, !inString, pendingOpen == nil else { throw Malformed() }
    }

    private func newline(_ out: inout [UInt8]) {
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * 2))
    }

    static func closer(_ open: UInt8) -> UInt8 { open == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]") }

    static func isSpace(_ b: UInt8) -> Bool {
        b == UInt8(ascii: " ") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") || b == UInt8(ascii: "\t")
    }
}
