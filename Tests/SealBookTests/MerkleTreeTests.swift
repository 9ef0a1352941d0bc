import SealBook
import Testing

/// RFC 6962 reference data (the Certificate Transparency / transparency-dev test leaves and tree heads).
enum RFC6962Vectors {
    static let leaves: [[UInt8]] = [
        [], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
        [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
        [0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f],
    ]
    /// Roots for sizes 0…8.
    static let roots = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]
    static let inclusion: [(index: Int, size: Int, proof: [String])] = [
        (0, 1, []),
        (0, 8, [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ]),
        (5, 8, [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ]),
        (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
        (1, 5, [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ]),
    ]
    static let consistency: [(first: Int, second: Int, proof: [String])] = [
        (1, 1, []),
        (1, 8, [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ]),
        (6, 8, [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ]),
        (2, 5, [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ]),
        (2, 8, [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ]),
    ]
    static var tree: InMemoryMerkleTree { InMemoryMerkleTree(leaves: leaves.map(TreeHash.leaf)) }
}

@Suite("RFC 6962 Merkle tree")
struct MerkleTreeTests {
    @Test("roots match the reference tree heads for sizes 0…8")
    func referenceRoots() throws {
        let tree = RFC6962Vectors.tree.tree
        for size in 0...8 {
            #expect(try tree.root(size: size).hex == RFC6962Vectors.roots[size], "size \(size)")
        }
    }

    @Test("inclusion proofs match the reference and verify", arguments: RFC6962Vectors.inclusion.indices)
    func referenceInclusion(_ i: Int) throws {
        let vector = RFC6962Vectors.inclusion[i]
        let tree = RFC6962Vectors.tree
        let proof = try tree.tree.inclusionProof(index: vector.index, size: vector.size)
        #expect(proof.map(\.hex) == vector.proof)
        let root = try #require(TreeHash(hex: RFC6962Vectors.roots[vector.size]))
        #expect(MerkleProof.verifyInclusion(
            leaf: TreeHash.leaf(RFC6962Vectors.leaves[vector.index]), index: vector.index, size: vector.size,
            proof: proof, root: root))
    }

    @Test("consistency proofs match the reference and verify", arguments: RFC6962Vectors.consistency.indices)
    func referenceConsistency(_ i: Int) throws {
        let vector = RFC6962Vectors.consistency[i]
        let proof = try RFC6962Vectors.tree.tree.consistencyProof(from: vector.first, to: vector.second)
        #expect(proof.map(\.hex) == vector.proof)
        #expect(MerkleProof.verifyConsistency(
            firstSize: vector.first, secondSize: vector.second,
            firstRoot: try #require(TreeHash(hex: RFC6962Vectors.roots[vector.first])),
            secondRoot: try #require(TreeHash(hex: RFC6962Vectors.roots[vector.second])), proof: proof))
    }

    static func leaves(_ n: Int) -> [TreeHash] {
        (0..<n).map { TreeHash.leaf(Array("entry-\($0)".utf8)) }
    }

    @Test("every inclusion proof in every tree up to 40 leaves verifies; any altered proof fails")
    func inclusionProperty() throws {
        let all = Self.leaves(40)
        let full = InMemoryMerkleTree(leaves: all)
        for size in 1...40 {
            let root = try full.tree.root(size: size)
            #expect(root == recursiveRoot(Array(all[0..<size])))
            for index in 0..<size {
                let proof = try full.tree.inclusionProof(index: index, size: size)
                #expect(MerkleProof.verifyInclusion(leaf: all[index], index: index, size: size, proof: proof, root: root))
                // Wrong leaf, wrong index, wrong size, a flipped bit, a dropped or an extra hash: all refused.
                let other = all[(index + 1) % 40]
                #expect(!MerkleProof.verifyInclusion(leaf: other, index: index, size: size, proof: proof, root: root) || other == all[index])
                if size > 1 {
                    #expect(!MerkleProof.verifyInclusion(leaf: all[index], index: (index + 1) % size, size: size, proof: proof, root: root))
                }
                for k in proof.indices {
                    var altered = proof
                    var bytes = altered[k].bytes
                    bytes[k % 32] ^= 0x01
                    altered[k] = TreeHash(bytes: bytes)!
                    #expect(!MerkleProof.verifyInclusion(leaf: all[index], index: index, size: size, proof: altered, root: root))
                }
                if !proof.isEmpty {
                    #expect(!MerkleProof.verifyInclusion(leaf: all[index], index: index, size: size, proof: Array(proof.dropLast()), root: root))
                }
                #expect(!MerkleProof.verifyInclusion(leaf: all[index], index: index, size: size, proof: proof + [all[0]], root: root))
            }
        }
    }

    @Test("every consistency proof between sizes up to 40 verifies; any altered proof fails")
    func consistencyProperty() throws {
        let all = Self.leaves(40)
        let full = InMemoryMerkleTree(leaves: all)
        let roots = try (0...40).map { try full.tree.root(size: $0) }
        for second in 0...40 {
            for first in 0...second {
                let proof = try full.tree.consistencyProof(from: first, to: second)
                #expect(MerkleProof.verifyConsistency(firstSize: first, secondSize: second, firstRoot: roots[first], secondRoot: roots[second], proof: proof))
                guard first > 0, first < second else { continue }
                #expect(!MerkleProof.verifyConsistency(firstSize: first, secondSize: second, firstRoot: roots[first - 1], secondRoot: roots[second], proof: proof))
                #expect(!MerkleProof.verifyConsistency(firstSize: first, secondSize: second, firstRoot: roots[first], secondRoot: roots[second - 1], proof: proof))
                for k in proof.indices {
                    var altered = proof
                    var bytes = altered[k].bytes
                    bytes[0] ^= 0x80
                    altered[k] = TreeHash(bytes: bytes)!
                    #expect(!MerkleProof.verifyConsistency(firstSize: first, secondSize: second, firstRoot: roots[first], secondRoot: roots[second], proof: altered))
                }
                #expect(!MerkleProof.verifyConsistency(firstSize: first, secondSize: second, firstRoot: roots[first], secondRoot: roots[second], proof: Array(proof.dropLast())))
            }
        }
    }

    @Test("appending completes exactly the parents whose right edge the new leaf fills")
    func appendCompletesParents() {
        var tree = InMemoryMerkleTree()
        let counts = Self.leaves(8).map { tree.append($0).count }
        #expect(counts == [1, 2, 1, 3, 1, 2, 1, 4])
    }

    /// MTH straight from RFC 6962's definition, independent of the node store.
    func recursiveRoot(_ leaves: [TreeHash]) -> TreeHash {
        if leaves.isEmpty { return .empty }
        if leaves.count == 1 { return leaves[0] }
        var k = 1
        while k * 2 < leaves.count { k *= 2 }
        return TreeHash.node(recursiveRoot(Array(leaves[0..<k])), recursiveRoot(Array(leaves[k...])))
    }
}
