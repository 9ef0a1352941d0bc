import SealBook
import SealCore
import SealWire
import SealStore

extension SealRequestContext {
    /// Runs a usage action; any refusal is journaled (kind `refused`, with the caller, action and code) before it
    /// reaches the caller, so no refusal of a request, approval or use goes unrecorded.
    func journalingRefusals<T>(
        _ register: Register, action: String, subject: String?, details: [String: JSONValue] = [:],
        _ body: () async throws -> T
    ) async throws -> T {
        do {
            return try await body()
        } catch let error as SealError {
            let actor = caller?.journalActor ?? JournalActor(staff: nil, user: nil, uid: UInt32.max)
            await register.journalRefusal(action: action, error: error, subject: subject, details: details, actor: actor)
            throw error
        }
    }
}
