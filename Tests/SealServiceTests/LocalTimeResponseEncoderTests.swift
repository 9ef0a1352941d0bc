import Foundation
import Testing

import SealCore
@testable import SealService
import SealWire

@Suite("Answers show stored times on the register's wall clock")
struct LocalTimeResponseEncoderTests {
    let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    func localized(_ json: String) -> String {
        String(decoding: LocalTimeResponseEncoder.localize(Data(json.utf8), zone: shanghai), as: UTF8.self)
    }

    @Test("times under time keys are rewritten with their offset; the same instant")
    func timeKeys() {
        #expect(localized(#"{"time":"2026-11-22T15:59:59Z","approved_at":"2026-11-22T16:00:00Z","x":[{"until":"2026-11-22T00:00:00Z"}]}"#)
            == #"{"time":"2026-11-22T23:59:59+08:00","approved_at":"2026-11-23T00:00:00+08:00","x":[{"until":"2026-11-22T08:00:00+08:00"}]}"#)
        #expect(localized(#"{"due":"2026-11-22T15:59:59Z","checked_time":"2026-11-22T15:59:59Z","valid_until":"2026-11-22T15:59:59Z"}"#)
            == #"{"due":"2026-11-22T23:59:59+08:00","checked_time":"2026-11-22T23:59:59+08:00","valid_until":"2026-11-22T23:59:59+08:00"}"#)
    }

    @Test("free text, other keys and quoted look-alikes inside strings are left as they are")
    func leftAlone() {
        for json in [
            #"{"reason":"2026-11-22T15:59:59Z"}"#,
            #"{"note":"\"time\":\"2026-11-22T15:59:59Z\""}"#,
            #"{"timestamp":"2026-11-22T15:59:59Z"}"#,
            #"{"time":"2026-11-22T15:59:59+08:00"}"#,
            #"{"time":"not a time at all, 20b"}"#,
            #"{"Time":"2026-11-22T15:59:59Z"}"#,
            #"["time","2026-11-22T15:59:59Z"]"#,
        ] {
            #expect(localized(json) == json)
        }
    }
}

/// A page of the book writes its times already shown in the zone (`DirectJSONEncoded`): the same bytes as
/// Foundation's encoder followed by the rewriting pass, whatever sits under time keys and others.
@Suite("A page of the book written with its times shown on the wall clock")
struct DirectLocalTimesTests {
    /// Stored times, look-alikes that are not stored times (an offset, an impossible date, 20 bytes of text, a
    /// fraction), and free text.
    static let values = [
        "2026-11-22T15:59:59Z", "1999-12-31T16:00:00Z", "2026-03-08T06:59:59Z", "2026-11-22T15:59:59+08:00", "2026-13-40T99:99:99Z",
        "not a time at all, Z", "2026-11-22T15:59:59.5Z", "事由", "", "\"2026-11-22T15:59:59Z\"",
    ]

    static func value(_ g: inout some RandomNumberGenerator) -> String { values.randomElement(using: &g)! }
    static func maybe(_ g: inout some RandomNumberGenerator) -> String? { Bool.random(using: &g) ? value(&g) : nil }

    static func use(_ g: inout some RandomNumberGenerator) -> UseView {
        UseView(
            id: value(&g), serial: 7, seal: value(&g), sealName: value(&g), time: value(&g), localDate: value(&g), localTime: value(&g),
            reason: value(&g), approver: maybe(&g), approverName: maybe(&g),
            denial: Bool.random(using: &g) ? UseRequest.Denial(by: value(&g), reason: value(&g), at: value(&g)) : nil, deniedByName: maybe(&g),
            user: value(&g), userName: value(&g), count: 1, recordedCount: 2, matter: value(&g), matterName: value(&g), caseNumber: value(&g),
            request: value(&g), urgent: Bool.random(using: &g), recorder: maybe(&g), note: maybe(&g), documentDigest: maybe(&g),
            medium: value(&g), certificateFingerprint: maybe(&g), statement: maybe(&g), signature: maybe(&g),
            corrections: (0..<Int.random(in: 0...3, using: &g)).map { _ in
                UseView.Correction(count: 1, reason: value(&g), by: maybe(&g), byName: maybe(&g), at: value(&g))
            }
        )
    }

    @Test("the same bytes as the encoder and the pass, in four zones (offsets of whole hours, half and three quarters, none), over 400 random pages")
    func sameBytes() throws {
        var g = SystemRandomNumberGenerator()
        let zones = ["Asia/Shanghai", "UTC", "America/St_Johns", "Asia/Kathmandu"].map { TimeZone(identifier: $0)! }
        for _ in 0..<400 {
            let page = UsePageView(uses: (0..<Int.random(in: 0...4, using: &g)).map { _ in Self.use(&g) }, next: Self.maybe(&g))
            let zone = zones.randomElement(using: &g)!
            let expected = LocalTimeResponseEncoder.localize(try WireJSON.encoder(for: page).encode(page), zone: zone)
            #expect(String(decoding: try LocalTimeResponseEncoder.bytes(page, zone: zone), as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        }
        // Held to something: a stored time under `time` is shown with its offset, under `reason` left as it is.
        var page = UsePageView(uses: [Self.use(&g)])
        (page.uses[0].time, page.uses[0].reason) = ("2026-11-22T15:59:59Z", "2026-11-22T15:59:59Z")
        let text = String(decoding: try LocalTimeResponseEncoder.bytes(page, zone: zones[0]), as: UTF8.self)
        #expect(text.contains(#""time":"2026-11-22T23:59:59+08:00""#) && text.contains(#""reason":"2026-11-22T15:59:59Z""#))
    }

    @Test("a single use (the answer to POST /v1/uses): the same bytes as the encoder and the pass, in four zones, over 400 random uses")
    func singleUse() throws {
        var g = SystemRandomNumberGenerator()
        let zones = ["Asia/Shanghai", "UTC", "America/St_Johns", "Asia/Kathmandu"].map { TimeZone(identifier: $0)! }
        for _ in 0..<400 {
            let use = Self.use(&g)
            let zone = zones.randomElement(using: &g)!
            let expected = LocalTimeResponseEncoder.localize(try WireJSON.encoder(for: use).encode(use), zone: zone)
            #expect(String(decoding: try LocalTimeResponseEncoder.bytes(use, zone: zone), as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        }
        var use = Self.use(&g)
        (use.time, use.reason) = ("2026-11-22T15:59:59Z", "2026-11-22T15:59:59Z")
        let text = String(decoding: try LocalTimeResponseEncoder.bytes(use, zone: zones[0]), as: UTF8.self)
        #expect(text.hasPrefix("{") && text.contains(#""time":"2026-11-22T23:59:59+08:00""#) && text.contains(#""reason":"2026-11-22T15:59:59Z""#))
    }
}
