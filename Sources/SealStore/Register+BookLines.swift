import Foundation
import GRDB
import SealCore
import SealWire

/// A page of the book as the API answers it: its JSON is `bytes[start...]`.
public struct PageBytes: Sendable {
    public var bytes: [UInt8]
    public var start: Int

    public var json: ArraySlice<UInt8> { bytes[start...] }

    /// A page's head (`{"next":…,` and its list's opening) depends on its last line, so it is written last, into
    /// room left before the first line (`withRoom`, then `finished`): the page then starts where its head does, with
    /// no copy of the lines (or, when the head is longer than the room, before them, copied).
    static func withRoom(_ room: Int, capacity: Int) -> [UInt8] {
        var out = [UInt8](repeating: UInt8(ascii: " "), count: room)
        out.reserveCapacity(room + capacity)
        return out
    }

    /// The page of `lines` (written after `room` bytes by `withRoom`) under `head`.
    static func finished(_ out: inout [UInt8], room: Int, head: [UInt8]) -> PageBytes {
        guard head.count <= room else { return PageBytes(bytes: head + out[room...], start: 0) }
        // In place: the lines are the caller's only copy.
        out.replaceSubrange((room - head.count)..<room, with: head)
        return PageBytes(bytes: out, start: room - head.count)
    }
}

/// Where each of `BookLineQuery.select`'s (or `pageSelect`'s) columns is in a statement's rows, found once per
/// statement by name.
struct BookLineColumns {
    let id, time, seal, matter, caseNumber, reason, user, request, medium: Int32
    let serial, count, effective, urgent, note, digest, approver, deniedBy, method: Int32
    let denialReason, deniedAt, recorder, fingerprint, statement, signature: Int32
    /// Whether the line has corrections (`pageSelect`); nil when the query does not say (`select`).
    let corrected: Int32?
    /// The joined names' columns (`select`); nil when the query has none (`pageSelect`).
    let names: Names?

    struct Names {
        let seal, matter, user, approver, deniedBy: Int32
    }

    init(_ rows: RawRows) throws {
        let index = rows.columns
        func column(_ name: String) throws -> Int32 {
            guard let i = index[name] else { throw DatabaseError(message: "the book line query has no column \(name)") }
            return i
        }
        (id, time, seal, matter, caseNumber, reason) = (
            try column("id"), try column("time"), try column("seal_id"), try column("matter_code"), try column("case_number"), try column("reason")
        )
        (user, request, medium, serial, count, effective) = (
            try column("user"), try column("request_id"), try column("medium"), try column("serial"), try column("count"), try column("effective_count")
        )
        (urgent, note, digest, approver, deniedBy, method) = (
            try column("urgent"), try column("note"), try column("document_digest"), try column("book_approver"), try column("denied_by"), try column("method")
        )
        (denialReason, deniedAt, recorder, fingerprint, statement, signature) = (
            try column("denial_reason"), try column("denied_at"), try column("recorder"), try column("certificate_fingerprint"),
            try column("statement"), try column("signature")
        )
        corrected = index["corrected"]
        names = index["seal_name"] == nil ? nil : Names(
            seal: try column("seal_name"), matter: try column("matter_name"), user: try column("user_name"), approver: try column("approver_name"),
            deniedBy: try column("denied_by_name")
        )
    }

    /// The names' columns, which `lines` needs.
    func joinedNames() throws -> Names {
        guard let names else { throw DatabaseError(message: "the book line query has no names") }
        return names
    }
}

/// The one join behind a line of the 印章使用登记本, used by the book list, the use answers, the exports and the
/// statistics: the use, its seal, matter, people, and its request (for the 批准人 of an urgent use approved
/// afterwards, 补批, and for a denial).
enum BookLineQuery {
    /// The method (实施方式) of each (seal, matter): that of the first delegation, by id, covering both (the county's
    /// `CountyBook.methods`). SQLite takes a bare column from the row MIN() picks. Joined once per query: asked per
    /// line, it was a correlated subquery on every row.
    static let methods = """
        WITH method AS (
            SELECT ds.seal_id, dm.matter_code, dm.method, MIN(dm.delegation_id) FROM delegation_matter dm
            JOIN delegation_seal ds ON ds.delegation_id = dm.delegation_id GROUP BY ds.seal_id, dm.matter_code)
        """

