import Foundation
import GRDB
import Testing

@testable import SealStore

/// A page's and an export's names are looked up once per id (`NameMemo`) instead of joined on every line; what each
/// lookup answers must be what the join gave, whatever order the ids come in.
@Suite("Names looked up once per id")
struct NameMemoTests {
    @Test("each id gets its own row's name, in any order and after any other; an id no row has, and a NULL id, get none")
    func names() async throws {
        let (register, directory) = try makeRegister("name-memo")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await register.withWriter { try await ProjectionReplayTests.scenario(register) }
        let asked = ["S001", "S001", "S002", "S001", "nobody", "S003", "S002", "S00", "S0011", "S004", "S001"]
        let (found, joined) = try await register.pool.read { db -> ([String?], [String?]) in
            var memo = try NameMemo(db, table: "staff", key: "id")
            var found: [String?] = []
            for id in asked {
                var bytes = Array(id.utf8)
                found.append(try bytes.withUnsafeMutableBufferPointer { try memo.name(UnsafeBufferPointer($0)) })
            }
            #expect(try memo.name(nil) == nil)
            let joined = try asked.map { try String.fetchOne(db, sql: "SELECT st.name FROM (SELECT ? AS id) x LEFT JOIN staff st ON st.id = x.id", arguments: [$0]) }
            return (found, joined)
        }
        #expect(found == joined)
        #expect(found == ["张三", "张三", "李四", "张三", nil, "王五", "李四", nil, nil, "赵六", "张三"])
    }
}
