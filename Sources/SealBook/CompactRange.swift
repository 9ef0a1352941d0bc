/// A compact range (as in transparency-dev's compact ranges): the roots of the aligned perfect subtrees that cover
/// leaves `[begin, end)` of an RFC 6962 tree. It lets a verifier holding only a slice of the leaves recompute the
/// root of the whole tree from a few boundary hashes: the subtrees covering `[0, begin)`, the leaves, then the
/// subtrees covering `[end, size)`. An exported bundle carries exactly those.
public struct CompactRange: Sendable, Equatable {
    public private(set) var end: Int
    /// (level, hash) of each subtree, left to right; levels strictly decrease except while appending.
    public private(set) var nodes: [(level: Int, hash: TreeHash)]

    public static func == (a: CompactRange, b: CompactRange) -> Bool {
        a.end == b.end && a.nodes.map(\.level) == b.nodes.map(\.level) && a.nodes.map(\.hash) == b.nodes.map(\.hash)
    }

    /// The range `[0, end)` from its subtree roots (the aligned decomposition of `[0, end)`, largest first).
    public init(prefix end: Int, hashes: [TreeHash]) throws(MerkleError) {
        let pieces = Self.decomposition(0, end)
        guard pieces.count == hashes.count else { throw .invalidProof }
        self.end = end
        nodes = zip(pieces, hashes).map { ($0.level, $1) }
    }

    /// Appends the aligned subtree of `level` that starts at `end` (a leaf is level 0).
    public mutating func append(level: Int, hash: TreeHash) throws(MerkleError) {
        guard end % (1 << level) == 0 else { throw .invalidProof }
        end += 1 << level
        var level = level
        var hash = hash
        // A subtree whose left sibling is the last node merges with it, as the tree does.
        while let last = nodes.last, last.level == level {
            nodes.removeLast()
            hash = TreeHash.node(last.hash, hash)
            level += 1
        }
        nodes.append((level, hash))
    }

    /// The tree root over `[0, end)`: RFC 6962 splits at the largest power of two, so the root folds the
    /// subtree roots from the right.
    public var root: TreeHash {
        guard var hash = nodes.last?.hash else { return TreeHash.empty }
        for node in nodes.dropLast().reversed() { hash = TreeHash.node(node.hash, hash) }
        return hash
    }

    /// The aligned perfect subtrees covering `[begin, end)`, left to right, as (level, index at that level).
    public static func decomposition(_ begin: Int, _ end: Int) -> [(level: Int, index: Int)] {
        var out: [(level: Int, index: Int)] = []
        var position = begin
        while position < end {
            var level = 0
            while position % (1 << (level + 1)) == 0, position + (1 << (level + 1)) <= end { level += 1 }
            out.append((level, position >> level))
            position += 1 << level
        }
        return out
    }
}