    /// A line's own columns and its request's and method's, without the names: `u` is the use; every other column
    /// is named. `book_approver` is the approver at the time of use, or for an urgent use made before approval,
    /// whoever approved its request afterwards.
    private static let lineColumns = """
        u.*, u.rowid AS line_rowid, COALESCE(u.approver, r.approver) AS book_approver,
               r.denied_by, r.denial_reason, r.denied_at, mt.method AS method
        """

    /// Whether a line has corrections, so a page asks for the corrections of only those lines: one probe of
    /// `use_correction_by_use` a line, where binding every id of a page into one `IN (…)` was a fourteenth of
    /// writing it (most lines have none).
    private static let corrected = "EXISTS (SELECT 1 FROM use_correction c WHERE c.use_id = u.id)"
    private static let lineFrom = """
        FROM use_record u JOIN use_request r ON r.id = u.request_id
        LEFT JOIN method mt ON mt.seal_id = u.seal_id AND mt.matter_code = u.matter_code
        """

    /// The line query with the names (seal, matter, user, approver, who denied) joined: for a use's own answer.
    static let select = """
        \(methods)
        SELECT \(lineColumns), s.name AS seal_name, m.name AS matter_name, us.name AS user_name, ap.name AS approver_name,
               dn.name AS denied_by_name
        \(lineFrom) JOIN seal s ON s.id = u.seal_id
        LEFT JOIN matter m ON m.code = u.matter_code LEFT JOIN staff us ON us.id = u.user
        LEFT JOIN staff ap ON ap.id = COALESCE(u.approver, r.approver) LEFT JOIN staff dn ON dn.id = r.denied_by
        """

    /// The line query without the names, which a page looks up once each (`NameMemo`) instead of on every line.
    static let pageSelect = """
        \(methods)
        SELECT \(lineColumns), \(corrected) AS corrected
        \(lineFrom)
        """

    /// One seal's lines of a 序号 range with only the columns an export shows, in the order `exportLines` reads
    /// them: the use's own columns and the method; the names are looked up once each (`NameMemo`). Half of `select`'s
    /// columns (the statement, the signature, the ids of the request and recorder) are never exported and cost their
    /// copies on every line.
    static let exportSelect = """
        \(methods)
        SELECT \(exportColumns)
        \(exportFrom)
        WHERE u.seal_id = ? AND u.serial BETWEEN ? AND ? ORDER BY u.serial
        """
    /// The cells need a use's request only when the use was made before its approval (an urgent use): its 批准人 is
    /// whoever approved the request afterwards, or, denied, who denied it (`BookTable.approver`; a use approved when
    /// made shows its own approver whatever became of the request). So the request is looked up for those lines
    /// alone: joined on every line, it was a fifth of the query. Every use has its request (a foreign key), so no
    /// line is lost without the join.
    private static let exportColumns = """
        u.id, u.serial, u.time, u.reason, u.user, u.count, u.effective_count, u.matter_code, u.case_number, u.urgent,
               u.note, u.document_digest,
               CASE WHEN u.approver IS NULL THEN (SELECT r.approver FROM use_request r WHERE r.id = u.request_id) ELSE u.approver END,
               CASE WHEN u.approver IS NULL THEN (SELECT r.denied_by FROM use_request r WHERE r.id = u.request_id) END, mt.method
        """
    private static let exportFrom = """
        FROM use_record u
        LEFT JOIN method mt ON mt.seal_id = u.seal_id AND mt.matter_code = u.matter_code
        """

    /// The id of a line under a page's conditions, for the page's cursor found before its lines
    /// (`Register.bookLinesPage`): the use alone, on the index the page is read on, no line made (as `linesSelect`,
    /// without the request).
    static let idSelect = "SELECT u.id FROM use_record u"

    /// The line query for a page of the book's cells (`linesPage`): an export's columns, then the seal and whether the
    /// line has corrections (by position, 15 and 16). A page of uses shows every column (`u.*`); SQLite reads each
    /// column selected on every line, so this one selects only what the cells show.
    static let linesSelect = """
        \(methods)
        SELECT \(exportColumns), u.seal_id, \(corrected)
        \(exportFrom)
        """

