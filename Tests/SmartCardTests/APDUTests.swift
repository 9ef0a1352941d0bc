import Testing
@testable import SmartCard

@Suite("APDUs, status words and BER-TLV")
struct APDUTests {
    @Test("command APDUs encode and parse in every short case", arguments: [
        (CommandAPDU(ins: 0x20, p1: 0, p2: 0x80), "00200080"),
        (CommandAPDU(ins: 0xC0, p1: 0, p2: 0, le: 256), "00C0000000"),
        (CommandAPDU(ins: 0xA4, p1: 4, p2: 0, data: [0xA0, 0x00], le: 256), "00A4040002A00000"),
        (CommandAPDU(ins: 0x20, p1: 0, p2: 0x80, data: [1, 2, 3]), "0020008003010203"),
    ])
    func roundTrip(command: CommandAPDU, wire: String) {
        #expect(hex(command.bytes) == wire)
        #expect(CommandAPDU(bytes: command.bytes) == command)
    }

    @Test("inconsistent lengths are not a command")
    func malformed() {
        #expect(CommandAPDU(bytes: [0x00, 0x20]) == nil)
        #expect(CommandAPDU(bytes: [0x00, 0x20, 0x00, 0x80, 0x05, 0x01]) == nil)
    }

    @Test("long data is chained in 255-byte parts with CLA 0x10 on all but the last")
    func chaining() {
        let parts = CommandAPDU(ins: 0x87, p1: 0x11, p2: 0x9C, data: Array(repeating: 7, count: 600), le: 256).chunks()
        #expect(parts.map(\.data.count) == [255, 255, 90])
        #expect(parts.map(\.cla) == [0x10, 0x10, 0x00])
        #expect(parts.map(\.le) == [nil, nil, 256])
    }

    @Test("status words name tries left, more data and success", arguments: [
        (StatusWord(0x63C2), 2 as Int?, false),
        (StatusWord(0x63C0), 0, false),
        (StatusWord(0x9000), nil, true),
        (StatusWord(0x6982), nil, false),
    ])
    func statusWords(sw: StatusWord, tries: Int?, success: Bool) {
        #expect(sw.triesLeft == tries)
        #expect(sw.isSuccess == success)
    }

    @Test("BER-TLV: multi-byte tags, long lengths, nesting")
    func tlv() throws {
        let inner = BERTLV.encode(0x70, Array(repeating: 0xAB, count: 300)) + BERTLV.encode(0x71, [0])
        let object = BERTLV.encode(0x53, inner)
        #expect(Array(object.prefix(4)) == [0x53, 0x82, 0x01, 0x33])
        let fields = try BERTLV.parse(try #require(try BERTLV.find(0x53, in: object)))
        #expect(fields.map(\.tag) == [0x70, 0x71])
        #expect(fields[0].value.count == 300)
        #expect(try BERTLV.parse(BERTLV.encode(0x5FC10A, [1])).first?.tag == 0x5FC10A)
    }

    @Test("truncated TLVs are refused, not read past the end", arguments: [[0x53, 0x05, 0x01], [0x5F], [0x53, 0x83, 0x01]] as [[UInt8]])
    func truncated(bytes: [UInt8]) {
        #expect(throws: SmartCardError.self) { try BERTLV.parse(bytes) }
    }
}
