/// The rightmost perfect subtrees of a growing tree: enough to compute the root of every prefix while streaming
/// the leaves once, in O(log n) memory.
public struct MerkleFrontier: Sendable {
    /// (leaf count, hash) of each perfect subtree, largest first.
    private var subtrees: [(count: Int, hash: TreeHash)] = []
    public private(set) var size = 0

    public init() {}

    public mutating func append(_ leaf: TreeHash) {
        var current = (count: 1, hash: leaf)
        while let last = subtrees.last, last.count == current.count {
            subtrees.removeLast()
            current = (last.count * 2, TreeHash.node(last.hash, current.hash))
        }
        subtrees.append(current)
        size += 1
    }

    /// The perfect subtrees' hashes, largest first: with `size`, all a frontier needs to be stored and restored.
    public var hashes: [TreeHash] { subtrees.map(\.hash) }

    mutating func restore(size: Int, subtrees: [(count: Int, hash: TreeHash)]) {
        self.size = size
        self.subtrees = subtrees
    }

    /// MTH of the leaves appended so far.
    public var root: TreeHash {
        guard var hash = subtrees.last?.hash else { return .empty }
        for subtree in subtrees.dropLast().reversed() { hash = TreeHash.node(subtree.hash, hash) }
        return hash
    }
}
