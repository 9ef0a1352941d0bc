import Foundation
import Testing

@testable import SealService

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
