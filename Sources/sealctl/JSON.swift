import Foundation
import SealCore

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

/// A time as typed, checked for its form only: RFC 3339 with an offset passes as is, and wall-clock time
/// (`2026-12-01 17:00`) goes to the daemon unchanged, which reads it in the register's zone (`[policy] timezone`),
/// not in this machine's.
func checkedTime(_ text: String, flag: String) throws -> String {
    guard LocalTime.parse(text, zone: .gmt) != nil else {
        throw ClientError(code: "bad-argument", message: "\(flag) \(text): not a time like 2026-12-01 17:00 (the register's local time) or 2026-12-01T17:00:00+08:00", exitCode: 64)
    }
    return text
}
