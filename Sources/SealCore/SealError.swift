/// A refusal or failure with a stable, machine-readable code (the API's `error.code`) and a message for people.
///
/// Callers match on `code`; users read `message`. Each code carries its kind, so one code always answers with one
/// HTTP status, wherever it is thrown (see `SealError+Codes.swift` for every code).
public struct SealError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable error code, e.g. `forbidden`, `delegation-expired`, with the kind of refusal it is.
    public struct Code: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        public let rawValue: String
        public let kind: Kind

        /// Declares a code; only `SealError+Codes.swift` does this, so `all` lists every code there is.
        init(_ rawValue: String, _ kind: Kind) {
            self.rawValue = rawValue
            self.kind = kind
        }

        /// A code read back from the wire: its kind is the declared one, or `badRequest` for a code this build
        /// does not know (a newer daemon's).
        public init(rawValue: String) {
            self = Self.byRawValue[rawValue] ?? Code(rawValue, .badRequest)
        }

        public init(from decoder: any Decoder) throws {
            self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }

        public static func == (a: Code, b: Code) -> Bool { a.rawValue == b.rawValue }
        public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
        public var description: String { rawValue }

        static let byRawValue = Dictionary(uniqueKeysWithValues: all.map { ($0.rawValue, $0) })
    }

    /// How the refusal is classed by a transport (HTTP maps each kind to one status).
    public enum Kind: Sendable, Equatable, CaseIterable {
        case badRequest, forbidden, notFound, methodNotAllowed, conflict, tooLarge, unprocessable, unavailable, `internal`
    }

    public var code: Code
    public var message: String
    /// For `wrong-pin`: the card's remaining PIN tries.
    public var triesLeft: Int?

    public init(_ code: Code, _ message: String, triesLeft: Int? = nil) {
        self.code = code
        self.message = message
        self.triesLeft = triesLeft
    }

    public var kind: Kind { code.kind }
    public var description: String { "\(code): \(message)" }
}
