#if canImport(Glibc)
import Glibc
#endif
import Crypto
import Foundation
import Logging
import SealBook
import SealCore
import SealWire
import SealStore
import ServiceLifecycle
import SmartCard

/// The daemon's view of key cards: which readers hold which cards (from the PC/SC monitor), which seals they are
/// bound to, and which are unlocked. It journals insertions and removals, keeps unlocked PINs in locked memory, and
/// runs every card operation (read certificate, VERIFY, GENERAL AUTHENTICATE) off the cooperative pool.
public actor CardService: Service {
    let settings: PCSCSettings
    let register: Register
    let logger: Logger
    private let monitor: ReaderMonitor?
    private let operations = CardOperations()
    private var readers: [ReaderSnapshot] = []
    private var unavailable: String?
    private var unlocks: [String: Unlock] = [:]
    /// Kept PINs a sign is using on the card thread right now.
    private var loans = SecretLoans()

    /// A card whose PIN the daemon holds, for one seal, until `until` (or lock, removal, shutdown).
    struct Unlock {
        let secret: LockedSecret
        let fingerprint: String
        let reader: String
        let by: String?
        let until: Date
    }

    /// Events the monitor causes are journaled as the daemon's own.
    static var daemonActor: JournalActor { JournalActor(staff: nil, user: "sealkeeperd", uid: getuid()) }

    public init(settings: PCSCSettings, register: Register, logger: Logger) {
        self.settings = settings
        self.register = register
        self.logger = logger
        monitor = settings.enabled ? ReaderMonitor(readerFilter: settings.readers, logger: logger) : nil
        unavailable = settings.enabled ? "waiting for pcscd" : "disabled in [pcsc]"
    }

    public func run() async throws {
        guard let monitor else {
            try? await gracefulShutdown()
            return
        }
        // The monitor ends its update stream at graceful shutdown, which ends this loop. The unlock timer is a child
        // task beside it, outside the monitor's group so that a monitor failure never stops unlocks from lapsing,
        // and it is ended once the monitor is done.
        try await withThrowingTaskGroup(of: Void.self) { timers in
            timers.addTask { await self.expireUnlocks() }
            defer { timers.cancelAll() }
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await monitor.run() }
                for await update in monitor.updates {
                    await apply(update)
                }
            }
        }
        for seal in unlocks.keys.sorted() {
            await lock(seal: seal, reason: "shutdown", actor: Self.daemonActor)
        }
    }

    // MARK: - Readers

    private func apply(_ update: ReaderUpdate) async {
        guard case .readers(let now) = update else {
            // pcscd is gone: what the readers hold is unknown, not removed. The next list is compared with the
            // last one seen, so a card that stayed put across a pcscd restart makes no event.
            if case .unavailable(let why) = update { unavailable = why }
            return
        }
        let before = readers
        readers = now
        unavailable = nil
        let bindings = (try? await register.cardBindings()) ?? []
        func seal(_ fingerprint: String?) -> String? {
            bindings.first { $0.fingerprint == fingerprint }?.seal
        }
        for old in before where old.present {
            let new = now.first { $0.reader == old.reader }
            if let new, new.present, new.atr == old.atr, new.certificate == old.certificate { continue }
            let fingerprint = old.certificate?.fingerprint
            await journal(.init(what: .removed, reader: old.reader, fingerprint: .some(fingerprint), seal: .some(seal(fingerprint))),
                          subject: bindings.first { $0.fingerprint == fingerprint }?.seal ?? old.reader)
            for (sealID, unlock) in unlocks where unlock.fingerprint == fingerprint {
                await lock(seal: sealID, reason: "card-removed", actor: Self.daemonActor)
            }
        }
        for new in now where new.present {
            let old = before.first { $0.reader == new.reader }
            if let old, old.present, old.atr == new.atr, old.certificate == new.certificate { continue }
            let fingerprint = new.certificate?.fingerprint
            await journal(
                .init(what: .inserted, reader: new.reader, atr: hex(new.atr), fingerprint: .some(fingerprint),
                      subject: .some(new.certificate?.subject), seal: .some(seal(fingerprint))),
                subject: bindings.first { $0.fingerprint == fingerprint }?.seal ?? new.reader
            )
        }
    }

    private func journal(_ event: JournalEvent.CardObserved, subject: String?, actor: JournalActor = CardService.daemonActor) async {
        do {
            try await register.journalCardEvent(event, subject: subject, actor: actor)
        } catch {
            logger.error("cannot journal card event", metadata: ["kind": "\(event.what.rawValue)", "error": "\(error)"])
        }
    }

    /// Where the bound card is now: its reader, or why it cannot be used.
    private func locate(_ binding: CardBinding) throws -> String {
        if let unavailable { throw SealError(.pcscUnavailable, "PC/SC is unavailable: \(unavailable)") }
        if let reader = readers.first(where: { $0.present && $0.certificate?.fingerprint == binding.fingerprint }) {
            return reader.reader
        }
        if let other = readers.first(where: { $0.present && $0.reader == binding.reader }) {
            throw SealError(
                .cardMismatch,
                "the card in \(other.reader) is not seal \(binding.seal)'s card (it holds \(other.certificate.map { "certificate \($0.fingerprint.prefix(16))…" } ?? "no PIV certificate"); the bound card is \(binding.fingerprint.prefix(16))…)"
            )
        }
        throw SealError(.cardAbsent, "seal \(binding.seal)'s card (\(binding.fingerprint.prefix(16))…) is not in any reader")
    }

    // MARK: - Listing

    public func listing() async throws -> CardListView {
        let bindings = try await register.cardBindings()
        let now = Date()
        func unlock(_ seal: String?) -> Unlock? { seal.flatMap { unlocks[$0] }.flatMap { $0.until > now ? $0 : nil } }
        let readerRows = readers.map { r in
            let seal = bindings.first { $0.fingerprint == r.certificate?.fingerprint && r.present }?.seal
            return CardListView.Reader(
                reader: r.reader, present: r.present, atr: r.present ? hex(r.atr) : nil, subject: r.certificate?.subject,
                fingerprint: r.certificate?.fingerprint, problem: r.problem, seal: seal, unlocked: unlock(seal) != nil,
                unlockedUntil: unlock(seal).map { JournalClock.timestamp($0.until) }
            )
        }
        let sealRows = bindings.map { b in
            let reader = readers.first { $0.present && $0.certificate?.fingerprint == b.fingerprint }?.reader
            return CardListView.BoundSeal(
                seal: b.seal, fingerprint: b.fingerprint, subject: b.subject, present: reader != nil, reader: reader,
                unlocked: unlock(b.seal) != nil, unlockedUntil: unlock(b.seal).map { JournalClock.timestamp($0.until) },
                unlockedBy: unlock(b.seal)?.by
            )
        }
        return CardListView(available: unavailable == nil, message: unavailable, readers: readerRows, seals: sealRows)
    }

    /// Cards whose PIN is held now (unlocked and not timed out).
    public var unlockedCount: Int {
        let now = Date()
        return unlocks.values.filter { $0.until > now }.count
    }

    public func health() -> CardHealthView {
        CardHealthView(
            enabled: settings.enabled, available: unavailable == nil, message: unavailable, readers: readers.count,
            cards: readers.filter(\.present).count
        )
    }

    // MARK: - Card operations

    /// Reads the 9C certificate of the card in `reader` now (for binding).
    public func certificate(reader: String) async throws -> CardCertificate {
        if let unavailable { throw SealError(.pcscUnavailable, "PC/SC is unavailable: \(unavailable)") }
        guard let snapshot = readers.first(where: { $0.reader == reader }) else {
            throw SealError(.unknownReader, "no reader \"\(reader)\"; readers: \(readers.map(\.reader).joined(separator: ", "))")
        }
        guard snapshot.present else { throw SealError(.cardAbsent, "no card in \(reader)") }
        do {
            let der = try await operations.withCard(reader: reader) { piv throws(SmartCardError) in
                try piv.select()
                return try piv.certificate9C()
            }
            return try CardCertificate(der: der)
        } catch {
            throw Self.refusal(error)
        }
    }

    /// Verifies `pin` on the seal's card and keeps it (locked memory) for `[pcsc] unlock_timeout`.
    public func unlock(seal: Seal, pin: LockedSecret, actor: JournalActor) async throws -> CardListView.BoundSeal {
        guard actor.staff == seal.custodian else {
            throw SealError(.notCustodian, "only seal \(seal.id)'s custodian (\(seal.custodian)) unlocks its card")
        }
        guard let binding = try await register.cardBinding(seal: seal.id) else {
            throw SealError(.cardNotBound, "seal \(seal.id) has no key card bound (seal bind-card)")
        }
        let reader = try locate(binding)
        do {
            try await operations.withCard(reader: reader) { piv throws(SmartCardError) in
                try piv.select()
                try Self.checkCard(piv, binding)
                try pin.withBytes { bytes throws(SmartCardError) in try piv.verify(pin: bytes) }
            }
        } catch {
            throw Self.refusal(error)
        }
        let until = Date().addingTimeInterval(settings.unlockTimeout)
        let unlock = Unlock(secret: pin, fingerprint: binding.fingerprint, reader: reader, by: actor.staff, until: until)
        unlocks[seal.id] = unlock
        await journal(
            .init(what: .unlocked, reader: reader, fingerprint: .some(binding.fingerprint), seal: .some(seal.id), until: JournalClock.timestamp(until)),
            subject: seal.id, actor: actor
        )
        return CardListView.BoundSeal(
            seal: seal.id, fingerprint: binding.fingerprint, subject: binding.subject, present: true, reader: reader, unlocked: true,
            unlockedUntil: JournalClock.timestamp(until), unlockedBy: actor.staff
        )
    }

    /// Locks every card whose unlock has lapsed (`[pcsc] unlock_timeout`), checking each second until cancelled.
    private func expireUnlocks() async {
        while !Task.isCancelled {
            let now = Date()
            for (seal, unlock) in unlocks.sorted(by: { $0.key < $1.key }) where unlock.until <= now {
                await lock(seal: seal, reason: "timeout", actor: Self.daemonActor)
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// Forgets the seal's PIN (wiped at once, or as soon as a sign using it is done) and journals why. Returns whether it was unlocked.
    @discardableResult
    public func lock(seal: String, reason: String, actor: JournalActor) async -> Bool {
        guard let unlock = unlocks.removeValue(forKey: seal) else { return false }
        loans.forget(unlock.secret)
        await journal(
            .init(what: .locked, reader: unlock.reader, fingerprint: .some(unlock.fingerprint), seal: .some(seal), reason: reason),
            subject: seal, actor: actor
        )
        return true
    }

    /// Has the seal's card sign the statement: VERIFY with the kept PIN, then GENERAL AUTHENTICATE over its SHA-256.
    /// Returns the DER signature, checked against the bound certificate before it leaves.
    public func sign(_ plan: Register.SignedUsePlan) async throws -> [UInt8] {
        let binding = plan.binding
        let sealID = plan.statement.seal
        let reader = try locate(binding)
        guard let unlock = unlocks[sealID], unlock.fingerprint == binding.fingerprint else {
            throw SealError(.cardLocked, "seal \(sealID)'s card is locked; its custodian unlocks it (card unlock --seal \(sealID))")
        }
        guard unlock.until > Date() else {
            await lock(seal: sealID, reason: "timeout", actor: Self.daemonActor)
            throw SealError(.cardLocked, "seal \(sealID)'s card unlock expired; its custodian unlocks it again")
        }
        let statement = plan.statement.bytes
        let digest = Array(SHA256.hash(data: statement))
        let signature: [UInt8]
        // A lock that comes while the card works (the lapse timer, a removal) wipes the PIN once the card is done.
        let secret = unlock.secret
        loans.lend(secret)
        defer { loans.giveBack(secret, kept: unlocks[sealID]?.secret === secret) }
        do {
            signature = try await operations.withCard(reader: reader) { piv throws(SmartCardError) in
                try piv.select()
                try Self.checkCard(piv, binding)
                try unlock.secret.withBytes { bytes throws(SmartCardError) in try piv.verify(pin: bytes) }
                return try piv.sign(digest: digest)
            }
        } catch {
            // A PIN the card now refuses is never tried again: the daemon forgets it.
            if case .wrongPIN = error { await lock(seal: sealID, reason: "pin-rejected", actor: Self.daemonActor) }
            if case .pinBlocked = error { await lock(seal: sealID, reason: "card-blocked", actor: Self.daemonActor) }
            throw Self.refusal(error)
        }
        guard let certificate = try? CardCertificate(der: Array(binding.certificate)), certificate.verifies(signature: signature, over: statement) else {
            throw SealError(.cardError, "the card's signature does not verify against seal \(sealID)'s certificate")
        }
        return signature
    }

    /// The card in the reader must be the bound card: same 9C certificate.
    static func checkCard(_ piv: PIVClient<CardConnection>, _ binding: CardBinding) throws(SmartCardError) {
        let der = try piv.certificate9C()
        guard Array(binding.certificate) == der else { throw .wrongCard }
    }

    /// A card failure as the API reports it.
    static func refusal(_ error: SmartCardError) -> SealError {
        switch error {
        case .wrongPIN(let tries):
            return SealError(.wrongPIN, "wrong PIN: \(tries) \(tries == 1 ? "try" : "tries") left before the card blocks", triesLeft: tries)
        case .pinBlocked:
            return SealError(.cardBlocked, "the card's PIN is blocked; the card must be unblocked with its PUK")
        case .invalidPIN(let why):
            return SealError(.invalidField, why)
        case .wrongCard:
            return SealError(.cardMismatch, "the card in the reader is not the seal's bound card")
        case .pcsc(_, .noService), .pcsc(_, .serviceStopped):
            return SealError(.pcscUnavailable, "PC/SC is unavailable: \(error)")
        default:
            if error.isCardGone { return SealError(.cardAbsent, "the card went away: \(error)") }
            return SealError(.cardError, "the card failed: \(error)")
        }
    }
}
