import Foundation
import SealBook
import SealCore
import SealWire

/// The county inspector's anomalies across townships, in the township report's form (kind, title, subject, evidence).
enum CountyAnomalies {
    /// One `fork` finding per township, each piece of evidence one contradiction the witness kept.
    static func findings(forks: [ForkEvidenceView]) -> [AnomalyFinding] {
        var order: [String] = []
        var byTownship: [String: [Anomaly.Evidence]] = [:]
        for fork in forks {
            if byTownship[fork.township] == nil { order.append(fork.township) }
            let cosigned = SignedNote(parsing: fork.cosignedCheckpoint).flatMap { Checkpoint(noteText: $0.text) }
            let conflicting = SignedNote(parsing: fork.conflictingCheckpoint).flatMap { Checkpoint(noteText: $0.text) }
            let detail = "\(fork.reason): cosigned size \(cosigned.map { "\($0.size) root \($0.root.hex.prefix(16))…" } ?? "?"), "
                + "contradicted by size \(conflicting.map { "\($0.size) root \($0.root.hex.prefix(16))…" } ?? "?") (sealctl county forks shows both notes)"
            byTownship[fork.township, default: []].append(
                Anomaly.Evidence(ref: "fork \(fork.id)", time: fork.detectedAt.formatted(.iso8601), staff: nil, seal: nil, detail: detail)
            )
        }
        return order.map { township in
            let evidence = byTownship[township]!
            return AnomalyFinding(kind: Anomaly.Kind.fork.rawValue, title: Anomaly.Kind.fork.title, subject: township, count: evidence.count, evidence: evidence)
        }
    }
}
