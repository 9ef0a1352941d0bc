import Foundation
import SealCore
import Testing

@testable import SealBook

/// Journal payloads are hashed as written, forever: each kind's bytes are pinned here, written out by hand from the
/// shapes entries have had since the first release, and every kind reads back into the event it was written from.
@Suite("Typed journal events")
struct JournalEventTests {
    func canonical(_ event: JournalEvent) throws -> String {
        String(decoding: try event.payload().canonicalBytes, as: UTF8.self)
    }

    @Test("each kind's payload has its pinned bytes, and reads back as the same event")
    func pinned() throws {
        let request = UseRequest(
            id: "REQ-000001", seal: "SEAL-0001", matter: "XK-001", caseNumber: "2026-1", purpose: .decision, reason: "设立登记", count: 2,
            documentDigest: nil, urgent: false, requester: "S003", createdAt: "2026-11-22T01:00:00Z"
        )
        let cases: [(JournalEvent, String, String)] = [
            (.staffDisabled(.init(id: "S1")), "staff.disabled", #"{"id":"S1"}"#),
            (.sealTransitioned(.init(action: .activate, seal: "SEAL-0001", from: .registered, to: .active, reason: nil, witness: nil)),
             "seal.activated", #"{"from":"registered","seal":"SEAL-0001","to":"active"}"#),
            (.sealTransitioned(.init(action: .destroy, seal: "SEAL-0001", from: .revoked, to: .destroyed, reason: "停用销毁", witness: "S2")),
             "seal.destroyed", #"{"from":"revoked","reason":"停用销毁","seal":"SEAL-0001","to":"destroyed","witness":"S2"}"#),
            (.delegationRevoked(.init(delegation: "DLG-0001", reason: "协议到期")), "delegation.revoked", #"{"delegation":"DLG-0001","reason":"协议到期"}"#),
            (.custodyReturned(.init(seal: "SEAL-0001", carrier: "S1", late: true)), "custody.returned", #"{"carrier":"S1","late":true,"seal":"SEAL-0001"}"#),
            (.cardObserved(.init(what: .inserted, reader: "Virtual PCD 00 00", atr: "3b", fingerprint: .some(nil), subject: .some(nil), seal: .some(nil))),
             "card.inserted", #"{"atr":"3b","fingerprint":null,"reader":"Virtual PCD 00 00","seal":null,"subject":null}"#),
            (.cardObserved(.init(what: .locked, reader: "R", fingerprint: .some("ab"), seal: .some("SEAL-0002"), reason: "timeout")),
             "card.locked", #"{"fingerprint":"ab","reader":"R","reason":"timeout","seal":"SEAL-0002"}"#),
            (.requestCreated(.init(request: request, delegation: "DLG-0001")), "request.created",
             #"{"case_number":"2026-1","count":2,"created_at":"2026-11-22T01:00:00Z","delegation":"DLG-0001","id":"REQ-000001","made":0,"matter":"XK-001","purpose":"decision","reason":"设立登记","requester":"S003","seal":"SEAL-0001","status":"pending","urgent":false,"used":0}"#),
            (.requestApproved(.init(request: "REQ-000001", approver: "S002", count: 2, until: "2026-11-22T15:59:59Z")), "request.approved",
             #"{"approver":"S002","count":2,"request":"REQ-000001","until":"2026-11-22T15:59:59Z"}"#),
            (.requestExhausted(.init(request: "REQ-000001")), "request.exhausted", #"{"request":"REQ-000001"}"#),
            (.useRecorded(.init(
                use: "USE-000001", request: "REQ-000001", seal: "SEAL-0001", matter: "XK-001", caseNumber: "2026-1", reason: "设立登记", count: 1,
                user: "S003", recorder: "S001", approver: nil, urgent: true, medium: .physical, documentDigest: nil, note: ""
            )), "use.recorded",
             #"{"approver":null,"case_number":"2026-1","count":1,"document_digest":null,"matter":"XK-001","medium":"physical","reason":"设立登记","recorder":"S001","request":"REQ-000001","seal":"SEAL-0001","urgent":true,"use":"USE-000001","user":"S003"}"#),
            (.useCorrected(.init(use: "USE-000001", request: "REQ-000001", from: 2, to: 1, reason: "多盖")), "use.corrected",
             #"{"from":2,"reason":"多盖","request":"REQ-000001","to":1,"use":"USE-000001"}"#),
            (.refused(.init(action: "use.record", code: "approval-exhausted", message: "no impressions left", request: "REQ-000001", count: 1)), "refused",
             #"{"action":"use.record","code":"approval-exhausted","count":1,"message":"no impressions left","request":"REQ-000001"}"#),
        ]
        for (event, kind, json) in cases {
            #expect(event.kind == kind)
            #expect(JournalEvent.kinds.contains(kind), "\(kind) is listed among the kinds this build writes")
            #expect(try canonical(event) == json, "\(kind)")
            #expect(try JournalEvent(kind: kind, payload: try JSONValue(parsing: json)) == event, "\(kind) reads back")
        }
    }

    /// An empty payload is refused for a kind with required members and read for one without; only a kind the
    /// journal does not know reads as nil.
    @Test("every kind listed as written is one the journal reads back", arguments: JournalEvent.kinds)
    func listedKindsAreRead(kind: String) {
        do {
            let event = try JournalEvent(kind: kind, payload: .object([:]))
            #expect(event?.kind == kind)
        } catch {
            // Known: its payload's members were missing.
        }
    }

    @Test("a kind filter names a kind this build writes, or a prefix of one ending in a dot")
    func kindFilters() {
        #expect(Set(JournalEvent.kinds).count == JournalEvent.kinds.count)
        for known in ["use.recorded", "use.", "custody.", "card.", "card.locked", "seal.destroyed", "refused", "staff.added"] {
            #expect(JournalEvent.namesKnownKind(known), "\(known)")
        }
        for typo in ["use.recordd", "use", "Use.", "USE.RECORDED", "refused.", ".", "%.", "seal.painted", "custody.handover.", ""] {
            #expect(!JournalEvent.namesKnownKind(typo), "\(typo)")
        }
    }

    @Test("an unknown kind reads as nil, not as a wrong event")
    func unknownKind() throws {
        #expect(try JournalEvent(kind: "seal.painted", payload: ["seal": .string("SEAL-0001")]) == nil)
    }
}
