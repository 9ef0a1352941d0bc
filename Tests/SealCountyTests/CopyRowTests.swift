import NIOCore
import Testing

@testable import SealCounty

@Suite("Journal rows in COPY's text format")
struct CopyRowTests {
    @Test(
        "values are tab-separated, null is \\N, and backslash, tab, newline and carriage return are escaped",
        arguments: [
            (["镇1", "7", nil, "{\"reason\":\"说\\\"明\\\"\"}"] as [String?], "镇1\t7\t\\N\t{\"reason\":\"说\\\\\"明\\\\\"\"}\n"),
            (["a\tb", "c\nd", "e\rf", "\\", ""], "a\\tb\tc\\nd\te\\rf\t\\\\\t\n"),
            ([nil], "\\N\n"),
        ]
    )
    func rows(values: [String?], expected: String) {
        var buffer = ByteBuffer()
        CountyStore.appendCopyRow(values, to: &buffer)
        #expect(buffer.readString(length: buffer.readableBytes) == expected)
    }
}
