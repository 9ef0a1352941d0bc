import GRDB

extension Row {
    /// The statement's first row made into a value while SQLite still holds it. A row read through a cursor finds a
    /// column by its name in the statement's own table; a fetched row (`Row.fetchOne`, a copy) lowercases every
    /// column name it passes at every look-up, which for the registry's wide rows read on each write (the request,
    /// the seal, the staff member, the matter, the delegations) was about 2 % of a use's cost.
    static func fetchOne<T>(_ statement: Statement, arguments: StatementArguments = StatementArguments(), as make: (Row) throws -> T) throws -> T? {
        let cursor = try fetchCursor(statement, arguments: arguments)
        return try withExtendedLifetime(cursor) { try cursor.next().map(make) }
    }

    /// Every row of the statement, each made into a value as it is read (see `fetchOne(_:arguments:as:)`).
    static func fetchAll<T>(_ statement: Statement, arguments: StatementArguments = StatementArguments(), as make: (Row) throws -> T) throws -> [T] {
        let cursor = try fetchCursor(statement, arguments: arguments)
        var values: [T] = []
        while let row = try cursor.next() { values.append(try make(row)) }
        return values
    }
}
