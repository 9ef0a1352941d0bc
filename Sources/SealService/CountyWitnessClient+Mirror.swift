import AsyncHTTPClient
import CompressNIO
import Foundation
import NIOCore
import SealBook

extension CountyWitnessClient {
    /// Raw bytes of packages per request: a week offline is sent as a run of bounded requests, each answered 202 with
    /// the mirror's new position until the last is answered 200.
    static let uploadBytes = 1 << 20

    /// Uploads entries `[next, size)` to the county's mirror, `size` being the checkpoint the witness just cosigned
    /// (the mirror's pending checkpoint). Resumes from the position the mirror states in its 409 and 202 answers.
    func upload(_ http: HTTPClient, through size: Int) async -> Outcome {
        var answersWithoutProgress = 0
        while answersWithoutProgress < 3 {
            do {
                guard let next = mirrored else {
                    // Nothing known yet: an empty upload (0, 0) makes the mirror state its position.
                    let (status, text) = try await post(http, AddEntriesRequest.header(origin: register.origin, start: 0, end: 0, ticket: []))
                    guard status == 409 || status == 202, let info = MirrorInfo(parsing: text) else {
                        return mirrorFailed("\(status): \(text.prefix(200))")
                    }
                    mirrored = info.next
                    answersWithoutProgress += 1
                    continue
                }
                guard next <= size else { return .done }
                var body = AddEntriesRequest.header(origin: register.origin, start: next, end: size, ticket: [])
                var sent = next
                for range in AddEntriesRequest.packageRanges(start: next, end: size) {
                    let entries = try await register.journalEntries(after: range.lowerBound, through: range.upperBound)
                    let proof = range.upperBound == size
                        ? [] : try await register.consistencyProof(from: range.upperBound, to: size).hashes.compactMap(TreeHash.init(hex:))
                    body += AddEntriesRequest.package(.init(entries: entries, proof: proof))
                    sent = range.upperBound
                    if body.count >= Self.uploadBytes { break }
                }
                let (status, text) = try await post(http, body)
                switch status {
                case 200:
                    mirrored = size
                    mirrorError = nil
                    return .done
                case 202, 409:
                    guard let info = MirrorInfo(parsing: text) else { return mirrorFailed("\(status) without mirror info: \(text.prefix(200))") }
                    if info.next > next { answersWithoutProgress = 0 } else { answersWithoutProgress += 1 }
                    mirrored = info.next
                    // The mirror holds another pending checkpoint than the one just cosigned: the next round sends it.
                    if status == 409 && info.pendingSize != size && info.next >= sent { return .done }
                default:
                    return mirrorFailed("\(status): \(text.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))")
                }
            } catch {
                return mirrorFailed("\(error)")
            }
        }
        return mirrorFailed("the mirror's position did not move in three answers (it holds \(mirrored ?? 0))")
    }

    /// One add-entries request, gzip-compressed as the spec recommends.
    private func post(_ http: HTTPClient, _ body: [UInt8]) async throws -> (Int, String) {
        var plain = ByteBuffer(bytes: body)
        var request = HTTPClientRequest(url: link.url + "/add-entries")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/octet-stream")
        request.headers.add(name: "Content-Encoding", value: "gzip")
        request.body = .bytes(try plain.compress(with: .gzip()))
        let response = try await http.execute(request, timeout: .seconds(120))
        return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 64 * 1024)))
    }

    private func mirrorFailed(_ error: String) -> Outcome {
        if mirrorError != error { logger.warning("county mirror: upload failed", metadata: ["error": "\(error)"]) }
        mirrorError = error
        return .failed
    }
}
