import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import SealCore
@testable import SealService
import SealStore
import SealWire
import Testing

/// The daemon's router in process (HummingbirdTesting's `.router`), over a real register in a temporary directory,
/// with the caller's Unix identity fixed by `PeerCredentialSource.fixed`: roles, identity refusals, body limits and
/// error statuses in milliseconds. The real-binary scenarios (IntegrationTests) keep what needs the socket and pcscd.
@Suite("Routes in process")
struct RouterTests {
    static let principals: [String: UnixPrincipal] = Dictionary(uniqueKeysWithValues: ["alice", "carol", "bob", "ivy", "tool", "mallory"].enumerated().map {
        ($1, UnixPrincipal(uid: 2000 + UInt32($0), gid: 2000, pid: 1, userName: $1, groups: [UnixGroup(gid: 2000, name: "staff")]))
    })

    /// alice admin, carol clerk, bob approver, ivy inspector, tool a trusted tool; mallory has no role.
    static func configuration(_ directory: URL) -> DaemonConfiguration {
        var configuration = DaemonConfiguration()
        configuration.stateDirectory = directory.path
        configuration.maxRequestBodyBytes = 4096
        configuration.pcsc.enabled = false
        configuration.access = AccessPolicy(
            grants: [.admin: [.user("alice")], .clerk: [.user("carol")], .approver: [.user("bob")], .inspector: [.user("ivy")]],
            trustedTools: [.user("tool")]
        )
        return configuration
    }

    /// Runs `test` against a fresh fixture whose register's writer runs meanwhile.
    static func withFixture(_ test: (Fixture) async throws -> Void) async throws {
        let f = try Fixture()
        try await f.environment.register.withWriter { try await test(f) }
    }

    /// A fresh register and a way to call the router as any of the principals above.
    final class Fixture: Sendable {
        let directory: URL
        let environment: ServiceEnvironment

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("router-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let register = try Register(stateDirectory: directory, logger: Logger(label: "test"))
            environment = ServiceEnvironment(configuration: RouterTests.configuration(directory), register: register)
        }

        deinit { try? FileManager.default.removeItem(at: directory) }

        /// Sends one request as `user`; returns the status and the body.
        func call(
            _ user: String, _ method: HTTPRequest.Method, _ uri: String, body: String? = nil, headers: HTTPFields = [:]
        ) async throws -> (status: Int, body: Data) {
            let router = SealAPI.router(environment: environment, credentials: .fixed(RouterTests.principals[user]!))
            let app = Application(router: router)
            var fields = headers
            if body != nil, fields[.contentType] == nil { fields[.contentType] = "application/json" }
            let sent = fields
            return try await app.test(.router) { client in
                let response = try await client.execute(uri: uri, method: method, headers: sent, body: body.map { ByteBuffer(string: $0) })
                return (Int(response.status.code), Data(buffer: response.body))
            }
        }

        /// The error code of an error answer.
        func code(_ answer: (status: Int, body: Data)) -> String? {
            try? WireJSON.decoder.decode(ErrorBody.self, from: answer.body).error.code
        }
    }

    @Test("each role reaches what it may and is refused the rest with forbidden (403)")
    func roles() async throws {
        try await Self.withFixture { f in
            let newStaff = #"{"id":"S001","name":"张三","roles":["admin"],"unix_user":"alice"}"#
            let asClerk = try await f.call("carol", .post, "/v1/staff", body: newStaff)
            #expect(asClerk.status == 403 && f.code(asClerk) == "forbidden")
            let asAdmin = try await f.call("alice", .post, "/v1/staff", body: newStaff)
            #expect(asAdmin.status == 201)
            let staff = try WireJSON.decoder.decode(Staff.self, from: asAdmin.body)
            #expect(staff.id == "S001" && staff.roles == [.admin])
            let nobody = try await f.call("mallory", .get, "/v1/seals")
            #expect(nobody.status == 403 && f.code(nobody) == "forbidden")
            let list = try await f.call("carol", .get, "/v1/staff")
            #expect(list.status == 200)
            #expect(try WireJSON.decoder.decode(StaffListView.self, from: list.body).items.map(\.id) == ["S001"])
            #expect(try await f.call("carol", .get, "/v1/book").status == 403)
            #expect(try await f.call("ivy", .get, "/v1/reports/stats").status == 200)
            #expect(try await f.call("bob", .get, "/v1/events").status == 403)
        }
    }

