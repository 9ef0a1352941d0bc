import SealCore

extension BookTable.Line {
    /// A line whose cells hold what each format must escape or neutralise — CSV's comma, quotes and formula start,
    /// markup, a control character, U+FFFE — numbered `number`, for comparing a format's direct writer with its
    /// cell-by-cell rule.
    static func awkward(_ number: Int) -> BookTable.Line {
        BookTable.Line(
            serial: number, date: "2026-11-21", time: "14:39:57", sealName: "章,<一>", reason: "=<script>\"说\"&明\u{1}</script>", approver: "",
            user: "王五(S003)", count: number, matterCode: "XK-001", matterName: "名", caseNumber: "-1", method: "委托办理",
            urgent: number % 2 == 0, corrections: "2 →1 作废 (张三(S001), 2026-11-22)", note: "a\u{FFFE}b", documentDigest: "ab"
        )
    }
}
