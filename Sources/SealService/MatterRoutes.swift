import Foundation
import Hummingbird
import SealCore
import SealStore

/// `/v1/matters`: the catalogue. Import needs `admin`; any role reads.
struct MatterRoutes {
    let register: Register

    func register(on router: Router<SealRequestContext>) {
        // The body is the catalogue CSV itself (text/csv, UTF-8).
        router.post("/v1/matters/import") { request, context in
            let caller = try context.caller(requiring: .admin)
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
                throw SealError(.invalidCatalogue, .badRequest, "the catalogue is not UTF-8 text")
            }
            return try await register.importMatters(csv: text, skipInvalid: try request.queryBool("skip_invalid"), actor: caller.journalActor)
        }
        router.get("/v1/matters") { request, context in
            _ = try context.requireCaller()
            let category = try request.queryEnum("category", Matter.Category.self)
            return ListResponse(key: "matters", items: try await register.matters(category: category))
        }
        router.get("/v1/matters/:code") { _, context in
            _ = try context.requireCaller()
            let code = try context.path("code")
            guard let matter = try await register.matter(code: code) else { throw SealError(.unknownMatter, .notFound, "no matter \(code)") }
            return matter
        }
    }
}

extension MatterImportResult: ResponseEncodable {}
