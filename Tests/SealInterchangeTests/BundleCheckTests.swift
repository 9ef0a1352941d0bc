import Foundation
import SealBook
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

    @Test("entries are judged by their text: canonical and numbered as their line says, else altered; the line itself may be laid out freely")
    func entryVerdicts() async throws {
        let checker = BundleVerifier.EntryChecker(certificates: [:], checkCard: { _, _, _ in false })
        let entry = JournalEntry(sequence: 7, time: "2026-12-05T08:00:00Z", actor: JournalActor(staff: "S001", user: "clerk", uid: 1000),
                                 kind: "use.recorded", payload: ["count": 1, "reason": "设立\"登记\""])
        func line(_ text: [UInt8], seq: Int = 7, spaced: Bool = false) -> String {
            let fields: JSONValue = ["type": "entry", "seq": .int(Int64(seq)), "entry": .string(String(decoding: text, as: UTF8.self)),
                                     "leaf": .string(TreeHash.leaf(text).hex)]
            let canonical = fields.canonicalString
            return spaced ? canonical.replacingOccurrences(of: #","leaf""#, with: #", "leaf""#) : canonical
        }
        let canonical = entry.canonicalBytes
        let spacedEntry = Array(String(decoding: canonical, as: UTF8.self).replacingOccurrences(of: #","kind""#, with: #", "kind""#).utf8)
        let lines = [line(canonical), line(canonical, spaced: true), line(canonical, seq: 8), line(spacedEntry)]
        let results = await BundleVerifier.check(lines, with: checker)
        #expect(results[0].verdict == nil)
        #expect(results[0].parsed == .line(.entry(seq: 7, entry: String(decoding: canonical, as: UTF8.self), leaf: entry.leafHash)))
        #expect(results[1].verdict == nil, "a bundle line laid out otherwise is read the general way")
        #expect(results[1].parsed == results[0].parsed)
        #expect(results[2].verdict == .entryAltered(seq: 8, "not a canonical journal entry numbered 8"))
        #expect(results[3].verdict == .entryAltered(seq: 7, "not a canonical journal entry numbered 7"))
    }
}
