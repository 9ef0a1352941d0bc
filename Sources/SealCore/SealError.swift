/// A refusal or failure with a stable, machine-readable code (the API's `error.code`) and a message for people.
///
/// Callers match on `code`; users read `message`. New codes are added as static members.
public struct SealError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable error code, e.g. `forbidden`, `delegation-expired`.
    public struct Code: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
    }

    /// How the refusal should be classed by a transport (HTTP maps these to status codes).
    public enum Kind: Sendable, Equatable {
        case badRequest, forbidden, notFound, conflict, tooLarge, unavailable, `internal`
    }

    public var code: Code
    public var kind: Kind
    public var message: String
    /// For `wrong-pin`: the card's remaining PIN tries.
    public var triesLeft: Int?

    public init(_ code: Code, _ kind: Kind, _ message: String, triesLeft: Int? = nil) {
        self.code = code
        self.kind = kind
        self.message = message
        self.triesLeft = triesLeft
    }

    public var description: String { "\(code): \(message)" }
}

extension SealError.Code {
    public static let badRequest = Self("bad-request")
    public static let notFound = Self("not-found")
    public static let methodNotAllowed = Self("method-not-allowed")
    public static let payloadTooLarge = Self("payload-too-large")
    public static let forbidden = Self("forbidden")
    public static let onBehalfOfNotAllowed = Self("on-behalf-of-not-allowed")
    public static let unknownStaff = Self("unknown-staff")
    public static let internalError = Self("internal-error")
}
