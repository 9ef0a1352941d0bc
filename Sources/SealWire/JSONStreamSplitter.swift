#if canImport(Glibc)
import Glibc
#endif
import SealBook

/// Splits one JSON document, fed in pieces as it arrives, into the values its reader wants one at a time: the
/// containers `opens` names are read member by member (and their end reported), every other value is handed over
/// whole, as its bytes, with where it sits. So `sealctl` reads an anomaly report of any length finding by finding and
/// entry by entry, decoding each small value on its own, never the whole answer.
///
/// Strictness is left to whoever decodes the values; the structure around them (brackets, keys, commas, colons) is
/// checked, and anything else is `Malformed`.
public struct JSONStreamSplitter {
    public enum Step: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    public enum Event {
        /// A whole value (object, array, string, number, literal) and its path.
        case value([Step], [UInt8])
        /// The end of a container that was opened (read member by member).
        case end([Step])
    }

    public struct Malformed: Error {}

    private enum Phase { case key, colon, value, next }

    private struct Frame {
        var isObject: Bool
        var count = 0
        var key: String?
        var phase: Phase
    }

    private let opens: ([Step]) -> Bool
    private var frames: [Frame] = []
    private var path: [Step] = []
    private var started = false
    private var ended = false
    // The value being captured is a member name (read as JSON once complete, as the frame's key).
    private var readingKey = false
    // A value being captured whole.
    private var capturing = false
    private var capture: [UInt8] = []
    private var capturePath: [Step] = []
    private var depth = 0
    private var scalar = false
    private var inString = false
    private var escaped = false

    /// `opens(path)`: read the container at `path` member by member (the document itself, `[]`, always is).
    public init(opens: @escaping ([Step]) -> Bool) { self.opens = opens }

    /// Reads the next piece, calling `emit` with each value completed and each opened container ended.
    public mutating func feed(_ bytes: some Sequence<UInt8>, _ emit: (Event) throws -> Void) throws {
        if try bytes.withContiguousStorageIfAvailable({ try feed(buffer: $0, emit) }) == nil {
            try Array(bytes).withUnsafeBufferPointer { try feed(buffer: $0, emit) }
        }
    }

    private mutating func feed(buffer: UnsafeBufferPointer<UInt8>, _ emit: (Event) throws -> Void) throws {
        var i = 0
        while i < buffer.count {
            if capturing, inString, !escaped {
                // Most of an answer is the text inside captured strings: copied up to the next quote or backslash
                // in one go (memchr), the byte there taken on its own.
                let base = buffer.baseAddress! + i
                let rest = buffer.count - i
                let quote = memchr(base, Int32(UInt8(ascii: "\"")), rest).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? rest
                let stop = memchr(base, Int32(UInt8(ascii: "\\")), quote).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? quote
                capture.append(contentsOf: UnsafeBufferPointer(start: base, count: stop))
                i += stop
                if i == buffer.count { break }
            }
            try take(buffer[i], emit)
            i += 1
        }
    }

    /// Throws unless the document is complete.
    public func finish() throws(Malformed) {
        guard started, ended, !capturing else { throw Malformed() }
    }

    private mutating func take(_ b: UInt8, _ emit: (Event) throws -> Void) throws {
        if capturing {
            if inString {
                capture.append(b)
                if escaped {
                    escaped = false
                } else if b == UInt8(ascii: "\\") {
                    escaped = true
                } else if b == UInt8(ascii: "\"") {
                    inString = false
                    if depth == 0 { try finishCapture(emit) }
                }
                return
            }
            if scalar {
                guard Self.isDelimiter(b) else {
                    capture.append(b)
                    return
                }
                try finishCapture(emit)
                // The delimiter belongs to the structure around the value.
            } else {
                capture.append(b)
                switch b {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { try finishCapture(emit) }
                default: break
                }
                return
            }
        }
        if Self.isSpace(b) { return }
        guard !ended else { throw Malformed() }
        guard started else {
            guard b == UInt8(ascii: "{") || b == UInt8(ascii: "["), opens([]) else { throw Malformed() }
            started = true
            frames.append(Frame(isObject: b == UInt8(ascii: "{"), phase: b == UInt8(ascii: "{") ? .key : .value))
            return
        }
        var frame = frames[frames.count - 1]
        switch (frame.phase, b) {
        case (.key, UInt8(ascii: "\"")) where frame.isObject:
            // A member name is captured as a string value is, then read as the frame's key.
            capturing = true
            readingKey = true
            capture.append(b)
            inString = true
        case (.colon, UInt8(ascii: ":")):
            frames[frames.count - 1].phase = .value
        case (.next, UInt8(ascii: ",")):
            frame.count += 1
            frame.phase = frame.isObject ? .key : .value
            frames[frames.count - 1] = frame
        case (.key, UInt8(ascii: "}")) where frame.count == 0, (.next, UInt8(ascii: "}")) where frame.isObject,
            (.value, UInt8(ascii: "]")) where !frame.isObject && frame.count == 0, (.next, UInt8(ascii: "]")) where !frame.isObject:
            frames.removeLast()
            try emit(.end(path))
            if frames.isEmpty {
                ended = true
            } else {
                path.removeLast()
                frames[frames.count - 1].phase = .next
            }
        case (.value, UInt8(ascii: "{")), (.value, UInt8(ascii: "[")), (.value, UInt8(ascii: "\"")), (.value, UInt8(ascii: "-")),
            (.value, UInt8(ascii: "0")...UInt8(ascii: "9")), (.value, UInt8(ascii: "t")), (.value, UInt8(ascii: "f")), (.value, UInt8(ascii: "n")):
            let step: Step = frame.isObject ? .key(frame.key ?? "") : .index(frame.count)
            if b == UInt8(ascii: "{") || b == UInt8(ascii: "["), opens(path + [step]) {
                path.append(step)
                frames.append(Frame(isObject: b == UInt8(ascii: "{"), phase: b == UInt8(ascii: "{") ? .key : .value))
                return
            }
            capturing = true
            capture.append(b)
            capturePath = path + [step]
            depth = b == UInt8(ascii: "{") || b == UInt8(ascii: "[") ? 1 : 0
            inString = b == UInt8(ascii: "\"")
            scalar = !inString && depth == 0
        default:
            throw Malformed()
        }
    }

    private mutating func finishCapture(_ emit: (Event) throws -> Void) throws {
        capturing = false
        let bytes = capture
        capture.removeAll(keepingCapacity: true)
        if readingKey {
            readingKey = false
            guard case .string(let name)? = try? JSONValue(parsing: bytes) else { throw Malformed() }
            frames[frames.count - 1].key = name
            frames[frames.count - 1].phase = .colon
            return
        }
        frames[frames.count - 1].phase = .next
        try emit(.value(capturePath, bytes))
    }

    static func isSpace(_ b: UInt8) -> Bool {
        b == UInt8(ascii: " ") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") || b == UInt8(ascii: "\t")
    }

    static func isDelimiter(_ b: UInt8) -> Bool {
        isSpace(b) || b == UInt8(ascii: ",") || b == UInt8(ascii: "}") || b == UInt8(ascii: "]")
    }
}
