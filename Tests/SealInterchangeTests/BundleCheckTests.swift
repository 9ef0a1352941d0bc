import Foundation
import Testing
@testable import SealInterchange

@Suite("A bundle's entry lines checked on every core, taken in order")
struct BundleCheckTests {
    @Test("each line's result comes back at its own place, whatever the count of lines", arguments: [0, 1, 2, 3, 4095, 4096, 10_001])
    func resultsInOrder(count: Int) async {
        let checker = BundleVerifier.EntryChecker(certificates: [:], checkCard: { _, _, _ in false })
        // Lines of unknown types: each result names its line's type, so a result out of place shows.
        let lines = (0..<count).map { #"{"type":"t\#($0)"}"# }
        let results = await BundleVerifier.check(lines, with: checker)
        #expect(results.count == count)
        #expect(results.map(\.parsed) == (0..<count).map { .unknown(type: "t\($0)") })
    }

    @Test("an entry line whose text is not its leaf's comes back with that verdict, its neighbours without one")
    func verdictsStayWithTheirLines() async {
        let checker = BundleVerifier.EntryChecker(certificates: [:], checkCard: { _, _, _ in false })
        let leaf = String(repeating: "00", count: 32)
        let lines = [#"{"type":"t0"}"#, #"{"entry":"{}","leaf":"\#(leaf)","seq":7,"type":"entry"}"#, #"{"type":"t2"}"#]
        let results = await BundleVerifier.check(lines, with: checker)
        #expect(results.map { $0.verdict == nil } == [true, false, true])
        #expect(results[1].verdict == .entryAltered(seq: 7, "its text does not hash to its leaf"))
    }
}
