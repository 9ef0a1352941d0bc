import SealBook
import SealCore
@testable import SealCounty
import SealService
import Testing

@Suite("county.toml: every setting read, every mistake named")
struct CountyConfigurationTests {

    @Test("a complete file")
    func complete() throws {
        let signer = NoteSigner(name: "sealkeeper/town-a", privateKey: .init())
        let config = try CountyConfiguration.parse(
            """
            [county]
            name = "county.example/witness"
            state_directory = "/var/lib/sealcounty"
            socket = "/run/sealcounty/s.sock"
            socket_mode = "0600"
            [database]
            host = "db.example"
            port = 6432
            tls = true
            ca_certificate = "/etc/ca.pem"
            connect_timeout = "5s"
            [townships]
            listen = "0.0.0.0:7380"
            prefix = "/witness"
            tls_certificate = "/etc/c.pem"
            tls_key = "/etc/k.pem"
            max_in_flight = 8
            [[township]]
            name = "城关镇"
            origin = "sealkeeper/town-a"
            vkey = "\(signer.verifier.vkey)"
            [access]
            county-admin = ["group:county"]
            county-inspector = ["user:audit"]
            """, file: "c.toml"
        )
        #expect(config.socketMode == 0o600)
        #expect(config.database.host == "db.example" && config.database.port == 6432 && config.database.tls)
        #expect(config.database.connectTimeout == 5)
        #expect(config.townships.host == "0.0.0.0" && config.townships.port == 7380 && config.townships.prefix == "/witness")
        #expect(config.townships.maxInFlight == 8)
        #expect(config.configuredTownships == [TownshipEntry(name: "城关镇", origin: "sealkeeper/town-a", verifier: signer.verifier)])
        #expect(config.roles(for: UnixPrincipal(uid: 5, gid: 5, pid: 1, userName: "audit", groups: [])) == [.inspector])
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var key: String
        var reasonContains: String
        var testDescription: String { name }
    }

    static let invalid: [Invalid] = [
        .init(name: "unknown section", text: "[witness]\n", key: "witness", reasonContains: "unknown section"),
        .init(name: "typo in a key", text: "[database]\nsocket_dir = \"/run/postgresql\"\n", key: "database.socket_dir", reasonContains: "unknown key"),
        .init(name: "TCP off loopback without TLS", text: "[townships]\nlisten = \"0.0.0.0:7380\"\n", key: "townships.listen", reasonContains: "TLS"),
        .init(name: "certificate without key", text: "[townships]\ntls_certificate = \"/etc/c.pem\"\n", key: "townships.tls_key", reasonContains: "together"),
        .init(name: "bad listen address", text: "[townships]\nlisten = \"7380\"\n", key: "townships.listen", reasonContains: "address and port"),
        .init(name: "prefix with a trailing slash", text: "[townships]\nprefix = \"/w/\"\n", key: "townships.prefix", reasonContains: "trailing slash"),
        .init(name: "unknown role", text: "[access]\ncounty-auditor = [\"user:a\"]\n", key: "access.county-auditor", reasonContains: "unknown key"),
        .init(name: "key name with a space", text: "[county]\nname = \"county witness\"\n", key: "county.name", reasonContains: "key name"),
        .init(name: "township without a key", text: "[[township]]\nname = \"a\"\norigin = \"o\"\n", key: "township[1]", reasonContains: "name, origin and vkey"),
        .init(name: "township key not a vkey", text: "[[township]]\nname = \"a\"\norigin = \"o\"\nvkey = \"nonsense\"\n", key: "township[1]", reasonContains: "verifier key"),
        .init(name: "bad timeout", text: "[database]\nconnect_timeout = \"soon\"\n", key: "database.connect_timeout", reasonContains: "duration"),
    ]

    @Test("each mistake is refused naming the key", arguments: invalid)
    func refusesInvalid(_ case_: Invalid) throws {
        let error = #expect(throws: ConfigurationError.self) { try CountyConfiguration.parse(case_.text, file: "/etc/sealkeeper/county.toml") }
        let e = try #require(error)
        #expect(e.key == case_.key)
        #expect(e.reason.contains(case_.reasonContains), "\(e.reason)")
    }

    @Test("a township's key must be named after its origin, and its name must be a name")
    func townshipEntries() throws {
        let signer = NoteSigner(name: "sealkeeper/town-a", privateKey: .init())
        #expect(try TownshipEntry.validated(name: "甲镇", origin: "sealkeeper/town-a", vkey: signer.verifier.vkey).verifier == signer.verifier)
        for (name, origin, vkey) in [
            ("甲镇", "sealkeeper/town-b", signer.verifier.vkey),  // the key is another register's
            ("", "sealkeeper/town-a", signer.verifier.vkey),
            ("甲\u{1B}[31m镇", "sealkeeper/town-a", signer.verifier.vkey),
            ("甲镇", "sealkeeper town a", signer.verifier.vkey),
            ("甲镇", "sealkeeper/town-a", CosignerKey(name: "sealkeeper/town-a").verifier.vkey),  // a cosigner key is not a log key
        ] {
            #expect(throws: SealError.self, "\(name) \(origin)") { try TownshipEntry.validated(name: name, origin: origin, vkey: vkey) }
        }
    }
}
