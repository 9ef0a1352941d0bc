import Foundation
import Synchronization

/// A zone's offset from UTC at an instant, asked of Foundation once per stretch between the zone's transitions.
///
/// `TimeZone.secondsFromGMT(for:)` looks the instant up in the zone's rules each time (about a microsecond); every
/// export line, report fact and office-hours check needs it, and consecutive instants nearly always fall in the same
/// stretch, so the offset found is kept with the stretch it holds for: from the instant asked up to the zone's next
/// transition. `ZoneOffsetsTests` holds it to Foundation's answer in zones with and without daylight saving.
public enum ZoneOffsets {
    struct Stretch {
        var zone: String
        var from: Date
        var until: Date
        var seconds: Int
    }

    /// The few zones in use (the register's, the caller's), most recently found last.
    private static let known = Mutex<[Stretch]>([])

    /// `zone.secondsFromGMT(for: date)`.
    public static func seconds(_ zone: TimeZone, at date: Date) -> Int {
        let name = zone.identifier
        if let seconds = known.withLock({ stretches in stretches.last { $0.from <= date && date < $0.until && $0.zone == name }?.seconds }) {
            return seconds
        }
        let seconds = zone.secondsFromGMT(for: date)
        let until = zone.nextDaylightSavingTimeTransition(after: date) ?? .distantFuture
        known.withLock { stretches in
            // An earlier instant of a stretch already known widens it; otherwise the zone's stretch is replaced.
            if let i = stretches.firstIndex(where: { $0.zone == name && $0.until == until && $0.seconds == seconds }) {
                stretches[i].from = min(stretches[i].from, date)
                return
            }
            stretches.removeAll { $0.zone == name }
            stretches.append(Stretch(zone: name, from: date, until: until, seconds: seconds))
            if stretches.count > 8 { stretches.removeFirst() }
        }
        return seconds
    }
}
