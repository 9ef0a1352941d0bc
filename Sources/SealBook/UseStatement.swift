import Foundation

/// What an electronic seal's card signs for one use: canonical JSON (sorted keys, no spaces), so anyone can
/// rebuild and check it. The card signs SHA-256 of exactly these bytes (ECDSA P-256), which is what
/// `openssl dgst -sha256 -verify` checks.
public struct UseStatement: Sendable, Equatable {
    public static let format = "sealkeeper-use-statement/1"

    public var register: String
    public var seal: String
    public var sealName: String
    public var certificateSHA256: String
    public var request: String
    public var matter: String
    public var caseNumber: String
    public var documentSHA256: String
    public var count: Int
    /// RFC 3339 UTC.
    public var time: String
    public var user: String
    public var approver: String?

    public init(
        register: String, seal: String, sealName: String, certificateSHA256: String, request: String, matter: String,
        caseNumber: String, documentSHA256: String, count: Int, time: String, user: String, approver: String?
    ) {
        self.register = register
        self.seal = seal
        self.sealName = sealName
        self.certificateSHA256 = certificateSHA256
        self.request = request
        self.matter = matter
        self.caseNumber = caseNumber
        self.documentSHA256 = documentSHA256
        self.count = count
        self.time = time
        self.user = user
        self.approver = approver
    }

    public var json: JSONValue {
        [
            "format": .string(Self.format), "register": .string(register), "seal": .string(seal), "seal_name": .string(sealName),
            "certificate_sha256": .string(certificateSHA256), "request": .string(request), "matter": .string(matter),
            "case_number": .string(caseNumber), "document_sha256": .string(documentSHA256), "count": .int(Int64(count)),
            "time": .string(time), "user": .string(user), "approver": .optional(approver),
        ]
    }

    /// The exact bytes the card signs.
    public var bytes: [UInt8] { json.canonicalBytes }
}
