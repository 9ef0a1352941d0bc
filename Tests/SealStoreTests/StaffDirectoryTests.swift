import Foundation
import SealCore
import Testing

@testable import SealStore

/// Every request's identity reads staff from memory: it must never answer from before a change the daemon has
/// acknowledged, nor keep a reading a change overtook.
@Suite("Staff in memory, dropped at every change")
struct StaffDirectoryTests {
    @Test("added, disabled, linked: each seen by the very next lookup, on the first pool and after it is replaced")
    func seenAtOnce() async throws {
        let (register, directory) = try makeRegister("staff-directory")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await register.withWriter { () async throws in
            #expect(try await register.staff(id: "S001") == nil)
            _ = try await register.addStaff(Staff(id: "S001", name: "张三", roles: [.clerk], unixUser: "zhang"), actor: admin)
            #expect(try await register.staff(id: "S001")?.disabled == false)
            #expect(try await register.staff(unixUser: "zhang")?.id == "S001")
            _ = try await register.disableStaff(id: "S001", actor: admin)
            #expect(try await register.staff(id: "S001")?.disabled == true, "disabled: refused from the next request on")
            #expect(try await register.staff(unixUser: "zhang")?.disabled == true)
            // After an I/O error the writer replaces the connections: the new pool is watched as the old one was.
            _ = try await register.database.reopen()
            #expect(try await register.staff(id: "S002") == nil)
            _ = try await register.addStaff(Staff(id: "S002", name: "李四", roles: [.approver]), actor: admin)
            #expect(try await register.staff(id: "S002")?.roles == [.approver])
        }
    }

    @Test("a reading that a change overtook answers once and is not kept")
    func overtaken() async throws {
        let directory = StaffDirectory()
        nonisolated(unsafe) var loads = 0
        let first = try await directory.snapshot {
            loads += 1
            directory.invalidate()  // a change commits while the table is read
            return [Staff(id: "S001", name: "旧", roles: [.clerk])]
        }
        #expect(first.byID["S001"]?.name == "旧")
        let second = try await directory.snapshot {
            loads += 1
            return [Staff(id: "S001", name: "新", roles: [.clerk])]
        }
        #expect(second.byID["S001"]?.name == "新")
        _ = try await directory.snapshot { loads += 1; return [] }
        #expect(loads == 2, "the second reading is kept")
    }
}
