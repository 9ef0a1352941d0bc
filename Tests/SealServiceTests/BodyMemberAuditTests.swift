import Foundation
import NIOCore
import SealCore
@testable import SealService
import SealWire
import Testing

/// A body member that no field of its type names is found, wherever it is, and nothing the type reads is taken
/// for one: the API's bodies, each written out in full by hand as a client would send it.
@Suite("Unknown body members")
struct BodyMemberAuditTests {
    struct Body: Sendable, CustomStringConvertible {
        let name: String
        let json: String
        let audit: @Sendable (Any) -> [BodyMemberAudit.Unknown]
        let decodes: @Sendable (Data) -> Bool
        var description: String { name }
    }

    static func body<T: Decodable>(_ type: T.Type, _ json: String) -> Body {
        Body(
            name: "\(T.self)", json: json, audit: { BodyMemberAudit.unknownMembers(T.self, in: $0) },
            decodes: { (try? WireJSON.decoder.decode(T.self, from: $0)) != nil }
        )
    }

    /// Every JSON body a route of either daemon decodes, every field given.
    static let bodies: [Body] = [
        body(NewStaff.self, #"{"id":"S001","name":"张三","roles":["admin","clerk"],"unix_user":"alice"}"#),
        body(NewSeal.self, #"{"name":"XX镇业务专用章","kind":"business","medium":"physical","owner":"县局","holder":"XX镇","custodian":"S001"}"#),
        body(SealTransition.self, #"{"reason":"年度清理","witness":"S002"}"#),
        body(
            NewDelegation.self,
            #"{"agreement_number":"WT-2026-01","delegating_department":"县行政审批局","township":"XX镇","supervising_department":"县司法局","valid_from":"2026-01-01","valid_to":"2026-12-31","filing_number":"BA-1","filed_on":"2026-01-05","seals":["SEAL-0001"],"matters":[{"code":"XK-001","method":"handling"}]}"#
        ),
        body(DelegationRevocation.self, #"{"reason":"协议终止"}"#),
        body(CustodyHandover.self, #"{"to":"S002","witness":"S003"}"#),
        body(CarryOutRequest.self, #"{"carrier":"S002","reason":"外出办理","due":"2026-12-01 17:00","approver":"S003"}"#),
        body(NewUseRequest.self, #"{"seal":"SEAL-0001","matter":"XK-001","case_number":"2026-001","purpose":"acceptance","reason":"受理通知书","count":2,"document_digest":"ab","urgent":true}"#),
        body(RequestApproval.self, #"{"count":1,"until":"2026-12-01 17:00"}"#),
        body(RequestDenial.self, #"{"reason":"材料不全"}"#),
        body(UseRecord.self, #"{"request":"REQ-000001","count":1,"note":"盖于第二页"}"#),
        body(UseCorrection.self, #"{"count":0,"reason":"误登"}"#),
        body(CardLock.self, #"{"seal":"SEAL-0001"}"#),
        body(CardBind.self, #"{"reader":"Virtual PCD 00 00"}"#),
        body(SignRequest.self, #"{"digest":"ab","count":1,"note":"电子件"}"#),
        body(CardUnlock.self, #"{"seal":"SEAL-0001","pin":"135790"}"#),
        body(AddTownshipBody.self, #"{"name":"XX镇","origin":"sealkeeper.example/xx","vkey":"xx+abcd+AQ"}"#),
    ]

    static func parse(_ json: String) -> Any { try! JSONSerialization.jsonObject(with: Data(json.utf8)) }

    @Test("a body as the document gives it has no unknown members", arguments: bodies)
    func fullBodies(_ body: Body) {
        #expect(body.decodes(Data(body.json.utf8)), "the sample itself must decode")
        #expect(body.audit(Self.parse(body.json)) == [])
    }

    /// Each member renamed in turn (`unix_user` → `unix_userx`): where the body still decodes (the member was
    /// optional, so the typo used to vanish), the renamed member is reported, with what the object takes.
    @Test("every member misspelt is reported, wherever it is", arguments: bodies)
    func misspeltMembers(_ body: Body) throws {
        let object = Self.parse(body.json)
        var paths: [(path: [String], value: Any)] = []
        func walk(_ value: Any, _ path: [String]) {
            if let members = value as? [String: Any] {
                for (key, member) in members { paths.append((path + [key], member)); walk(member, path + [key]) }
            } else if let elements = value as? [Any] {
                for (index, element) in elements.enumerated() { walk(element, path + [String(index)]) }
            }
        }
        walk(object, [])
        #expect(!paths.isEmpty)
        for (path, _) in paths {
            let renamed = Self.rename(object, at: path)
            let data = try JSONSerialization.data(withJSONObject: renamed)
            let unknown = body.audit(renamed)
            let misspelt = (path.dropLast() + [path.last! + "x"]).joined(separator: ".")
            if body.decodes(data) {
                #expect(unknown.map(\.path) == [misspelt], "\(body.name): \(path.joined(separator: "."))")
                #expect(unknown.first?.known.contains(path.last!) == true, "the object's fields are named")
            } else {
                #expect(unknown.isEmpty || unknown.map(\.path) == [misspelt], "\(body.name): \(path.joined(separator: "."))")
            }
        }
    }

    static func rename(_ value: Any, at path: [String]) -> Any {
        guard let first = path.first else { return value }
        if var members = value as? [String: Any] {
            if path.count == 1 {
                members[first + "x"] = members.removeValue(forKey: first)
            } else {
                members[first] = rename(members[first]!, at: Array(path.dropFirst()))
            }
            return members
        }
        var elements = value as! [Any]
        elements[Int(first)!] = rename(elements[Int(first)!], at: Array(path.dropFirst()))
        return elements
    }

    @Test("an extra member in a nested object or at the top is found; a null optional and a dictionary's keys are not")
    func placesAndNulls() {
        let nested = #"{"agreement_number":"WT-1","delegating_department":"局","township":"镇","supervising_department":"局","valid_from":"2026-01-01","valid_to":"2026-12-31","seals":["S"],"matters":[{"code":"A","method":"handling"},{"code":"B","method":"handling","metod":"x"}]}"#
        let found = BodyMemberAudit.unknownMembers(NewDelegation.self, in: Self.parse(nested))
        #expect(found.map(\.path) == ["matters.1.metod"])
        #expect(found.first?.known == ["code", "method"])
        #expect(found.first?.description == "unknown field matters.1.metod (it takes code, method)")
        let extra = BodyMemberAudit.unknownMembers(UseRecord.self, in: Self.parse(#"{"request":"R","count":1,"cuont":2,"z":null}"#))
        #expect(extra.map(\.path) == ["cuont", "z"])
        #expect(BodyMemberAudit.unknownMembers(NewStaff.self, in: Self.parse(#"{"id":"S","name":"N","roles":[],"unix_user":null}"#)) == [])
        #expect(BodyMemberAudit.unknownMembers([String: Int].self, in: Self.parse(#"{"any_key":1,"otherKey":2}"#)) == [])
        #expect(BodyMemberAudit.unknownMembers(Empty.self, in: Self.parse(#"{"a":1}"#)).first?.description == "unknown field a (that object takes no fields)")
    }

    @Test("the PIN body's member names, checked without parsing its values, are the ones its type reads")
    func unlockMembers() {
        let read = BodyMemberAudit.unknownMembers(CardUnlock.self, in: Self.parse(#"{"seal":"S","pin":"1","x":1}"#)).first?.known
        #expect(read.map(Set.init) == CardUnlock.memberNames)
        let buffer = ByteBuffer(string: #"{"seal":"SEAL-0001","pin":"135790","pn":"135790","a":null}"#)
        #expect(BodyMemberAudit.unknownMembers(in: buffer, known: CardUnlock.memberNames).map(\.path) == ["a", "pn"])
        #expect(BodyMemberAudit.unknownMembers(in: ByteBuffer(string: #"{"seal":"S","pin":"1"}"#), known: CardUnlock.memberNames) == [])
    }

    struct Empty: Decodable {}
}
