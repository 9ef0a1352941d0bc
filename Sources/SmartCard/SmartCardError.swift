import CPCSCLite

/// A failure talking to a reader or a card, typed so callers can tell a wrong PIN from a missing card.
public enum SmartCardError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A PC/SC call failed (`SCARD_E_…`), e.g. no pcscd, reader gone, card removed.
    case pcsc(function: String, code: PCSCCode)
    /// The card answered a command with an unexpected status word.
    case status(StatusWord, command: String)
    /// VERIFY failed; the card counts down.
    case wrongPIN(triesLeft: Int)
    /// The PIN retry counter is at zero.
    case pinBlocked
    /// The operation needs a fresh VERIFY (`69 82`).
    case securityStatusNotSatisfied
    /// The data object or applet is not on the card (`6A 82`).
    case notFound(String)
    /// The card's answer could not be parsed.
    case malformed(String)
    /// A PIN that PIV cannot hold (6–8 digits or characters).
    case invalidPIN(String)
    /// The card's certificate is not the one expected (another card is in the reader).
    case wrongCard

    public var description: String {
        switch self {
        case .pcsc(let function, let code): "\(function): \(code)"
        case .status(let sw, let command): "\(command) answered \(sw)"
        case .wrongPIN(let tries): "wrong PIN, \(tries) \(tries == 1 ? "try" : "tries") left"
        case .pinBlocked: "the PIN is blocked"
        case .securityStatusNotSatisfied: "the card needs the PIN first"
        case .notFound(let what): "\(what) is not on the card"
        case .malformed(let why): "malformed card response: \(why)"
        case .invalidPIN(let why): why
        case .wrongCard: "the card in the reader is not the expected card"
        }
    }

    /// Whether the failure means the card (or pcscd) went away rather than the card refusing.
    public var isCardGone: Bool {
        guard case .pcsc(_, let code) = self else { return false }
        return [.removedCard, .noSmartcard, .readerUnavailable, .unknownReader, .noService, .serviceStopped,
                .resetCard, .unpoweredCard, .unresponsiveCard, .invalidHandle, .noReadersAvailable].contains(code)
    }
}

/// A PC/SC return code (`LONG`), with names for the ones a client meets.
public struct PCSCCode: Sendable, Hashable, CustomStringConvertible {
    public var rawValue: Int

    public init(_ rawValue: Int) { self.rawValue = rawValue }

    public static let success = PCSCCode(0)
    public static let cancelled = PCSCCode(0x8010_0002)
    public static let invalidHandle = PCSCCode(0x8010_0003)
    public static let timeout = PCSCCode(0x8010_000A)
    public static let sharingViolation = PCSCCode(0x8010_000B)
    public static let noSmartcard = PCSCCode(0x8010_000C)
    public static let unknownReader = PCSCCode(0x8010_0009)
    public static let readerUnavailable = PCSCCode(0x8010_0017)
    public static let noService = PCSCCode(0x8010_001D)
    public static let serviceStopped = PCSCCode(0x8010_001E)
    public static let noReadersAvailable = PCSCCode(0x8010_002E)
    public static let unresponsiveCard = PCSCCode(0x8010_0066)
    public static let unpoweredCard = PCSCCode(0x8010_0067)
    public static let resetCard = PCSCCode(0x8010_0068)
    public static let removedCard = PCSCCode(0x8010_0069)
    public static let insufficientBuffer = PCSCCode(0x8010_0008)

    public var description: String {
        String(cString: pcsc_stringify_error(rawValue)) + " (0x" + String(rawValue, radix: 16, uppercase: true) + ")"
    }
}
