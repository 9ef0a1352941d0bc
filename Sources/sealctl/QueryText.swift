import Foundation
import SealCore

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
