/// JSON re-indented for people (`sealctl --json`), byte by byte: two spaces a level, `"key" : value` as Foundation's
/// pretty printer writes it, empty lists and objects as `[]` and `{}`, strings copied exactly as the daemon escaped
/// them. Foundation's `JSONSerialization` would build every value as an object first: a 30 MB anomaly report took
/// 850 MB and ten seconds that way; this takes the output's size and one pass.
public enum PrettyJSON {
    /// The value re-indented, or nil when `json` is not one well-nested JSON object or array (the caller shows it as
    /// it came).
    public static func indent(_ json: some Collection<UInt8>) -> [UInt8]? {
        let bytes = Array(json)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 2)
        var depth = 0
        var inString = false
        var escaped = false
        var started = false
        func newline() {
            out.append(UInt8(ascii: "\n"))
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * 2))
        }
        func nextSignificant(after i: Int) -> Int {
            var j = i + 1
            while j < bytes.count, isSpace(bytes[j]) { j += 1 }
            return j
        }
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if inString {
                out.append(b)
                if escaped {
                    escaped = false
                } else if b == UInt8(ascii: "\\") {
                    escaped = true
                } else if b == UInt8(ascii: "\"") {
                    inString = false
                }
                i += 1
                continue
            }
            if isSpace(b) {
                i += 1
                continue
            }
            if !started {
                guard b == UInt8(ascii: "{") || b == UInt8(ascii: "[") else { return nil }
                started = true
            } else if depth == 0 {
                return nil  // something after the top-level value
            }
            switch b {
            case UInt8(ascii: "\""):
                inString = true
                out.append(b)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let close = b == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                let j = nextSignificant(after: i)
                if j < bytes.count, bytes[j] == close {
                    out.append(b)
                    out.append(close)
                    i = j + 1
                    continue
                }
                out.append(b)
                depth += 1
                newline()
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard depth > 0 else { return nil }
                depth -= 1
                newline()
                out.append(b)
            case UInt8(ascii: ","):
                out.append(b)
                newline()
            case UInt8(ascii: ":"):
                out.append(contentsOf: [UInt8(ascii: " "), UInt8(ascii: ":"), UInt8(ascii: " ")])
            default:
                out.append(b)
            }
            i += 1
        }
        guard started, depth == 0, !inString else { return nil }
        return out
    }

    static func isSpace(_ b: UInt8) -> Bool {
        b == UInt8(ascii: " ") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") || b == UInt8(ascii: "\t")
    }
}
