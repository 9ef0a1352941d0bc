import Foundation
import Hummingbird
import SealCore
import SealWire
import SealInterchange
import SealStore

/// `/v1/matters`: the catalogue. Import needs `admin`; any role reads.
struct MatterRoutes {
    let register: Register

    func addRoutes(to router: Router<SealRequestContext>) {
        // The body is the catalogue CSV itself: text/csv in the declared charset (utf-8 or gb18030), or detected.
        router.post("/v1/matters/import") { request, context in
            let caller = try context.caller(requiring: .admin)
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            var declared: CatalogueText.Encoding?
            if let charset = request.headers[.contentType].flatMap(Self.charset) {
                guard let encoding = CatalogueText.Encoding(charset: charset) else {
                    throw SealError(.invalidCatalogue, "charset \"\(charset)\" is not supported; send utf-8 or gb18030")
                }
                declared = encoding
            }
            guard let text = CatalogueText.decode(Array(buffer.readableBytesView), declared: declared) else {
                throw SealError(
                    .invalidCatalogue,
                    declared.map { "the catalogue is not \($0.rawValue) text" } ?? "the catalogue is neither UTF-8 nor GB18030 text (save it from Excel or WPS as CSV UTF-8)"
                )
            }
            let parsed = MatterCatalogue.parse(text.text)
            let skipInvalid = try request.queryBool("skip_invalid")
            if !parsed.errors.isEmpty && (!skipInvalid || parsed.matters.isEmpty) {
                throw CatalogueRefusal(errors: parsed.errors, encoding: text.encoding.rawValue, encodingDetected: text.detected)
            }
            let upsert = try await register.importMatters(parsed.matters, actor: caller.journalActor)
            return MatterImportView(
                imported: upsert.imported, updated: upsert.updated, unchanged: upsert.unchanged, skipped: parsed.errors.count,
                errors: parsed.errors, encoding: text.encoding.rawValue, encodingDetected: text.detected
            )
        }
        router.get("/v1/matters") { request, context in
            _ = try context.requireCaller()
            let category = try request.queryEnum("category", Matter.Category.self)
            return MatterListView(try await register.matters(category: category))
        }
        router.get("/v1/matters/:code") { _, context in
            _ = try context.requireCaller()
            let code = try context.path("code")
            guard let matter = try await register.matter(code: code) else { throw SealError(.unknownMatter, "no matter \(code)") }
            return matter
        }
    }
}

extension MatterRoutes {
    /// The `charset` parameter of a Content-Type.
    static func charset(_ contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "charset" { return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        return nil
    }
}

