import Foundation
import GRDB
import Logging
import SealBook
import SealCore
import Testing

@testable import SealStore

/// A register in a fresh temporary state directory.
func makeRegister(_ name: String) throws -> (Register, URL) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sk-store-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return (try Register(stateDirectory: directory, logger: Logger(label: "test")), directory)
}

let admin = JournalActor(staff: nil, user: "root", uid: 0)

/// A register with five staff, closed, its file altered with `edit` (as with the sqlite3 shell: without the
/// daemon's functions), and opened again.
func reopenedAfterEdit(_ name: String, _ edit: @escaping @Sendable (Database) throws -> Void) async throws -> Register {
    let (register, directory) = try makeRegister(name)
    try await register.withWriter { () async throws in
        for i in 1...5 { _ = try await register.addStaff(Staff(id: "S\(i)", name: "员工\(i)", roles: [.clerk]), actor: admin) }
    }
    try register.close()
    let queue = try DatabaseQueue(path: directory.appendingPathComponent("registry.sqlite").path)
    try await queue.write(edit)
    try queue.close()
    return try Register(stateDirectory: directory, logger: Logger(label: "test"))
}

extension Result {
    /// The success value, or `fallback` for a failure.
    func get(or fallback: Success) -> Success { (try? get()) ?? fallback }
}

@Suite("Journal writer")
struct JournalWriterTests {
    @Test("concurrent writes are committed together: fewer transactions than writes, every one journaled once")
    func groupCommit() async throws {
        let (register, directory) = try makeRegister("group")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await register.withWriter { () async throws in
            let writes = 200
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<writes {
                    group.addTask {
                        _ = try await register.addStaff(Staff(id: "S\(i)", name: "员工\(i)", roles: [.clerk]), actor: admin)
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await register.journalSize() == writes)
            #expect(try await register.allStaff().count == writes)
            let batches = await register.writer.batches
            #expect(batches < writes, "200 concurrent writes took \(batches) transactions")
            // The signed checkpoint covers them all and the tree is sound.
            let checkpoint = try #require(try await register.latestCheckpoint())
            #expect(checkpoint.size == writes)
            #expect(Checkpoint.open(checkpoint.note, verifier: register.verifier)?.size == writes)
            let check = try await register.database.pool.read { db in try JournalVerifier.verify(db, verifier: register.verifier) }
            #expect(check == nil)
        }
    }

    @Test("a refusal inside a batch undoes only that write")
    func refusalIsolated() async throws {
        let (register, directory) = try makeRegister("isolated")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await register.withWriter { () async throws in
            // Same id twice in one burst: one succeeds, one is refused with staff-exists; others are untouched.
            let results = await withTaskGroup(of: Result<Staff, any Error>.self) { group in
                for id in ["A", "B", "A", "C"] {
                    group.addTask {
                        do { return .success(try await register.addStaff(Staff(id: id, name: id, roles: [.clerk]), actor: admin)) } catch { return .failure(error) }
                    }
                }
                var all: [Result<Staff, any Error>] = []
                for await r in group { all.append(r) }
                return all
            }
            #expect(results.filter { if case .success = $0 { true } else { false } }.count == 3)
            let refusals = results.compactMap { if case .failure(let e) = $0 { e as? SealError } else { nil } }
            #expect(refusals.map(\.code) == [.staffExists])
            #expect(try await register.journalSize() == 3)
            #expect(try await register.allStaff().map(\.id) == ["A", "B", "C"])
        }
    }

    @Test("a write that fails after recording undoes only itself, in the same batch as writes that succeed")
    func failureAfterRecording() async throws {
        let (register, directory) = try makeRegister("partial")
        defer { try? FileManager.default.removeItem(at: directory) }
        struct Changed: Error {}
        // Queued before the writer runs, so the three are one batch; the middle one records B and then fails.
        func add(_ id: String, thenFail: Bool) -> Task<Result<Void, any Error>, Never> {
            Task {
                do {
                    try await register.writer.write(actor: admin) { w in
                        try w.record(.staffAdded(Staff(id: id, name: id, roles: [.clerk])), subject: id)
                        if thenFail { throw Changed() }
                    }
                    return .success(())
                } catch { return .failure(error) }
            }
        }
        let writes = [add("A", thenFail: false), add("B", thenFail: true), add("C", thenFail: false)]
        while await register.writer.queuedWrites < writes.count { await Task.yield() }
        try await register.withWriter { () async throws in
            var outcomes: [Bool] = []
            for write in writes { outcomes.append(await write.value.map { true }.get(or: false)) }
            #expect(outcomes == [true, false, true])
            #expect(await register.writer.batches == 1)
            #expect(try await register.journalSize() == 2)
            #expect(try await register.allStaff().map(\.id) == ["A", "C"])
            // The journal, its signed checkpoint and the tables agree: nothing of B is left anywhere.
            let check = try await register.writer.recheck()
            #expect(check.journal == "verified" && check.tables == "verified", "\(check)")
        }
    }

    @Test("when the disk is full, writes fail closed with storage-unavailable, reads go on, nothing is half-written")
    func diskFull() async throws {
        let (register, directory) = try makeRegister("full")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await register.withWriter { () async throws in
            _ = try await register.addStaff(Staff(id: "S1", name: "一", roles: [.clerk]), actor: admin)
            // Cap the database at its current size: SQLite then fails the next write with SQLITE_FULL, as a full disk does.
            try await register.database.pool.barrierWriteWithoutTransaction { db in
                let pages = try Int.fetchOne(db, sql: "PRAGMA page_count")!
                try db.execute(sql: "PRAGMA max_page_count = \(pages)")
            }
            var refused = 0
            for i in 0..<20 {
                do {
                    _ = try await register.addStaff(Staff(id: "X\(i)", name: String(repeating: "长", count: 2000), roles: [.clerk]), actor: admin)
                } catch let error as SealError {
                    #expect(error.code == .storageUnavailable)
                    #expect(error.message.contains("disk full"))
                    refused += 1
                }
            }
            #expect(refused > 0)
            // Reads still work and show no trace of the refused writes.
            let staff = try await register.allStaff()
            let size = try await register.journalSize()
            #expect(staff.count == size)
            #expect(try await register.latestCheckpoint()?.size == size)
            // Space comes back: writes resume and the journal still verifies.
            try await register.database.pool.barrierWriteWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = 1073741823") }
            _ = try await register.addStaff(Staff(id: "S2", name: "二", roles: [.clerk]), actor: admin)
            let check = try await register.database.pool.read { db in try JournalVerifier.verify(db, verifier: register.verifier) }
            #expect(check == nil)
        }
    }
}

@Suite("Start-up tamper check")
struct TamperCheckTests {
    /// Writes five entries, closes, alters the file with `edit`, reopens and returns what the check found.
    func tamper(_ edit: @escaping @Sendable (Database) throws -> Void) async throws -> (TamperReport?, Register) {
        let reopened = try await reopenedAfterEdit("tamper", edit)
        return (try await reopened.writer.verifyJournal(), reopened)
    }

