import Foundation
import Testing
@testable import SealBook

/// The tlog-mirror add-entries body and mirror-info answers, against bytes written out by hand from the spec.
@Suite("tlog-mirror add-entries")
struct MirrorProtocolTests {
    @Test("the canonical package sequence is aligned at multiples of 256 and cut to the upload's bounds")
    func packageRanges() {
        #expect(AddEntriesRequest.packageRanges(start: 0, end: 0) == [])
        #expect(AddEntriesRequest.packageRanges(start: 0, end: 3) == [0..<3])
        #expect(AddEntriesRequest.packageRanges(start: 250, end: 600) == [250..<256, 256..<512, 512..<600])
        #expect(AddEntriesRequest.packageRanges(start: 256, end: 512) == [256..<512])
        #expect(AddEntriesRequest.packageRanges(start: 1003, end: 1024) == [1003..<1024])
    }

    @Test("a body built by hand from the spec parses, and ours serializes to the same bytes")
    func handBuilt() throws {
        let origin = Array("t.example/log".utf8)
        let hash = [UInt8](repeating: 0xAB, count: 32)
        // uint16 origin length, origin, uint64 start, uint64 end, uint16 ticket length, ticket, then one package of
        // [1, 3): two entries with uint16 lengths, a one-byte hash count, the hashes.
        var body: [UInt8] = [0x00, UInt8(origin.count)] + origin
        body += [0, 0, 0, 0, 0, 0, 0, 1] + [0, 0, 0, 0, 0, 0, 0, 3] + [0x00, 0x02, 0x68, 0x69]
        body += [0x00, 0x01, 0x61] + [0x00, 0x02, 0x62, 0x63] + [0x01] + hash
        var reader = AddEntriesReader(body)
        try reader.readHeader()
        #expect(reader.origin == "t.example/log" && reader.start == 1 && reader.end == 3 && reader.ticket == Array("hi".utf8))
        #expect(reader.nextRange == 1..<3)
        let package = try #require(try reader.readPackage())
        #expect(package.entries == [Array("a".utf8), Array("bc".utf8)])
        #expect(package.proof == [TreeHash(bytes: hash)!])
        #expect(reader.nextRange == nil && !reader.hasTrailingBytes)
        let ours = AddEntriesRequest(origin: "t.example/log", start: 1, end: 3, ticket: Array("hi".utf8), packages: [package])
        #expect(ours.body == body)
    }

    @Test("a truncated package is left for the next request; a package with too many hashes or a short header is refused")
    func truncatedAndMalformed() throws {
        let full = AddEntriesRequest(origin: "o", start: 0, end: 2, packages: [.init(entries: [[1], [2, 3]], proof: [])]).body
        for cut in 1..<(full.count - 20 - 1) {
            var reader = AddEntriesReader(Array(full.prefix(20 + 1 + cut)))
            try reader.readHeader()
            #expect(try reader.readPackage() == nil, "cut after \(cut) package bytes")
        }
        var short = AddEntriesReader([0x00, 0x05, 0x61])
        #expect(throws: AddEntriesRequest.Malformed.self) { try short.readHeader() }
        var backwards = AddEntriesReader(AddEntriesRequest.header(origin: "o", start: 5, end: 4, ticket: []))
        #expect(throws: AddEntriesRequest.Malformed.self) { try backwards.readHeader() }
        var tooMany = AddEntriesReader(AddEntriesRequest.header(origin: "o", start: 0, end: 1, ticket: []) + [0x00, 0x01, 0x7A, 64] + [UInt8](repeating: 0, count: 64 * 32))
        try tooMany.readHeader()
        #expect(throws: AddEntriesRequest.Malformed.self) { _ = try tooMany.readPackage() }
        var trailing = AddEntriesReader(full + [0x00])
        try trailing.readHeader()
        _ = try trailing.readPackage()
        #expect(trailing.hasTrailingBytes)
    }

    @Test("mirror-info is three lines: pending size, next entry, base64 ticket")
    func mirrorInfo() {
        #expect(MirrorInfo(pendingSize: 10, next: 4, ticket: [1, 2]).body == "10\n4\nAQI=\n")
        #expect(MirrorInfo(parsing: "10\n4\n\n") == MirrorInfo(pendingSize: 10, next: 4))
        #expect(MirrorInfo(parsing: "10\n04\n\n") == nil)
        #expect(MirrorInfo(parsing: "10\n4\n") == nil)
    }

    @Test("a frontier stored as its hashes restores to the same root and grows on")
    func frontierRoundTrip() throws {
        var frontier = MerkleFrontier()
        for i in 0..<13 { frontier.append(TreeHash.leaf(Array("e\(i)".utf8))) }
        var restored = try #require(MerkleFrontier(size: 13, hashes: frontier.hashes))
        #expect(restored.root == frontier.root)
        #expect(MerkleFrontier(size: 12, hashes: frontier.hashes) == nil)
        frontier.append(TreeHash.leaf([9]))
        restored.append(TreeHash.leaf([9]))
        #expect(restored.root == frontier.root)
    }
}
