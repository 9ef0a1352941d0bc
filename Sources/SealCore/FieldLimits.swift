/// How long each free-text field may be, and what it may not hold. A 事由 is a line in a paper book, not a
/// document: 100 KB of it broke every table, the printed page and Excel's 32,767-character cell, and control
/// characters or ANSI escapes in it reached terminals raw. The limits are in `docs/openapi.yaml` as `maxLength`.
public enum FieldLimits {
    /// Characters (Unicode scalars) allowed per JSON field name of a request body: every text field the API's
    /// bodies have (ids, times and digests have patterns of their own). Keys a body does not define are ignored, as
    /// the decoder ignores them.
    public static let limits: [String: Int] = [
        "seal": 32,
        "matter": 64,
        "request": 32,
        "approver": 32,
        "carrier": 32,
        "reason": 200,
        "case_number": 64,
        "note": 200,
        "name": 100,
        "owner": 100,
        "holder": 100,
        "custodian": 32,
        "id": 32,
        "unix_user": 32,
        "agreement_number": 64,
        "delegating_department": 100,
        "supervising_department": 100,
        "township": 100,
        "filing_number": 64,
        "reader": 200,
        "pin": 8,
    ]

    /// Any other text (a catalogue's other columns).
    public static let defaultLimit = 500

    public static func limit(for field: String) -> Int { limits[field] ?? defaultLimit }

    /// Why `value` may not be stored in `field`, or nil. Line breaks, tabs, other C0 and C1 controls, DEL and the
    /// Unicode line/paragraph separators are refused: every field here is one line of a form.
    public static func problem(field: String, value: String) -> String? {
        let limit = limit(for: field)
        let count = value.unicodeScalars.count
        if count > limit { return "\(field) is \(count) characters long; at most \(limit) are allowed" }
        if let bad = value.unicodeScalars.first(where: isControl) {
            return "\(field) holds a control character (U+\(String(bad.value, radix: 16, uppercase: true).leftPadded(4))); write it on one line, without control characters"
        }
        return nil
    }

    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || (0x7F...0x9F).contains(v) || v == 0x2028 || v == 0x2029
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        String(repeating: "0", count: Swift.max(0, width - count)) + self
    }
}
