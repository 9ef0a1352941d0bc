import Foundation
import Testing

@testable import SealCore

@Suite("Statistics counted in groups of stored times: each group falls in one local month")
struct MonthBucketsTests {
    @Test("the bucket's length and its month, at the edges of a month", arguments: [
        // zone, bucket length, (bucket, month)…
        ("Asia/Shanghai", 13, [("2026-11-30T15", "2026-11"), ("2026-11-30T16", "2026-12"), ("2026-12-31T16", "2027-01")]),
        ("UTC", 13, [("2026-11-30T23", "2026-11"), ("2026-12-01T00", "2026-12")]),
        // +05:45: an hour of UTC straddles the local midnight, so groups are minutes.
        ("Asia/Kathmandu", 16, [("2026-11-30T18:14", "2026-11"), ("2026-11-30T18:15", "2026-12")]),
        // Daylight saving moves the offset: minutes too.
        ("America/New_York", 16, [("2026-12-01T04:59", "2026-11"), ("2026-12-01T05:00", "2026-12"), ("2026-07-01T03:59", "2026-06"), ("2026-07-01T04:00", "2026-07")]),
    ])
    func months(zone: String, length: Int, cases: [(String, String)]) {
        var buckets = UsageStatistics.MonthBuckets(zone: TimeZone(identifier: zone)!)
        #expect(buckets.prefixLength == length)
        #expect(buckets.hourly == (length == 13))
        for (bucket, month) in cases {
            #expect(bucket.count == length)
            #expect(buckets.month(of: bucket) == month, "\(bucket) in \(zone)")
            #expect(buckets.month(of: bucket) == month, "\(bucket) in \(zone), remembered")
        }
    }

    @Test("every stored time of a bucket falls in the bucket's month", arguments: ["Asia/Shanghai", "Asia/Kathmandu", "America/New_York", "Pacific/Chatham"])
    func bucketsNeverStraddleMonths(zone: String) {
        let tz = TimeZone(identifier: zone)!
        var buckets = UsageStatistics.MonthBuckets(zone: tz)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = tz
        // Every minute of the two days around each month's end of 2026, read as stored times.
        for month in 1...12 {
            let end = calendar.date(from: DateComponents(year: 2026, month: month + 1, day: 1))!
            for minute in stride(from: -1440, to: 1440, by: 1) {
                let date = end.addingTimeInterval(TimeInterval(minute * 60 + 59))
                let stored = date.formatted(.iso8601)
                let c = calendar.dateComponents([.year, .month], from: date)
                #expect(buckets.month(of: String(stored.prefix(buckets.prefixLength))) == String(format: "%04d-%02d", c.year!, c.month!), "\(stored) in \(zone)")
            }
        }
    }
}
