import Foundation

/// Which part of the book an inspector exports.
public struct BookFilter: Sendable, Equatable {
    public var seal: String?
    /// Seals held under a delegation to this township, or whose holder names it.
    public var township: String?
    public var from: LocalDate?
    public var to: LocalDate?
    public var matter: String?
    public var user: String?

    public init(seal: String? = nil, township: String? = nil, from: LocalDate? = nil, to: LocalDate? = nil, matter: String? = nil, user: String? = nil) {
        self.seal = seal
        self.township = township
        self.from = from
        self.to = to
        self.matter = matter
        self.user = user
    }
}

/// One seal's part of an export: the seal, who keeps it, the delegations it is used under, and which lines of its
/// book (by 序号) the exported window spans.
public struct ExportSeal: Sendable {
    public var seal: Seal
    public var custodianName: String
    public var delegations: [Delegation]
    /// The 序号 of the window's first and last lines (stored with each line, never recounted).
    public var serials: ClosedRange<Int>

    public init(seal: Seal, custodianName: String, delegations: [Delegation], serials: ClosedRange<Int>) {
        self.seal = seal
        self.custodianName = custodianName
        self.delegations = delegations
        self.serials = serials
    }
}

/// One exported line with the time as a date value for spreadsheets.
public struct ExportLine: Sendable {
    public var line: BookTable.Line
    public var timestamp: Date

    public init(line: BookTable.Line, timestamp: Date) {
        self.line = line
        self.timestamp = timestamp
    }
}
