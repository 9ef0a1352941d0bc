/// Custody rules: handover 交接 and carry-out 外带 of a seal.
public enum CustodyRules {
    /// A handover goes from the current custodian to someone else, before a witness who is neither.
    public static func checkHandover(from current: String, to next: String, witness: String) throws(SealError) {
        guard next != current else {
            throw SealError(.invalidField, "\(next) is already the custodian")
        }
        guard witness != current && witness != next else {
            throw SealError(.witnessRequired, "the witness must differ from both the current and the new custodian")
        }
    }

    /// A seal that is out cannot go out again before it returns; a seal must be usable to go out at all.
    public static func checkCarryOut(status: Seal.Status, alreadyOut: Bool, reason: String) throws(SealError) {
        guard !alreadyOut else {
            throw SealError(.alreadyCarriedOut, "the seal is already carried out; record its return first")
        }
        guard status == .active || status == .registered || status == .suspended else {
            throw SealError(.illegalTransition, "a \(status.rawValue) seal cannot be carried out")
        }
        guard ReasonText.isMeaningful(reason) else {
            throw SealError(.invalidField, "a carry-out needs a reason")
        }
    }
}

/// Free text people must fill in (事由, reasons): not blank, not only punctuation.
public enum ReasonText {
    public static func isMeaningful(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil }
    }
}
