import Foundation
import GRDB
import Logging
import SealBook
import SealCore
import Testing

@testable import SealStore

/// A seal's history (`seal show`, `custody history`) is the seal's own life — registration, status, custody, card —
/// read on the kind index: every use is journaled with the seal as its subject, so reading by subject would walk the
/// seal's whole book, and a seal with a million uses would answer a million entries.
@Suite("Seal history")
struct SealHistoryTests {
    @Test("seal show lists the seal's own events, not its uses or their corrections; custody history only custody")
    func ownEventsOnly() async throws {
        let (booked, directory, exported) = try await ExportPageTests.book("history", first: .handling)
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = booked
        let seal = exported.seal.id
        // The fixture's writer has stopped; a register opened again on its directory writes on.
        let register = try Register(stateDirectory: directory, logger: Logger(label: "test"))
        try await register.withWriter {
            _ = try await register.carryOut(seal: seal, carrier: "S002", reason: "外出办理", due: Date().addingTimeInterval(3600), approver: "S001", actor: admin)
            _ = try await register.returnSeal(seal, actor: admin)
        }
        let kinds = try await register.sealDetail(id: seal).history.map(\.kind)
        #expect(kinds == ["seal.added", "seal.activated", "custody.carried-out", "custody.returned"])
        // The uses are still in the journal under the seal, and in its book.
        let underSeal = try await register.events(since: 0, kind: nil, subject: seal, limit: 100).map(\.kind)
        #expect(underSeal.filter { $0 == "use.recorded" }.count == 2 && underSeal.contains("use.corrected"))
        #expect(try await register.custodyHistory(seal: seal).map(\.kind) == ["seal.added", "custody.carried-out", "custody.returned"])
    }

    @Test("the history is read on the kind index, never by walking the seal's entries")
    func readOnTheKindIndex() async throws {
        let (register, directory, _) = try await ExportPageTests.book("history-plan", first: .handling)
        defer { try? FileManager.default.removeItem(at: directory) }
        let kinds = JournalEvent.sealHistoryKinds
        let plan = try await register.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + Register.sealHistorySQL(kinds: kinds.count), arguments: StatementArguments(kinds + ["SEAL-0001"]))
                .map { $0["detail"] as String }.joined(separator: "\n")
        }
        #expect(plan.contains("USING INDEX journal_kind (kind=?)"), "\(plan)")
        #expect(!plan.contains("journal_subject"), "\(plan)")
    }

    @Test("every history kind is one the journal writes", arguments: JournalEvent.sealHistoryKinds)
    func kindsAreJournalKinds(kind: String) {
        let sample: [JournalEvent] = [
                        .custodyHandover(.init(seal: "SEAL-0001", from: "S001", to: "S002", witness: "S003")),
            .custodyCarriedOut(.init(seal: "SEAL-0001", carrier: "S002", reason: "外出", approver: "S001", due: "2026-01-01T18:00:00+08:00")),
            .custodyReturned(.init(seal: "SEAL-0001", carrier: "S002", late: false)),
            .cardBound(.init(seal: "SEAL-0001", reader: "r", fingerprint: "f", subject: "s", certificate: "")),
            .cardUnbound(.init(seal: "SEAL-0001", fingerprint: "f", reader: "r")),
        ] + SealLifecycle.Action.allCases.map { .sealTransitioned(.init(action: $0, seal: "SEAL-0001", from: .active, to: .suspended, reason: nil, witness: nil)) }
        #expect((["seal.added"] + sample.map(\.kind)).contains(kind))
    }
}
