import Foundation

/// Read-only access to a decoded JSON answer, for printing tables.
struct JSON {
    let value: Any?

    init(_ value: Any?) { self.value = value }

    subscript(key: String) -> JSON { JSON((value as? [String: Any])?[key]) }
    subscript(index: Int) -> JSON {
        guard let array = value as? [Any], index < array.count else { return JSON(nil) }
        return JSON(array[index])
    }

    var array: [JSON] { (value as? [Any] ?? []).map(JSON.init) }
    var isNull: Bool { value == nil || value is NSNull }
    var int: Int? { (value as? NSNumber)?.intValue }
    var bool: Bool? { (value as? NSNumber)?.boolValue }

    /// The value as text for a table cell: strings as is, numbers and booleans plainly, lists comma-joined.
    var text: String {
        switch value {
        case nil, is NSNull: return ""
        case let s as String: return s
        case let n as NSNumber:
            if String(cString: n.objCType) == "c" { return n.boolValue ? "yes" : "no" }
            return n.stringValue
        case let a as [Any]: return a.map { JSON($0).text }.joined(separator: ", ")
        case let o as [String: Any]:
            return o.keys.sorted().map { "\($0)=\(JSON(o[$0]).text)" }.joined(separator: " ")
        default: return "\(value!)"
        }
    }
}

/// Percent-encodes a path segment or query value.
func escape(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: .urlUnreservedAllowed) ?? text
}

extension CharacterSet {
    static let urlUnreservedAllowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}

/// Builds `?a=b&c=d` from the pairs whose value is set.
func query(_ pairs: [(String, String?)]) -> String {
    let set = pairs.compactMap { key, value in value.map { "\(key)=\(escape($0))" } }
    return set.isEmpty ? "" : "?" + set.joined(separator: "&")
}

/// Accepts RFC 3339 (`2026-11-21T18:00:00+08:00`) or local `YYYY-MM-DD HH:MM[:SS]`, and returns RFC 3339.
func normalizeTime(_ text: String) -> String? {
    if (try? Date(text, strategy: .iso8601)) != nil { return text }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = .current
    for format in ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm"] {
        formatter.dateFormat = format
        if let date = formatter.date(from: text) {
            return date.formatted(Date.ISO8601FormatStyle(timeZone: .current))
        }
    }
    return nil
}
