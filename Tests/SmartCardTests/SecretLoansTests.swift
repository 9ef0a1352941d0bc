import Testing
import SmartCard

/// A kept PIN forgotten while a card operation reads it is wiped when the operation is done, never under it.
@Suite("Kept secrets lent to card operations")
struct SecretLoansTests {
    func secret(_ text: String = "13572468") throws -> LockedSecret {
        try Array(text.utf8).withUnsafeBytes { try LockedSecret(copying: $0) }
    }

    @Test("forgotten while not lent: wiped at once")
    func forgetIdle() throws {
        let pin = try secret()
        let loans = SecretLoans()
        loans.forget(pin)
        #expect(pin.count == 0)
    }

    @Test("forgotten while lent: intact until the loan comes back, then wiped")
    func forgetLent() throws {
        let pin = try secret()
        var loans = SecretLoans()
        loans.lend(pin)
        loans.forget(pin)
        #expect(pin.withBytes { Array($0) } == Array("13572468".utf8))
        loans.giveBack(pin, kept: false)
        #expect(pin.count == 0)
        #expect(!loans.isLent(pin))
    }

    @Test("two loans: wiped only after the second comes back")
    func twoLoans() throws {
        let pin = try secret()
        var loans = SecretLoans()
        loans.lend(pin)
        loans.lend(pin)
        loans.forget(pin)
        loans.giveBack(pin, kept: false)
        #expect(pin.count == 8)
        loans.giveBack(pin, kept: false)
        #expect(pin.count == 0)
    }

    @Test("given back while still kept: left intact; another secret's loan does not shield this one")
    func keptAndOthers() throws {
        let pin = try secret()
        let other = try secret("24681357")
        var loans = SecretLoans()
        loans.lend(pin)
        loans.giveBack(pin, kept: true)
        #expect(pin.count == 8)
        #expect(!loans.isLent(pin))
        loans.lend(other)
        loans.forget(pin)
        #expect(pin.count == 0)
        #expect(other.count == 8)
    }
}
