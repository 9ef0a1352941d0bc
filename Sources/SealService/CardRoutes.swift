import Foundation
import Hummingbird
import SealBook
import SealCore
import SealWire
import SealStore
import SmartCard

/// Key cards: `/v1/cards` (list, unlock, lock), `/v1/seals/{id}/card` (bind, unbind) and
/// `/v1/requests/{id}/sign` (an electronic seal's use, signed by its card).
struct CardRoutes {
    let register: Register
    let cards: CardService

    func addRoutes(to router: Router<SealRequestContext>) {
        router.get("/v1/cards") { _, context in
            _ = try context.requireCaller()
            return try await cards.listing()
        }
        router.post("/v1/cards/unlock") { request, context in
            var request = request
            var buffer = try await request.collectBody(upTo: context.maxUploadSize)
            // The body holds the PIN: decode it, copy the PIN into locked memory, and overwrite the body.
            defer { buffer.withUnsafeMutableReadableBytes { zeroize($0) } }
            let body: CardUnlock
            do {
                body = try WireJSON.decoder.decode(CardUnlock.self, from: buffer)
            } catch let error as DecodingError {
                throw SealError(.badRequest, "malformed JSON body: \(DecodingErrorDescription(error))")
            }
            let unknown = BodyMemberAudit.unknownMembers(in: buffer, known: CardUnlock.memberNames)
            if !unknown.isEmpty { throw SealError(.badRequest, unknown.map(\.description).joined(separator: "; ")) }
            return try await context.journalingRefusals(register, action: "card.unlock", subject: body.seal, details: ["seal": .string(body.seal)]) {
                let caller = try context.requireCaller()
                guard let seal = try await register.seal(id: body.seal) else { throw SealError(.unknownSeal, "no seal \(body.seal)") }
                let pin: LockedSecret
                do {
                    pin = try Array(body.pin.utf8).withUnsafeBytes { try LockedSecret(copying: $0) }
                } catch {
                    throw SealError(.internalError, "cannot lock memory for the PIN (mlock): raise LimitMEMLOCK")
                }
                return try await cards.unlock(seal: seal, pin: pin, actor: caller.journalActor)
            }
        }
        router.post("/v1/cards/lock") { request, context in
            let caller = try context.requireCaller()
            let body = try await request.decode(as: CardLock.self, context: context)
            guard let seal = try await register.seal(id: body.seal) else { throw SealError(.unknownSeal, "no seal \(body.seal)") }
            guard caller.staffID == seal.custodian || caller.has(.admin) else {
                throw SealError(.notCustodian, "only seal \(seal.id)'s custodian or an admin locks its card")
            }
            let locked = await cards.lock(seal: seal.id, reason: "locked", actor: caller.journalActor)
            return CardLockView(seal: seal.id, wasUnlocked: locked)
        }
        router.post("/v1/seals/:id/card") { request, context in
            let caller = try context.caller(requiring: .admin)
            let id = try context.path("id")
            let body = try await request.decode(as: CardBind.self, context: context)
            guard try await register.seal(id: id) != nil else { throw SealError(.unknownSeal, "no seal \(id)") }
            let certificate = try await cards.certificate(reader: body.reader)
            return created(CardBindingView(try await register.bindCard(
                seal: id, certificate: Data(certificate.der), fingerprint: certificate.fingerprint, subject: certificate.subject,
                reader: body.reader, actor: caller.journalActor
            )))
        }
        router.get("/v1/seals/:id/card") { _, context in
            _ = try context.requireCaller()
            let id = try context.path("id")
            guard try await register.seal(id: id) != nil else { throw SealError(.unknownSeal, "no seal \(id)") }
            guard let binding = try await register.cardBinding(seal: id) else { throw SealError(.cardNotBound, "seal \(id) has no key card") }
            return CardBindingView(binding)
        }
        router.delete("/v1/seals/:id/card") { _, context in
            let caller = try context.caller(requiring: .admin)
            let id = try context.path("id")
            let binding = try await register.unbindCard(seal: id, actor: caller.journalActor)
            await cards.lock(seal: id, reason: "unbound", actor: caller.journalActor)
            return CardBindingView(binding)
        }
        router.post("/v1/requests/:id/sign") { request, context in
            let id = try context.path("id")
            let body = try await request.decode(as: SignRequest.self, context: context)
            return try await context.journalingRefusals(
                register, action: "use.sign", subject: id, details: ["request": .string(id), "count": .int(Int64(body.count ?? 1))]
            ) {
                let caller = try context.caller(requiring: .clerk)
                let plan = try await register.prepareSignedUse(request: id, count: body.count ?? 1, digest: body.digest, note: body.note, actor: caller.journalActor)
                let signature = try await cards.sign(plan)
                let line = try await register.recordSignedUse(plan, signature: signature, actor: caller.journalActor)
                let certificate = try CardCertificate(der: Array(plan.binding.certificate))
                return created(SignedUseView(
                    use: line, statement: Data(plan.statement.bytes).base64EncodedString(), signature: Data(signature).base64EncodedString(),
                    certificate: certificate.pem, certificateFingerprint: certificate.fingerprint
                ))
            }
        }
    }
}

