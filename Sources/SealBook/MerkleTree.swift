/// Where the hashes of perfect subtrees come from: node `(level, index)` covers leaves
/// `[index·2^level, (index+1)·2^level)`. Level 0 holds the leaf hashes.
///
/// The store keeps exactly these nodes (each written once, when its last leaf is appended), so the root of any
/// tree size and every RFC 6962 proof are computed from O(log n) lookups, never by rereading the journal.
public protocol MerkleNodeSource {
    func node(level: Int, index: Int) throws -> TreeHash
}

public enum MerkleError: Error, Equatable, Sendable {
    case indexOutOfRange(index: Int, size: Int)
    case sizeOutOfRange(size: Int, available: Int)
    case missingNode(level: Int, index: Int)
    /// Boundary hashes that do not fit the range they claim to cover.
    case invalidProof
}

/// RFC 6962 §2.1 computations over a `MerkleNodeSource`.
public struct MerkleTree<Source: MerkleNodeSource> {
    public let source: Source

    public init(source: Source) { self.source = source }

    /// MTH(D[0:size]).
    public func root(size: Int) throws -> TreeHash {
        size == 0 ? .empty : try subtree(0, size)
    }

    /// PATH(index, D[0:size]): the audit path for leaf `index` in the tree of `size` leaves.
    public func inclusionProof(index: Int, size: Int) throws -> [TreeHash] {
        guard index >= 0, index < size else { throw MerkleError.indexOutOfRange(index: index, size: size) }
        return try path(index, 0, size)
    }

    /// PROOF(first, D[0:second]): proves the tree of `first` leaves is a prefix of the tree of `second`.
    public func consistencyProof(from first: Int, to second: Int) throws -> [TreeHash] {
        guard first >= 0, first <= second else { throw MerkleError.indexOutOfRange(index: first, size: second) }
        if first == 0 || first == second { return [] }
        return try subproof(first, 0, second, true)
    }

    /// MTH(D[start:end]) where the range is either a perfect aligned subtree or split at the largest power of two.
    func subtree(_ start: Int, _ end: Int) throws -> TreeHash {
        let n = end - start
        if n & (n - 1) == 0 && start % n == 0 {
            return try source.node(level: n.trailingZeroBitCount, index: start / n)
        }
        let k = largestPowerOfTwo(below: n)
        return TreeHash.node(try subtree(start, start + k), try subtree(start + k, end))
    }

    private func path(_ m: Int, _ start: Int, _ end: Int) throws -> [TreeHash] {
        let n = end - start
        if n == 1 { return [] }
        let k = largestPowerOfTwo(below: n)
        if m < k {
            return try path(m, start, start + k) + [subtree(start + k, end)]
        } else {
            return try path(m - k, start + k, end) + [subtree(start, start + k)]
        }
    }

    private func subproof(_ m: Int, _ start: Int, _ end: Int, _ complete: Bool) throws -> [TreeHash] {
        let n = end - start
        if m == n { return complete ? [] : [try subtree(start, end)] }
        let k = largestPowerOfTwo(below: n)
        if m <= k {
            return try subproof(m, start, start + k, complete) + [subtree(start + k, end)]
        } else {
            return try subproof(m - k, start + k, end, false) + [subtree(start, start + k)]
        }
    }
}

/// The largest power of two strictly less than `n` (n ≥ 2): RFC 6962's split point.
func largestPowerOfTwo(below n: Int) -> Int {
    precondition(n >= 2)
    return 1 << (Int.bitWidth - 1 - (n - 1).leadingZeroBitCount)
}

/// The nodes that become complete when leaf `index` is appended: the leaf itself, then each parent whose right
/// child it completes. `leftSibling` returns already stored nodes.
public func merkleNodesCompleted(
    byAppending leaf: TreeHash, at index: Int, leftSibling: (_ level: Int, _ index: Int) throws -> TreeHash
) rethrows -> [(level: Int, index: Int, hash: TreeHash)] {
    var nodes = [(level: 0, index: index, hash: leaf)]
    var level = 0
    var position = index
    var hash = leaf
    while position & 1 == 1 {
        let left = try leftSibling(level, position - 1)
        hash = TreeHash.node(left, hash)
        level += 1
        position >>= 1
        nodes.append((level, position, hash))
    }
    return nodes
}

/// A Merkle tree held in memory: for tests, offline verification, and recomputing a stored tree.
public struct InMemoryMerkleTree: MerkleNodeSource, Sendable {
    /// levels[l][i] is node (l, i).
    public private(set) var levels: [[TreeHash]] = [[]]

    public init() {}

    public init(leaves: [TreeHash]) {
        for leaf in leaves { append(leaf) }
    }

    public var size: Int { levels[0].count }

    /// Appends a leaf hash, completing whatever parents it completes; returns those nodes.
    @discardableResult
    public mutating func append(_ leaf: TreeHash) -> [(level: Int, index: Int, hash: TreeHash)] {
        let current = levels
        let nodes = merkleNodesCompleted(byAppending: leaf, at: size) { level, index in current[level][index] }
        for node in nodes {
            if levels.count <= node.level { levels.append([]) }
            levels[node.level].append(node.hash)
        }
        return nodes
    }

    public func node(level: Int, index: Int) throws -> TreeHash {
        guard level < levels.count, index < levels[level].count else {
            throw MerkleError.missingNode(level: level, index: index)
        }
        return levels[level][index]
    }

    public var tree: MerkleTree<InMemoryMerkleTree> { MerkleTree(source: self) }
}
