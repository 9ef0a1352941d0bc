import Foundation
import SealBook
import SealCore
import SealWire

extension Anomaly.Evidence {
    /// The evidence exactly as the API writes it — `WireJSON`'s encoder (sorted keys, absent optionals left out, no
    /// escaped slashes), then `LocalTimeResponseEncoder` (its stored UTC time in `zone`) — written straight into
    /// `out`. A report over a long period has an entry for every use a rule names, often several; through
    /// Foundation's encoder and the time rewriting they cost more than the rules and the reading together.
    /// `EvidenceJSONTests` holds the two to the same bytes.
    func appendJSON(to out: inout [UInt8], zone: TimeZone) {
        out += #"{"detail":"#.utf8
        JSONValue.writeString(detail, into: &out)
        out += #","ref":"#.utf8
        JSONValue.writeString(ref, into: &out)
        if let seal {
            out += #","seal":"#.utf8
            JSONValue.writeString(seal, into: &out)
        }
        if let staff {
            out += #","staff":"#.utf8
            JSONValue.writeString(staff, into: &out)
        }
        out += #","time":"#.utf8
        var stored = time
        JSONValue.writeString(stored.withUTF8({ LocalTime.rfc3339(stored: $0, zone: zone) }) ?? time, into: &out)
        out += "}".utf8
    }
}
