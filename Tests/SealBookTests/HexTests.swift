import Foundation
import SealBook
import Testing

@Suite("Hex: two lower-case digits a byte")
struct HexTests {
    @Test("every byte as %02x writes it, in order", arguments: [[], [0x00], [0x0F, 0xF0], [0xA5, 0x5A, 0xFF, 0x00, 0x10]] as [[UInt8]])
    func bytes(_ bytes: [UInt8]) {
        #expect(Hex.lowercase(bytes) == bytes.map { String(format: "%02x", $0) }.joined())
    }

    @Test("all 256 byte values")
    func allBytes() {
        let all = (0...255).map { UInt8($0) }
        #expect(Hex.lowercase(all) == all.map { String(format: "%02x", $0) }.joined())
        #expect(Hex.lowercase(all).utf8.count == 512)
    }
}
