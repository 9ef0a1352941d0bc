import Foundation
import Testing

@testable import SealCore

@Suite("A zone's offset kept for the stretch it holds, always Foundation's answer")
struct ZoneOffsetsTests {
    static let zones = ["Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Pacific/Apia", "Asia/Kathmandu",
                        "America/Sao_Paulo", "America/St_Johns", "UTC"].map { TimeZone(identifier: $0)! }

    @Test("instants walked forward, backward, at random and on either side of every transition", arguments: zones)
    func matchesFoundation(zone: TimeZone) {
        var generator = SystemRandomNumberGenerator()
        var instants: [Date] = []
        // Forward through 1900…2100 in steps of up to three days, as a period's facts come.
        var t = -2_208_988_800.0
        while t < 4_102_444_800 {
            instants.append(Date(timeIntervalSince1970: t))
            t += Double.random(in: 0...259_200, using: &generator).rounded()
        }
        // Backward over the last fifty years, as one seal's book after another's restarts the clock.
        instants += stride(from: 2_000_000_000.0, to: 400_000_000, by: -86_399).map { Date(timeIntervalSince1970: $0) }
        instants += (0..<5_000).map { _ in Date(timeIntervalSince1970: Double.random(in: -2_208_988_800...4_102_444_800, using: &generator).rounded()) }
        var transition = Date(timeIntervalSince1970: -2_208_988_800)
        while let next = zone.nextDaylightSavingTimeTransition(after: transition), next.timeIntervalSince1970 < 4_102_444_800 {
            instants += [-3601, -1, 0, 1, 3600].map { next.addingTimeInterval($0) }
            transition = next
        }
        var wrong = 0
        for instant in instants where ZoneOffsets.seconds(zone, at: instant) != zone.secondsFromGMT(for: instant) {
            wrong += 1
            if wrong < 5 { Issue.record("\(zone.identifier) at \(instant.timeIntervalSince1970): \(ZoneOffsets.seconds(zone, at: instant)) ≠ \(zone.secondsFromGMT(for: instant))") }
        }
        #expect(wrong == 0)
    }

    @Test("two zones asked in turn each keep their own offset")
    func zonesInTurn() {
        let shanghai = TimeZone(identifier: "Asia/Shanghai")!, newYork = TimeZone(identifier: "America/New_York")!
        let winter = Date(timeIntervalSince1970: 1_765_000_000), summer = Date(timeIntervalSince1970: 1_780_000_000)
        for _ in 0..<3 {
            #expect(ZoneOffsets.seconds(shanghai, at: winter) == 28_800)
            #expect(ZoneOffsets.seconds(newYork, at: winter) == -18_000)
            #expect(ZoneOffsets.seconds(newYork, at: summer) == -14_400)
            #expect(ZoneOffsets.seconds(shanghai, at: summer) == 28_800)
        }
    }
}
