import Foundation
import SealCore
import SealWire
import Testing

/// Types that write their own snake_case keys (`SnakeCaseEncoded`) are encoded without Foundation's key strategy;
/// with every optional field present they must be the same bytes as through the strategy, name every property, and
/// read back through the API's decoder.
@Suite("Snake-case encoded wire types")
struct SnakeCaseEncodedTests {
    static let page = UsePageView(uses: [
        UseView(
            id: "USE-0000001", serial: 1, seal: "SEAL-0001", sealName: "XX镇行政审批委托专用章", time: "2026-11-20T01:00:00Z", localDate: "2026-11-20",
            localTime: "09:00", reason: "设立登记决定书", approver: "S002", approverName: "李四",
            denial: UseRequest.Denial(by: "S002", reason: "不予批准", at: "2026-11-20T02:00:00Z"), deniedByName: "李四", user: "S001", userName: "张三",
            count: 2, recordedCount: 1, matter: "XK-001", matterName: "个体工商户设立登记", caseNumber: "2026-1", request: "REQ-0000001", urgent: true,
            recorder: "S003", note: "第一份", documentDigest: String(repeating: "ab", count: 32), medium: "electronic",
            certificateFingerprint: String(repeating: "cd", count: 32), statement: "{\"seal\":\"SEAL-0001\"}", signature: "MEUCIQ==",
            corrections: [UseView.Correction(count: 2, reason: "实际盖了两份", by: "S000", byName: "管理员", at: "2026-11-20T03:00:00Z")]
        ),
    ], next: "USE-0000001")

    /// A property name as the API's key strategy spells it (Foundation's rule, as `SnakeCaseKeys` keeps it).
    static func snake(_ name: String) -> String {
        var out = ""
        for c in name {
            if c.isUppercase { out += "_" + c.lowercased() } else { out.append(c) }
        }
        return out
    }

    @Test("the same bytes as through the key strategy, every field present")
    func sameBytes() throws {
        let strategy = String(decoding: try WireJSON.encoder.encode(Self.page), as: UTF8.self)
        let declared = String(decoding: try WireJSON.encoder(for: Self.page).encode(Self.page), as: UTF8.self)
        #expect(declared == strategy)
    }

    @Test("a key for every property, spelled as the strategy would: none forgotten, none misspelt", arguments: [0, 1, 2])
    func everyProperty(which: Int) throws {
        let evidence = Anomaly.Evidence(ref: "USE-1", time: "2026-11-20T01:00:00Z", staff: "S001", seal: "SEAL-0001", detail: "case 1")
        let value: any Encodable = [Self.page.uses[0], Self.page.uses[0].corrections[0], evidence][which]
        #expect(try WireJSON.encoder(for: value).encode(value) == WireJSON.encoder.encode(value))
        let encoded = try JSONSerialization.jsonObject(with: WireJSON.encoder(for: value).encode(value)) as! [String: Any]
        let properties = Mirror(reflecting: value).children.compactMap(\.label)
        #expect(properties.count > 4)
        #expect(Set(encoded.keys) == Set(properties.map(Self.snake)))
    }

    @Test("reads back through the API's decoder; other types keep the strategy")
    func readsBack() throws {
        let data = try WireJSON.encoder(for: Self.page).encode(Self.page)
        let read = try WireJSON.decoder.decode(UsePageView.self, from: data)
        #expect(read.uses == Self.page.uses && read.next == Self.page.next)
        let staff = StaffListView([Staff(id: "S001", name: "张三", roles: [.admin], unixUser: "zhangsan")])
        #expect(String(decoding: try WireJSON.encoder(for: staff).encode(staff), as: UTF8.self).contains("\"unix_user\""))
    }
}
