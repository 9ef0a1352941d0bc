/// The usage book (印章使用登记本) as inspectors read it: the paper register's columns, in its order, and the
/// cell text of one line. Every export format (CSV, XLSX, HTML) lays out these cells.
public enum BookTable {
    public enum Headers: String, Sendable, CaseIterable {
        case chinese = "zh", english = "en"
    }

    public static func columns(_ headers: Headers) -> [String] {
        switch headers {
        case .chinese:
            ["序号", "日期", "时间", "印章名称", "事由", "批准人", "用印人", "用印数", "事项编码", "事项名称", "办件编号", "实施方式", "紧急", "更正", "备注", "文件摘要"]
        case .english:
            ["No.", "Date", "Time", "Seal", "Reason", "Approver", "User", "Count", "Matter code", "Matter", "Case number", "Method", "Urgent", "Corrections", "Note", "Document SHA-256"]
        }
    }

    /// Column widths (in character units) that fit Chinese text, for spreadsheets.
    public static let widths: [Double] = [6, 11, 9, 30, 30, 18, 14, 7, 12, 30, 16, 10, 6, 30, 16, 66]

    /// One line of the book, as cell text.
    public struct Line: Sendable, Equatable {
        public var serial: Int
        public var date: String
        public var time: String
        public var sealName: String
        public var reason: String
        public var approver: String
        public var user: String
        public var count: Int
        public var matterCode: String
        public var matterName: String
        public var caseNumber: String
        public var method: String
        public var urgent: Bool
        public var corrections: String
        /// 备注: what the custodian noted at the use (补盖, …).
        public var note: String
        public var documentDigest: String

        public init(
            serial: Int, date: String, time: String, sealName: String, reason: String, approver: String, user: String, count: Int,
            matterCode: String, matterName: String, caseNumber: String, method: String, urgent: Bool, corrections: String,
            note: String = "", documentDigest: String
        ) {
            self.note = note
            self.serial = serial
            self.date = date
            self.time = time
            self.sealName = sealName
            self.reason = reason
            self.approver = approver
            self.user = user
            self.count = count
            self.matterCode = matterCode
            self.matterName = matterName
            self.caseNumber = caseNumber
            self.method = method
            self.urgent = urgent
            self.corrections = corrections
            self.documentDigest = documentDigest
        }

        /// The cells in the columns' order, handed to `writer` one by one: the one place that order is written down.
        /// An export writes a line's cells straight into its output (no array of strings per line).
        public func write(to writer: inout some CellWriter, _ headers: Headers) {
            writer.number(serial)
            writer.text(date)
            writer.text(time)
            writer.text(sealName)
            writer.text(reason)
            writer.text(approver)
            writer.text(user)
            writer.number(count)
            writer.text(matterCode)
            writer.text(matterName)
            writer.text(caseNumber)
            writer.text(method)
            writer.text(urgent ? (headers == .chinese ? "是" : "yes") : "")
            writer.text(corrections)
            writer.text(note)
            writer.text(documentDigest)
        }

        public func cells(_ headers: Headers) -> [String] {
            var cells = TextCells()
            write(to: &cells, headers)
            return cells.cells
        }
    }

    /// Where `Line.write(to:_:)` puts a line's cells; numbers (序号, 用印数) are told apart for formats that keep them
    /// as numbers.
    public protocol CellWriter {
        mutating func text(_ cell: String)
        mutating func number(_ cell: Int)
    }

    /// A line's cells as text.
    struct TextCells: CellWriter {
        var cells: [String] = []
        init() { cells.reserveCapacity(16) }
        mutating func text(_ cell: String) { cells.append(cell) }
        mutating func number(_ cell: Int) { cells.append(String(cell)) }
    }

    /// Index of 用印数 and of the document digest in `columns`.
    public static let countColumn = 7
    public static let digestColumn = 15

    /// A person as the paper book names them: `张三(S001)`; a Unix account that is no staff member by its login name.
    public static func person(name: String?, id: String?) -> String {
        guard let id, !id.isEmpty else { return "" }
        if id.hasPrefix("user:") { return String(id.dropFirst(5)) }
        guard let name, !name.isEmpty else { return id }
        return "\(name)(\(id))"
    }

    /// 批准人: who approved; for an urgent use whose request was denied, that it was denied and by whom (the most
    /// serious line a book can hold); for one still waiting, that it is waiting.
    public static func approver(_ approver: String, denied deniedBy: String, urgent: Bool, _ headers: Headers) -> String {
        if !approver.isEmpty { return approver }
        if !deniedBy.isEmpty { return (headers == .chinese ? "已驳回 by " : "denied by ") + deniedBy }
        return urgent ? (headers == .chinese ? "(待批)" : "(pending)") : ""
    }

    /// One correction (更正) as the book shows it: the new count, why, who and on which local day.
    public struct Correction: Sendable, Equatable {
        public var count: Int
        public var reason: String
        public var by: String
        public var day: String
        public init(count: Int, reason: String, by: String, day: String) {
            self.count = count
            self.reason = reason
            self.by = by
            self.day = day
        }
    }

    /// 更正: the count as recorded, then each correction in order (`2 →1 多盖一份作废 (张三(S001), 2026-11-22)`).
    public static func corrections(recorded: Int, _ corrections: [Correction]) -> String {
        guard !corrections.isEmpty else { return "" }
        return ([String(recorded)] + corrections.map { "→\($0.count) \($0.reason) (\($0.by), \($0.day))" }).joined(separator: " ")
    }

    /// 实施方式 of a delegated matter.
    public static func methodName(_ method: String?, _ headers: Headers) -> String {
        switch (method, headers) {
        case ("handling", .chinese): "委托办理"
        case ("acceptance", .chinese): "委托受理"
        case (let m?, _): m
        case (nil, _): ""
        }
    }
}