    /// The export lines of `seal`'s 序号 range that the filter keeps (`exportSelect`), each with its corrections,
    /// read by column position straight from SQLite: no `BookLine` is built for a line only shown.
    static func exportLines(
        _ db: Database, seal: String, sealName: String, serials: ClosedRange<Int>, keep: (_ time: String, _ matter: String, _ user: String) -> Bool,
        headers: BookTable.Headers, zone: TimeZone
    ) throws -> [ExportLine] {
        let rows = try RawRows(db, sql: exportSelect, arguments: [seal, serials.lowerBound, serials.upperBound])
        defer { rows.reset() }
        let (text, int) = (rows.text, rows.int)
        let corrections = try Self.corrections(db, seal: seal, serials: serials)
        var names = try NameMemo.Line(db)
        var lines: [ExportLine] = []
        while try rows.next("reading the book") {
            let (time, matter, user) = (text(2) ?? "", text(7) ?? "", text(4) ?? "")
            guard keep(time, matter, user) else { continue }
            lines.append(BookLine.exportLine(
                serial: int(1), time: time, sealName: sealName, reason: text(3) ?? "", approver: text(12),
                approverName: try names.approver.name(rows.bytes(12)), deniedBy: text(13), deniedByName: try names.deniedBy.name(rows.bytes(13)),
                urgent: int(9) != 0, user: user, userName: try names.user.name(rows.bytes(4)), count: int(5), effectiveCount: int(6),
                matterCode: matter, matterName: try names.matter.name(rows.bytes(7)), caseNumber: text(8) ?? "", method: text(14),
                note: text(10), documentDigest: text(11), corrections: corrections.isEmpty ? [] : corrections[text(0) ?? ""] ?? [],
                headers: headers, zone: zone
            ))
        }
        return lines
    }

    /// A page's corrections: its lines by (seal, 序号), then each line's corrections by `use_correction_by_use`.
    static let pageCorrections = """
        SELECT c.use_id, c.new_count, c.reason, c.corrected_by, st.name, c.at FROM use_correction c
        JOIN use_record u ON u.id = c.use_id LEFT JOIN staff st ON st.id = c.corrected_by
        WHERE u.seal_id = ? AND u.serial BETWEEN ? AND ? ORDER BY c.id
        """