    @Test("an untouched register verifies")
    func clean() async throws {
        let (report, _) = try await tamper { _ in }
        #expect(report == nil)
    }

    @Test("an edited entry is found by its sequence number and writes are refused")
    func editedEntry() async throws {
        let (report, register) = try await tamper { db in
            try db.execute(sql: "UPDATE journal SET entry = replace(entry, '员工3', '员工X') WHERE seq = 3")
        }
        #expect(report?.firstBadSequence == 3)
        let error = await #expect(throws: SealError.self) {
            _ = try await register.addStaff(Staff(id: "S9", name: "九", roles: [.clerk]), actor: admin)
        }
        #expect(error?.code == .journalTampered)
        #expect(try await register.allStaff().count == 5)  // reads still served
    }

    @Test("an entry edited with its leaf hash recomputed still fails against the signed root")
    func editedWithHash() async throws {
        let (report, _) = try await tamper { db in
            let entry = try String.fetchOne(db, sql: "SELECT entry FROM journal WHERE seq = 4")!.replacingOccurrences(of: "员工4", with: "员工Y")
            try db.execute(
                sql: "UPDATE journal SET entry = ?, leaf_hash = ? WHERE seq = 4",
                arguments: [entry, Data(TreeHash.leaf(Array(entry.utf8)).bytes)]
            )
        }
        #expect(report != nil)
        #expect(report!.firstBadSequence <= 4)
    }

    @Test("a deleted entry is found")
    func deletedEntry() async throws {
        let (report, _) = try await tamper { db in try db.execute(sql: "DELETE FROM journal WHERE seq = 2") }
        #expect(report?.firstBadSequence == 2)
    }

    @Test("a truncated journal is found")
    func truncated() async throws {
        let (report, _) = try await tamper { db in try db.execute(sql: "DELETE FROM journal WHERE seq = 5") }
        #expect(report?.firstBadSequence == 5)
    }

    @Test("a replaced checkpoint signature is found")
    func forgedCheckpoint() async throws {
        let (report, _) = try await tamper { db in
            try db.execute(sql: "UPDATE checkpoint SET note = replace(note, char(10) || '5' || char(10), char(10) || '6' || char(10))")
        }
        #expect(report != nil)
    }
}

@Suite("Start-up check of the registry tables (row seals)")
struct TableTamperTests {
    /// Writes five staff, closes, alters the file with `edit` (as someone with the sqlite3 shell would, without the
    /// daemon's functions), reopens and returns what the check found.
    func tamper(_ edit: @escaping @Sendable (Database) throws -> Void) async throws -> (TableTamper?, Register) {
        let reopened = try await reopenedAfterEdit("table-tamper", edit)
        #expect(try await reopened.writer.verifyJournal() == nil)  // the journal itself is untouched
        return (await reopened.writer.tableTamper, reopened)
    }

    @Test("an untouched register's tables verify, and keep verifying as it is written")
    func clean() async throws {
        let (report, register) = try await tamper { _ in }
        #expect(report == nil)
        try await register.withWriter { () async throws in
            _ = try await register.addStaff(Staff(id: "S6", name: "六", roles: [.clerk]), actor: admin)
            _ = try await register.disableStaff(id: "S2", actor: admin)
        }
        let check = try await register.database.pool.read { db in try RowSeals.check(db, key: register.database.rowKey) }
        #expect(check == nil)
    }

