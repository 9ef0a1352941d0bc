import Foundation
import Testing

@testable import SealCore

/// The request list is filtered in SQL by stored status (`storedStatuses`), then by what depends on the time asked
/// (`isListed`). The SQL may never drop a request the filter shows.
@Suite("Request list filters")
struct RequestListFilterTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    /// Every stored status, with an approval lapsed or not, urgent or not, used or not, young or old.
    static var requests: [UseRequest] {
        var all: [UseRequest] = []
        for status in UseRequest.Status.allCases {
            for lapsed in [false, true] {
                for (urgent, made) in [(false, 0), (true, 0), (true, 1)] {
                    for age in [60.0, 3.0 * 86_400] as [TimeInterval] {
                        let until = storedTime(now.addingTimeInterval(lapsed ? -60 : 3_600))
                        all.append(UseRequest(
                            id: "REQ-\(all.count + 1)", seal: "SEAL-0001", matter: "XK-001", caseNumber: "1", purpose: .decision, reason: "设立登记",
                            count: 2, documentDigest: nil, urgent: urgent, requester: "S003",
                            createdAt: storedTime(now.addingTimeInterval(-age)), status: status,
                            approval: status == .pending ? nil : .init(approver: "S002", count: 2, until: until, at: storedTime(now.addingTimeInterval(-age))),
                            denial: nil, used: made, made: made
                        ))
                    }
                }
            }
        }
        return all
    }

    @Test("every request a filter shows has a stored status the filter's SQL reads", arguments: UseRequest.listFilters + [nil])
    func sqlNeverDropsAListedRequest(filter: String?) {
        let stored = UseRequest.storedStatuses(listedAs: filter)
        var shown = 0
        for request in Self.requests where request.isListed(as: filter, now: Self.now, urgentWindow: 86_400) {
            shown += 1
            #expect(stored?.contains(request.status) ?? true, "\(filter ?? "all"): \(request.id) stored \(request.status)")
        }
        #expect(shown > 0, "each filter shows some of the sample")
    }

    @Test("the stored statuses each filter reads", arguments: [
        ("pending", ["pending"]), ("approved", ["approved"]), ("expired", ["approved", "expired"]), ("denied", ["denied"]),
        ("cancelled", ["cancelled"]), ("exhausted", ["exhausted"]), ("urgent-unresolved", ["pending", "denied", "cancelled"]),
    ])
    func stored(filter: String, statuses: [String]) {
        #expect(UseRequest.storedStatuses(listedAs: filter)?.map(\.rawValue) == statuses)
    }
}

/// A stored time as `JournalClock` writes it (RFC 3339, UTC, whole seconds).
private func storedTime(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle()) }