    @Test("acting for staff: only trusted tools, only for a registered and enabled member")
    func onBehalfOf() async throws {
        try await Self.withFixture { f in
            _ = try await f.call("alice", .post, "/v1/staff", body: #"{"id":"S002","name":"李四","roles":["approver"]}"#)
            let notTrusted = try await f.call("carol", .get, "/v1/seals", headers: [.onBehalfOf: "S002"])
            #expect(notTrusted.status == 403 && f.code(notTrusted) == "on-behalf-of-not-allowed")
            let nobody = try await f.call("tool", .get, "/v1/seals", headers: [.onBehalfOf: "S404"])
            #expect(nobody.status == 403 && f.code(nobody) == "unknown-caller")
            let acting = try await f.call("tool", .get, "/v1/whoami", headers: [.onBehalfOf: "S002"])
            let whoami = try WireJSON.decoder.decode(WhoAmIView.self, from: acting.body)
            #expect(acting.status == 200 && whoami.onBehalfOf == "S002" && whoami.roles == [.approver] && whoami.trustedTool)
            _ = try await f.call("alice", .post, "/v1/staff/S002/disable")
            let disabled = try await f.call("tool", .get, "/v1/seals", headers: [.onBehalfOf: "S002"])
            #expect(disabled.status == 403 && f.code(disabled) == "caller-disabled")
            let again = try await f.call("alice", .post, "/v1/staff/S002/disable")
            #expect(again.status == 409 && f.code(again) == "staff-disabled")
        }
    }

    @Test("bodies: over the limit 413, malformed 400, a field over its length 400, unknown routes 404, wrong methods 405")
    func bodiesAndRoutes() async throws {
        try await Self.withFixture { f in
            let big = #"{"id":"S003","name":""# + String(repeating: "x", count: 5000) + #"","roles":["clerk"]}"#
            let tooLarge = try await f.call("alice", .post, "/v1/staff", body: big)
            #expect(tooLarge.status == 413 && f.code(tooLarge) == "payload-too-large")
            let malformed = try await f.call("alice", .post, "/v1/staff", body: #"{"id":"S003","#)
            #expect(malformed.status == 400 && f.code(malformed) == "bad-request")
            let missing = try await f.call("alice", .post, "/v1/staff", body: #"{"id":"S003"}"#)
            #expect(missing.status == 400 && f.code(missing) == "bad-request")
            let long = try await f.call("alice", .post, "/v1/staff", body: #"{"id":"S003","name":""# + String(repeating: "名", count: 101) + #"","roles":["clerk"]}"#)
            #expect(long.status == 400 && f.code(long) == "invalid-field")
            let control = try await f.call("alice", .post, "/v1/staff", body: #"{"id":"S003","name":"a\u001b[2Jb","roles":["clerk"]}"#)
            #expect(control.status == 400 && f.code(control) == "invalid-field")
            let route = try await f.call("alice", .get, "/v1/nonsense")
            #expect(route.status == 404 && f.code(route) == "not-found")
            let method = try await f.call("alice", .delete, "/v1/staff")
            #expect(method.status == 405 && f.code(method) == "method-not-allowed")
        }
    }

    @Test("a misspelt query parameter or body member is refused with bad-request naming it; nothing is written")
    func typos() async throws {
        try await Self.withFixture { f in
            func message(_ answer: (status: Int, body: Data)) -> String {
                (try? WireJSON.decoder.decode(ErrorBody.self, from: answer.body).error.message) ?? ""
            }
            // A filter misspelt used to answer the whole list as if it were not there.
            let uses = try await f.call("ivy", .get, "/v1/uses?sael=SEAL-9999")
            #expect(uses.status == 400 && f.code(uses) == "bad-request")
            #expect(message(uses) == #"unknown query parameter "sael": GET /v1/uses takes after, from, limit, matter, request, seal, to, user"#)
            let two = try await f.call("ivy", .get, "/v1/book?form=2026-01-01&seal=S&tp=1&form=x")
            #expect(two.status == 400 && message(two).hasPrefix(#"unknown query parameters "form", "tp": GET /v1/book takes "#))
            let none = try await f.call("alice", .get, "/v1/seals/SEAL-0001?verbose=1")
            #expect(none.status == 400 && message(none) == #"unknown query parameter "verbose": GET /v1/seals/{id} takes no query parameters"#)
            let post = try await f.call("alice", .post, "/v1/staff?dry_run=true", body: #"{"id":"S009","name":"王五","roles":["clerk"]}"#)
            #expect(post.status == 400 && f.code(post) == "bad-request")
            // What each route takes reaches its handler (these refusals are the filters' own), an unknown path is still
            // 404 and a wrong method still 405.
            let seal = try await f.call("ivy", .get, "/v1/uses?seal=S&from=2026-01-01&to=2026-12-31&limit=5")
            #expect(f.code(seal) == "invalid-field" && message(seal).hasPrefix(#"seal "S": no such seal"#))
            let lines = try await f.call("ivy", .get, "/v1/book/lines?sael=SEAL-9999")
            #expect(message(lines) == #"unknown query parameter "sael": GET /v1/book/lines takes after, from, headers, limit, matter, request, seal, to, user"#)
            let language = try await f.call("ivy", .get, "/v1/book/lines?headers=fr")
            #expect(language.status == 400 && message(language).contains("headers"), "\(message(language))")
            #expect(f.code(try await f.call("ivy", .get, "/v1/book/lines?seal=S&from=2026-01-01&to=2026-12-31&limit=5&headers=en")) == "invalid-field")
            let page = try await f.call("ivy", .get, "/v1/book/lines?limit=5")
            #expect(page.status == 200 && (try? BookLinesPage(wireJSON: page.body))?.columns == BookTable.columns(.chinese))
            // A page's head goes out before its lines are made; a cursor naming no use is refused before it, as an error.
            let cursor = try await f.call("ivy", .get, "/v1/book/lines?after=USE-999999")
            #expect(cursor.status == 400 && f.code(cursor) == "invalid-field" && message(cursor) == "after USE-999999: no such use")
            let township = try await f.call("ivy", .get, "/v1/book?format=csv&headers=en&township=X&matter=M&user=U")
            #expect(f.code(township) == "invalid-field" && message(township).hasPrefix(#"township "X": no such township"#))
            #expect(f.code(try await f.call("alice", .get, "/v1/requests?status=pending&mine=true&limit=3")) == "staff-required")
            #expect(try await f.call("ivy", .get, "/v1/events?since=0&kind=staff.&limit=5&wait=0").status == 200)
            #expect(try await f.call("alice", .get, "/v1/nonsense?x=1").status == 404)
            #expect(try await f.call("alice", .delete, "/v1/staff?x=1").status == 405)

            // A misspelt optional member (unix_user) used to create the staff member without their Unix account.
            let typo = try await f.call("alice", .post, "/v1/staff", body: #"{"id":"S010","name":"赵六","roles":["clerk"],"unix_usr":"carol"}"#)
            #expect(typo.status == 400 && f.code(typo) == "bad-request")
            #expect(message(typo) == "unknown field unix_usr (it takes id, name, roles, unix_user)")
            let nested = try await f.call(
                "alice", .post, "/v1/delegations",
                body: #"{"agreement_number":"WT-1","delegating_department":"局","township":"镇","supervising_department":"局","valid_from":"2026-01-01","valid_to":"2026-12-31","seals":["S"],"matters":[{"code":"A","method":"handling","metod":"x"}]}"#
            )
            #expect(nested.status == 400 && message(nested) == "unknown field matters.0.metod (it takes code, method)")
            let optionalBody = try await f.call("alice", .post, "/v1/seals/SEAL-0001/suspend", body: #"{"reson":"年检"}"#)
            #expect(optionalBody.status == 400 && message(optionalBody) == "unknown field reson (it takes reason, witness)")
            // A journal kind misspelt is refused with the kinds there are; one written but not yet present is an
            // empty answer (a follower waits for it); prefixes are exact and case-sensitive.
            let kind = try await f.call("ivy", .get, "/v1/events?kind=staff.addd")
            #expect(kind.status == 400 && f.code(kind) == "invalid-field" && message(kind).hasPrefix(#"kind "staff.addd": no such kind"#))
            #expect(message(kind).contains("use.recorded, use.corrected, refused"))
            for typo in ["STAFF.", "%25.", "staff", "staff.added."] {
                #expect(f.code(try await f.call("ivy", .get, "/v1/events?kind=\(typo)")) == "invalid-field", "\(typo)")
            }
            _ = try await f.call("alice", .post, "/v1/staff", body: #"{"id":"S011","name":"钱七","roles":["clerk"]}"#)
            func kinds(_ filter: String) async throws -> [String] {
                let answer = try await f.call("ivy", .get, "/v1/events?kind=\(filter)")
                #expect(answer.status == 200, "\(filter)")
                return try WireJSON.decoder.decode(EventListView.self, from: answer.body).items.map(\.kind)
            }
            #expect(try await kinds("card.bound") == [])
            #expect(try await kinds("staff.") == ["staff.added"])
            #expect(try await kinds("staff.added") == ["staff.added"])
            #expect(try await kinds("custody.") == [])
            let delegations = try await f.call("ivy", .get, "/v1/delegations?township=%E5%A4%A7%E9%95%87")
            #expect(delegations.status == 400 && message(delegations) == #"township "大镇": no such township (no delegation to it, no seal held by it); none are registered"#)
            // The body that holds a PIN is checked by its member names alone; the answer never holds the PIN.
            let unlock = try await f.call("alice", .post, "/v1/cards/unlock", body: #"{"seal":"SEAL-0001","pin":"135790","pn":"135790"}"#)
            #expect(unlock.status == 400 && message(unlock) == "unknown field pn (it takes pin, seal)")
            let staff = try WireJSON.decoder.decode(StaffListView.self, from: try await f.call("alice", .get, "/v1/staff").body)
            #expect(staff.items.map(\.id) == ["S011"], "nothing refused was written")
            let events = try await f.call("ivy", .get, "/v1/events")
            #expect(!String(decoding: events.body, as: UTF8.self).contains("S010"))
        }
    }

    @Test("the daemon's refusals carry the status the document gives their code")
    func refusalsUseDocumentedStatuses() async throws {
        try await Self.withFixture { f in
            let statuses = ErrorStatusTests.documented.statuses
            var seen: [(String, Int)] = []
            func check(_ answer: (status: Int, body: Data), _ expected: String) {
                #expect(f.code(answer) == expected, "expected \(expected)")
                seen.append((expected, answer.status))
            }
            check(try await f.call("alice", .get, "/v1/seals/SEAL-9999"), "unknown-seal")
            check(try await f.call("alice", .get, "/v1/seals/SEAL-9999/card"), "unknown-seal")
            check(try await f.call("alice", .get, "/v1/matters/XK-404"), "unknown-matter")
            check(try await f.call("alice", .get, "/v1/requests/REQ-404"), "unknown-request")
            check(try await f.call("alice", .get, "/v1/delegations/DLG-404"), "unknown-delegation")
            check(try await f.call("alice", .get, "/v1/book?format=bundle"), "no-checkpoint")
            check(try await f.call("alice", .get, "/v1/book?format=pdf"), "invalid-field")
            check(try await f.call("alice", .post, "/v1/matters/import", body: "code\n", headers: [.contentType: "text/csv; charset=latin1"]), "invalid-catalogue")
            _ = try await f.call("alice", .post, "/v1/staff", body: #"{"id":"S001","name":"张三","roles":["admin"]}"#)
            check(try await f.call("alice", .post, "/v1/staff", body: #"{"id":"S001","name":"张三","roles":["admin"]}"#), "staff-exists")
            let seal = try await f.call("alice", .post, "/v1/seals", body: #"{"name":"XX镇业务专用章","kind":"business","medium":"physical","owner":"县局","holder":"XX镇","custodian":"S001"}"#)
            #expect(seal.status == 201)
            let id = try WireJSON.decoder.decode(Seal.self, from: seal.body).id
            check(try await f.call("alice", .get, "/v1/seals/\(id)/card"), "card-not-bound")
            check(try await f.call("alice", .post, "/v1/seals/\(id)/suspend"), "illegal-transition")
            check(try await f.call("alice", .post, "/v1/seals/\(id)/destroy"), "witness-required")
            for (code, status) in seen {
                #expect(statuses[code] == status, "\(code) answered \(status), the document says \(statuses[code] ?? 0)")
            }
        }
    }
}