    @Test("a row cannot be written from outside: the triggers need the daemon's functions")
    func outsideWriteFails() async throws {
        let (register, directory) = try makeRegister("table-outside")
        try await register.withWriter { () async throws in
            _ = try await register.addStaff(Staff(id: "S1", name: "一", roles: [.clerk]), actor: admin)
        }
        try register.close()
        let queue = try DatabaseQueue(path: directory.appendingPathComponent("registry.sqlite").path)
        #expect(throws: DatabaseError.self) { try queue.write { db in try db.execute(sql: "UPDATE staff SET name = 'X' WHERE id = 'S1'") } }
    }

    @Test("an edited row is named, and writes are refused with register-tampered")
    func editedRow() async throws {
        let (report, register) = try await tamper { db in
            try db.execute(sql: "DROP TRIGGER row_seal_update_staff")
            try db.execute(sql: "UPDATE staff SET roles = 'admin' WHERE id = 'S3'")
        }
        #expect(report == TableTamper(table: "staff", row: "S3", change: "edited"))
        let error = await #expect(throws: SealError.self) {
            _ = try await register.addStaff(Staff(id: "S9", name: "九", roles: [.clerk]), actor: admin)
        }
        #expect(error?.code == .registerTampered)
        #expect(error?.message.contains("table staff, row S3: edited") == true)
        #expect(await register.writer.integrity == "tampered: table staff, row S3: edited")
        #expect(try await register.allStaff().count == 5)  // reads still served
    }

    @Test("a row sealed by a look-alike function with another key is found")
    func forgedSeal() async throws {
        let (report, _) = try await tamper { db in
            db.add(function: DatabaseFunction("row_mac", argumentCount: nil, pure: true) { _ in Data(repeating: 7, count: 32) })
            db.add(function: DatabaseFunction("digest_add", argumentCount: 2, pure: true) { $0[0].storage.value as? Data })
            db.add(function: DatabaseFunction("digest_sub", argumentCount: 2, pure: true) { $0[0].storage.value as? Data })
            try db.execute(sql: "UPDATE staff SET disabled = 1 WHERE id = 'S4'")
        }
        #expect(report?.table == "staff")
        #expect(report?.row == "S4")
    }

    @Test("an added row is named as added")
    func addedRow() async throws {
        let (report, _) = try await tamper { db in
            try db.execute(sql: "DROP TRIGGER row_seal_insert_staff")
            try db.execute(sql: "INSERT INTO staff(id, name, roles) VALUES ('S66', '冒名', 'admin')")
        }
        #expect(report == TableTamper(table: "staff", row: "S66", change: "added"))
    }

    @Test("a deleted row is named as deleted")
    func deletedRow() async throws {
        let (report, _) = try await tamper { db in
            try db.execute(sql: "DROP TRIGGER row_seal_delete_staff")
            try db.execute(sql: "DELETE FROM staff WHERE id = 'S2'")
        }
        #expect(report == TableTamper(table: "staff", row: "S2", change: "deleted"))
    }

    @Test("a row deleted with its seal leaves the table's digest off")
    func deletedWithSeal() async throws {
        let (report, _) = try await tamper { db in
            try db.execute(sql: "DROP TRIGGER row_seal_delete_staff; DROP TRIGGER row_seal_digest_delete")
            try db.execute(sql: "DELETE FROM staff WHERE id = 'S2'; DELETE FROM row_seal WHERE tbl = 'staff' AND key = 'S2'")
        }
        #expect(report?.table == "staff")
        #expect(report?.change.contains("digest") == true)
    }

    @Test("digests recomputed to match the remaining rows are not those bound to the checkpoint")
    func digestRewritten() async throws {
        let (report, _) = try await tamper { db in
            let mac = try Data.fetchOne(db, sql: "SELECT mac FROM row_seal WHERE tbl = 'staff' AND key = 'S2'")!
            let sum = try Data.fetchOne(db, sql: "SELECT sum FROM table_digest WHERE tbl = 'staff'")!
            try db.execute(sql: "DROP TRIGGER row_seal_delete_staff; DROP TRIGGER row_seal_digest_delete")
            try db.execute(sql: "DELETE FROM staff WHERE id = 'S2'; DELETE FROM row_seal WHERE tbl = 'staff' AND key = 'S2'")
            try db.execute(sql: "UPDATE table_digest SET rows = rows - 1, sum = ? WHERE tbl = 'staff'", arguments: [RowSeals.add(sum, mac, negate: true)])
        }
        #expect(report?.table == "table_digest")
    }

    @Test("a removed trigger is found even when no row was touched")
    func triggerRemoved() async throws {
        let (report, _) = try await tamper { db in try db.execute(sql: "DROP TRIGGER row_seal_update_use_record") }
        #expect(report == TableTamper(table: "row_seal_update_use_record", row: nil, change: "trigger removed or rewritten"))
    }
}
