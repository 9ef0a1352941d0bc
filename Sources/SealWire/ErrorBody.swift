import SealCore

/// The wire form of every error: `{"error": {"code": "…", "message": "…"}}`, written by the daemons and read by
/// sealctl.
public struct ErrorBody: Codable, Sendable, Equatable {
    public struct Detail: Codable, Sendable, Equatable {
        public var code: String
        public var message: String
        /// For a refused catalogue: every bad line with its reason.
        public var lines: [LineError]?
        /// For `wrong-pin`: the PIN tries the card has left.
        public var triesLeft: Int?

        public init(code: String, message: String, lines: [LineError]? = nil, triesLeft: Int? = nil) {
            self.code = code
            self.message = message
            self.lines = lines
            self.triesLeft = triesLeft
        }
    }

    /// A bad line of an uploaded file, by its line number as an editor shows it.
    public struct LineError: Codable, Sendable, Equatable {
        public var line: Int
        public var reason: String
        public init(line: Int, reason: String) {
            self.line = line
            self.reason = reason
        }
    }

    public var error: Detail

    public init(_ error: SealError) {
        self.error = Detail(code: error.code.rawValue, message: error.message, triesLeft: error.triesLeft)
    }

    public init(error: Detail) { self.error = error }
}

extension SealError.Kind {
    /// The HTTP status every code of this kind answers with: a code's kind, and so its status, never varies.
    public var httpStatus: Int {
        switch self {
        case .badRequest: 400
        case .forbidden: 403
        case .notFound: 404
        case .methodNotAllowed: 405
        case .conflict: 409
        case .tooLarge: 413
        case .unprocessable: 422
        case .unavailable: 503
        case .internal: 500
        }
    }
}
