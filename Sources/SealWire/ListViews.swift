import Foundation
import SealBook
import SealCore

/// One page of the book; `next` is the `after` value for the following page.
public struct UsePageView: Sendable, Codable, SnakeCaseEncoded {
    public var uses: [UseView]
    public var next: String?

    public init(uses: [UseView], next: String? = nil) {
        self.uses = uses
        self.next = next
    }
}

/// The JSON key a list answer holds its items under (`{"seals": [...]}`), so lists can grow fields (paging) later.
public protocol ListKey: Sendable {
    static var name: String { get }
}

/// A list answer: `{"<key>": [items]}`, one definition for every list route.
public struct ListView<Key: ListKey, Item: Codable & Sendable>: Sendable, Codable {
    public var items: [Item]
    /// For a paged list: the `after` value of the next page; absent on the last page and on lists that are not paged.
    public var next: String?

    public init(_ items: [Item], next: String? = nil) {
        self.items = items
        self.next = next
    }

    struct CodingKeys: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init() { stringValue = Key.name }
        init?(stringValue: String) {
            guard stringValue == Key.name || stringValue == "next" else { return nil }
            self.stringValue = stringValue
        }
        init?(intValue: Int) { nil }
        static var next: Self { Self(stringValue: "next")! }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        items = try container.decode([Item].self, forKey: CodingKeys())
        next = try container.decodeIfPresent(String.self, forKey: .next)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: CodingKeys())
        try container.encodeIfPresent(next, forKey: .next)
    }
}

public enum SealsKey: ListKey { public static let name = "seals" }
public enum StaffKey: ListKey { public static let name = "staff" }
public enum MattersKey: ListKey { public static let name = "matters" }
public enum DelegationsKey: ListKey { public static let name = "delegations" }
public enum RequestsKey: ListKey { public static let name = "requests" }
public enum EventsKey: ListKey { public static let name = "events" }
public enum CustodyKey: ListKey { public static let name = "custody" }

/// `GET /v1/seals`.
public typealias SealListView = ListView<SealsKey, Seal>
/// `GET /v1/staff`.
public typealias StaffListView = ListView<StaffKey, Staff>
/// `GET /v1/matters`.
public typealias MatterListView = ListView<MattersKey, Matter>
/// `GET /v1/delegations`.
public typealias DelegationListView = ListView<DelegationsKey, DelegationView>
/// `GET /v1/requests`.
public typealias RequestListView = ListView<RequestsKey, UseRequestView>
/// `GET /v1/events` and `GET /v1/seals/{id}/custody`.
public typealias EventListView = ListView<EventsKey, JournalEntryView>
/// `GET /v1/custody`.
public typealias CustodyListView = ListView<CustodyKey, CustodyView>
