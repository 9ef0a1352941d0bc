import Foundation
import SealCore
@testable import SealService
import SealWire
import Testing

/// A report's evidence is written by hand (`Anomaly.Evidence.appendJSON`) for speed: it must be the bytes the API's
/// encoder and the local-time rewriting give, whatever the text holds.
@Suite("Evidence written as the API writes it")
struct EvidenceJSONTests {
    static let texts = ["", "a", "\"", "\\", "/", "\u{0}", "\u{8}", "\u{C}", "\n", "\r", "\t", "\u{1F}", "\u{7F}", "·", "中", "用印人", "😀", "\u{2028}",
                        "\u{FEFF}", "e\u{301}", "</script>", "USE-0000001", "#12"]
    static let times = ["2026-11-20T01:00:00Z", "2024-02-29T23:59:59Z", "1999-12-31T16:00:00Z", "2026-11-20T01:00:00.5Z", "", "not a time",
                        "2026-02-30T00:00:00Z"]

    @Test("random evidence, in three zones: the same bytes as the encoder then the time rewriting")
    func sameBytes() throws {
        var generator = SystemRandomNumberGenerator()
        func text() -> String { (0..<Int.random(in: 0...3, using: &generator)).map { _ in Self.texts.randomElement(using: &generator)! }.joined() }
        let encoder = WireJSON.snakeCaseEncodedEncoder
        for zone in ["Asia/Shanghai", "America/New_York", "UTC"].map({ TimeZone(identifier: $0)! }) {
            for _ in 0..<2_000 {
                let evidence = Anomaly.Evidence(
                    ref: text(), time: Self.times.randomElement(using: &generator)!, staff: Bool.random(using: &generator) ? text() : nil,
                    seal: Bool.random(using: &generator) ? text() : nil, detail: text()
                )
                var written: [UInt8] = []
                evidence.appendJSON(to: &written, zone: zone)
                let expected = LocalTimeResponseEncoder.localize(try encoder.encode(evidence), zone: zone)
                #expect(written == Array(expected), "\(String(decoding: expected, as: UTF8.self)) in \(zone.identifier)")
            }
        }
    }

    @Test("every property of the evidence is written: a field added to it must be added to the writer")
    func everyProperty() {
        let labels = Mirror(reflecting: Anomaly.Evidence(ref: "", time: "", staff: nil, seal: nil, detail: "")).children.compactMap(\.label)
        #expect(labels.sorted() == ["detail", "ref", "seal", "staff", "time"])
    }
}
