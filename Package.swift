// swift-tools-version:6.0
import PackageDescription

// How the installed programs (sealkeeperd, sealctl, sealcountyd) are linked in a release build on Linux. lld packs the
// executable's ~150,000 relative relocations into a few kilobytes (DT_RELR, which Debian 12's glibc 2.36 reads), and
// the executable exports no dynamic symbols (the static runtime's link line asks for -export-dynamic, but nothing
// looks up our symbols at run time; the runtime's libraries are linked with --exclude-libs anyway). Both are pages the
// loader would otherwise read at every start and keep mapped: an idle daemon holds 6 MB less, and each sealctl call
// starts sooner. Debug builds (and so the tests) link as SwiftPM does by default.
let installedProgramLinking: [LinkerSetting] = [
    .unsafeFlags(
        ["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic"],
        .when(platforms: [.linux], configuration: .release)
    ),
]

let package = Package(
    name: "Sealkeeper",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sealkeeperd", targets: ["sealkeeperd"]),
        .executable(name: "sealctl", targets: ["sealctl"]),
        .executable(name: "sealcard-sim", targets: ["sealcard-sim"]),
        .executable(name: "sealcountyd", targets: ["sealcountyd"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
    ],
    targets: [
        // Domain types and rules: pure, Foundation only.
        .target(name: "SealCore"),
        // The register's integrity: canonical entries, RFC 6962 Merkle tree, signed checkpoints, proofs.
        .target(
            name: "SealBook",
            dependencies: ["SealCore", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // The HTTP/JSON contract between the daemons and sealctl: request bodies, read models, list envelopes, the
        // error envelope with each code's status, the JSON coders and the wire timestamp.
        .target(name: "SealWire", dependencies: ["SealCore", "SealBook"]),
        // Every file format read or written: CSV (catalogue in, book out), GB18030 text, SpreadsheetML/XLSX, the
        // HTML book, and the offline-verifiable bundle (writer and verifier from one definition).
        .target(
            name: "SealInterchange",
            dependencies: [
                "SealCore", "SealBook", "SealWire",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                "CZlib",
            ]
        ),
        // zlib's CRC-32 for the ZIP container of the XLSX book (deflate goes through CompressNIO).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Layout-identical C structs that Glibc hides from Swift (struct ucred).
        .target(name: "CSealShims"),
        // libpcsclite, the PC/SC client library that talks to pcscd.
        .systemLibrary(name: "CPCSCLite", pkgConfig: "libpcsclite", providers: [.apt(["libpcsclite-dev"])]),
        // PC/SC context, reader monitor, APDU transport and the PIV client.
        .target(
            name: "SmartCard",
            dependencies: [
                "CPCSCLite",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The card side of PIV, for sealcard-sim: applet logic, card state, the vpcd wire protocol.
        .target(
            name: "SealCardSim",
            dependencies: [
                "SmartCard",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // Times the raw PIV APDUs of one signature through pcscd (Benchmarks/card_sign.sh).
        .executableTarget(
            name: "pcsc-bench",
            dependencies: ["SmartCard", .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Crypto", package: "swift-crypto")]
        ),
        .executableTarget(
            name: "sealcard-sim",
            dependencies: ["SealCardSim", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // SQLite through GRDB: schema, migrations, repositories.
        .target(
            name: "SealStore",
            dependencies: [
                "SealCore", "SealBook", "SealWire",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The daemon's application: config, identity, routes, services.
        .target(
            name: "SealService",
            dependencies: [
                "SealCore", "SealBook", "SealWire", "SealInterchange", "SealStore", "CSealShims", "SmartCard",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ]
        ),
        // The county service: witness (C2SP tlog-witness) over TCP/TLS for townships, county staff on a Unix socket,
        // everything kept in PostgreSQL.
        .target(
            name: "SealCounty",
            dependencies: [
                "SealCore", "SealBook", "SealWire", "SealService", "SealStore", "SealInterchange", "CSealShims",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ]
        ),
        .executableTarget(
            name: "sealcountyd",
            dependencies: ["SealCounty", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            linkerSettings: installedProgramLinking
        ),
        // The write load of `make bench` (not run in CI).
        .executableTarget(
            name: "use-bench",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The townships of `make bench-county` (not run in CI).
        .executableTarget(
            name: "county-bench",
            dependencies: [
                "SealBook", "SealCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "sealkeeperd",
            dependencies: [
                "SealService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            linkerSettings: installedProgramLinking
        ),
        .executableTarget(
            name: "sealctl",
            dependencies: [
                "SealCore", "SealBook", "SealWire", "SealInterchange", "SealStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            linkerSettings: installedProgramLinking
        ),
        .testTarget(name: "SealCoreTests", dependencies: ["SealCore"]),
        .testTarget(
            name: "SmartCardTests",
            dependencies: ["SmartCard", "SealCardSim", .product(name: "Crypto", package: "swift-crypto"), .product(name: "X509", package: "swift-certificates")]
        ),
        .testTarget(
            name: "SealStoreTests",
            dependencies: ["SealStore", "SealBook", "SealCore", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "SealBookTests", dependencies: ["SealBook", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "SealWireTests", dependencies: ["SealWire", "SealCore"]),
        .testTarget(name: "SealCountyTests", dependencies: ["SealCounty", "SealService", "SealBook", "SealCore"]),
        .testTarget(name: "SealInterchangeTests", dependencies: ["SealInterchange", "SealCore", "SealBook"]),
        .testTarget(
            name: "SealServiceTests",
            dependencies: [
                "SealService", "SealStore", "SealWire", "SealCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["SealCore", .product(name: "Crypto", package: "swift-crypto"), .product(name: "X509", package: "swift-certificates")]
        ),
    ]
)
