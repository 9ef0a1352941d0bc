import Foundation
import SealBook
import SealCore

public struct CardListView: Sendable, Codable {
    public struct Reader: Sendable, Codable {
        public var reader: String
        public var present: Bool
        public var atr: String?
        public var subject: String?
        public var fingerprint: String?
        public var problem: String?
        public var seal: String?
        public var unlocked: Bool
        public var unlockedUntil: String?

        public init(
            reader: String,
            present: Bool,
            atr: String? = nil,
            subject: String? = nil,
            fingerprint: String? = nil,
            problem: String? = nil,
            seal: String? = nil,
            unlocked: Bool,
            unlockedUntil: String? = nil
        ) {
            self.reader = reader
            self.present = present
            self.atr = atr
            self.subject = subject
            self.fingerprint = fingerprint
            self.problem = problem
            self.seal = seal
            self.unlocked = unlocked
            self.unlockedUntil = unlockedUntil
        }
    }
    public struct BoundSeal: Sendable, Codable {
        public var seal: String
        public var fingerprint: String
        public var subject: String
        public var present: Bool
        public var reader: String?
        public var unlocked: Bool
        public var unlockedUntil: String?
        public var unlockedBy: String?

        public init(
            seal: String,
            fingerprint: String,
            subject: String,
            present: Bool,
            reader: String? = nil,
            unlocked: Bool,
            unlockedUntil: String? = nil,
            unlockedBy: String? = nil
        ) {
            self.seal = seal
            self.fingerprint = fingerprint
            self.subject = subject
            self.present = present
            self.reader = reader
            self.unlocked = unlocked
            self.unlockedUntil = unlockedUntil
            self.unlockedBy = unlockedBy
        }
    }
    public var available: Bool
    public var message: String?
    public var readers: [Reader]
    public var seals: [BoundSeal]

    public init(available: Bool, message: String? = nil, readers: [Reader], seals: [BoundSeal]) {
        self.available = available
        self.message = message
        self.readers = readers
        self.seals = seals
    }
}

public struct CardHealthView: Sendable, Codable, Equatable {
    public var enabled: Bool
    public var available: Bool
    public var message: String?
    public var readers: Int
    public var cards: Int

    public init(enabled: Bool, available: Bool, message: String? = nil, readers: Int, cards: Int) {
        self.enabled = enabled
        self.available = available
        self.message = message
        self.readers = readers
        self.cards = cards
    }
}

/// What a clerk tool needs to check and attach the signature: the exact signed bytes, the DER signature and
/// the certificate, besides the new line of the book.
public struct SignedUseView: Sendable, Codable {
    public var use: UseView
    public var statement: String
    public var signature: String
    public var certificate: String
    public var certificateFingerprint: String

    public init(
        use: UseView,
        statement: String,
        signature: String,
        certificate: String,
        certificateFingerprint: String
    ) {
        self.use = use
        self.statement = statement
        self.signature = signature
        self.certificate = certificate
        self.certificateFingerprint = certificateFingerprint
    }
}

public struct CardBindingView: Sendable, Codable {
    public var seal: String
    public var fingerprint: String
    public var subject: String
    public var reader: String
    public var boundAt: String
    public var boundBy: String?
    public var certificate: String

    public init(
        seal: String,
        fingerprint: String,
        subject: String,
        reader: String,
        boundAt: String,
        boundBy: String? = nil,
        certificate: String
    ) {
        self.seal = seal
        self.fingerprint = fingerprint
        self.subject = subject
        self.reader = reader
        self.boundAt = boundAt
        self.boundBy = boundBy
        self.certificate = certificate
    }
}

public struct CardLockView: Sendable, Codable {
    public var seal: String
    public var wasUnlocked: Bool

    public init(seal: String, wasUnlocked: Bool) {
        self.seal = seal
        self.wasUnlocked = wasUnlocked
    }
}
