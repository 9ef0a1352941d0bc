import GRDB

/// A read's rows counted in groups sharing their first `columns` columns, as `GROUP BY` would count them, but as the
/// rows come. SQLite groups by sorting every row on all of its keys (a temporary B-tree): over a quarter's uses that
/// sort was half the statistics report. Here a row is compared, byte for byte, with the row before — consecutive uses
/// mostly share seal, matter, people and hour — and otherwise looked up by its key's bytes; a group's strings are made
/// once, when it is first met. Memory grows with the groups, not the rows.
struct UseGroupCounter {
    struct Group {
        /// The group's key columns; nil for NULL.
        var key: [String?]
        var rows = 0
        var sum = 0
    }

    let columns: Int32
    private(set) var groups: [Group] = []
    private var index: [[UInt8]: Int] = [:]
    /// The key bytes of the row being added and of the row before, and that row's group.
    private var key: [UInt8] = []
    private var previous: [UInt8] = []
    private var last = -1

    init(columns: Int32) {
        self.columns = columns
        key.reserveCapacity(256)
        previous.reserveCapacity(256)
    }

    /// Counts the current row of `rows` in its group, adding `value` to the group's sum.
    mutating func add(_ rows: RawRows, value: Int) {
        key.removeAll(keepingCapacity: true)
        for i in 0..<columns {
            // UTF-8 never holds 0xFE or 0xFF: a value ends with 0xFE, a NULL is 0xFF, so two keys' bytes are equal
            // exactly when their columns are.
            if let bytes = rows.bytes(i) {
                key.append(contentsOf: bytes)
                key.append(0xFE)
            } else {
                key.append(0xFF)
            }
        }
        if last < 0 || key != previous {
            if let known = index[key] {
                last = known
            } else {
                last = groups.count
                index[key] = last
                groups.append(Group(key: (0..<columns).map { rows.text($0) }))
            }
            swap(&key, &previous)
        }
        groups[last].rows += 1
        groups[last].sum += value
    }
}
