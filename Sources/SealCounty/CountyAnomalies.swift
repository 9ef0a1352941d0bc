import Foundation
import SealBook
import SealCore
import SealWire

/// The county inspector's anomalies across townships, in the township report's form (kind, title, subject, evidence).
enum CountyAnomalies {
    /// One finding per township and kind — `fork` (contradicting checkpoints) or `rollback` (an older checkpoint
    /// than one cosigned) — each piece of evidence one pair of signed checkpoints the witness kept.
    static func findings(forks: [ForkEvidenceView]) -> [AnomalyFinding] {
        var order: [Key] = []
        var byTownship: [Key: [Anomaly.Evidence]] = [:]
        for fork in forks {
            let key = Key(township: fork.township, kind: fork.reason == "rolled-back" ? .rollback : .fork)
            if byTownship[key] == nil { order.append(key) }
            let cosigned = SignedNote(parsing: fork.cosignedCheckpoint).flatMap { Checkpoint(noteText: $0.text) }
            let conflicting = SignedNote(parsing: fork.conflictingCheckpoint).flatMap { Checkpoint(noteText: $0.text) }
            let detail = "\(fork.reason): cosigned size \(cosigned.map { "\($0.size) root \($0.root.hex.prefix(16))…" } ?? "?"), "
                + "\(fork.reason == "rolled-back" ? "then sent" : "contradicted by") size \(conflicting.map { "\($0.size) root \($0.root.hex.prefix(16))…" } ?? "?") (sealctl county forks shows both notes)"
            byTownship[key, default: []].append(
                Anomaly.Evidence(ref: "fork \(fork.id)", time: fork.detectedAt.formatted(.iso8601), staff: nil, seal: nil, detail: detail)
            )
        }
        return order.map { key in
            let evidence = byTownship[key]!
            return AnomalyFinding(kind: key.kind.rawValue, title: key.kind.title, subject: key.township, count: evidence.count, evidence: evidence)
        }
    }

    struct Key: Hashable {
        var township: String
        var kind: Anomaly.Kind
    }

    /// The county's own findings: forks and rollbacks, townships silent beyond `max_silence`, cosigned entries not
    /// mirrored beyond `max_lag`.
    static func countyFindings(store: CountyStore, configuration: CountyConfiguration) async throws -> [AnomalyFinding] {
        var found = findings(forks: try await store.forks())
        let now = Date()
        let added = Dictionary(try await store.townships().map { ($0.origin, $0.addedAt) }, uniquingKeysWith: { a, _ in a })
        for view in try await store.witnessViews() {
            if let silent = AnomalyRules.silentTownship(
                name: view.name, lastContact: view.lastContact, addedAt: added[view.origin] ?? now, maxSilence: configuration.maxSilence, now: now,
                zone: configuration.timeZone
            ) {
                found.append(AnomalyFinding(silent))
            }
            if let lag = AnomalyRules.mirrorLag(
                name: view.name, cosigned: view.cosignedSize, cosignedAt: view.cosignedAt, mirrored: view.mirroredSize, maxLag: configuration.maxMirrorLag,
                now: now, zone: configuration.timeZone
            ) {
                found.append(AnomalyFinding(lag))
            }
        }
        return found
    }
}
