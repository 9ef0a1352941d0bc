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
        out.append(literal: #"{"detail":"#)
        JSONValue.writeString(detail, into: &out)
        out.append(literal: #","ref":"#)
        JSONValue.writeString(ref, into: &out)
        if let seal {
            out.append(literal: #","seal":"#)
            JSONValue.writeString(seal, into: &out)
        }
        if let staff {
            out.append(literal: #","staff":"#)
            JSONValue.writeString(staff, into: &out)
        }
        out.append(literal: #","time":"#)
        var stored = time
        stored.withUTF8 { JSONValue.writeTime(stored: $0, zone: zone, into: &out) }
        out.append(UInt8(ascii: "}"))
    }
}
