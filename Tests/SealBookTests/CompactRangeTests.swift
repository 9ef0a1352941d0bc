import Testing
@testable import SealBook

@Suite("Compact ranges")
struct CompactRangeTests {
    static func leaves(_ n: Int) -> [TreeHash] { (0..<n).map { TreeHash.leaf(Array("entry \($0)".utf8)) } }

    @Test("left boundary + any slice of leaves + right boundary gives the tree's root", arguments: [1, 2, 3, 7, 8, 13, 33])
    func rootFromSlice(size: Int) throws {
        let leaves = Self.leaves(size)
        let tree = InMemoryMerkleTree(leaves: leaves)
        let expected = try tree.tree.root(size: size)
        for begin in 0..<size {
            for end in begin...size {
                let left = try CompactRange.decomposition(0, begin).map { try tree.node(level: $0.level, index: $0.index) }
                var range = try CompactRange(prefix: begin, hashes: left)
                for leaf in leaves[begin..<end] { try range.append(level: 0, hash: leaf) }
                for piece in CompactRange.decomposition(end, size) {
                    try range.append(level: piece.level, hash: try tree.node(level: piece.level, index: piece.index))
                }
                #expect(range.end == size)
                #expect(range.root == expected, "size \(size) slice \(begin)..<\(end)")
            }
        }
    }

    @Test("a changed leaf or a wrong boundary changes the root; misaligned pieces are refused")
    func tamper() throws {
        let leaves = Self.leaves(10)
        let tree = InMemoryMerkleTree(leaves: leaves)
        var range = try CompactRange(prefix: 4, hashes: [try tree.node(level: 2, index: 0)])
        for leaf in leaves[4..<9] { try range.append(level: 0, hash: leaf) }
        var altered = range
        try range.append(level: 0, hash: leaves[9])
        try altered.append(level: 0, hash: TreeHash.leaf([1]))
        #expect(range.root == (try tree.tree.root(size: 10)))
        #expect(altered.root != range.root)
        var misaligned = try CompactRange(prefix: 3, hashes: CompactRange.decomposition(0, 3).map { try tree.node(level: $0.level, index: $0.index) })
        #expect(throws: MerkleError.self) { try misaligned.append(level: 1, hash: leaves[0]) }
        #expect(throws: MerkleError.self) { try CompactRange(prefix: 3, hashes: []) }
        #expect(CompactRange.decomposition(0, 13).map(\.level) == [3, 2, 0])
        #expect(CompactRange.decomposition(5, 16).map(\.level) == [0, 1, 3])
    }
}
