import Foundation
import SealBook
import SealCore

/// Writes the self-contained bundle (`BundleLine`, JSON Lines) that `sealctl book verify` checks offline. The same
/// range and checkpoint always give the same bytes.
public enum BookBundle {
    /// Journal entries with sequence numbers in `from…to`, at most `limit`: (seq, canonical entry text, leaf hash).
    public typealias Slices = @Sendable (_ from: Int, _ to: Int, _ limit: Int) async throws -> [(seq: Int, entry: String, leaf: TreeHash)]

    public static func write(head: BundleHead, filter: BookFilter, slices: Slices, to out: inout some ExportSink) async throws {
        func line(_ line: BundleLine) async throws { try await out.write(bytes: line.bytes) }
        try await line(.header(.init(
            origin: head.origin, size: head.size, first: head.begin + 1, last: head.end,
            from: filter.from?.description, to: filter.to?.description
        )))
        try await line(.key(vkey: head.verifierKey))
        try await line(.checkpoint(note: head.checkpointNote))
        for c in head.certificates { try await line(.certificate(seal: c.seal, fingerprint: c.fingerprint, der: c.der)) }
        try await line(.left(head.left))
        var next = head.begin + 1
        while next <= head.end {
            let page = try await slices(next, head.end, 2000)
            guard let last = page.last else { break }
            for entry in page { try await line(.entry(seq: entry.seq, entry: entry.entry, leaf: entry.leaf)) }
            next = last.seq + 1
        }
        try await line(.right(head.right))
    }
}