    /// The corrections of one seal's lines of a 序号 range, in order, with the corrector's name, by use id: what a page
    /// shows, read before its lines (most pages have none).
    static func corrections(_ db: Database, seal: String, serials: ClosedRange<Int>) throws -> [String: [UseView.Correction]] {
        var found: [String: [UseView.Correction]] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: pageCorrections), arguments: [seal, serials.lowerBound, serials.upperBound]) {
            found[row[0], default: []].append(UseView.Correction(count: row[1], reason: row[2], by: row[3], byName: row[4], at: row[5]))
        }
        return found
    }

    /// The lines `sql` (`select` with a condition) selects. Stepped through SQLite's C API: building GRDB rows and
    /// decoding their optional strings generically cost more than an export's formatting.
    static func lines(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws -> [BookLine] {
        let rows = try RawRows(db, sql: sql, arguments: arguments)
        defer { rows.reset() }
        let c = try BookLineColumns(rows)
        let n = try c.joinedNames()
        let text = rows.text
        var lines: [BookLine] = []
        while try rows.next("reading the book") {
            lines.append(BookLine(
                id: text(c.id) ?? "", time: text(c.time) ?? "", sealID: text(c.seal) ?? "", sealName: text(n.seal) ?? "",
                matterCode: text(c.matter) ?? "", caseNumber: text(c.caseNumber) ?? "", reason: text(c.reason) ?? "", user: text(c.user) ?? "",
                requestID: text(c.request) ?? "", medium: text(c.medium) ?? "",
                serial: rows.int(c.serial), count: rows.int(c.count), effectiveCount: rows.int(c.effective), urgent: rows.int(c.urgent) != 0,
                note: text(c.note), documentDigest: text(c.digest), matterName: text(n.matter), userName: text(n.user),
                bookApprover: text(c.approver), approverName: text(n.approver), deniedBy: text(c.deniedBy), deniedByName: text(n.deniedBy),
                method: text(c.method), denialReason: text(c.denialReason), deniedAt: text(c.deniedAt), recorder: text(c.recorder),
                certificateFingerprint: text(c.fingerprint), statement: text(c.statement), signature: text(c.signature)
            ))
        }
        return lines
    }

    /// A page of the book as the API answers it — `UsePageView`'s bytes, each stored time shown in `timesIn` —
    /// written straight from the rows `sql` (`pageSelect` with a condition, at most `limit` rows) selects: no `BookLine`
    /// or `UseView` is built and no string made of a cell. (A page is a thousand lines of thirty cells; making them
    /// and writing them out again was two thirds of the daemon's time for `book list`.) `UsePageBytesTests` holds it
    /// to the bytes of the `UsePageView` of `Register.useLines` over the same rows.
    static func page(_ db: Database, _ sql: String, _ arguments: StatementArguments, limit: Int, zone: TimeZone, timesIn: TimeZone) throws -> PageBytes {
        let rows = try RawRows(db, sql: sql, arguments: arguments)
        defer { rows.reset() }
        let c = try BookLineColumns(rows)
        guard let correctedColumn = c.corrected else { throw DatabaseError(message: "the page query does not say which lines have corrections") }
        func text(_ i: Int32) -> StoredText? { rows.bytes(i).map(StoredText.init(column:)) }
        var names = try NameMemo.Line(db)
        func name(_ memo: inout NameMemo, _ id: Int32) throws -> StoredText? { try memo.name(rows.bytes(id)).map(StoredText.text) }
        let room = 256
        var out = PageBytes.withRoom(room, capacity: limit * 1280 + 2)
        // A line's corrections are looked up as it is written, for the lines that have them (`corrected`; most have
        // none), and written in place.
        var (count, last) = (0, "")
        while try rows.next("reading the book") {
            if count > 0 { out.append(UInt8(ascii: ",")) }
            let time = text(c.time) ?? .empty
            let local = time.withUTF8Bytes { BookLine.local(stored: $0, zone: zone) }
            let id = rows.text(c.id) ?? ""
            let list = rows.int(correctedColumn) != 0 ? try corrections(db, uses: [id])[id] ?? [] : []
            UseView.writeJSON(
                approver: text(c.approver), approverName: try name(&names.approver, c.approver), caseNumber: text(c.caseNumber) ?? .empty,
                certificateFingerprint: text(c.fingerprint),
                corrections: { out in
                    for (i, correction) in list.enumerated() {
                        if i > 0 { out.append(UInt8(ascii: ",")) }
                        correction.appendJSON(to: &out, localTimesIn: timesIn)
                    }
                },
                count: rows.int(c.effective),
                denial: text(c.deniedBy).map { (text(c.deniedAt) ?? .empty, $0, text(c.denialReason) ?? .empty) }, deniedByName: try name(&names.deniedBy, c.deniedBy),
                documentDigest: text(c.digest), id: .text(id), localDate: local.date, localTime: local.time,
                matter: text(c.matter) ?? .empty, matterName: try name(&names.matter, c.matter) ?? .empty, medium: text(c.medium) ?? .empty, note: text(c.note),
                reason: text(c.reason) ?? .empty, recordedCount: rows.int(c.count), recorder: text(c.recorder), request: text(c.request) ?? .empty,
                seal: text(c.seal) ?? .empty, sealName: try name(&names.seal, c.seal) ?? .empty, serial: rows.int(c.serial), signature: text(c.signature),
                statement: text(c.statement), time: time, urgent: rows.int(c.urgent) != 0, user: text(c.user) ?? .empty,
                userName: try name(&names.user, c.user) ?? .empty, localTimesIn: timesIn, into: &out
            )
            (count, last) = (count + 1, id)
        }
        UsePageView.close(&out)
        var head: [UInt8] = []
        UsePageView.open(next: count == limit ? last : nil, &head)
        return PageBytes.finished(&out, room: room, head: head)
    }

    /// The lines of a page of the book as the paper register shows it and the page's close (`BookLinesPage`'s bytes
    /// after its head) from the rows `sql` (`linesSelect` with a condition, at most `limit` rows) selects, and the
    /// next page's cursor (the last line's id when there are `limit`): each line's cells made as an export makes
    /// them (`BookLine.exportLine`, dates and times in `zone`), so they read the same on screen as on paper.
    static func linesPage(
        _ db: Database, _ sql: String, _ arguments: StatementArguments, limit: Int, zone: TimeZone, headers: BookTable.Headers
    ) throws -> (lines: [UInt8], next: String?) {
        let rows = try RawRows(db, sql: sql, arguments: arguments)
        defer { rows.reset() }
        var names = try NameMemo.Line(db)
        let (text, int) = (rows.text, rows.int)
        var out: [UInt8] = []
        out.reserveCapacity(limit * 320 + 2)
        var (count, last) = (0, "")
        while try rows.next("reading the book") {
            if count > 0 { out.append(UInt8(ascii: ",")) }
            // A line's 更正 cell needs its corrections: looked up for the lines that have them (most have none).
            let id = text(0) ?? ""
            let line = BookLine.exportLine(
                serial: int(1), time: text(2) ?? "", sealName: try names.seal.name(rows.bytes(15)) ?? "", reason: text(3) ?? "",
                approver: text(12), approverName: try names.approver.name(rows.bytes(12)), deniedBy: text(13),
                deniedByName: try names.deniedBy.name(rows.bytes(13)), urgent: int(9) != 0, user: text(4) ?? "",
                userName: try names.user.name(rows.bytes(4)), count: int(5), effectiveCount: int(6), matterCode: text(7) ?? "",
                matterName: try names.matter.name(rows.bytes(7)), caseNumber: text(8) ?? "", method: text(14), note: text(10), documentDigest: text(11),
                corrections: int(16) != 0 ? try corrections(db, uses: [id])[id] ?? [] : [], headers: headers, zone: zone
            )
            BookLinesPage.append(row: line.line, headers, to: &out)
            (count, last) = (count + 1, id)
        }
        BookLinesPage.close(&out)
        return (out, count == limit ? last : nil)
    }

    /// The corrections of the given uses, in order, with the corrector's name: one query for all of them.
    static func corrections(_ db: Database, uses ids: [String]) throws -> [String: [UseView.Correction]] {
        guard !ids.isEmpty else { return [:] }
        var found: [String: [UseView.Correction]] = [:]
        // SQLite binds at most 32,766 parameters; pages are far smaller, but chunk anyway.
        for start in stride(from: 0, to: ids.count, by: 5000) {
            let chunk = Array(ids[start..<min(start + 5000, ids.count)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT c.*, st.name AS by_name FROM use_correction c LEFT JOIN staff st ON st.id = c.corrected_by WHERE c.use_id IN (\(marks)) ORDER BY c.id"),
                arguments: StatementArguments(chunk)
            ) {
                found[row["use_id"], default: []].append(
                    UseView.Correction(count: row["new_count"], reason: row["reason"], by: row["corrected_by"], byName: row["by_name"], at: row["at"])
                )
            }
        }
        return found
    }

    /// The 序号 range of a seal's uses inside the window: the first and last by time, looked up on the (seal, time)
    /// index, so a window at the end of a long book does not walk its beginning. Nil when the window holds none.
    static func serials(_ db: Database, seal: String, lower: String, upper: String) throws -> ClosedRange<Int>? {
        guard
            let first = try Int.fetchOne(db.cachedStatement(sql: "SELECT serial FROM use_record WHERE seal_id = ? AND time >= ? AND time < ? ORDER BY time, serial LIMIT 1"), arguments: [seal, lower, upper]),
            let last = try Int.fetchOne(db.cachedStatement(sql: "SELECT serial FROM use_record WHERE seal_id = ? AND time >= ? AND time < ? ORDER BY time DESC, serial DESC LIMIT 1"), arguments: [seal, lower, upper])
        else { return nil }
        // Lines are numbered in the order they were written; a signed use's time is taken when its statement was
        // built, so times may step back a little against serials: cover both ends.
        return min(first, last)...max(first, last)
    }
}
