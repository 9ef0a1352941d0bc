import SealCore
/// RFC 4180 records with the physical line each starts on, so catalogue errors can name lines as an editor
/// shows them. Accepts a UTF-8 BOM, CRLF or LF line ends, quoted fields with commas, quotes and line breaks.
///
/// Hand-written because the CSV libraries on hand report record numbers, not source lines.
public struct CSVRecordReader: Sequence {
    public struct Record: Sendable, Equatable {
        public var line: Int
        public var fields: [String]
    }

    public enum Failure: Error, Equatable, Sendable {
        case unterminatedQuote(line: Int)
        case textAfterQuote(line: Int)
    }

    let scalars: [Unicode.Scalar]

    public init(_ text: String) {
        var s = Array(text.unicodeScalars)
        if s.first == "\u{FEFF}" { s.removeFirst() }
        scalars = s
    }

    /// All records, skipping blank lines; throws on malformed quoting.
    public func records() throws(Failure) -> [Record] {
        var out: [Record] = []
        var i = 0
        var line = 1
        let n = scalars.count
        while i < n {
            let startLine = line
            var fields: [String] = []
            var field = String.UnicodeScalarView()
            var atFieldStart = true
            var endOfRecord = false
            while i < n && !endOfRecord {
                let c = scalars[i]
                if atFieldStart && c == "\"" {
                    i += 1
                    var closed = false
                    while i < n {
                        let q = scalars[i]
                        if q == "\"" {
                            if i + 1 < n && scalars[i + 1] == "\"" {
                                field.append("\"")
                                i += 2
                                continue
                            }
                            i += 1
                            closed = true
                            break
                        }
                        if q == "\n" { line += 1 }
                        field.append(q)
                        i += 1
                    }
                    guard closed else { throw .unterminatedQuote(line: startLine) }
                    atFieldStart = false
                    if i < n && !(scalars[i] == "," || scalars[i] == "\n" || scalars[i] == "\r") {
                        throw .textAfterQuote(line: line)
                    }
                    continue
                }
                atFieldStart = false
                switch c {
                case ",":
                    fields.append(String(field))
                    field = String.UnicodeScalarView()
                    atFieldStart = true
                    i += 1
                case "\r":
                    i += 1
                    if i < n && scalars[i] == "\n" { i += 1 }
                    line += 1
                    endOfRecord = true
                case "\n":
                    i += 1
                    line += 1
                    endOfRecord = true
                default:
                    field.append(c)
                    i += 1
                }
            }
            fields.append(String(field))
            if !(fields.count == 1 && fields[0].isEmpty) {
                out.append(Record(line: startLine, fields: fields))
            }
        }
        return out
    }

    public func makeIterator() -> [Record].Iterator {
        ((try? records()) ?? []).makeIterator()
    }
}
