import Foundation
import Testing

@testable import SealCore

@Suite("Register identifiers")
struct RegisterIDTests {
    @Test("zero-padded to the width, a wider number written whole — as %0Nd writes them", arguments: [
        (RegisterID.use(1), "USE-000001"), (RegisterID.use(999_999), "USE-999999"), (RegisterID.use(1_000_000), "USE-1000000"),
        (RegisterID.request(42), "REQ-000042"), (RegisterID.seal(7), "SEAL-0007"), (RegisterID.seal(12_345), "SEAL-12345"),
        (RegisterID.delegation(10), "DLG-0010"),
    ])
    func padded(made: String, expected: String) {
        #expect(made == expected)
    }

    @Test("the same text as String(format:) for every width the register uses")
    func sameAsFormat() {
        for n in [1, 9, 10, 99, 100, 999, 1000, 9999, 10000, 99999, 100_000, 999_999, 1_000_000, 123_456_789] {
            #expect(RegisterID.use(n) == String(format: "USE-%06d", n))
            #expect(RegisterID.seal(n) == String(format: "SEAL-%04d", n))
        }
    }
}
