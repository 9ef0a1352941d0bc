/// RFC 9162 §2.1.3.2 and §2.1.4.2: checking proofs knowing only hashes, as an offline verifier does.
public enum MerkleProof {
    /// Whether `proof` shows that `leaf` is at `index` in the tree of `size` leaves whose root is `root`.
    public static func verifyInclusion(leaf: TreeHash, index: Int, size: Int, proof: [TreeHash], root: TreeHash) -> Bool
    {
        guard index >= 0, index < size else { return false }
        var fn = index
        var sn = size - 1
        var r = leaf
        for p in proof {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                r = TreeHash.node(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = TreeHash.node(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && r == root
    }

    /// Whether `proof` shows the tree of `firstSize` leaves (root `firstRoot`) is a prefix of the tree of
    /// `secondSize` leaves (root `secondRoot`).
    public static func verifyConsistency(
        firstSize: Int, secondSize: Int, firstRoot: TreeHash, secondRoot: TreeHash, proof: [TreeHash]
    ) -> Bool {
        guard firstSize >= 0, firstSize <= secondSize else { return false }
        if firstSize == secondSize { return proof.isEmpty && firstRoot == secondRoot }
        if firstSize == 0 { return proof.isEmpty && firstRoot == .empty }
        guard !proof.isEmpty else { return false }
        var path = proof
        if firstSize & (firstSize - 1) == 0 { path.insert(firstRoot, at: 0) }
        var fn = firstSize - 1
        var sn = secondSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path[0]
        var sr = path[0]
        for c in path.dropFirst() {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                fr = TreeHash.node(c, fr)
                sr = TreeHash.node(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = TreeHash.node(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        return fr == firstRoot && sr == secondRoot && sn == 0
    }
}
