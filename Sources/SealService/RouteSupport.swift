import Foundation
import Hummingbird
import SealCore
import SealWire
import SealStore

extension SealRequestContext {
    /// The caller, refused with `forbidden` unless it holds one of `roles`.
    func caller(requiring roles: Role...) throws -> Caller {
        let caller = try requireCaller()
        guard roles.contains(where: caller.has) else {
            throw SealError(
                .forbidden,
                "this needs the role \(roles.map(\.rawValue).joined(separator: " or ")); \(caller.staffID.map { "staff \($0) holds" } ?? "you hold") \(caller.roles.isEmpty ? "none" : caller.roles.map(\.rawValue).joined(separator: ", "))"
            )
        }
        return caller
    }

    /// A path parameter that the route pattern guarantees.
    func path(_ name: String) throws -> String {
        guard let value = parameters.get(name) else { throw SealError(.badRequest, "missing \(name)") }
        return value
    }
}

extension Request {
    public func query(_ name: String) -> String? {
        uri.queryParameters.get(name).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A query value as sent, empty included: a typed parameter given empty is an error, not "absent".
    public func rawQuery(_ name: String) -> String? {
        uri.queryParameters.get(name)
    }

    public func queryInt(_ name: String, default value: Int? = nil, in range: ClosedRange<Int>? = nil) throws -> Int? {
        guard let text = rawQuery(name) else { return value }
        guard let n = Int(text) else { throw SealError(.invalidField, "\(name) must be an integer, not \"\(text)\"") }
        if let range, !range.contains(n) {
            throw SealError(.invalidField, "\(name) must be between \(range.lowerBound) and \(range.upperBound), not \(n)")
        }
        return n
    }

    public func queryBool(_ name: String) throws -> Bool {
        guard let text = rawQuery(name) else { return false }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw SealError(.invalidField, "\(name) must be true or false")
        }
    }

    public func queryDate(_ name: String) throws -> LocalDate? {
        guard let text = rawQuery(name) else { return nil }
        guard let date = LocalDate(text) else { throw SealError(.invalidField, "\(name) must be a date YYYY-MM-DD") }
        return date
    }

    /// The book's filters (seal, township, from, to, matter, user), shared by the export and the reports.
    public func bookFilter() throws -> BookFilter {
        let filter = BookFilter(
            seal: query("seal"), township: query("township"), from: try queryDate("from"), to: try queryDate("to"),
            matter: query("matter"), user: query("user")
        )
        if let from = filter.from, let to = filter.to, from > to {
            throw SealError(.invalidField, "from \(from) is after to \(to)")
        }
        return filter
    }

    public func queryEnum<T: RawRepresentable>(_ name: String, _ type: T.Type) throws -> T? where T.RawValue == String {
        guard let text = rawQuery(name) else { return nil }
        guard let value = T(rawValue: text) else {
            let valid = (T.self as? any CaseIterable.Type).map { type in
                "; valid: " + (type.allCases as any Collection).map { "\(($0 as! any RawRepresentable).rawValue)" }.joined(separator: ", ")
            } ?? ""
            throw SealError(.invalidField, "\(name) \"\(text)\" is not valid\(valid)")
        }
        return value
    }
}

extension SealRequestContext {
    /// A time a person typed: RFC 3339 with an offset, or wall-clock time in the register's zone
    /// (`2026-12-01 17:00`), never the zone of whatever machine sent it.
    func time(_ text: String, field: String) throws -> Date {
        guard let date = LocalTime.parse(text, zone: timeZone) else {
            throw SealError(
                .invalidField,
                "\(field) \"\(text)\" is not a time: give local time as 2026-12-01 17:00 (\(timeZone.identifier)) or RFC 3339 like 2026-12-01T17:00:00+08:00"
            )
        }
        return date
    }
}

extension Request {
    /// A JSON body that may be empty (then `empty` is used), for verbs whose fields are all optional.
    func decodeOptional<T: Decodable>(_ empty: T, context: SealRequestContext) async throws -> T {
        var request = self
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        if buffer.readableBytes == 0 { return empty }
        return try await request.decode(as: T.self, context: context)
    }
}

/// 201 Created with the new record.
func created<T: ResponseEncodable>(_ value: T) -> EditedResponse<T> {
    EditedResponse(status: .created, response: value)
}

